"""The activity forms. Fields only parse what was typed (with Vietnamese messages, since
WTForms has no Vietnamese catalog); the rules are in services.reporting.activities.check and,
for evidence, services.reporting.evidence.check_upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from blueprints.common.fields import DayField, WholeNumberField
from services.common.vocabulary import ACTIVITY_KIND_LABELS, EVIDENCE_KIND_LABELS, choices


def _evidence_kind():
    return SelectField(
        _l("Loại minh chứng"),
        choices=choices(EVIDENCE_KIND_LABELS),
        coerce=str,
        validate_choice=False,
        default="photo",
    )


class ActivityForm(FlaskForm):
    """One communication activity of a unit (and, when filing, an optional first evidence)."""

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
    evidence_kind = _evidence_kind()
    evidence = FileField(_l("Minh chứng (ảnh hoặc biên bản, nếu có)"))


class EvidenceForm(FlaskForm):
    """One photo or the minutes, attached to an activity."""

    evidence_kind = _evidence_kind()
    evidence = FileField(_l("Tệp minh chứng"))


class DeleteForm(FlaskForm):
    """A delete button: only the CSRF token."""
