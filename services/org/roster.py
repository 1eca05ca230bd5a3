"""Class roster import from CSV or XLSX: every row validated, all or nothing."""

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from extensions import db
from models import RosterEntry, Unit
from services.common import safe_tables
from services.common.errors import WHOLE, InvalidInput
from services.common.name_order import sorted_by_name
from services.common.text import clean_line
from services.common.vietnamese import table_date
from services.org import roster_sheet

MAX_ROWS = 300
MAX_NAME = 80
MAX_NUMBER = 20
# Rows read from an XLSX sheet at most: the pupils, the title rows above and the footer below.
READ_ROWS = MAX_ROWS + 100
MAX_LIST_NUMBER = 999


@dataclass
class RosterRow:
    line: int
    name: str
    student_number: str | None
    list_number: int | None = None  # None: numbered by its place among the rows
    date_of_birth: dt.date | None = None


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


def _row_problem(row: RosterRow, birth_ok: bool, seen: set[tuple]) -> str | None:
    if not row.name:
        return "missing_name"
    if len(row.name) > MAX_NAME:
        return "name_too_long"
    if len(row.student_number or "") > MAX_NUMBER:
        return "number_too_long"
    if not birth_ok:
        return "bad_birth_date"
    if identities(row) & seen:
        return "duplicate"
    return None


def _key(row) -> tuple:
    """What tells two pupils of a class apart: the name and the school's number, or without
    a number the name and the date of birth (a row or an entry)."""
    if row.student_number:
        return row.name, row.student_number
    return row.name, None, row.date_of_birth


def identities(row) -> set[tuple]:
    """What makes two rows (or entries) of a class the same pupil: the same name with the same
    school number, or with the same date of birth, or with neither to tell them apart."""
    keys = set()
    if row.student_number:
        keys.add((row.name, "number", row.student_number))
    if row.date_of_birth:
        keys.add((row.name, "born", row.date_of_birth))
    return keys or {(row.name, "alone")}


def _pupil_row(
    columns: roster_sheet.Columns, line: int, cells: list[str]
) -> tuple[RosterRow, bool]:
    """One pupil row, and whether its date of birth (if any) was read."""
    try:
        born, birth_ok = roster_sheet.parse_birth_date(columns.birth_text(cells)), True
    except ValueError:
        born, birth_ok = None, False
    number = columns.number(cells)
    return RosterRow(line, columns.full_name(cells), number or None, None, born), birth_ok


def parse(filename: str, data: bytes) -> RosterParse:
    """Read a school's class list (title rows, header, pupils, footer); errors carry the
    1-based row number in the file (None: the whole file)."""
    result = RosterParse()
    try:
        columns, pupils = roster_sheet.layout(read_table(filename, data, max_rows=READ_ROWS))
        if len(pupils) > MAX_ROWS:
            raise InvalidInput.of(WHOLE, "too_many")
    except InvalidInput as exc:
        result.errors.append((exc.params.get("line"), exc.code))
        return result
    seen: set[tuple] = set()
    stt: list[str] = []
    for line, cells in pupils:
        row, birth_ok = _pupil_row(columns, line, cells)
        problem = _row_problem(row, birth_ok, seen)
        if problem is not None:
            result.errors.append((line, problem))
        else:
            seen |= identities(row)
            result.rows.append(row)
            stt.append(columns.stt(cells))
    _number_rows(result.rows, stt if columns.list_number is not None else [])
    return result


def _number_rows(rows: list[RosterRow], given: list[str]) -> None:
    """Give each row its number on the class list: the file's STT when every row has a
    distinct one, else its place in the file."""
    usable = (
        bool(given)
        and all(n.isdigit() and 0 < int(n) <= MAX_LIST_NUMBER for n in given)
        and len({int(n) for n in given}) == len(given)
    )
    for position, row in enumerate(rows, start=1):
        row.list_number = int(given[position - 1]) if usable else position


