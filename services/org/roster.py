"""Class roster import from CSV or XLSX: every row validated, all or nothing."""

import csv
import zipfile
from dataclasses import dataclass, field

from sqlalchemy import update

from extensions import db
from models import RosterEntry, Unit
from services.common import safe_tables
from services.common.errors import WHOLE, InvalidInput
from services.common.name_order import sorted_by_name
from services.common.text import clean_line

MAX_ROWS = 300
MAX_NAME = 80
MAX_NUMBER = 20
NAME_HEADERS = {"họ và tên", "họ tên", "ho va ten", "ho ten", "tên", "ten", "name", "full name"}
NUMBER_HEADERS = {
    "mã học sinh", "ma hoc sinh", "số thứ tự", "so thu tu", "stt", "mã", "student number", "number",
}  # fmt: skip
# A number column under one of these headers is the pupil's number on the class list.
LIST_NUMBER_HEADERS = {"số thứ tự", "so thu tu", "stt"}
MAX_LIST_NUMBER = 999


@dataclass
class RosterRow:
    line: int
    name: str
    student_number: str | None
    list_number: int | None = None  # None: numbered by its place among the rows


@dataclass
class RosterParse:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (row number, message)


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8-sig")  # UnicodeDecodeError: not UTF-8
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return safe_tables.csv_rows(text, delimiter)


def _read_xlsx(data: bytes, max_rows: int = MAX_ROWS) -> list[list[str]]:
    return safe_tables.xlsx_rows(data, max_rows)


