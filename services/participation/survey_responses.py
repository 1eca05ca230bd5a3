"""Answering surveys: one response per respondent, edited in place, idempotent submits.

Answers are checked here against the version's questions whatever sent them (the form, or a
replay), so nothing outside a question's choices, range or length is ever stored.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Participant, Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from models.base import utcnow
from services.common.errors import InvalidInput
from services.content.survey_schema import OTHER, TEXT_MAX_LENGTH
from services.participation import attempts as participation

DEFAULT_TEXT_LENGTH = 500
OTHER_TEXT_LENGTH = 200


@dataclass(frozen=True)
class Given:
    """What a respondent gave to one question (only the parts its kind uses)."""

    choices: tuple[str, ...] = ()
    other: str = ""
    number: float | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.choices and self.number is None and not self.text.strip()


class InvalidSurveyAnswer(InvalidInput):
    """An answer the question does not allow (a tampered form or a stale replay): errors
    {question id: code}."""

    @property
    def question_id(self) -> str:
        return self.field


class SurveyClosed(Exception):
    """The survey does not accept answers today (not yet open, or closed)."""


class StaleForm(Exception):
    """The response changed after this form was made (another tab, or an old form sent again):
    applying it would silently undo the newer answers."""


@dataclass(frozen=True)
class ResponseSubmission:
    survey: Survey
    version: SurveyVersion
    respondent_key: str
    participant: Participant | None
    unit_id: int | None
    poster_id: int | None
    token: str
    answers: dict[str, Given] = field(default_factory=dict)
    # The response's revision when the form was made (0: there was no response yet).
    base_revision: int = 0
    # When it was answered, for answers sent late from a phone without signal (naive UTC,
    # already bounded by the caller); None: now. Named surveys keep it as their exact times.
    answered_at: dt.datetime | None = None


# An anonymous respondent key: the hex SHA-256 that respondent_key makes.
ANONYMOUS_KEY = re.compile(r"[0-9a-f]{64}")


def is_anonymous_key(value) -> bool:
    return isinstance(value, str) and ANONYMOUS_KEY.fullmatch(value) is not None


def respondent_key(survey: Survey, participant: Participant | None, device_token: str) -> str:
    """Who may hold one response. Named surveys: the participant. Anonymous surveys: a one-way
    hash of the device's secret cookie token, which the database does not hold, so no stored
    row links an anonymous response to a person."""
    if not survey.anonymous and participant is not None:
        return f"p{participant.id}"
    return hashlib.sha256(f"survey:{survey.slug}:{device_token}".encode()).hexdigest()


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


def find_response(survey: Survey, key: str) -> SurveyResponse | None:
    return SurveyResponse.query.filter_by(survey_id=survey.id, respondent_key=key).one_or_none()


def question_max_length(question: dict) -> int:
    return question.get("max_length", DEFAULT_TEXT_LENGTH)


def condition_met(question: dict, answers: dict[str, Given], asked: set[str]) -> bool:
    """Whether `question` is asked: it has no `show_if`, or its earlier question was asked and
    the answer to it holds one of the condition's choices."""
    rule = question.get("show_if")
    if not isinstance(rule, dict):
        return True
    earlier = rule.get("question")
    given = answers.get(earlier)
    if earlier not in asked or given is None:
        return False
    return bool(set(given.choices) & set(rule.get("choices") or ()))


def asked_questions(questions: list[dict], answers: dict[str, Given]) -> list[dict]:
    """The questions these answers were asked, in order: a conditional question whose
    condition does not hold is not asked (its answer is ignored and never required)."""
    asked: list[dict] = []
    ids: set[str] = set()
    for question in questions:
        if condition_met(question, answers, ids):
            asked.append(question)
            ids.add(question["id"])
    return asked


def applicable(questions: list[dict], answers: dict[str, Given]) -> dict[str, Given]:
    """The answers to the questions that were asked (the others are dropped unread)."""
    ids = {q["id"] for q in asked_questions(questions, answers)}
    return {qid: given for qid, given in answers.items() if qid in ids}


def answer_rows(version: SurveyVersion, answers: dict[str, Given]) -> list[dict]:
    """The rows to store for these answers; raises InvalidSurveyAnswer. Answers to a question
    whose `show_if` does not hold are ignored."""
    unknown = set(answers) - {q["id"] for q in version.questions}
    if unknown:
        raise InvalidSurveyAnswer.of(sorted(unknown)[0], "not_a_question")
    rows = []
    for question in asked_questions(version.questions, answers):
        given = answers.get(question["id"], Given())
        if given.empty:
            if question.get("required", True):
                raise InvalidSurveyAnswer.of(question["id"], "required")
            continue
        rows.extend(_rows_for(question, given))
    return rows


