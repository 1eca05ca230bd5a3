"""The plan's indicators: reached and trained, per unit and rolled up the unit tree.

Counting happens in the database (one grouped query per indicator); rolling up and
percentages are pure functions. Rolled-up figures sum numerators; the denominator is
services.org.populations' one rule (declared population if set, else the children's sum).
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, cast, distinct, func, select, union

from extensions import db
from models import Attempt, CourseItem, Participant, Target, Unit, Visit
from services.common.periods import Period
from services.org.populations import population as population_rule
from services.tally import indicator_store, training
from services.tally.training import (
    counts_as_training,  # noqa: F401
    training_quizzes,  # noqa: F401 (the indicators' API)
)

# Which unit kinds hold the people a role-specific target is about.
ROLE_UNIT_KINDS = {
    "villager": ("village",),
    "student": ("class",),
    "official": ("agency",),
    "worker": ("enterprise",),
}
KIND_ROLES = {kind: role for role, kinds in ROLE_UNIT_KINDS.items() for kind in kinds}


@dataclass
class UnitFigures:
    unit_id: int
    name: str
    kind: str
    depth: int
    population: int = 0
    reached: int = 0
    trained: int = 0
    children: list["UnitFigures"] = field(default_factory=list)

    @property
    def reached_share(self) -> float | None:
        return share(self.reached, self.population)

    @property
    def trained_share(self) -> float | None:
        return share(self.trained, self.population)


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when there is no one to divide by."""
    return numerator / denominator if denominator else None


NO_QUIZ = "no_quiz"  # a training target that names no quiz yet: no figure at all


def status(actual: float | None, target_percent: int, elapsed: float) -> str:
    """'met', 'on_track' (at least the target times the share of the year gone) or 'behind'."""
    if actual is None:
        return "no_population"
    percent = round(actual * 100, 9)  # 57/100 must meet 57%, floating point or not
    if percent >= target_percent:
        return "met"
    if percent >= target_percent * elapsed:
        return "on_track"
    return "behind"


