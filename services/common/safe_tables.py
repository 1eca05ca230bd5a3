"""Bounded readers for uploaded tables: CSV text and the first sheet of an XLSX workbook.

Every failure (a bound passed, broken XML, a broken archive) is a `limits.LimitExceeded`.
openpyxl parses through defusedxml when it is installed (requirements.txt), so entity
expansion in a sheet is refused.
"""

import csv
import datetime as dt
import io
import zipfile
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from services.common import limits
from services.common.safe_zip import check_archive

# What openpyxl raises on a workbook that is a valid ZIP but not a valid workbook.
_XLSX_ERRORS = (
    ParseError, KeyError, IndexError, TypeError, AttributeError, ValueError, OSError, EOFError,
    zipfile.BadZipFile, RecursionError,
)  # fmt: skip


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    """The rows of a CSV text, within TABLE_MAX_LINES, TABLE_LINE_MAX and TABLE_FIELD_MAX."""
    csv.field_size_limit(limits.TABLE_FIELD_MAX)
    lines = io.StringIO(text)
    rows = []
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            rows.append(row)
            if len(rows) > limits.TABLE_MAX_LINES:
                raise limits.LimitExceeded("too many lines")
            if sum(len(cell) for cell in row) > limits.TABLE_LINE_MAX:
                raise limits.LimitExceeded("line too long")
    except csv.Error as exc:
        raise limits.LimitExceeded(str(exc)) from None
    return rows


def cell_text(value) -> str:
    """A cell's value as the text a person reads in Excel: a date cell as its day
    (yyyy-mm-dd), a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(data: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as text, at most max_rows + 1 (so callers can tell "too many")."""
    check_archive(data, limits.XLSX_MAX_UNPACKED)
    try:
        # data_only=False: a formula cell comes back as its text ("=1+1"), never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            rows = []
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append([cell_text(v) for v in row])
                if len(rows) > max_rows + 1:
                    break
        finally:
            workbook.close()
    except limits.LimitExceeded:
        raise
    except _XLSX_ERRORS as exc:
        raise limits.LimitExceeded(f"unreadable workbook: {type(exc).__name__}") from None
    except Exception as exc:  # defusedxml's refusals (entities, DTDs) have their own classes
        if type(exc).__module__.startswith("defusedxml"):
            raise limits.LimitExceeded(f"unsafe workbook XML: {type(exc).__name__}") from None
        raise
    return rows
