"""What a content file or a draft may not change about an item already published.

Answers are recorded against question ids, and survey respondents under a key that depends on
the survey's anonymity, so two changes would spoil what is already recorded:

- a question's type: results, exports and item analysis tally answers by question id across
  versions, so an id keeps the type it was first published with (the way out: a new question,
  with a new id);
- a survey's `anonymous` once it has responses: named and anonymous rows would mix and the
  respondent keys would change, letting one person answer twice (the way out: a new survey,
  with a new id).

`flask content check/load`, the content import and the browser editor's "Xuất bản" all ask
`conflicts`; its errors are the schema's SchemaError, so that each names its field and has a
Vietnamese form in services/content/schema_messages.py.
"""

from sqlalchemy import func, select

from extensions import db
from models import Quiz, Survey, SurveyResponse
from services.content.schema import Report


def conflicts(data, path: str) -> list:
    """The changes `data` (a parsed content file or a draft, valid or not) would make to the
    published item with its id that recorded answers cannot survive; empty when none."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return []
    report = Report(path)
    if data.get("kind") == "survey":
        survey = Survey.query.filter_by(slug=data["id"]).one_or_none()
        if survey is not None:
            _anonymity(report, survey, data.get("anonymous", False))
            _question_types(report, survey.versions, data.get("questions"), "questions")
    else:
        quiz = Quiz.query.filter_by(slug=data["id"]).one_or_none()
        section = data.get("quiz")
        questions = section.get("questions") if isinstance(section, dict) else None
        if quiz is not None:
            _question_types(report, quiz.versions, questions, "quiz.questions")
    return report.errors


def _anonymity(report: Report, survey: Survey, anonymous) -> None:
    if not isinstance(anonymous, bool) or anonymous == survey.anonymous:
        return  # not a yes/no: the schema says so
    responses = db.session.scalar(
        select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey.id)
    )
    if responses:
        report.add(
            "anonymous",
            "cannot change from {old} to {new}: the survey already has {n} response(s), and "
            "named and anonymous answers must not mix; make a new survey (with a new id) instead",
            old=str(survey.anonymous).lower(),
            new=str(anonymous).lower(),
            n=responses,
        )


def published_types(versions) -> dict[str, str]:
    """Each question id any of these versions published, with its type (the newest's)."""
    types: dict[str, str] = {}
    for version in versions:  # oldest first
        for question in version.questions:
            types[question["id"]] = question["type"]
    return types


def _question_types(report: Report, versions, questions, base: str) -> None:
    if not versions or not isinstance(questions, list):
        return
    published = published_types(versions)
    for i, question in enumerate(questions):
        if not isinstance(question, dict):
            continue
        qid, qtype = question.get("id"), question.get("type")
        old = published.get(qid) if isinstance(qid, str) else None
        if old is not None and isinstance(qtype, str) and qtype != old:
            report.add(
                f"{base}[{i}].type",
                "cannot change from {old} to {new}: question {qid!r} was published as {old} "
                "and its answers are kept by id; add a new question (with a new id) instead",
                old=old,
                new=qtype,
                qid=qid,
            )
