"""The science task form. Fields only parse what was typed (with Vietnamese messages, since
WTForms has no Vietnamese catalog); the rules are in services.reporting.science.check."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from blueprints.common.fields import DayField
from services.common.vocabulary import TASK_STATUS_LABELS, choices


class ScienceTaskForm(FlaskForm):
    """One state-funded science and technology task."""

    name = StringField(_l("Tên nhiệm vụ"))
    owner = StringField(_l("Chủ nhiệm, đơn vị chủ trì"))
    budget_source = StringField(_l("Nguồn kinh phí"))
    status = SelectField(
        _l("Tình trạng"), choices=choices(TASK_STATUS_LABELS), coerce=str, validate_choice=False
    )
    published_on = DayField(_l("Ngày công khai"))
    publication_link = StringField(_l("Đường dẫn công khai"))
    summary = TextAreaField(_l("Tóm tắt"))
