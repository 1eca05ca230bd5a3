"""Vietnamese formatting: dates in administrative style, masked names for minors."""

import datetime as dt
from zoneinfo import ZoneInfo


def local_datetime(utc_naive: dt.datetime, timezone: str) -> dt.datetime:
    """A naive UTC timestamp (as stored) as naive wall-clock time in `timezone`."""
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def local_date(utc_naive: dt.datetime, timezone: str) -> dt.date:
    """The calendar day in `timezone` of a naive UTC timestamp (as stored)."""
    return local_datetime(utc_naive, timezone).date()


def admin_date(day: dt.date) -> str:
    """'ngày 05 tháng 6 năm 2026': leading zero for days below 10 and for months 1–2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def table_date(day: dt.date) -> str:
    """'05/06/2026', as in tables."""
    return day.strftime("%d/%m/%Y")


def masked_name(name: str) -> str:
    """'Nguyễn Thị Hoa' → 'Nguyễn T. H.': the family name and initials, for under-16s."""
    words = name.split()
    if len(words) <= 1:
        return f"{name[:1]}." if name else ""
    return " ".join([words[0], *(f"{w[0]}." for w in words[1:])])
