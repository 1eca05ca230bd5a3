"""The activity form. Fields only parse what was typed (with Vietnamese messages, since
WTForms has no Vietnamese catalog); the rules are in services.reporting.activities.check."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from blueprints.common.fields import DayField, WholeNumberField

KIND_LABELS = {
    "article": _l("Bài viết trên trang thông tin điện tử xã"),
    "social_post": _l("Bài đăng Zalo/Facebook"),
    "loudspeaker": _l("Phát thanh trên hệ thống loa"),
    "meeting": _l("Hội nghị, tọa đàm"),
    "training": _l("Lớp tập huấn"),
    "competition": _l("Cuộc thi"),
    "other": _l("Khác"),
}


class ActivityForm(FlaskForm):
    """One communication activity of a unit."""

    unit_id = SelectField(_l("Đơn vị"), coerce=str, validate_choice=False)
    kind = SelectField(
        _l("Hình thức"), choices=list(KIND_LABELS.items()), coerce=str, validate_choice=False
    )
    held_on = DayField(_l("Ngày thực hiện"))
    title = StringField(_l("Tiêu đề hoặc nội dung chính"))
    count = WholeNumberField(_l("Số lượng (bài, buổi, lượt phát…)"), default=1)
    people_reached = WholeNumberField(_l("Số người được tiếp cận"))
    notes = TextAreaField(_l("Ghi chú"))
    link = StringField(_l("Đường dẫn (nếu có)"))


class DeleteForm(FlaskForm):
    """A delete button: only the CSRF token."""
