"""The indicators' aggregate (models.IndicatorPerson), kept up to date as participation arrives.

A visit that counts for reach and a passed attempt of a quiz that is training for the person's
role each upsert the person's row for the unit in the named half-year and the year the moment
falls in (commune time), in the same transaction and in one statement. `rebuild` recomputes
the rows from the raw visits and attempts with the same rules as services/reporting/indicators
(after an admin changes which quizzes are training, after data is deleted, on upgrade).
A named period's figures then count these rows (by_unit) instead of every visit and attempt.
"""

import datetime as dt
from functools import cache

from flask import current_app, has_app_context
from sqlalchemy import (
    DateTime,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    inspect,
    literal,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from extensions import db
from models import Attempt, IndicatorPerson, Lesson, Participant, Quiz, Unit, Visit
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import local_date
from services.tally.training import counts_as_training, training_condition, training_quizzes

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def _timezone() -> str:
    return current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE


def keys_at(moment: dt.datetime, timezone: str) -> tuple[str, str]:
    """The named periods a stored (naive UTC) moment counts in: its half-year and its year."""
    day = local_date(moment, timezone)
    return periods.containing(day).key, str(day.year)


def key_for(period: Period) -> str | None:
    """The named period `period` is exactly (in the commune's time zone), else None."""
    if period.start is None or period.end is None or period.timezone != _timezone():
        return None
    named = periods.containing(period.start)
    if (named.start, named.end) == (period.start, period.end):
        return named.key
    year = periods.whole_year(period.start.year)
    return year.key if (year.start, year.end) == (period.start, period.end) else None


def _earliest(column: str):
    """ON CONFLICT: keep the earlier of the stored and the new moment (either may be NULL)."""
    stored = IndicatorPerson.__table__.c[column]
    incoming = literal_column(f"excluded.{column}", DateTime)
    return case(
        (and_(incoming.isnot(None), stored.is_(None) | (incoming < stored)), incoming),
        else_=stored,
    )


@cache
def _upsert(dialect: str):
    """One person's row in a unit for some periods: inserted, or its moments made earliest."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(IndicatorPerson).on_conflict_do_update(
        index_elements=["period_key", "unit_id", "participant_id"],
        set_={"reached_at": _earliest("reached_at"), "trained_at": _earliest("trained_at")},
    )


def _count(participant_id: int, unit_id: int, moment: dt.datetime, column: str) -> None:
    rows = [
        {
            "period_key": key,
            "unit_id": unit_id,
            "participant_id": participant_id,
            "reached_at": moment if column == "reached_at" else None,
            "trained_at": moment if column == "trained_at" else None,
        }
        for key in keys_at(moment, _timezone())
    ]
    db.session.execute(_upsert(db.engine.dialect.name), rows)  # one executemany


def count_reach(participant_id: int, unit_id: int | None, visited_at: dt.datetime) -> None:
    """A visit that counts for reach was recorded (caller: participation.record_visit)."""
    if unit_id is not None:
        _count(participant_id, unit_id, visited_at, "reached_at")


def count_pass(participant, quiz, unit_id: int | None, submitted_at: dt.datetime) -> None:
    """A passed attempt was recorded: counts as trained when the quiz is training for the
    person's role (caller: participation.attempts.submit_attempt)."""

    if unit_id is not None and counts_as_training(quiz, participant.role):
        _count(participant.id, unit_id, submitted_at, "trained_at")


def by_unit(key: str, units: set[int] | None = None) -> tuple[dict[int, int], dict[int, int]]:
    """(reached, trained) people per unit (of `units`, None: all of the scope) in a named
    period, from the aggregate. Its rows carry no commune: the join to their unit scopes them."""
    query = (
        select(
            IndicatorPerson.unit_id,
            func.count(IndicatorPerson.reached_at),
            func.count(IndicatorPerson.trained_at),
        )
        .join(Unit, Unit.id == IndicatorPerson.unit_id)
        .where(IndicatorPerson.period_key == key)
        .group_by(IndicatorPerson.unit_id)
    )
    if units is not None:
        query = query.where(IndicatorPerson.unit_id.in_(units))
    reached, trained = {}, {}
    for unit_id, reached_count, trained_count in db.session.execute(query):
        if reached_count:
            reached[unit_id] = reached_count
        if trained_count:
            trained[unit_id] = trained_count
    return reached, trained


def rows_for(key: str, timezone: str, by_role: dict[str, list[int]], people=None):
    """SELECT of the aggregate's rows for one named period, from the raw visits and attempts
    (the rules of indicators.reached_by_unit and trained_by_unit)."""

    named = periods.parse(key)
    period = Period(named.start, named.end, timezone)
    no_time = cast(null(), DateTime)
    reached = select(
        Visit.unit_id, Visit.participant_id, Visit.visited_at.label("r"), no_time.label("t")
    ).where(
        Visit.unit_id.isnot(None), Visit.counts_reach.is_(True), period.covers(Visit.visited_at)
    )
    trained = (
        select(Attempt.unit_id, Attempt.participant_id, no_time, Attempt.submitted_at)
        .join(Participant, Participant.id == Attempt.participant_id)
        .where(
            Attempt.unit_id.isnot(None),
            Attempt.passed.is_(True),
            period.covers(Attempt.submitted_at),
            training_condition(None, by_role),
        )
    )
    if people is not None:
        reached = reached.where(Visit.participant_id.in_(people))
        trained = trained.where(Attempt.participant_id.in_(people))
    both = union_all(reached, trained).subquery()
    return select(
        literal(key).label("period_key"),
        both.c.unit_id,
        both.c.participant_id,
        func.min(both.c.r),
        func.min(both.c.t),
    ).group_by(both.c.unit_id, both.c.participant_id)


def all_keys(bind) -> list[str]:
    """Every named period the raw rows may count in (a few empty ones at the edges)."""
    low = bind.execute(
        select(func.min(Visit.visited_at)).union_all(select(func.min(Attempt.submitted_at)))
    ).scalars()
    high = bind.execute(
        select(func.max(Visit.visited_at)).union_all(select(func.max(Attempt.submitted_at)))
    ).scalars()
    lows, highs = [v for v in low if v is not None], [v for v in high if v is not None]
    if not lows:
        return []
    keys = []
    for year in range(min(lows).year, max(highs).year + 2):
        keys += [f"{year}-H1", f"{year}-H2", str(year)]
    return keys


def rebuild(
    keys: list[str] | None = None, bind=None, timezone: str | None = None, people=None
) -> int:
    """Recompute the aggregate for `keys` (None: every period) and `people` (a SELECT of
    participant ids; None: everyone) from the raw rows, in the caller's transaction; returns
    the rows the periods hold."""

    bind = bind if bind is not None else db.session
    timezone = timezone or _timezone()
    wanted = all_keys(bind) if keys is None else keys
    table = IndicatorPerson.__table__
    stale = delete(table)
    if keys is not None:
        stale = stale.where(table.c.period_key.in_(wanted))
    if people is not None:
        stale = stale.where(table.c.participant_id.in_(people))
    bind.execute(stale)
    by_role = training_quizzes(bind)
    columns = ["period_key", "unit_id", "participant_id", "reached_at", "trained_at"]
    for key in wanted:
        rows = rows_for(key, timezone, by_role, people)
        bind.execute(table.insert().from_select(columns, rows))
    written = select(func.count()).select_from(table).where(table.c.period_key.in_(wanted))
    return bind.execute(written).scalar()


def recount_passes_of(quiz_ids: set[int], bind) -> None:
    """Whether passing these quizzes trains changed (training_for, or the topic published,
    withdrawn, made commune-wide): recount the people who passed one of them."""
    people = (
        select(Attempt.participant_id)
        .where(Attempt.quiz_id.in_(sorted(quiz_ids)), Attempt.passed.is_(True))
        .distinct()
    )
    rebuild(bind=bind, people=people)


TRAINING_CHANGED = "indicator_store.training_changed"


@event.listens_for(Session, "before_flush")
def _note_training_changes(session, _context, _instances) -> None:
    """Collect quizzes whose training rule is about to change, whatever the path (content
    import, authoring, the admin's commune-wide switch)."""
    changed = session.info.setdefault(TRAINING_CHANGED, set())
    for obj in session.dirty:
        state = inspect(obj)
        if isinstance(obj, Quiz) and state.attrs.training_for.history.has_changes():
            changed.add(obj.id)
        elif isinstance(obj, Lesson) and obj.quiz is not None:
            fields = ("status", "commune_wide", "owner_id")
            if any(state.attrs[name].history.has_changes() for name in fields):
                changed.add(obj.quiz.id)


@event.listens_for(Session, "after_flush_postexec")
def _recount_training_changes(session, _context) -> None:
    changed = session.info.pop(TRAINING_CHANGED, None)
    if changed:
        recount_passes_of(changed, session.connection())


def keys_starting_before(day: dt.date) -> list[str]:
    """The named periods held that start on or before `day` (touched by a purge up to it)."""
    held = db.session.scalars(select(IndicatorPerson.period_key).distinct())
    return sorted(key for key in held if periods.parse(key).start <= day)


def forget(participant_ids) -> None:
    """Remove people's rows (their participation was deleted)."""
    db.session.execute(
        delete(IndicatorPerson).where(IndicatorPerson.participant_id.in_(participant_ids))
    )
