"""Dates in views: today in the configured time zone, and ranges from a query string."""

import datetime as dt

from flask import abort, current_app, request
from flask_babel import gettext as _

from models.base import utcnow
from services.common.periods import FIRST_YEAR, LAST_YEAR, Period
from services.common.vietnamese import local_date


def local_today() -> dt.date:
    """Today's date for people: the calendar day now in the app's TIMEZONE, not the server's."""
    return local_date(utcnow(), current_app.config["TIMEZONE"])


def range_from_args() -> Period | None:
    """The ?from=&to= range (each dd/mm/yyyy, or yyyy-mm-dd as a date picker sends it), None
    when neither is given; bad dates are a Vietnamese 400."""
    start, end = day_from_arg("from"), day_from_arg("to")
    if start is None and end is None:
        return None
    if start and end and start > end:
        abort(400, description=_("Ngày bắt đầu phải trước ngày kết thúc."))
    return Period(start, end, current_app.config["TIMEZONE"])


def day_from_arg(name: str) -> dt.date | None:
    """A day typed as dd/mm/yyyy (or yyyy-mm-dd, as a date picker sends it) in ?name=; None
    when empty; anything else is a Vietnamese 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    day = parse_day(raw)
    if day is None:
        abort(400, description=_("Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 05/06/2026."))
    return day


def parse_day(text: str, years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)) -> dt.date | None:
    """'05/06/2026', '5/6/2026' or '2026-06-05' as a date; None when it is not a real day or
    its year is outside `years` (a filter's range; a form's own rules say more)."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            parsed = dt.date(year, month, day)
        else:
            parsed = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if years[0] <= parsed.year <= years[1] else None
