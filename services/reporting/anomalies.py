"""Unusual jumps: a unit whose new identities or quiz passes today rise far above its usual day,
as a script making people or passes would cause."""

import datetime as dt
from statistics import median

from sqlalchemy import Integer, cast, func, select

from extensions import db
from models import Attempt, Participant
from services.common.periods import Period

HISTORY_DAYS = 28  # the usual rate: the daily counts of the 28 days before today
MIN_COUNT = 20  # today's count must reach this before it can be unusual
JUMP_FACTOR = 3  # and exceed this many times the median of the usual days (zero days included)
SECONDS_PER_DAY = 86400

IDENTITIES = "identities"  # participants created
PASSES = "passes"  # passed quiz attempts
MEASURES = (IDENTITIES, PASSES)
RULE = {"floor": MIN_COUNT, "factor": JUMP_FACTOR, "days": HISTORY_DAYS}  # for the page's sentence


def _epoch_seconds(column):
    """Whole seconds since 1970 of a stored naive UTC timestamp, computed by the database."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column)), Integer)
    return cast(func.strftime("%s", column), Integer)


def _daily_counts(unit_column, time_column, anchor: dt.datetime, *conditions):
    """One aggregate query: rows (unit id, day number since `anchor`, count) from `anchor` on.

    `anchor` is local midnight as naive UTC. Days are counted as whole 86400-second steps from
    it, which is the local calendar day because Asia/Ho_Chi_Minh (UTC+07:00) has no daylight
    saving time."""
    anchor_seconds = int(anchor.replace(tzinfo=dt.UTC).timestamp())
    day = (_epoch_seconds(time_column) - anchor_seconds) // SECONDS_PER_DAY
    return db.session.execute(
        select(unit_column, day, func.count())
        .where(time_column >= anchor, unit_column.isnot(None), *conditions)
        .group_by(unit_column, day)
    )


def unusual_units(today: dt.date, timezone: str, visible: set[int] | None) -> dict[int, set[str]]:
    """The units (among `visible`, None: all) whose count today of a measure is at least
    MIN_COUNT and more than JUMP_FACTOR × the median of their previous HISTORY_DAYS daily
    counts, with the measures that jumped. Two queries whatever the number of units."""
    first_day = today - dt.timedelta(days=HISTORY_DAYS)
    anchor, end = Period(first_day, today, timezone).bounds()
    counts: dict[tuple[int, str], list[int]] = {}
    sources = {
        IDENTITIES: (Participant.unit_id, Participant.created_at),
        PASSES: (Attempt.unit_id, Attempt.submitted_at, Attempt.passed.is_(True)),
    }
    for measure, (unit_column, time_column, *conditions) in sources.items():
        if visible is not None:
            conditions.append(unit_column.in_(visible))
        rows = _daily_counts(unit_column, time_column, anchor, time_column < end, *conditions)
        for unit_id, day, count in rows:
            days = counts.setdefault((unit_id, measure), [0] * (HISTORY_DAYS + 1))
            days[int(day)] = count
    flagged: dict[int, set[str]] = {}
    for (unit_id, measure), days in counts.items():
        last = days[HISTORY_DAYS]
        if last >= MIN_COUNT and last > JUMP_FACTOR * median(days[:HISTORY_DAYS]):
            flagged.setdefault(unit_id, set()).add(measure)
    return flagged
