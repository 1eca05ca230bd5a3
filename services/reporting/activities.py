"""Communication activities that units file for a half-year period, and who has filed.

Services add and flush; the request's unit of work commits (see unit_of_work.py).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func

from extensions import db
from models import Activity, HalfYearReport, StaffUser, Unit
from models.activities import ACTIVITY_KINDS
from models.base import utcnow
from services.common import vocabulary
from services.common.errors import WHOLE, InvalidInput
from services.common.periods import NamedPeriod
from services.common.text import clean_line
from services.common.vietnamese import local_date, vn_number
from services.org import populations
from services.reporting.field_rules import (
    Table,
    as_given,
    at_least,
    at_most,
    check_fields,
    clean_notes,
    not_after,
    not_before,
    one_of,
    optional_line,
    required,
    too_long,
    web_link,
)

EARLIEST = dt.date(2024, 1, 1)  # the plan's first activities; earlier dates are typing errors
MAX_TITLE = 300
MAX_NOTES = 4000
MAX_LINK = 500
MAX_COUNT = 100_000
MAX_PEOPLE = 10_000_000  # well inside a 32-bit integer column
# The kinds of unit that file, and that the office's status page lists (classes never file).
STATUS_KINDS = ("village", "agency", "school", "enterprise")
NOT_FILING_KINDS = ("class",)


def _within_population(unit: Unit | None, population: int | None):
    """The rule that one activity reaches no more people than its unit has: above it is
    "above_population"; a unit with no population recorded cannot be checked, so anyone
    reached there is "population_unknown" (0, "not known", always passes)."""

    def rule(people: int | None) -> str | None:
        if unit is None or _not_filing(unit) or not people:
            return None
        if population is None:
            return "population_unknown"
        return "above_population" if people > population else None

    return rule


def _rules(today: dt.date, unit: Unit | None, population: int | None) -> Table:
    """Each field: its cleaner and its rules, in the order they are tried."""
    return {
        "unit_id": (as_given, (required, lambda unit: "class" if _not_filing(unit) else None)),
        "kind": (as_given, (one_of(ACTIVITY_KINDS),)),
        "held_on": (as_given, (required, not_after(today), not_before(EARLIEST))),
        "title": (clean_line, (required, too_long(MAX_TITLE))),
        "count": (as_given, (required, at_least(1, "too_small"), at_most(MAX_COUNT, "too_large"))),
        "people_reached": (
            as_given,
            (
                required,
                at_least(0, "negative"),
                at_most(MAX_PEOPLE, "too_large"),
                _within_population(unit, population),
            ),
        ),
        "notes": (clean_notes, (too_long(MAX_NOTES),)),
        "link": (optional_line, (too_long(MAX_LINK), web_link)),
    }


def _not_filing(unit: Unit | None) -> bool:
    return unit is not None and unit.kind in NOT_FILING_KINDS


def _population(unit: Unit | None) -> int | None:
    return populations.unit_population(unit) if unit is not None else None


def check(
    unit: Unit | None,
    *,
    kind: str | None,
    held_on: dt.date | None,
    title: str | None,
    count: int | None,
    people_reached: int | None,
    notes: str | None = "",
    link: str | None = None,
    today: dt.date,
) -> tuple[dict, dict[str, str]]:
    """The cleaned values and the problems, {field: code}; no problems means it may be filed.

    Codes: unit — required, class; kind — unknown; held_on — required, future, too_early;
    title — required, too_long; count — required, too_small, too_large;
    people_reached — required, negative, too_large, above_population, population_unknown;
    notes — too_long; link — scheme, too_long.
    """
    raw = {
        "unit_id": unit,
        "kind": kind,
        "held_on": held_on,
        "title": title,
        "count": count,
        "people_reached": people_reached,
        "notes": notes,
        "link": link,
    }
    values, errors = check_fields(_rules(today, unit, _population(unit)), raw)
    del values["unit_id"]
    return values, errors


def refusal(unit: Unit | None, errors: dict[str, str], people: int | None) -> InvalidInput:
    """The refusal of `check`'s errors, with what its messages name: the unit, its
    population and the people typed, written as Vietnamese write numbers (1.250)."""
    population = _population(unit) if "people_reached" in errors else None
    return InvalidInput(
        errors,
        unit=unit.name if unit is not None else "",
        population=vn_number(population) if population is not None else "",
        people=vn_number(people) if isinstance(people, int) else "",
    )


def _valid_values(unit: Unit, fields: dict, today: dt.date) -> dict:
    """The cleaned values of an activity being filed or changed; InvalidInput (with the
    population in the message when the count is too high) when any is bad."""
    values, errors = check(unit, **fields, today=today)
    if errors:
        raise refusal(unit, errors, fields["people_reached"])
    return values


def file_activity(
    unit: Unit,
    *,
    kind: str,
    held_on: dt.date,
    title: str,
    count: int = 1,
    people_reached: int = 0,
    notes: str = "",
    link: str | None = None,
    filed_by: StaffUser | None = None,
    today: dt.date | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> Activity:
    """Add one activity of `unit` (raises InvalidInput, adding nothing, when invalid).

    `today` is the commune's calendar day (by default, now in `timezone`). Whether `filed_by`
    may file for `unit` is the caller's check (services.org.access)."""
    values = _valid_values(
        unit,
        dict(kind=kind, held_on=held_on, title=title, count=count,
             people_reached=people_reached, notes=notes, link=link),
        today or local_date(utcnow(), timezone),
    )  # fmt: skip
    activity = Activity(unit=unit, filed_by=filed_by, filed_at=utcnow(), **values)
    db.session.add(activity)
    db.session.flush()
    return activity


