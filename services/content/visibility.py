"""What a learner may see: published items only; a teacher's topic only through their classes.

A topic written by a teacher (not yet made commune-wide by an admin) is shown to the members
of that teacher's classes and to whoever arrives through a poster placed in one of them.
Everyone else gets "not found", as for a draft.
"""

from sqlalchemy import or_, select

from extensions import db
from models import Lesson, Participant, Poster, Quiz, Survey
from models.staff import teacher_classes
from services.content import resolve


def owner_class_ids(owner_id: int) -> set[int]:
    """The classes of a topic's owner (the units that may see the topic)."""
    rows = db.session.execute(
        select(teacher_classes.c.unit_id).where(teacher_classes.c.staff_id == owner_id)
    )
    return {unit_id for (unit_id,) in rows}


def _poster_unit_id(poster_id: int | None) -> int | None:
    if poster_id is None:
        return None
    return db.session.scalar(select(Poster.unit_id).where(Poster.id == poster_id))


def may_see(
    item: Lesson | Quiz | Survey, participant: Participant | None, poster_id: int | None
) -> bool:
    """Whether this learner (None: not identified yet), who came through `poster_id` (or not),
    may open the lesson, quiz or survey."""
    lesson = item.lesson if isinstance(item, Quiz) else item
    if lesson is None:  # a quiz without a lesson: only the content files make those
        return True
    if not lesson.is_published:
        return False
    if isinstance(lesson, Survey) or lesson.commune_wide or lesson.owner_id is None:
        return True
    classes = owner_class_ids(lesson.owner_id)
    if participant is not None and participant.unit_id in classes:
        return True
    return _poster_unit_id(poster_id) in classes


def _shared():
    """SQL condition on Lesson: the commune's topic (made commune-wide, or bundled)."""
    return or_(Lesson.commune_wide.is_(True), Lesson.owner_id.is_(None))


def commune_topics_clause():
    """SQL condition on Lesson: published and the whole commune's (what everyone may see)."""
    return (Lesson.status == "published") & _shared()


def poster_unit_ids(lesson: Lesson) -> set[int] | None:
    """Where a poster for the topic may be placed: while it is a teacher's class-only topic,
    only its owner's classes (elsewhere scanners would get 404); None: anywhere."""
    if lesson.commune_wide or lesson.owner_id is None:
        return None
    return owner_class_ids(lesson.owner_id)


def visible_lessons_clause(participant: Participant | None):
    """SQL condition on Lesson for the learner's list of topics (no poster involved): the
    province's and the learner's commune's own, never another commune's."""
    shared = _shared()
    commune_id = resolve.content_commune_for(participant=participant)
    published = (Lesson.status == "published") & resolve.visible_to_commune(Lesson, commune_id)
    if participant is None or participant.unit_id is None:
        return published & shared
    teachers = select(teacher_classes.c.staff_id).where(
        teacher_classes.c.unit_id == participant.unit_id
    )
    return published & or_(shared, Lesson.owner_id.in_(teachers))