def read_table(filename: str, data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV (UTF-8/UTF-16) or XLSX file, each with its 1-based line number.

    An XLSX file stops being read after max_rows + 1 rows, so callers can tell "too many".
    InvalidInput (the whole file) with code "format", "encoding" or "unreadable" otherwise.
    """
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise InvalidInput.of(WHOLE, "format")
    try:
        table = _read_xlsx(data, max_rows) if name.endswith(".xlsx") else _read_csv(data)
    except UnicodeDecodeError:
        raise InvalidInput.of(WHOLE, "encoding") from None
    except (zipfile.BadZipFile, csv.Error, ValueError, KeyError, OSError):
        raise InvalidInput.of(WHOLE, "unreadable") from None
    # Keep each row's own line number in the file, so that errors point at the right row.
    return [(line, row) for line, row in enumerate(table, start=1) if any(c.strip() for c in row)]


def _roster_columns(numbered: list[tuple[int, list[str]]]) -> tuple[int, int | None, bool]:
    """The name and number columns of a roster's header, and whether that number is the list
    number (STT); InvalidInput for a file without rows."""
    if not numbered:
        raise InvalidInput.of(WHOLE, "empty")
    header_line, header_row = numbered[0]
    header = [clean_line(cell).lower() for cell in header_row]
    name_col = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    number_col = next((i for i, h in enumerate(header) if h in NUMBER_HEADERS), None)
    if name_col is None:
        raise InvalidInput.of(WHOLE, "no_name_column", line=header_line)
    if len(numbered) == 1:
        raise InvalidInput.of(WHOLE, "no_rows")
    if len(numbered) - 1 > MAX_ROWS:
        raise InvalidInput.of(WHOLE, "too_many")
    return (
        name_col,
        number_col,
        number_col is not None and header[number_col] in LIST_NUMBER_HEADERS,
    )


def _row_problem(person: str, number: str, seen: set[tuple[str, str | None]]) -> str | None:
    if not person:
        return "missing_name"
    if len(person) > MAX_NAME:
        return "name_too_long"
    if len(number) > MAX_NUMBER:
        return "number_too_long"
    if (person, number or None) in seen:
        return "duplicate"
    return None


def parse(filename: str, data: bytes) -> RosterParse:
    """Read a roster file; errors carry the 1-based row number in the file (None: whole file)."""
    result = RosterParse()
    try:
        numbered = read_table(filename, data)
        name_col, number_col, is_list_number = _roster_columns(numbered)
    except InvalidInput as exc:
        result.errors.append((exc.params.get("line"), exc.code))
        return result
    seen: set[tuple[str, str | None]] = set()
    for line, row in numbered[1:]:
        person = clean_line(row[name_col] if name_col < len(row) else "")
        number = (
            clean_line(row[number_col]) if number_col is not None and number_col < len(row) else ""
        )
        problem = _row_problem(person, number, seen)
        if problem is not None:
            result.errors.append((line, problem))
        else:
            seen.add((person, number or None))
            result.rows.append(RosterRow(line, person, number or None))
    _number_rows(result.rows, is_list_number)
    return result


def _number_rows(rows: list[RosterRow], from_file: bool) -> None:
    """Give each row its number on the class list: the file's STT when every row has a
    distinct one, else its place in the file."""
    given = [r.student_number or "" for r in rows] if from_file else []
    usable = (
        bool(given)
        and all(n.isdigit() and 0 < int(n) <= MAX_LIST_NUMBER for n in given)
        and len({int(n) for n in given}) == len(given)
    )
    for position, row in enumerate(rows, start=1):
        row.list_number = int(given[position - 1]) if usable else position


def replace_roster(unit: Unit, rows: list[RosterRow]) -> int:
    """Replace the class roster with these rows, keeping entries students already claimed."""
    existing = {(e.name, e.student_number): e for e in RosterEntry.query.filter_by(unit_id=unit.id)}
    wanted = {(r.name, r.student_number) for r in rows}
    for key, entry in existing.items():
        if key not in wanted and entry.participant_id is None:
            db.session.delete(entry)
    for position, row in enumerate(rows, start=1):
        number = row.list_number or position
        kept = existing.get((row.name, row.student_number))
        if kept is not None:
            kept.list_number = number
        else:
            db.session.add(
                RosterEntry(
                    unit_id=unit.id,
                    name=row.name,
                    student_number=row.student_number,
                    list_number=number,
                )
            )
    db.session.flush()
    return len(rows)


def claim(entry_id: int, unit: Unit, participant_id: int) -> RosterEntry | None:
    """Mark a roster name as taken by a student; None if someone else already took it."""
    taken = db.session.execute(
        update(RosterEntry)
        .where(
            RosterEntry.id == entry_id,
            RosterEntry.unit_id == unit.id,
            RosterEntry.participant_id.is_(None),
        )
        .values(participant_id=participant_id)
    ).rowcount
    return db.session.get(RosterEntry, entry_id) if taken == 1 else None


def entry_for_number(chosen: RosterEntry, list_number: int) -> RosterEntry | None:
    """The unclaimed entry of the chosen entry's class showing the same short name and having
    this list number: the chosen one, or its namesake when two short names collide."""
    shown = short_name(chosen.name)
    for entry in RosterEntry.query.filter_by(
        unit_id=chosen.unit_id, list_number=list_number, participant_id=None
    ):
        if short_name(entry.name) == shown:
            return entry
    return None


def short_name(full_name: str) -> str:
    """A Vietnamese name (family name first, given name last) shown as the given name and the
    initials of the others: "Nguyễn Thị Ánh" → "Ánh N. T."."""
    words = full_name.split()
    if len(words) <= 1:
        return " ".join(words)
    initials = " ".join(f"{word[0].upper()}." for word in words[:-1])
    return f"{words[-1]} {initials}"


def choices(entries: list[RosterEntry]) -> list[tuple[int, str]]:
    """(entry id, short name) for a roster list shown to anyone holding the class link; short
    names that collide are told apart by their order, never by the secret list number."""
    shown = [short_name(e.name) for e in entries]
    seen: dict[str, int] = {}
    labels = []
    for entry, label in zip(entries, shown, strict=True):
        if shown.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label} ({seen[label]})"
        labels.append((entry.id, label))
    return labels


def unclaimed(unit: Unit) -> list[RosterEntry]:
    """Names on the roster that no student has picked yet."""
    entries = (
        RosterEntry.query.filter_by(unit_id=unit.id, participant_id=None)
        .order_by(RosterEntry.id)
        .all()
    )
    return sorted_by_name(entries, lambda entry: entry.name)