def year_elapsed(year: int, today: dt.date) -> float:
    """Share of `year` that has passed on `today` (0 before it starts, 1 after it ends)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    if today <= start:
        return 0.0
    if today >= end:
        return 1.0
    return (today - start).days / (end - start).days


def roll_up(
    units: list[tuple[int, int | None, str, str, int | None]],
    reached: dict[int, int],
    trained: dict[int, int],
) -> list[UnitFigures]:
    """Build the tree from (id, parent_id, name, kind, population) rows and sum it bottom-up.

    Returns the roots. Units whose parent is not among `units` are roots too.
    """
    nodes = {uid: UnitFigures(uid, name, kind, 0) for uid, _p, name, kind, _pop in units}
    roots = []
    for uid, parent_id, *_rest in units:
        if parent_id in nodes:
            nodes[parent_id].children.append(nodes[uid])
        else:
            roots.append(nodes[uid])
    declared = {uid: pop for uid, _p, _n, _k, pop in units}

    def total(node: UnitFigures, depth: int) -> None:
        node.depth = depth
        node.children.sort(key=lambda child: (child.kind, child.name))
        for child in node.children:
            total(child, depth + 1)
        node.reached = reached.get(node.unit_id, 0) + sum(c.reached for c in node.children)
        node.trained = trained.get(node.unit_id, 0) + sum(c.trained for c in node.children)
        node.population = population_rule(
            declared[node.unit_id], (c.population for c in node.children)
        )

    for root in roots:
        total(root, 0)
    return roots


def flatten(roots: list[UnitFigures]) -> list[UnitFigures]:
    """Depth-first list, parents before children."""
    out: list[UnitFigures] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


def reached_by_unit(period: Period, roles: list[str] | None = None) -> dict[int, int]:
    """Distinct people who opened a lesson or quiz, or answered a reach survey showing the
    information arrived, in the period, by their unit at the time."""
    query = (
        select(Visit.unit_id, func.count(distinct(Visit.participant_id)))
        .where(
            Visit.unit_id.isnot(None), Visit.counts_reach.is_(True), period.covers(Visit.visited_at)
        )
        .group_by(Visit.unit_id)
    )
    if roles:
        query = query.join(Participant, Participant.id == Visit.participant_id).where(
            Participant.role.in_(roles)
        )
    return dict(db.session.execute(query).all())


def trained_by_unit(
    period: Period,
    roles: list[str] | None = None,
    quiz_ids: list[int] | None = None,
    course_ids: list[int] | None = None,
) -> dict[int, int]:
    """Distinct people who passed a quiz marked as training for their role, by unit; with
    `quiz_ids` or `course_ids` (a target's own), who passed one of those quizzes or completed
    one of those courses instead (see course_completions), each person once per unit."""
    if quiz_ids is None and course_ids is None:
        condition = training.training_condition(roles)
    else:
        condition = Attempt.quiz_id.in_(quiz_ids or [])
        if roles:
            condition = and_(condition, Participant.role.in_(roles))
    passes = (
        select(Attempt.unit_id, Attempt.participant_id)
        .join(Participant, Participant.id == Attempt.participant_id)
        .where(
            Attempt.unit_id.isnot(None),
            Attempt.passed.is_(True),
            period.covers(Attempt.submitted_at),
            condition,
        )
    )
    people = union(passes, *(course_completions(c, period, roles) for c in course_ids or []))
    people = people.subquery()
    query = select(people.c.unit_id, func.count(distinct(people.c.participant_id))).group_by(
        people.c.unit_id
    )
    return dict(db.session.execute(query).all())


def course_completions(course_id: int, period: Period, roles: list[str] | None):
    """(unit, participant) of who completed a course in the period: passed every quiz of it
    (any version, any order). They count when their last first pass falls in the period (the
    day the course certificate is dated), in the unit of that pass. Passes are counted, not
    certificates: a missing signer delays a certificate, never the training."""
    quiz_ids = select(CourseItem.quiz_id).where(CourseItem.course_id == course_id)
    firsts = (
        select(
            Attempt.participant_id,
            Attempt.quiz_id,
            func.min(Attempt.submitted_at).label("first_pass"),
        )
        .where(Attempt.passed.is_(True), Attempt.quiz_id.in_(quiz_ids))
        .group_by(Attempt.participant_id, Attempt.quiz_id)
        .subquery()
    )
    needed = select(func.count()).select_from(quiz_ids.subquery()).scalar_subquery()
    done = (
        select(firsts.c.participant_id, func.max(firsts.c.first_pass).label("completed_at"))
        .group_by(firsts.c.participant_id)
        .having(func.count(firsts.c.quiz_id) == needed)
        .subquery()
    )
    query = (
        select(Attempt.unit_id, Attempt.participant_id)
        .join(done, and_(done.c.participant_id == Attempt.participant_id,
                         done.c.completed_at == Attempt.submitted_at))
        .join(Participant, Participant.id == Attempt.participant_id)
        .where(
            Attempt.unit_id.isnot(None),
            Attempt.passed.is_(True),
            Attempt.quiz_id.in_(quiz_ids),
            period.covers(Attempt.submitted_at),
        )
    )  # fmt: skip
    if roles:
        query = query.where(Participant.role.in_(roles))
    return query


def unit_rows(visible: set[int] | None) -> list[tuple[int, int | None, str, str, int | None]]:
    query = select(Unit.id, Unit.parent_id, Unit.name, Unit.kind, Unit.target_population)
    if visible is not None:
        query = query.where(Unit.id.in_(visible))
    return [tuple(row) for row in db.session.execute(query.order_by(Unit.id))]


def figures(period: Period, visible: set[int] | None) -> list[UnitFigures]:
    """The unit tree (or the visible part of it) with reached and trained for a period: a named
    half-year or year from the aggregate kept as participation arrives, any other range from
    the raw visits and attempts."""
    key = indicator_store.key_for(period)
    if key is not None:
        reached, trained = indicator_store.by_unit(key, visible)
    else:
        reached, trained = reached_by_unit(period), trained_by_unit(period)
    return roll_up(unit_rows(visible), reached, trained)


@dataclass
class TargetProgress:
    target: Target
    numerator: int
    denominator: int
    status: str

    @property
    def actual(self) -> float | None:
        """The share reached; None when there is nothing to measure (no population, no quiz)."""
        if self.status == NO_QUIZ:
            return None
        return share(self.numerator, self.denominator)

    @property
    def gap_people(self) -> int | None:
        """People still missing to meet the target (0 when met; None when not measured)."""
        if self.actual is None:
            return None
        needed = -(-self.target.target_percent * self.denominator // 100)  # rounded up
        return max(0, needed - self.numerator)

    @property
    def gap_points(self) -> float | None:
        """Percentage points still missing (0 when met)."""
        actual = self.actual
        return None if actual is None else max(0.0, self.target.target_percent - actual * 100)


def target_progress(target: Target, period: Period, visible: set[int] | None, today: dt.date):
    """How far the commune (or the visible subtree) is towards one target in a period.

    A "trained" target counts passes of the quizzes it names and completions of the courses
    it names only; naming none, it has no figure (status "no_quiz"), never one measured by
    other quizzes."""
    roles = target.roles or []
    kinds = {kind for role in roles for kind in ROLE_UNIT_KINDS.get(role, ())}
    rows = unit_rows(visible)
    if target.indicator == "reached":
        by_unit = reached_by_unit(period, roles or None)
    else:
        by_unit = trained_by_unit(
            period, roles or None, list(target.quiz_ids or []), list(target.course_ids or [])
        )
    roots = roll_up(rows, by_unit, by_unit)
    if kinds:
        denominator = sum(n.population for n in flatten(roots) if n.kind in kinds)
        numerator = sum(n for uid, n in by_unit.items() if visible is None or uid in visible)
    else:
        denominator = sum(r.population for r in roots)
        numerator = sum(r.reached for r in roots)
    if target.indicator == "trained" and not (target.quiz_ids or target.course_ids):
        return TargetProgress(target, 0, denominator, NO_QUIZ)
    state = status(
        share(numerator, denominator), target.target_percent, year_elapsed(target.year, today)
    )
    return TargetProgress(target, numerator, denominator, state)


WEEK_ANCHOR = dt.date(2000, 1, 3)  # a Monday, for periods with no start


def _week_number(column, anchor_utc: dt.datetime):
    """Whole weeks from `anchor_utc` to a timestamp, computed by the database (no date parsing)."""
    if db.engine.dialect.name == "postgresql":
        return func.floor(func.extract("epoch", column - anchor_utc) / 604800)
    return cast((func.julianday(column) - func.julianday(anchor_utc)) / 7, Integer)


def timeline(period: Period, visible: set[int] | None) -> list[tuple[dt.date, int]]:
    """People active per week (weeks start on Monday, local time): distinct people with a visit."""
    first_day = period.start or WEEK_ANCHOR
    monday = first_day - dt.timedelta(days=first_day.weekday())
    anchor = Period(monday, None, period.timezone).bounds()[0]
    week = _week_number(Visit.visited_at, anchor)
    query = (
        select(week, func.count(distinct(Visit.participant_id)))
        .where(period.covers(Visit.visited_at))
        .group_by(week)
        .order_by(week)
    )
    if visible is not None:
        query = query.where(Visit.unit_id.in_(visible))
    return [
        (monday + dt.timedelta(weeks=int(number)), count)
        for number, count in db.session.execute(query)
    ]


def weekly_series(
    period: Period, visible: set[int] | None, today: dt.date
) -> list[tuple[dt.date, int]]:
    """People active per week over the whole period up to today, a week with nobody as 0:
    a chart of it shows every week, not only those that had someone."""
    counts = dict(timeline(period, visible))
    first = period.start or min(counts, default=today)
    last = min(period.end or today, today)
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append((monday, counts.get(monday, 0)))
        monday += dt.timedelta(weeks=1)
    return weeks
