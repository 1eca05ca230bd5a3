"""Recognition: rankings of classes, villages and people for a period, and the nominations.

Counting happens in the database (a fixed number of grouped queries, never one per row);
ordering of the unit rankings and the shares are pure functions.

The rules (also written on the page):
- classes and villages: participants = distinct people with at least one visit (lesson or quiz
  opened) in the period, by their unit at the time; rate = participants ÷ the unit's target
  population; passed = distinct people who passed at least one quiz there in the period; pass
  rate = passed ÷ participants; average best score = the mean over people of their best score
  there in the period. Ranked by rate, then pass rate (equal on both: the same rank, listed
  by name); a unit without a target population has no rate and comes after those that have one.
- people: number of distinct quizzes passed in the period, then the average of their best
  score per quiz attempted, then the earliest "last pass" (when they passed the last of those
  quizzes for the first time): the same count, average and local day of that pass share a
  rank; the top 50.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import case, distinct, func, select

from extensions import db
from models import Attempt, Participant, StaffUser, Unit, Visit
from models.base import utcnow
from models.recognition import Nomination
from services.common import periods
from services.common.errors import WHOLE, InvalidInput
from services.common.periods import Period
from services.common.text import clean_line
from services.common.vietnamese import local_date

UNIT_KINDS = ("village", "class")
TOP_PEOPLE = 50
MAX_REASON = 500


@dataclass
class UnitRank:
    unit_id: int
    name: str
    kind: str
    parent_name: str | None
    population: int
    participants: int = 0
    passed: int = 0
    average_best: float | None = None
    rank: int = 0

    @property
    def rate(self) -> float | None:
        return self.participants / self.population if self.population else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.participants if self.participants else None


@dataclass
class PersonRank:
    participant_id: int
    name: str
    unit_name: str | None
    is_child: bool
    quizzes_passed: int
    average_score: float
    last_pass: dt.datetime
    rank: int = 0


def named_period(named: periods.NamedPeriod, timezone: str) -> Period:
    return Period(named.start, named.end, timezone)


def rank_units(rows: list[UnitRank]) -> list[UnitRank]:
    """Rate (highest first; no rate last), then pass rate; equal on both, equal rank (1, 2, 2,
    4: standard competition ranking). The name only orders the rows of a tie."""

    def tie(row: UnitRank):
        rate = Fraction(row.participants, row.population) if row.population else None
        pass_rate = Fraction(row.passed, row.participants) if row.participants else 0
        return (rate is None, -(rate or 0), -pass_rate)

    def key(row: UnitRank):
        return (*tie(row), unicodedata.normalize("NFC", row.name).casefold(), row.unit_id)

    ordered = sorted(rows, key=key)
    share_ranks(ordered, tie)
    return ordered


def share_ranks(ordered: list, tie) -> None:
    """Number rows already in ranking order; rows with the same tie(row) share the rank of
    the first of them and the next row's rank counts them all (1, 2, 2, 4)."""
    previous = object()
    for position, row in enumerate(ordered, start=1):
        key = tie(row)
        row.rank = position if key != previous else ordered[position - 2].rank
        previous = key


