"""Survey forms built from a survey version's questions, and their answers as `Given`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from blueprints.learn.forms import (
    AnswerForm,
    MultiCheckboxField,
    SingleChoiceField,
    _choice_in_list,
    form_class_for,
    required_answer,
)
from services.common.text import clean_line, clean_text
from services.common.vietnamese import parse_number, vn_number
from services.content.localize import localized_question
from services.content.survey_labels import LIKERT_LABELS
from services.content.survey_schema import OTHER
from services.participation.survey_responses import (
    OTHER_TEXT_LENGTH,
    Given,
    applicable,
    asked_questions,
    exclusive_ids,
    question_max_length,
)

OTHER_LABEL = _l("Khác (ghi rõ)")


def field_name(question_id: str) -> str:
    return f"s_{question_id.replace('-', '_')}"


def other_name(question_id: str) -> str:
    """The text of a question's "other" choice: a prefix of its own, so that no question id
    (say "nguon-other" beside "nguon") can name the same field."""
    return f"o_{question_id.replace('-', '_')}"


def likert_labels(texts: dict) -> list:
    return list(texts.get("labels") or LIKERT_LABELS)


def _number_rule(question: dict):
    low, high = question.get("min"), question.get("max")

    def check(form, field):
        if not (field.data or "").strip():
            return
        value = parse_number(field.data)
        if value is None:
            raise ValidationError(_l("Vui lòng nhập một con số, ví dụ 12 hoặc 2,5."))
        if question.get("integer") and value != int(value):
            raise ValidationError(_l("Vui lòng nhập số nguyên (không có phần lẻ)."))
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValidationError(
                _l("Vui lòng nhập số từ %(low)s đến %(high)s.", low=_bound(low), high=_bound(high))
            )

    return check


def _bound(value) -> str:
    return "…" if value is None else vn_number(value)


def _length(limit: int):
    def check(form, field):
        if len((field.data or "").strip()) > limit:
            raise ValidationError(_l("Câu trả lời dài quá %(max)d ký tự.", max=limit))

    return check


def _other_needed(question_id: str):
    """The "other" choice needs its text."""

    def check(form, field):
        chosen = form[field_name(question_id)].data
        chosen = chosen if isinstance(chosen, list) else [chosen]
        if OTHER in chosen and not (field.data or "").strip():
            raise ValidationError(_l("Vui lòng ghi rõ ý “Khác” của bạn."))

    return check


def _chosen(form, questions: list[dict]) -> dict[str, Given]:
    """The choices ticked on the form, enough to say which questions were asked."""
    chosen = {}
    for question in questions:
        if question["type"] in ("single", "multiple"):
            data = form[field_name(question["id"])].data
            chosen[question["id"]] = Given(
                choices=tuple(data if isinstance(data, list) else ([data] if data else []))
            )
    return chosen


def asked_on_form(form, questions: list[dict]) -> set[str]:
    """The ids of the questions the form's own answers ask (survey_responses.asked_questions)."""
    return {q["id"] for q in asked_questions(questions, _chosen(form, questions))}


def _only_when_asked(question_id: str, questions: list[dict]):
    """A conditional question whose condition does not hold is not asked: its answer is
    neither checked nor required (and the service ignores it)."""

    def check(form, field):
        if question_id not in asked_on_form(form, questions):
            field.errors[:] = []
            raise StopValidation()

    return check


def _exclusive_alone(question: dict, labels: dict):
    """An exclusive choice ("Chưa dùng cách nào") is not ticked with any other."""
    exclusive = exclusive_ids(question)

    def check(form, field):
        chosen = field.data or []
        alone = [c for c in chosen if c in exclusive]
        if len(chosen) > 1 and alone:
            raise ValidationError(
                _l(
                    "Ý “%(choice)s” không chọn cùng các ý khác được. Hãy bỏ chọn ý này, hoặc "
                    "bỏ các ý còn lại.",
                    choice=labels.get(alone[0], alone[0]),
                )
            )

    return check


