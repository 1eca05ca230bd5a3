"""The activity form. Fields only parse what was typed (with Vietnamese messages, since
WTForms has no Vietnamese catalog); the rules are in services.reporting.activities.check."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from blueprints.common.fields import DayField, WholeNumberField
from services.common.vocabulary import ACTIVITY_KIND_LABELS, choices


class ActivityForm(FlaskForm):
    """One communication activity of a unit."""

    unit_id = SelectField(_l("Đơn vị"), coerce=str, validate_choice=False)
    kind = SelectField(
        _l("Hình thức"), choices=choices(ACTIVITY_KIND_LABELS), coerce=str, validate_choice=False
    )
    held_on = DayField(_l("Ngày thực hiện"))
    title = StringField(_l("Tiêu đề hoặc nội dung chính"))
    count = WholeNumberField(_l("Số lượng (bài, buổi, lượt phát…)"), default=1)
    people_reached = WholeNumberField(_l("Số người được tiếp cận"))
    notes = TextAreaField(_l("Ghi chú"))
    link = StringField(_l("Đường dẫn (nếu có)"))


class DeleteForm(FlaskForm):
    """A delete button: only the CSRF token."""