def unit_rankings(period: Period, visible: set[int] | None) -> dict[str, list[UnitRank]]:
    """{"village": [...], "class": [...]}: every visible village and class, ranked."""
    parent = db.aliased(Unit)
    units_q = (
        select(Unit.id, Unit.name, Unit.kind, parent.name, Unit.target_population)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(Unit.kind.in_(UNIT_KINDS))
    )
    if visible is not None:
        units_q = units_q.where(Unit.id.in_(visible or [0]))
    rows = {
        uid: UnitRank(uid, name, kind, parent_name, population or 0)
        for uid, name, kind, parent_name, population in db.session.execute(units_q)
    }
    if rows:
        participants = db.session.execute(
            select(Visit.unit_id, func.count(distinct(Visit.participant_id)))
            .where(Visit.unit_id.in_(rows), period.covers(Visit.visited_at))
            .group_by(Visit.unit_id)
        )
        for uid, count in participants:
            rows[uid].participants = count
        # One row per (unit, person): did they pass anything there, and their best score.
        per_person = (
            select(
                Attempt.unit_id.label("unit_id"),
                Attempt.participant_id.label("participant_id"),
                func.max(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
                func.max(Attempt.score_percent).label("best"),
            )
            .where(Attempt.unit_id.in_(rows), period.covers(Attempt.submitted_at))
            .group_by(Attempt.unit_id, Attempt.participant_id)
            .subquery()
        )
        results = db.session.execute(
            select(
                per_person.c.unit_id,
                func.sum(per_person.c.passed),
                func.avg(per_person.c.best),
            ).group_by(per_person.c.unit_id)
        )
        for uid, passed, average in results:
            rows[uid].passed = int(passed or 0)
            rows[uid].average_best = float(average) if average is not None else None
    return {
        kind: rank_units([row for row in rows.values() if row.kind == kind]) for kind in UNIT_KINDS
    }


def _person_query(period: Period, visible: set[int] | None):
    """Per person: distinct quizzes passed, average best score per quiz, last first pass."""
    scope = [period.covers(Attempt.submitted_at)]
    if visible is not None:
        scope.append(Attempt.unit_id.in_(visible or [0]))
    per_quiz = (
        select(
            Attempt.participant_id.label("participant_id"),
            Attempt.quiz_id.label("quiz_id"),
            func.max(Attempt.score_percent).label("best"),
            func.min(case((Attempt.passed.is_(True), Attempt.submitted_at))).label("first_pass"),
        )
        .where(*scope)
        .group_by(Attempt.participant_id, Attempt.quiz_id)
        .subquery()
    )
    passed = func.count(per_quiz.c.first_pass)
    average = func.avg(per_quiz.c.best)
    last_pass = func.max(per_quiz.c.first_pass)
    query = (
        select(
            Participant.id,
            Participant.display_name,
            Unit.name,
            Participant.age_band,
            passed,
            average,
            last_pass,
        )
        .join(Participant, Participant.id == per_quiz.c.participant_id)
        .outerjoin(Unit, Unit.id == Participant.unit_id)
        .group_by(Participant.id, Participant.display_name, Unit.name, Participant.age_band)
        .having(passed > 0)
    )
    if visible is not None:
        query = query.where(Participant.unit_id.in_(visible or [0]))
    return query, (passed.desc(), average.desc(), last_pass.asc(), Participant.id.asc())


def _person(row) -> PersonRank:
    pid, name, unit_name, age_band, passed, average, last_pass = row
    if isinstance(last_pass, str):  # SQLite returns an aggregate of timestamps as text
        last_pass = dt.datetime.fromisoformat(last_pass)
    return PersonRank(
        pid, name, unit_name, age_band == "under16", int(passed), float(average), last_pass
    )


def person_ranking(
    period: Period, visible: set[int] | None, limit: int = TOP_PEOPLE
) -> list[PersonRank]:
    """The top people of the period (who passed at least one quiz), in ranking order."""
    query, order = _person_query(period, visible)
    rows = [_person(row) for row in db.session.execute(query.order_by(*order).limit(limit))]
    number_people(rows, period.timezone)
    return rows


def number_people(rows: list[PersonRank], timezone: str) -> None:
    """Ranks of people in ranking order: the same number of quizzes passed, the same average
    and the last pass on the same local day share a rank (seconds never separate people)."""
    share_ranks(
        rows,
        lambda r: (r.quizzes_passed, r.average_score, local_date(r.last_pass, timezone)),
    )


def person_results(period: Period, participant_ids: list[int]) -> dict[int, PersonRank]:
    """The same figures for chosen people (for the nomination list), whatever their rank."""
    if not participant_ids:
        return {}
    query, _order = _person_query(period, None)
    query = query.where(Participant.id.in_(participant_ids))
    return {row.participant_id: row for row in map(_person, db.session.execute(query))}


# --- nominations ------------------------------------------------------------------------------


def nominations(period_key: str, visible: set[int] | None = None) -> list[Nomination]:
    """The period's nominees: villages, then classes, then people, each by name."""
    query = (
        select(Nomination)
        .outerjoin(Participant, Participant.id == Nomination.participant_id)
        .outerjoin(Unit, Unit.id == Nomination.unit_id)
        .where(Nomination.period_key == period_key)
        .options(
            db.joinedload(Nomination.participant).joinedload(Participant.unit),
            db.joinedload(Nomination.unit).joinedload(Unit.parent),
        )
    )
    if visible is not None:
        ids = visible or {0}
        query = query.where(Unit.id.in_(ids) | Participant.unit_id.in_(ids))
    order = {"village": 0, "class": 1, "participant": 2}
    rows = db.session.execute(query).unique().scalars().all()
    return sorted(rows, key=lambda n: (order[n.subject_kind], subject_name(n).casefold(), n.id))


def subject_name(nomination: Nomination) -> str:
    if nomination.subject_kind == "participant":
        return nomination.participant.display_name
    return nomination.unit.name


def _locked_subject(kind: str, subject_id: int):
    """The participant or unit (of `kind`) nominated, its row locked; None if there is none."""
    if kind == "participant":
        query = select(Participant).where(Participant.id == subject_id)
    elif kind in UNIT_KINDS:
        query = select(Unit).where(Unit.id == subject_id, Unit.kind == kind)
    else:
        return None
    return db.session.execute(query.with_for_update()).scalar_one_or_none()


def _already_nominated(period_key: str, kind: str, subject_id: int) -> bool:
    same = (
        Nomination.participant_id == subject_id
        if kind == "participant"
        else Nomination.unit_id == subject_id
    )
    found = db.session.execute(
        select(Nomination.id).where(
            Nomination.period_key == period_key, Nomination.subject_kind == kind, same
        )
    ).first()
    return found is not None


def _refuse(code: str) -> InvalidInput:
    return InvalidInput.of(WHOLE, code)


def nominate(period_key: str, kind: str, subject_id: int, reason: str, by: StaffUser) -> Nomination:
    """Add a nominee for the period; raises InvalidInput (the whole input: "period", "subject",
    "duplicate", "reason", "reason_long") instead of letting the database refuse.

    The table's unique constraint cannot catch a duplicate (one of its columns is always NULL),
    so the check is made here after taking a lock: SQLite's write lock (the savepoint opens
    BEGIN IMMEDIATE), or on PostgreSQL the subject's row lock, so two requests cannot both pass.
    """
    named = periods.parse(period_key or "")
    if named is None:
        raise _refuse("period")
    reason = clean_line(reason)
    if not reason:
        raise _refuse("reason")
    if len(reason) > MAX_REASON:
        raise _refuse("reason_long")
    with db.session.begin_nested():
        if _locked_subject(kind, subject_id) is None:
            raise _refuse("subject")
        if _already_nominated(named.key, kind, subject_id):
            raise _refuse("duplicate")
        nomination = Nomination(
            period_key=named.key,
            subject_kind=kind,
            participant_id=subject_id if kind == "participant" else None,
            unit_id=subject_id if kind != "participant" else None,
            reason=reason,
            nominated_by_id=by.id,
            nominated_at=utcnow(),
        )
        db.session.add(nomination)
    db.session.flush()
    return nomination


def remove(nomination: Nomination) -> None:
    db.session.delete(nomination)
    db.session.flush()
