"""Nominating a class, village or person for a period, and removing a nomination."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from services.common.vocabulary import NOMINEE_KIND_LABELS, choices
from services.reporting.recognition import MAX_REASON


class NominationForm(FlaskForm):
    period_key = HiddenField(validators=[InputRequired(_l("Chọn kỳ."))])
    subject_kind = SelectField(
        _l("Đối tượng"),
        choices=choices(NOMINEE_KIND_LABELS),
        validators=[InputRequired(_l("Chọn đối tượng."))],
    )
    subject_id = IntegerField(
        _l("Mã đối tượng"),
        validators=[
            InputRequired(_l("Chọn đối tượng.")),
            NumberRange(min=1, max=2_000_000_000, message=_l("Đối tượng không hợp lệ.")),
        ],
    )
    reason = StringField(
        _l("Lý do đề nghị"),
        validators=[
            InputRequired(_l("Nhập lý do đề nghị.")),
            Length(max=MAX_REASON, message=_l("Lý do dài quá %(max)d ký tự.")),
        ],
    )


class RemoveForm(FlaskForm):
    """A remove button: only the CSRF token."""
