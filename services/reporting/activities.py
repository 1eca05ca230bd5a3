"""Communication activities that units file for a half-year period, and who has filed.

Services add and flush; the request's unit of work commits (see unit_of_work.py).
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func

from extensions import db
from models import Activity, StaffUser, Unit
from models.activities import ACTIVITY_KINDS
from models.base import utcnow
from services.common.periods import NamedPeriod
from services.common.text import clean_line
from services.common.vietnamese import local_date

EARLIEST = dt.date(2024, 1, 1)  # the plan's first activities; earlier dates are typing errors
MAX_TITLE = 300
MAX_NOTES = 4000
MAX_LINK = 500
MAX_COUNT = 100_000
MAX_PEOPLE = 10_000_000  # well inside a 32-bit integer column
# The kinds of unit that file, and that the office's status page lists (classes never file).
STATUS_KINDS = ("village", "agency", "school", "enterprise")
NOT_FILING_KINDS = ("class",)


class ActivityError(ValueError):
    """Invalid activity data: `errors` maps each bad field to a code (see `check`)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def clean_notes(value: str | None) -> str:
    """NFC text that keeps its line breaks, without other control characters."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [
        "".join(ch for ch in line if unicodedata.category(ch)[0] != "C" or ch == "\t").rstrip()
        for line in value.split("\n")
    ]
    return "\n".join(lines).strip()


def link_ok(link: str) -> bool:
    """An absolute http(s) address with a host and no white space."""
    if any(ch.isspace() for ch in link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


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
    people_reached — required, negative, too_large; notes — too_long; link — scheme, too_long.
    """
    errors: dict[str, str] = {}
    if unit is None:
        errors["unit_id"] = "required"
    elif unit.kind in NOT_FILING_KINDS:
        errors["unit_id"] = "class"
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = "unknown"
    if held_on is None:
        errors["held_on"] = "required"
    elif held_on > today:
        errors["held_on"] = "future"
    elif held_on < EARLIEST:
        errors["held_on"] = "too_early"
    title = clean_line(title)
    if not title:
        errors["title"] = "required"
    elif len(title) > MAX_TITLE:
        errors["title"] = "too_long"
    if count is None:
        errors["count"] = "required"
    elif count < 1:
        errors["count"] = "too_small"
    elif count > MAX_COUNT:
        errors["count"] = "too_large"
    if people_reached is None:
        errors["people_reached"] = "required"
    elif people_reached < 0:
        errors["people_reached"] = "negative"
    elif people_reached > MAX_PEOPLE:
        errors["people_reached"] = "too_large"
    notes = clean_notes(notes)
    if len(notes) > MAX_NOTES:
        errors["notes"] = "too_long"
    link = clean_line(link) or None
    if link is not None:
        if len(link) > MAX_LINK:
            errors["link"] = "too_long"
        elif not link_ok(link):
            errors["link"] = "scheme"
    values = {
        "kind": kind,
        "held_on": held_on,
        "title": title,
        "count": count,
        "people_reached": people_reached,
        "notes": notes,
        "link": link,
    }
    return values, errors


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
) -> Activity:
    """Add one activity of `unit` (raises ActivityError, adding nothing, when invalid).

    Whether `filed_by` may file for `unit` is the caller's check (services.org.access)."""
    values, errors = check(
        unit,
        kind=kind,
        held_on=held_on,
        title=title,
        count=count,
        people_reached=people_reached,
        notes=notes,
        link=link,
        today=today or dt.date.today(),
    )
    if errors:
        raise ActivityError(errors)
    activity = Activity(unit=unit, filed_by=filed_by, filed_at=utcnow(), **values)
    db.session.add(activity)
    db.session.flush()
    return activity


def delete_activity(activity: Activity) -> None:
    """Remove a wrongly filed activity (the caller checks who may, and audits it)."""
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
    query = Activity.query.options(db.joinedload(Activity.unit), db.joinedload(Activity.filed_by))
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
