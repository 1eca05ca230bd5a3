"""Which text of a topic, quiz or survey a commune's readers get.

The province curriculum is shared by every commune (rows with `commune_id` NULL). A commune
that edits a province topic gets a *shadow* lesson row (`origin_id` = the province lesson,
the same slug) and its own quiz versions of the same quiz; a commune's edit of a province
survey's questions is a commune survey version. Ids never change across communes, so
attempts, targets, courses and certificates name one quiz everywhere.

`content_commune_for` is the one place that says whose version a request reads; the other
functions take that commune explicitly (None: the province's version).
"""

from sqlalchemy import or_, select

from extensions import db
from models import Commune, Lesson, Participant, Poster, Quiz, QuizVersion, StaffUser, Survey
from models.content import SHADOWS
from models.surveys import SurveyVersion


def content_commune_for(
    participant: Participant | None = None,
    poster: Poster | int | None = None,
    staff: StaffUser | None = None,
) -> int | None:
    """The commune whose content this reader sees: the staff member's; for a learner, the
    participant's, else the poster's (or the class's, through its poster); else the only
    commune of the deployment. None: the province's curriculum as it is."""
    if staff is not None:
        return staff.commune_id
    if participant is not None and participant.commune_id is not None:
        return participant.commune_id
    if isinstance(poster, int):
        found = db.session.scalar(select(Poster.commune_id).where(Poster.id == poster))
        if found is not None:
            return found
    elif poster is not None and poster.commune_id is not None:
        return poster.commune_id
    return only_commune()


def only_commune() -> int | None:
    """The deployment's commune when it has exactly one (None otherwise)."""
    ids = db.session.scalars(select(Commune.unit_id).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def shadow_of(origin: Lesson, commune_id: int | None) -> Lesson | None:
    """The commune's own text of the province lesson `origin`, if it has one."""
    if commune_id is None or origin.origin_id is not None:
        return None
    return db.session.scalars(
        select(Lesson)
        .where(Lesson.origin_id == origin.id, Lesson.commune_id == commune_id)
        .execution_options(**{SHADOWS: True})
    ).first()


def lesson_for(origin: Lesson, commune_id: int | None) -> Lesson:
    """The lesson text the commune's readers see: its shadow, else the origin."""
    return shadow_of(origin, commune_id) or origin


def _newest(versions: list, commune_id: int | None):
    own = [v for v in versions if commune_id is not None and v.commune_id == commune_id]
    if own:
        return own[-1]
    province = [v for v in versions if v.commune_id is None]
    return province[-1] if province else None


def quiz_version_for(quiz: Quiz, commune_id: int | None) -> QuizVersion | None:
    """The version new attempts of the commune answer: its newest, else the province's."""
    return _newest(list(quiz.versions), commune_id)


def survey_version_for(survey: Survey, commune_id: int | None) -> SurveyVersion | None:
    """The version the commune's respondents answer: its newest, else the province's."""
    return _newest(list(survey.versions), commune_id)


def visible_to_commune(model, commune_id: int | None):
    """SQL condition on `model`: province-wide, or the commune's own item."""
    if commune_id is None:
        return model.commune_id.is_(None)
    return or_(model.commune_id.is_(None), model.commune_id == commune_id)


def by_slug(model, slug: str, commune_id: int | None):
    """The item named `slug` that the commune may read (its own, else the province's), or
    None. Another commune's own item is not found. A lesson found is the origin (give it to
    lesson_for for the commune's text)."""
    if not isinstance(slug, str) or len(slug) > 60:
        return None
    return db.session.scalars(
        select(model)
        .where(model.slug == slug, visible_to_commune(model, commune_id))
        .order_by(model.commune_id.is_(None))
    ).first()


def next_version_number(versions: list) -> int:
    """Numbers run on across the province's and the communes' versions of one item."""
    return max((v.number for v in versions), default=0) + 1


def shadow_commune(staff: StaffUser | None) -> int | None:
    """The commune whose own version a staff member's edit of a province item becomes (None:
    the edit changes the province's item itself).

    While the deployment has one commune, its admin is the only editor of the curriculum and
    edits the province rows as before (no other commune can be touched); from the second
    commune on, a commune's edits become its shadow lesson and its own versions."""
    if staff is None or staff.commune_id is None:
        return None
    many = len(db.session.scalars(select(Commune.unit_id).limit(2)).all()) > 1
    return staff.commune_id if many else None
