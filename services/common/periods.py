"""Reporting periods: a range of whole days (Period) and the plan's named half-years, which end on
5 June and 5 December (NamedPeriod)."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, true


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end` inclusive in the commune time zone; either may be open."""

    start: dt.date | None = None
    end: dt.date | None = None
    timezone: str = "Asia/Ho_Chi_Minh"

    def _utc(self, day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Naive UTC limits [low, high) as timestamps are stored."""
        low = self._utc(self.start) if self.start else None
        high = self._utc(self.end + dt.timedelta(days=1)) if self.end else None
        return low, high

    def covers(self, column):
        """SQL condition: a stored (naive UTC) timestamp column falls within the period."""
        low, high = self.bounds()
        return and_(
            column >= low if low is not None else true(),
            column < high if high is not None else true(),
        )

    def covers_day(self, column):
        """SQL condition: a date column (a day in commune time) falls within the period."""
        return and_(
            column >= self.start if self.start is not None else true(),
            column <= self.end if self.end is not None else true(),
        )


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
