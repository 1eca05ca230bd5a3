"""Staff forms: a new class, a roster upload and its corrections, a deletion confirmation,
revoking and re-issuing a certificate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange


class NewClassForm(FlaskForm):
    school_id = SelectField(_l("Trường"), coerce=int, validators=[InputRequired()])
    grade = IntegerField(
        _l("Khối lớp"),
        validators=[
            InputRequired(_l("Nhập khối lớp.")),
            NumberRange(1, 12, _l("Khối lớp từ 1 đến 12.")),
        ],
    )
    name = StringField(
        _l("Tên lớp (ví dụ 7A)"),
        validators=[
            InputRequired(_l("Nhập tên lớp.")),
            Length(max=40, message=_l("Tên lớp quá dài.")),
        ],
    )
    students = IntegerField(
        _l("Sĩ số"),
        validators=[
            InputRequired(_l("Nhập sĩ số.")),
            NumberRange(1, 100, _l("Sĩ số từ 1 đến 100.")),
        ],
    )


class RosterForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách (CSV hoặc XLSX)"), validators=[FileRequired(_l("Chọn tệp."))]
    )


class ConfirmForm(FlaskForm):
    confirm = StringField(_l("Gõ XÓA để xác nhận"))


class RosterEntryForm(FlaskForm):
    """A pupil's name and date of birth, as the school's list has them (checked by the service)."""

    name = StringField(_l("Họ và tên"))
    date_of_birth = StringField(_l("Ngày sinh (ngày/tháng/năm, có thể để trống)"))


class MoveForm(FlaskForm):
    unit_id = SelectField(_l("Chuyển sang lớp"), coerce=str, validate_choice=False)


class RemoveForm(FlaskForm):
    confirm = BooleanField(_l("Tôi muốn xóa em này khỏi danh sách lớp."))


class RevokeCertificateForm(FlaskForm):
    """Revoke a certificate: the reason (shown on its verification page) and a confirmation."""

    reason = StringField(_l("Lý do thu hồi"))
    confirm = BooleanField(_l("Tôi đã kiểm tra và muốn thu hồi giấy chứng nhận này."))


class ReissueCertificateForm(FlaskForm):
    """Re-issue a certificate in the holder's corrected name."""

    name = StringField(_l("Họ và tên đúng của người được cấp"))