def replace_roster(unit: Unit, rows: list[RosterRow]) -> int:
    """Replace the class roster with these rows, keeping entries students already claimed (an
    entry from before dates of birth were given is the same pupil as its row with one)."""
    existing = {_key(e): e for e in RosterEntry.query.filter_by(unit_id=unit.id)}
    kept: list[RosterEntry | None] = []
    for row in rows:
        entry = existing.pop(_key(row), None)
        if entry is None and row.student_number is None:
            entry = existing.pop((row.name, None, None), None)
        kept.append(entry)
    for entry in existing.values():
        if entry.participant_id is None:
            db.session.delete(entry)
    db.session.flush()
    for position, (row, entry) in enumerate(zip(rows, kept, strict=True), start=1):
        number = row.list_number or position
        if entry is not None:
            entry.list_number = number
            entry.date_of_birth = row.date_of_birth or entry.date_of_birth
            continue
        db.session.add(
            RosterEntry(
                unit_id=unit.id,
                name=row.name,
                student_number=row.student_number,
                list_number=number,
                date_of_birth=row.date_of_birth,
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


def _told_apart(group: list[RosterEntry]) -> list[str] | None:
    """What tells namesakes apart on the join page: day and month of birth, else the school's
    student code (never the list number, which a pupil types to prove the name is theirs)."""
    days = [e.date_of_birth.strftime("%d/%m") if e.date_of_birth else "" for e in group]
    if all(days) and len(set(days)) == len(days):
        return [str(_l("(sinh %(day)s)", day=day)) for day in days]
    codes = [e.student_number or "" for e in group]
    secret = any(code == str(e.list_number) for code, e in zip(codes, group, strict=True))
    if all(codes) and not secret and len(set(codes)) == len(codes):
        return [str(_l("(mã %(code)s)", code=code)) for code in codes]
    return None


def choices(entries: list[RosterEntry]) -> list[tuple[int, str]]:
    """(entry id, short name) for a roster list shown to anyone holding the class link: short
    names only; names that collide are told apart by day and month of birth, a student code or
    else their order — never by the list number, never by the year of birth."""
    groups: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        groups.setdefault(short_name(entry.name), []).append(entry)
    suffix: dict[int, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        apart = _told_apart(group) or [f"({n})" for n in range(1, len(group) + 1)]
        suffix.update((e.id, text) for e, text in zip(group, apart, strict=True))
    return [
        (e.id, f"{short_name(e.name)} {suffix[e.id]}" if e.id in suffix else short_name(e.name))
        for e in entries
    ]


def apart_by_birth(entries: list[RosterEntry]) -> bool:
    """Whether the join page tells some namesakes apart by their day and month of birth."""
    groups: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        groups.setdefault(short_name(entry.name), []).append(entry)
    return any(
        len(group) > 1 and all(e.date_of_birth for e in group) and _told_apart(group)
        for group in groups.values()
    )


def staff_labels(entries: list[RosterEntry]) -> dict[int, str]:
    """entry id → the full name as staff lists show it: with the date of birth (or else the
    number on the list) when another pupil of the list has the same name."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.name] = counts.get(entry.name, 0) + 1
    labels = {}
    for entry in entries:
        label = entry.name
        if counts[entry.name] > 1 and entry.date_of_birth is not None:
            label = str(
                _l("%(name)s (sinh %(day)s)", name=label, day=table_date(entry.date_of_birth))
            )
        elif counts[entry.name] > 1:
            label = str(_l("%(name)s (số %(n)d)", name=label, n=entry.list_number))
        labels[entry.id] = label
    return labels


def ordered(entries: list[RosterEntry]) -> list[RosterEntry]:
    """In class-list order (given name, then family and middle names, Vietnamese alphabet and
    tones); namesakes by date of birth, then by their number on the list."""
    by_birth = sorted(entries, key=lambda e: (e.date_of_birth or dt.date.max, e.list_number))
    return sorted_by_name(by_birth, lambda entry: entry.name)


def class_list(unit: Unit) -> list[RosterEntry]:
    """Every name on the class roster, joined or not, in class-list order."""
    return ordered(RosterEntry.query.filter_by(unit_id=unit.id).all())


def unclaimed(unit: Unit) -> list[RosterEntry]:
    """Names on the roster that no student has picked yet, in class-list order."""
    return ordered(RosterEntry.query.filter_by(unit_id=unit.id, participant_id=None).all())


# --- a teacher's corrections -------------------------------------------------------------------


def _clash(unit_id: int, name: str, number: str | None, born: dt.date | None, entry_id: int):
    """Another entry of the class that would be the same pupil."""
    keys = identities(RosterRow(0, name, number, None, born))
    return next(
        (
            other
            for other in RosterEntry.query.filter_by(unit_id=unit_id, name=name)
            if other.id != entry_id and identities(other) & keys
        ),
        None,
    )


def correct(entry: RosterEntry, name: str, born_text: str) -> list[str]:
    """Correct a pupil's name and date of birth (typed dd/mm/yyyy, empty for none), on the
    roster and on the pupil if they joined; the fields changed. InvalidInput: name "required",
    "too_long", "duplicate"; date_of_birth "invalid"."""
    name = clean_line(name)
    try:
        born = roster_sheet.parse_birth_date(born_text)
    except ValueError:
        raise InvalidInput.of("date_of_birth", "invalid") from None
    if not name:
        raise InvalidInput.of("name", "required")
    if len(name) > MAX_NAME:
        raise InvalidInput.of("name", "too_long")
    if _clash(entry.unit_id, name, entry.student_number, born, entry.id) is not None:
        raise InvalidInput.of("name", "duplicate")
    changes = [
        kind
        for kind, old, new in (
            ("name", entry.name, name),
            ("date_of_birth", entry.date_of_birth, born),
        )
        if old != new
    ]
    entry.name, entry.date_of_birth = name, born
    if entry.participant is not None and "name" in changes:
        entry.participant.display_name = name
    db.session.flush()
    return changes


def move(entry: RosterEntry, target: Unit) -> None:
    """Move a pupil to another class: last on its list; a pupil who joined goes along, with
    every attempt (they stay theirs; each keeps the class it was made in)."""
    if _clash(target.id, entry.name, entry.student_number, entry.date_of_birth, entry.id):
        raise InvalidInput.of("unit_id", "duplicate")
    last = db.session.scalar(
        select(func.max(RosterEntry.list_number)).where(RosterEntry.unit_id == target.id)
    )
    entry.unit_id, entry.list_number = target.id, (last or 0) + 1
    if entry.participant is not None:
        entry.participant.unit_id = target.id
    db.session.flush()


def remove(entry: RosterEntry) -> None:
    """Take a pupil off the class roster. A pupil who joined leaves the class for its school:
    their attempts and certificates are kept (and still count for the school and commune)."""
    if entry.participant is not None:
        entry.participant.unit_id = entry.unit.parent_id
    db.session.delete(entry)
    db.session.flush()
