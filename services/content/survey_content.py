"""Loading survey files into the database: a changed survey becomes a new version."""

from extensions import db
from models import Survey, SurveyVersion
from services.common.digest import digest
from services.content import resolve


def _definition(data: dict) -> dict:
    """What a survey version freezes: its questions and their translations."""
    translations = {
        lang: {"questions": texts["questions"]}
        for lang, texts in (data.get("translations") or {}).items()
        if texts.get("questions")
    }
    definition = {"questions": data["questions"], "translations": translations}
    if isinstance(data.get("reach"), dict):  # which answers count as reached, with its questions
        definition["reach"] = data["reach"]
    return definition


def _fields(data: dict, position: int) -> dict:
    return {
        "title": data["title"],
        "summary": data["summary"],
        "audience": data["audience"],
        "anonymous": data.get("anonymous", False),
        "counts_as_reach": bool(data.get("reach", False)),
        "opens_on": data.get("opens"),
        "closes_on": data.get("closes"),
        "translations": {
            lang: {k: v for k, v in texts.items() if k in ("title", "summary")}
            for lang, texts in (data.get("translations") or {}).items()
        },
        "position": position,
    }


def load_survey(data: dict, position: int, result, created_by=None) -> Survey:
    """Create or update one valid survey; `result` (a LoadResult) records what happened. A
    changed set of questions becomes a new version (by `created_by`, a StaffUser, when
    published in the browser). Returns the survey."""
    slug = data["id"]
    survey = Survey.query.filter_by(slug=slug).one_or_none()
    fields = _fields(data, position)
    if survey is None:
        survey = Survey(slug=slug, **fields)
        db.session.add(survey)
        result.created.append(slug)
    elif any(getattr(survey, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(survey, key, value)
        result.updated.append(slug)
    else:
        result.unchanged.append(slug)
    current = survey.current_version if survey.versions else None
    number = _new_version(survey, _definition(data), current, created_by)
    if number is not None and number > 1:
        result.new_quiz_versions.append(f"{slug} v{number}")
    return survey


def _new_version(survey: Survey, definition, current, created_by, commune_id=None) -> int | None:
    """Add the survey's next version when `definition` differs from `current` (the version it
    would replace: the province's, or a commune's based on it); its number, else None."""
    definition_hash = digest(definition)
    if current is not None and current.content_hash == definition_hash:
        return None
    number = resolve.next_version_number(survey.versions)
    db.session.add(
        SurveyVersion(
            survey=survey,
            number=number,
            content_hash=definition_hash,
            definition=definition,
            created_by=created_by,
            commune_id=commune_id,
            based_on=current if commune_id is not None else None,
        )
    )
    return number


def load_commune_version(survey: Survey, data: dict, commune_id: int, result, created_by) -> Survey:
    """A commune's edit of a province survey: its questions become a commune version of the
    same survey (title, summary and dates stay the province's). Returns the survey."""
    current = resolve.survey_version_for(survey, commune_id)
    number = _new_version(survey, _definition(data), current, created_by, commune_id)
    if number is not None:
        result.new_quiz_versions.append(f"{survey.slug} v{number}")
    return survey
