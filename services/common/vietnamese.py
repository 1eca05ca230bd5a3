"""Vietnamese formatting: dates in administrative style, masked names for minors."""

import datetime as dt
import math
import re
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


THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(text: str) -> float | None:
    """A number as people type it in Vietnam: '1.234' (thousands), '1,5' (decimal), '12'.

    Returns None for anything else. '1.5' (a phone keyboard's decimal point) is 1.5.
    """
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in value:
        value = value.replace(".", "").replace(",", ".", 1)
    elif THOUSANDS.match(value):
        value = value.replace(".", "")
    if not PLAIN_NUMBER.match(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None  # 400 nines are not a number anyone means


def vn_number(value: float, decimals: int = 1) -> str:
    """1234.5 → '1.234,5' (whole numbers without decimals)."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def vn_percent(ratio: float | None) -> str:
    """A share (0..1) as people read it: '0,4%', '9,5%', '12%', '99,8%', '100%'; '—' for None.

    One decimal below 10 % and above 99 %, whole percents in between; rounding never turns a
    share that is not nothing into '0%' (it reads '<0,1%') nor one short of all into '100%'.
    """
    if ratio is None:
        return "—"
    percent = ratio * 100
    if percent in (0, 100) or 10 <= percent <= 99:
        return f"{vn_number(math.floor(percent + 0.5))}%"  # half up: 12,5 % reads 13%
    shown = round(percent, 1)
    if shown == 0:
        return "<0,1%"
    if shown >= 100 > percent:
        shown = math.floor(percent * 10) / 10
    return f"{vn_number(shown)}%"


def vn_share(part: float, whole: float) -> str:
    """part / whole with vn_percent's rule ('—' when there is no one to divide by)."""
    return vn_percent(part / whole if whole else None)
