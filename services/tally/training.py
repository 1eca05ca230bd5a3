"""Which passes count as training: a quiz marked as training for the person's role, of the
commune's own published content. One rule, read by the indicators (services.reporting) and by
the aggregate kept as answers arrive (services.tally.indicator_store)."""

from sqlalchemy import and_, false, or_, select

from extensions import db
from models import Attempt, Lesson, Participant, Quiz
from services.content import visibility


def training_quizzes(bind=None) -> dict[str, list[int]]:
    """For each role, the quizzes that count as training for it: only the commune's own
    (bundled, or made commune-wide by an admin) and published; a teacher's class-only quiz
    never counts, whatever its training_for says."""
    query = (
        select(Quiz.id, Quiz.training_for)
        .outerjoin(Lesson, Lesson.id == Quiz.lesson_id)
        .where(or_(Quiz.lesson_id.is_(None), visibility.commune_topics_clause()))
    )
    by_role: dict[str, list[int]] = {}
    for quiz_id, roles in (bind if bind is not None else db.session).execute(query):
        for role in roles or []:
            by_role.setdefault(role, []).append(quiz_id)
    return by_role


def counts_as_training(quiz: Quiz, role: str) -> bool:
    """training_quizzes' rule for one quiz already loaded (with its lesson): the commune's own,
    published, and marked as training for `role`."""
    lesson = quiz.lesson
    shared = lesson is None or (
        lesson.status == "published" and (lesson.commune_wide or lesson.owner_id is None)
    )
    return shared and role in (quiz.training_for or [])


def training_condition(roles: list[str] | None, by_role: dict[str, list[int]] | None = None):
    """A pass of a quiz marked as training for the person's own role."""
    by_role = training_quizzes() if by_role is None else by_role
    if roles:
        by_role = {role: ids for role, ids in by_role.items() if role in roles}
    return or_(
        false(),
        *(
            and_(Participant.role == role, Attempt.quiz_id.in_(ids))
            for role, ids in by_role.items()
        ),
    )