# Fields an edit may change, in the order the audit log lists them.
EDITABLE = ("unit_id", "kind", "held_on", "title", "count", "people_reached", "notes", "link")


def freezing_report(day: dt.date) -> HalfYearReport | None:
    """The saved half-year report whose period holds `day`: its figures are frozen, so the
    activities of that period no longer change."""
    return (
        HalfYearReport.query.filter(
            HalfYearReport.period_start <= day, HalfYearReport.period_end >= day
        )
        .order_by(HalfYearReport.id)
        .first()
    )


def check_not_frozen(*days: dt.date) -> None:
    """InvalidInput "frozen" (WHOLE; params: number, period) when any day lies in a period whose
    report is saved: an edit, a deletion or new evidence there would silently disagree with
    the report sent to Sở KH&CN."""
    for day in days:
        report = freezing_report(day)
        if report is not None:
            raise InvalidInput.of(
                WHOLE,
                "frozen",
                number=report.number,
                period=vocabulary.period_name(report.period_key),
            )


def _audit_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def update_activity(
    activity: Activity,
    unit: Unit,
    *,
    kind: str,
    held_on: dt.date,
    title: str,
    count: int,
    people_reached: int,
    notes: str = "",
    link: str | None = None,
    today: dt.date,
) -> dict[str, list]:
    """Change an activity by the filing rules; the changes as {field: [old, new]} (dates as
    ISO text, for the audit log). InvalidInput, changing nothing, when a value is bad or the
    activity's period (old or new) is frozen by a saved report."""
    values = _valid_values(
        unit,
        dict(kind=kind, held_on=held_on, title=title, count=count,
             people_reached=people_reached, notes=notes, link=link),
        today,
    )  # fmt: skip
    check_not_frozen(activity.held_on, values["held_on"])
    values["unit_id"] = unit.id
    changes = {
        name: [_audit_value(getattr(activity, name)), _audit_value(values[name])]
        for name in EDITABLE
        if getattr(activity, name) != values[name]
    }
    for name in EDITABLE:
        setattr(activity, name, values[name])
    activity.unit = unit
    db.session.flush()
    return changes


def delete_activity(activity: Activity) -> None:
    """Remove a wrongly filed activity (the caller checks who may, and audits it);
    InvalidInput "frozen" when its period's report is saved."""
    check_not_frozen(activity.held_on)
    db.session.delete(activity)
    db.session.flush()