def _rows_for(question: dict, given: Given) -> list[dict]:
    """The rows of one given answer, checked against its question's kind."""
    return ROWS_BY_KIND.get(question["type"], _text_rows)(question, given)


def _likert_rows(question: dict, given: Given) -> list[dict]:
    if len(given.choices) != 1 or given.choices[0] not in {"1", "2", "3", "4", "5"}:
        raise InvalidSurveyAnswer.of(question["id"], "likert_point")
    return [{"question_id": question["id"], "choice_id": given.choices[0]}]


def _choice_rows(question: dict, given: Given) -> list[dict]:
    qid = question["id"]
    allowed = {c["id"] for c in question["choices"]} | ({OTHER} if question.get("other") else set())
    chosen = given.choices
    if any(c not in allowed for c in chosen) or len(set(chosen)) != len(chosen):
        raise InvalidSurveyAnswer.of(qid, "unknown_choice")
    if question["type"] == "single" and len(chosen) != 1:
        raise InvalidSurveyAnswer.of(qid, "one_choice")
    if len(chosen) > 1 and exclusive_ids(question) & set(chosen):
        raise InvalidSurveyAnswer.of(qid, "exclusive_with_others")
    other = given.other.strip()
    if OTHER in chosen and not other:
        raise InvalidSurveyAnswer.of(qid, "other_text_missing")
    if len(other) > OTHER_TEXT_LENGTH:
        raise InvalidSurveyAnswer.of(qid, "other_text_too_long")
    return [
        {"question_id": qid, "choice_id": c, "text_value": other if c == OTHER else None}
        for c in chosen
    ]


def exclusive_ids(question: dict) -> set[str]:
    """The choices of a multiple choice question that stand alone ("Chưa dùng cách nào")."""
    if question.get("type") != "multiple":
        return set()
    return {c["id"] for c in question.get("choices") or [] if c.get("exclusive") is True}


def _number_rows(question: dict, given: Given) -> list[dict]:
    qid, value = question["id"], given.number
    if value is None or value != value or abs(value) == float("inf"):
        raise InvalidSurveyAnswer.of(qid, "not_a_number")
    if question.get("integer") and value != int(value):
        raise InvalidSurveyAnswer.of(qid, "not_whole")
    if ("min" in question and value < question["min"]) or (
        "max" in question and value > question["max"]
    ):
        raise InvalidSurveyAnswer.of(qid, "out_of_range")
    return [{"question_id": qid, "number_value": value}]


def _text_rows(question: dict, given: Given) -> list[dict]:
    text = given.text.strip()
    if len(text) > min(question_max_length(question), TEXT_MAX_LENGTH):
        raise InvalidSurveyAnswer.of(question["id"], "text_too_long")
    return [{"question_id": question["id"], "text_value": text}]


ROWS_BY_KIND = {
    "likert": _likert_rows,
    "single": _choice_rows,
    "multiple": _choice_rows,
    "number": _number_rows,
}


def given_from_response(response: SurveyResponse) -> dict[str, Given]:
    """A stored response as the answers it was given (to fill the form for an edit)."""
    parts: dict[str, dict] = {}
    for answer in response.answers:
        part = parts.setdefault(answer.question_id, {"choices": []})
        if answer.choice_id is not None:
            part["choices"].append(answer.choice_id)
            if answer.choice_id == OTHER:
                part["other"] = answer.text_value or ""
        elif answer.number_value is not None:
            part["number"] = answer.number_value
        else:
            part["text"] = answer.text_value or ""
    return {
        qid: Given(
            choices=tuple(p["choices"]),
            other=p.get("other", ""),
            number=p.get("number"),
            text=p.get("text", ""),
        )
        for qid, p in parts.items()
    }