def exclusive_conflict(form, questions: list[dict]) -> bool:
    """Whether an asked question holds an exclusive choice with another (a 422, not a 400)."""
    asked = asked_on_form(form, questions)
    for question in questions:
        exclusive = exclusive_ids(question)
        if exclusive and question["id"] in asked:
            chosen = form[field_name(question["id"])].data or []
            if len(chosen) > 1 and exclusive & set(chosen):
                return True
    return False


def survey_form_class_for(version, lang: str) -> type[FlaskForm]:
    return form_class_for(version, lang, survey_form_class)


def survey_form_class(definition: dict, lang: str) -> type[FlaskForm]:
    class SurveyForm(AnswerForm):
        pass

    questions = definition["questions"]
    for number, question in enumerate(questions, start=1):
        texts = localized_question(definition, question, lang)
        validators = [required_answer(number)] if question.get("required", True) else []
        when = [_only_when_asked(question["id"], questions)] if question.get("show_if") else []
        validators = when + validators
        kind, name = question["type"], field_name(question["id"])
        if kind == "likert":
            choices = [(str(i), label) for i, label in enumerate(likert_labels(texts), start=1)]
            field = SingleChoiceField(
                texts["text"],
                choices=choices,
                validators=[*validators, _choice_in_list],
                validate_choice=False,
            )
        elif kind in ("single", "multiple"):
            choices = list(texts["choices"].items())
            if question.get("other"):
                choices.append((OTHER, texts.get("other") or OTHER_LABEL))
                setattr(
                    SurveyForm,
                    other_name(question["id"]),
                    StringField(
                        texts.get("other") or OTHER_LABEL,
                        validators=[
                            *when,
                            _other_needed(question["id"]),
                            _length(OTHER_TEXT_LENGTH),
                        ],
                        filters=[clean_line],
                    ),
                )
            field_class = MultiCheckboxField if kind == "multiple" else SingleChoiceField
            alone = [_exclusive_alone(question, dict(choices))] if exclusive_ids(question) else []
            field = field_class(
                texts["text"],
                choices=choices,
                validators=[*validators, _choice_in_list, *alone],
                validate_choice=False,
            )
        elif kind == "number":
            field = StringField(texts["text"], validators=[*validators, _number_rule(question)])
        else:
            field = TextAreaField(
                texts["text"],
                validators=[*validators, _length(question_max_length(question))],
                filters=[clean_text],
            )
        setattr(SurveyForm, name, field)
    return SurveyForm


def given_from_form(form, questions: list[dict]) -> dict[str, Given]:
    """The validated form as answers for the survey service (only the questions asked)."""
    answers = {}
    for question in questions:
        qid, kind = question["id"], question["type"]
        data = form[field_name(qid)].data
        if kind in ("likert", "single", "multiple"):
            chosen = data if isinstance(data, list) else ([data] if data else [])
            chosen = list(dict.fromkeys(chosen))  # a tampered form may repeat a choice
            other = form[other_name(qid)].data or "" if question.get("other") else ""
            answers[qid] = Given(choices=tuple(chosen), other=other if OTHER in chosen else "")
        elif kind == "number":
            answers[qid] = Given(number=parse_number(data or ""))
        else:
            answers[qid] = Given(text=(data or "").strip())
    return applicable(questions, answers)  # a question not asked keeps no answer


def form_data_from_given(given: dict[str, Given], questions: list[dict]) -> dict:
    """Stored answers as form data, to edit a response."""
    data = {}
    for question in questions:
        qid, kind = question["id"], question["type"]
        answer = given.get(qid)
        if answer is None:
            continue
        if kind == "multiple":
            data[field_name(qid)] = list(answer.choices)
        elif kind in ("likert", "single"):
            data[field_name(qid)] = answer.choices[0] if answer.choices else None
        elif kind == "number":
            data[field_name(qid)] = vn_number(answer.number, 3) if answer.number is not None else ""
        else:
            data[field_name(qid)] = answer.text
        if question.get("other"):
            data[other_name(qid)] = answer.other
    return data
