"""Whole numbers from the query string (?unit=, ?page=), bounded: a bad one is a 400."""

from flask import abort, request
from flask_babel import gettext as _

from services.common import limits


def query_int(name: str, default: int | None = None, maximum: int = limits.ID_MAX) -> int | None:
    """?name=<1..maximum> as an int; `default` when absent or empty; 400 when malformed."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum))):
        abort(400, description=_("Giá trị “%(name)s” trên đường dẫn không hợp lệ.", name=name))
    value = int(raw)
    if not 1 <= value <= maximum:
        abort(400, description=_("Giá trị “%(name)s” trên đường dẫn không hợp lệ.", name=name))
    return value
