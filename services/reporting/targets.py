"""The plan's targets, seeded as data; the office edits them afterwards."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from extensions import db
from models import Course, Lesson, Quiz, Target
from models.base import utcnow
from services.common.text import clean_line
from services.content import visibility

REACHED_57 = "100% cán bộ, công chức, viên chức được tiếp cận, quán triệt Nghị quyết số 57-NQ/TW"
REACHED_80 = "Ít nhất 80% người dân được tiếp cận thông tin về khoa học, công nghệ, chuyển đổi số"
TRAINED_STAFF = "100% cán bộ làm công tác truyền thông được tập huấn"


@dataclass(frozen=True)
class PlanTarget:
    indicator: str
    year: int
    roles: tuple[str, ...]
    percent: int
    description: str


PLAN = [
    PlanTarget("reached", 2025, ("official",), 100, REACHED_57),
    *(PlanTarget("reached", year, ("villager",), 80, REACHED_80) for year in (2028, 2029, 2030)),
    *(
        PlanTarget("trained", year, ("official",), 100, TRAINED_STAFF)
        for year in (2028, 2029, 2030)
    ),
]


def seed_plan_targets() -> int:
    """Add the plan's targets that are missing (matched on indicator, year and roles).

    A "trained" target is seeded naming no quiz: the office names the course (or quizzes)
    that trains for it (no general quiz stands in for it)."""
    existing = {(t.indicator, t.year, tuple(sorted(t.roles or []))) for t in Target.query.all()}
    added = 0
    for item in PLAN:
        if (item.indicator, item.year, tuple(sorted(item.roles))) in existing:
            continue
        db.session.add(
            Target(
                indicator=item.indicator,
                year=item.year,
                roles=list(item.roles),
                target_percent=item.percent,
                description=item.description,
            )
        )
        added += 1
    db.session.flush()
    return added


def applicable(year: int) -> list[Target]:
    """Targets of `year`; when none is set for it, those of the latest earlier year."""
    years = [y for (y,) in db.session.query(Target.year).distinct() if y <= year]
    if not years:
        return []
    chosen = year if year in years else max(years)
    return Target.query.filter_by(year=chosen).order_by(Target.indicator, Target.id).all()


def update(target: Target, percent: int, description: str) -> None:
    target.target_percent = percent
    target.description = description.strip()[:300]
    target.updated_at = utcnow()


@dataclass(frozen=True)
class TargetInput:
    """A target as the office writes it."""

    indicator: str
    year: int
    roles: tuple[str, ...]
    percent: int
    description: str
    quiz_ids: tuple[int, ...] = ()
    course_ids: tuple[int, ...] = ()


def add(data: TargetInput) -> Target:
    """A new target of the plan."""
    target = Target(
        indicator=data.indicator,
        year=data.year,
        roles=list(data.roles),
        target_percent=data.percent,
        description=clean_line(data.description)[:300],
        quiz_ids=_quizzes_for(data),
        course_ids=_courses_for(data),
    )
    db.session.add(target)
    return target


def change(target: Target, data: TargetInput) -> None:
    """Rewrite a target: its indicator, year, roles, quizzes, percentage and wording."""
    update(target, data.percent, clean_line(data.description))
    target.indicator, target.year = data.indicator, data.year
    target.roles = list(data.roles)
    target.quiz_ids = _quizzes_for(data)
    target.course_ids = _courses_for(data)


def _courses_for(data: TargetInput) -> list[int]:
    """The courses whose completion a "trained" target counts (a "reached" target names none)."""
    return sorted(set(data.course_ids)) if data.indicator == "trained" else []


def _quizzes_for(data: TargetInput) -> list[int]:
    """The quizzes a "trained" target counts (a "reached" target names none)."""
    return sorted(set(data.quiz_ids)) if data.indicator == "trained" else []


def quiz_choices() -> list[tuple[int, str]]:
    """The quizzes a "trained" target may name: the commune's own, published ones."""
    query = (
        select(Quiz.id, Quiz.title)
        .outerjoin(Lesson, Lesson.id == Quiz.lesson_id)
        .where(or_(Quiz.lesson_id.is_(None), visibility.commune_topics_clause()))
        .order_by(Quiz.position, Quiz.title)
    )
    return [(quiz_id, title) for quiz_id, title in db.session.execute(query)]


def course_choices() -> list[tuple[int, str]]:
    """The courses a "trained" target may name."""
    query = select(Course.id, Course.title).order_by(Course.position, Course.title)
    return [(course_id, title) for course_id, title in db.session.execute(query)]
