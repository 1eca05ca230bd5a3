"""The editable parts of a half-year report."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from blueprints.common.fields import DayField

# Who signs (services.reporting.half_year.SIGNATURES prints the lines each one gives).
CAPACITIES = [
    ("chairman", _l("Chủ tịch ký: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")),
    ("deputy", _l("Phó Chủ tịch ký thay: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")),
]


class HalfYearForm(FlaskForm):
    period_key = SelectField(_l("Kỳ báo cáo"), validate_choice=False)
    number = StringField(
        _l("Số ký hiệu (ví dụ 125/BC-UBND)"),
        validators=[InputRequired(_l("Nhập số ký hiệu.")), Length(max=40)],
    )
    report_date = DayField(_l("Ngày báo cáo"), validators=[InputRequired(_l("Nhập ngày."))])
    results_text = TextAreaField(_l("Đánh giá chung về kết quả"), validators=[Length(max=20000)])
    difficulties = TextAreaField(_l("Khó khăn, vướng mắc"), validators=[Length(max=20000)])
    proposals = TextAreaField(_l("Đề xuất, kiến nghị"), validators=[Length(max=20000)])
    signer_capacity = RadioField(_l("Người ký"), choices=CAPACITIES, default="chairman")
    signer_name = StringField(_l("Họ tên người ký"), validators=[Length(max=120)])
    recipients = TextAreaField(
        _l("Nơi nhận (mỗi dòng một nơi)"), validators=[InputRequired(), Length(max=3000)]
    )
    refresh = BooleanField(_l("Cập nhật lại số liệu theo dữ liệu hiện tại"))


class SubmitForm(FlaskForm):
    """Sending the report to Sở KH&CN: a box to tick, since a sent version never changes."""

    confirm = BooleanField(
        _l("Tôi đã kiểm tra báo cáo; sau khi gửi, bản đã gửi không sửa được nữa."),
        validators=[InputRequired(_l("Đánh dấu ô xác nhận trước khi gửi."))],
    )


class CorrectionForm(FlaskForm):
    """Sending the report as it now stands as a new version, saying what changed."""

    note = TextAreaField(_l("Nội dung sửa đổi (bắt buộc)"))
    confirm = BooleanField(
        _l("Tôi xác nhận gửi bản sửa đổi thay thế bản đã gửi."),
        validators=[InputRequired(_l("Đánh dấu ô xác nhận trước khi gửi."))],
    )