def _in_units(query, unit_ids: Iterable[int] | None):
    """Restrict to these units; None means every unit (the admin)."""
    if unit_ids is None:
        return query
    return query.filter(Activity.unit_id.in_(list(unit_ids)))


def activities_for(
    unit_ids: Iterable[int] | None, period_start: dt.date, period_end: dt.date
) -> list[Activity]:
    """Activities held in [start, end] (inclusive) by these units, newest first."""
    query = Activity.query.options(
        db.joinedload(Activity.unit),
        db.joinedload(Activity.filed_by),
        db.selectinload(Activity.evidence),
    )
    query = _in_units(query, unit_ids).filter(Activity.held_on.between(period_start, period_end))
    return query.order_by(Activity.held_on.desc(), Activity.id.desc()).all()


def totals_by_kind(
    unit_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> dict[str, tuple[int, int]]:
    """{kind: (sum of counts, sum of people reached)} for activities held in [start, end].

    Counted by the database (GROUP BY kind); kinds nobody filed are absent. The count is the
    sum of each activity's `count` (12 broadcasts filed once count 12)."""
    query = db.session.query(
        Activity.kind,
        func.coalesce(func.sum(Activity.count), 0),
        func.coalesce(func.sum(Activity.people_reached), 0),
    ).filter(Activity.held_on.between(start, end))
    rows = _in_units(query, unit_ids).group_by(Activity.kind).all()
    return {kind: (int(count), int(people)) for kind, count, people in rows}


@dataclass(frozen=True)
class FilingRow:
    """One unit's filing for a period, as the office's status page shows it."""

    unit_id: int
    name: str
    kind: str
    parent_name: str | None
    activities: int  # activities held in the period
    people_reached: int
    first_filed_on: dt.date | None  # local calendar days of the first and last filing
    last_filed_on: dt.date | None
    deadline: dt.date
    deadline_passed: bool

    @property
    def filed(self) -> bool:
        return self.activities > 0

    @property
    def status(self) -> str:
        """filed (on time), late (first filed after the deadline), overdue, or pending."""
        if self.filed:
            return "late" if self.first_filed_on > self.deadline else "filed"
        return "overdue" if self.deadline_passed else "pending"


def deadline_passed(period: NamedPeriod, today: dt.date) -> bool:
    """The deadline is the period's last day (5 June or 5 December): passed the day after."""
    return today > period.end


def filing_status(
    period: NamedPeriod,
    today: dt.date | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> list[FilingRow]:
    """Every village, agency, school and enterprise: has it filed for the period, and when."""
    today = today or local_date(utcnow(), timezone)
    stats = {
        unit_id: (n, people, first, last)
        for unit_id, n, people, first, last in db.session.query(
            Activity.unit_id,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.people_reached), 0),
            func.min(Activity.filed_at),
            func.max(Activity.filed_at),
        )
        .filter(Activity.held_on.between(period.start, period.end))
        .group_by(Activity.unit_id)
    }
    parent = db.aliased(Unit)
    units = (
        db.session.query(Unit.id, Unit.name, Unit.kind, parent.name)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .filter(Unit.kind.in_(STATUS_KINDS))
        .all()
    )
    order = {kind: i for i, kind in enumerate(STATUS_KINDS)}
    units.sort(key=lambda u: (order[u[2]], u[1].casefold(), u[0]))
    passed = deadline_passed(period, today)
    rows = []
    for unit_id, name, kind, parent_name in units:
        n, people, first, last = stats.get(unit_id, (0, 0, None, None))
        rows.append(
            FilingRow(
                unit_id=unit_id,
                name=name,
                kind=kind,
                parent_name=parent_name,
                activities=int(n),
                people_reached=int(people),
                first_filed_on=local_date(first, timezone) if first else None,
                last_filed_on=local_date(last, timezone) if last else None,
                deadline=period.end,
                deadline_passed=passed,
            )
        )
    return rows