def submit_response(sub: ResponseSubmission, today: dt.date) -> tuple[SurveyResponse, bool]:
    """Record or replace the respondent's response. Returns (response, changed).

    The same form sent twice (same token), or the same answers sent again, change nothing. A
    form made before the response last changed (an old form sent again after an edit, a second
    tab) raises StaleForm rather than undo the newer answers. Racing submits end as one
    response: the unique (survey, respondent) constraint settles two first answers, and an
    edit applies only if the revision it read is still the stored one. Raises SurveyClosed and
    InvalidSurveyAnswer too.
    """
    if not sub.survey.is_open(today):
        raise SurveyClosed()
    rows = answer_rows(sub.version, sub.answers)
    for _ in range(3):
        existing = _locked_response(sub)
        if existing is not None:
            if existing.submission_token == sub.token or _same_answers(existing, sub, rows):
                return existing, False
            if sub.base_revision < existing.revision:
                raise StaleForm()
            if _update(existing, sub, rows, today):
                return existing, True
            continue  # another request changed it since it was read: look again
        when = None if sub.survey.anonymous else _answered_at(sub)
        response = SurveyResponse(
            survey_id=sub.survey.id,
            survey_version_id=sub.version.id,
            respondent_key=sub.respondent_key,
            participant_id=None if sub.survey.anonymous else sub.participant.id,
            unit_id=sub.unit_id,
            poster_id=sub.poster_id,
            submission_token=sub.token,
            revision=1,
            submitted_on=today,
            submitted_at=when,
            updated_at=when,
        )
        try:
            with db.session.begin_nested():
                db.session.add(response)
                db.session.flush()
        except IntegrityError:
            continue  # another request created it first: see what it holds
        _replace_answers(response, rows)
        _count_reach(sub)
        return response, True
    raise participation.SubmitConflict()


def _locked_response(sub: ResponseSubmission) -> SurveyResponse | None:
    return db.session.scalars(
        select(SurveyResponse)
        .where(
            SurveyResponse.survey_id == sub.survey.id,
            SurveyResponse.respondent_key == sub.respondent_key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


ROW_KEYS = ("question_id", "choice_id", "number_value", "text_value")


def _same_answers(response: SurveyResponse, sub: ResponseSubmission, rows: list[dict]) -> bool:
    """Whether the response already holds exactly these answers to this version (the edit
    form sent again unchanged, e.g. after the back button: not a new revision)."""
    if response.survey_version_id != sub.version.id:
        return False
    stored = sorted((tuple(getattr(a, k) for k in ROW_KEYS) for a in response.answers), key=repr)
    given = sorted((tuple(row.get(k) for k in ROW_KEYS) for row in rows), key=repr)
    return stored == given


def _update(response: SurveyResponse, sub: ResponseSubmission, rows: list[dict], today) -> bool:
    """Apply an edit if the response is still at the revision read (compare and set: SQLite
    reads outside the write transaction). False if another request changed it first."""
    changed = db.session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id == response.id, SurveyResponse.revision == response.revision)
        .values(
            survey_version_id=sub.version.id,
            submission_token=sub.token,
            revision=SurveyResponse.revision + 1,
            submitted_on=today,
            updated_at=None if sub.survey.anonymous else _answered_at(sub),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    _replace_answers(response, rows)
    db.session.expire(response)
    return True


def _answered_at(sub: ResponseSubmission) -> dt.datetime:
    return sub.answered_at if sub.answered_at is not None else utcnow()


def _replace_answers(response: SurveyResponse, rows: list[dict]) -> None:
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
    if rows:
        db.session.execute(
            insert(SurveyAnswer), [{"response_id": response.id, **row} for row in rows]
        )
    db.session.expire(response, ["answers"])


def shows_reach(definition: dict, answers: dict[str, Given]) -> bool:
    """Whether these answers show the person received the information: any answer, unless the
    survey's `reach` block names the question and the choices that count."""
    rule = definition.get("reach")
    if not isinstance(rule, dict):
        return True
    given = answers.get(rule.get("question"))
    return given is not None and bool(set(given.choices) & set(rule.get("choices") or ()))


def _count_reach(sub: ResponseSubmission) -> None:
    """Answering a reach survey with an answer that shows the information arrived counts the
    respondent as reached, wherever they came from, when they answered."""
    if not sub.survey.counts_as_reach or sub.survey.anonymous or sub.participant is None:
        return
    answers = applicable(sub.version.questions, sub.answers)
    if shows_reach(sub.version.definition, answers):
        participation.record_visit(
            sub.participant,
            sub.survey,
            sub.poster_id,
            counts_reach=True,
            visited_at=_answered_at(sub),
        )


def open_surveys(today: dt.date) -> list[Survey]:
    """Surveys accepting answers today, in content order."""
    surveys = Survey.query.filter_by(status="published").order_by(Survey.position).all()
    return [s for s in surveys if s.is_open(today)]
