"""Reporting periods: the plan's half-years end on 5 June and 5 December."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NamedPeriod:
    key: str  # e.g. "2026-H1"
    start: dt.date
    end: dt.date  # inclusive


def half_year(year: int, half: int) -> NamedPeriod:
    """H1: 6 December of the year before to 5 June; H2: 6 June to 5 December."""
    if half == 1:
        return NamedPeriod(f"{year}-H1", dt.date(year - 1, 12, 6), dt.date(year, 6, 5))
    if half == 2:
        return NamedPeriod(f"{year}-H2", dt.date(year, 6, 6), dt.date(year, 12, 5))
    raise ValueError("half must be 1 or 2")


def whole_year(year: int) -> NamedPeriod:
    return NamedPeriod(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))


def containing(day: dt.date) -> NamedPeriod:
    """The half-year window a day falls in (6 Dec belongs to the next year's H1)."""
    if day >= dt.date(day.year, 12, 6):
        return half_year(day.year + 1, 1)
    if day <= dt.date(day.year, 6, 5):
        return half_year(day.year, 1)
    return half_year(day.year, 2)


FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse(key: str) -> NamedPeriod | None:
    """'2026-H1', '2026-H2' or '2026'; None when malformed or outside 2000–2100."""
    if not key[:4].isdigit() or not FIRST_YEAR <= int(key[:4]) <= LAST_YEAR:
        return None
    try:
        if len(key) == 7 and key[4:6] == "-H":
            return half_year(int(key[:4]), int(key[6]))
        if len(key) == 4:
            return whole_year(int(key))
    except ValueError:
        return None
    return None


def recent(today: dt.date, count: int = 6) -> list[NamedPeriod]:
    """The current half-year window and the ones before it, newest first."""
    periods = [containing(today)]
    while len(periods) < count:
        previous = periods[-1].start - dt.timedelta(days=1)
        periods.append(containing(previous))
    return periods
