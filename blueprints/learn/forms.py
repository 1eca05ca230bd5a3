"""Learner forms: the identity form and quiz forms built from a quiz version's questions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from models.people import UNDER_16
from services.common.text import clean_line
from services.common.vocabulary import AGE_LABELS, ROLE_LABELS
from services.content.localize import localized_question
from services.participation.catalog import shown_order
from services.participation.identity import NAME_MAX
from services.participation.scoring import TRUE_FALSE_CHOICES


def _choice_in_list(form, field):
    """Vietnamese message for a value outside the offered choices (a tampered form)."""
    values = field.data if isinstance(field.data, list) else [field.data]
    allowed = {str(value) for value, _label in field.choices}
    if any(str(v) not in allowed for v in values if v not in (None, "")):
        raise ValidationError(_l("Lựa chọn không hợp lệ. Vui lòng chọn lại."))


class IdentityForm(FlaskForm):
    """First visit: who is taking part (no account, no password)."""

    display_name = StringField(
        _l("Họ và tên (hoặc tên thường gọi)"),
        validators=[
            Length(max=NAME_MAX, message=_l("Tên dài quá %(max)d ký tự.", max=NAME_MAX)),
        ],
        filters=[clean_line],  # the limit counts the NFC name people see
    )
    # Students joining a class with a roster pick their name instead of typing it.
    roster_entry = SelectField(
        _l("Chọn tên của em trong danh sách lớp"), coerce=str, validate_choice=False
    )
    # What the pupil knows and the class link does not carry: their number on the class list.
    list_number = StringField(
        _l("Số thứ tự của em trong danh sách lớp"), filters=[lambda v: (v or "").strip()]
    )
    role = RadioField(_l("Bạn là"), choices=list(ROLE_LABELS.items()), validate_choice=False)
    unit_id = SelectField(
        _l("Thôn, cơ quan hoặc nơi làm việc"),
        coerce=str,
        validate_choice=False,
    )
    age_band = RadioField(
        _l("Độ tuổi"),
        choices=list(AGE_LABELS.items()),
        validators=[InputRequired(_l("Vui lòng chọn độ tuổi."))],
        validate_choice=False,
    )
    guardian_consent = BooleanField(
        _l("Bố mẹ, người giám hộ hoặc thầy cô đã đồng ý cho em tham gia.")
    )
    next = HiddenField()

    def validate_display_name(self, field):
        if not self.roster_entry.data and not (field.data or "").strip():
            raise ValidationError(_l("Vui lòng nhập tên của bạn."))

    def validate_roster_entry(self, field):
        if field.data:
            _choice_in_list(self, field)

    def validate_list_number(self, field):
        if not self.roster_entry.data:
            return
        if not field.data:
            raise ValidationError(_l("Vui lòng nhập số thứ tự của em trong danh sách lớp."))
        if not (field.data.isascii() and field.data.isdigit() and len(field.data) <= 3):
            raise ValidationError(_l("Số thứ tự là một số, ví dụ 7."))

    def validate_role(self, field):
        if self.fixed_unit is None:
            if not field.data:
                raise ValidationError(_l("Vui lòng chọn bạn là ai."))
            _choice_in_list(self, field)

    def validate_age_band(self, field):
        _choice_in_list(self, field)

    def validate_unit_id(self, field):
        if self.fixed_unit is None:
            if not field.data:
                raise ValidationError(_l("Vui lòng chọn thôn hoặc nơi làm việc của bạn."))
            _choice_in_list(self, field)

    def validate_guardian_consent(self, field):
        if self.age_band.data != UNDER_16 or field.data:
            return
        if self.fixed_unit is not None or self.role.data == "student":
            raise ValidationError(
                _l("Học sinh dưới 16 tuổi cần bố mẹ hoặc thầy cô đồng ý trước khi tham gia.")
            )
        raise ValidationError(
            _l("Người dưới 16 tuổi cần bố mẹ hoặc người giám hộ đồng ý trước khi tham gia.")
        )

    fixed_unit = None  # a class joined through /c/<code>: the unit is not chosen


def unit_choices(places) -> list[tuple[str, str]]:
    """Choices for the unit select (id, label pairs), the placeholder first."""
    return [("", _l("— Chọn —"))] + [(str(unit_id), label) for unit_id, label in places]


class SingleChoiceField(RadioField):
    """A radio group that refuses a form carrying two values for it (a tampered form)."""

    def process_formdata(self, valuelist):
        if len(valuelist) > 1:
            raise ValueError(_l("Lựa chọn không hợp lệ. Vui lòng chọn lại."))
        super().process_formdata(valuelist)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def required_answer(number: int):
    """Validator: question `number` has an answer (blank text counts as none)."""
    message = _l("Bạn chưa trả lời câu %(n)d.", n=number)

    def check(form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            raise ValidationError(message)

    return check


class AnswerForm(FlaskForm):
    """Base of quiz and survey forms: the idempotency token of this rendering of the form."""

    submission_token = HiddenField(validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])


_form_classes: dict[tuple, type[FlaskForm]] = {}


def form_class_for(version, lang: str, build) -> type[FlaskForm]:
    """The form class of a quiz or survey version, built once per process by
    `build(definition, lang)` (published versions never change)."""
    key = (type(version).__name__, version.id, version.content_hash, lang)
    if key not in _form_classes:
        _form_classes[key] = build(version.definition, lang)
    return _form_classes[key]


def quiz_form_class_for(version, lang: str) -> type[FlaskForm]:
    return form_class_for(version, lang, quiz_form_class)


def quiz_form_class(definition: dict, lang: str) -> type[FlaskForm]:
    """A form class with one field per question of a quiz version (no answer key inside).

    Each form puts its questions and choices in the order of its attempt (`shown`: question,
    field), seeded by its submission token, and numbers its messages as that order does.
    """

    class QuizForm(AnswerForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.shown = _arrange(self, definition, self.submission_token.data)

    for question in definition["questions"]:
        texts = localized_question(definition, question, lang)
        if question["type"] == "true_false":
            labels = {"true": _l("Đúng"), "false": _l("Sai")}
            choices = [(value, labels[value]) for value in TRUE_FALSE_CHOICES]
        else:
            choices = [(cid, text) for cid, text in texts["choices"].items()]
        field_class = MultiCheckboxField if question["type"] == "multiple" else SingleChoiceField
        field = field_class(texts["text"], choices=choices, validate_choice=False)
        setattr(QuizForm, field_name(question["id"]), field)
    return QuizForm


def _not_drawn(form, field):
    """An answer to a question of the bank that this attempt did not draw (a tampered form,
    or one made for another attempt)."""
    if field.data:
        raise ValidationError(NOT_DRAWN)


NOT_DRAWN = _l("Bài làm có câu trả lời cho một câu hỏi không có trong lần làm này.")


def _arrange(form: FlaskForm, definition: dict, seed: str | None) -> list[tuple]:
    """The questions this attempt drew, their choices in the order it shows them, numbered
    that way; the bank's other questions take no answer."""
    shown = []
    asked = set()
    for number, item in enumerate(shown_order(definition, seed), start=1):
        field = form[field_name(item.question["id"])]
        labels = dict(field.choices)
        field.choices = [(cid, labels[cid]) for cid in item.choice_ids]
        field.validators = [required_answer(number), _choice_in_list]
        shown.append((item.question, field))
        asked.add(item.question["id"])
    for question in definition["questions"]:
        if question["id"] not in asked:
            form[field_name(question["id"])].validators = [_not_drawn]
    return shown


def answers_not_drawn(form: FlaskForm) -> bool:
    """Whether the refused form answered a question its attempt did not draw."""
    return any(NOT_DRAWN in field.errors for field in form)


def quiz_answers(form: FlaskForm, version) -> dict[str, list[str]]:
    """The chosen choice ids per question id of a validated quiz form: the questions its
    attempt drew (form.shown), nothing else."""
    answers = {}
    for question, field in form.shown:
        value = field.data
        answers[question["id"]] = list(value if isinstance(value, list) else [value])
    return answers


def field_name(question_id: str) -> str:
    return f"q_{question_id.replace('-', '_')}"
