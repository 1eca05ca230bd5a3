"""Fill a database, at whatever revision it stands, with a few linked rows per table.

The rows are driven by the reflected schema: every column gets a value of its type, every
foreign key points at a row of the referenced table, an `IN (...)` check picks its first
allowed value. OVERRIDES holds the few values a generic filler cannot guess (which of several
exclusive targets is set). Text is Vietnamese with diacritics, so a rebuild that mangles
encodings shows.
"""

import datetime as dt
import re

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

ROWS_PER_TABLE = 3
VERSION_TABLE = "alembic_version"
WORDS = (
    "Xã Hoàng Văn Thụ, thôn Nà Pàn",
    "Trường THCS Đồng Tâm — lớp 7A",
    "Bà Nguyễn Thị Ánh Tuyết ở bản Khuổi Phầy",
)

# The one target of a poster, a visit or a class assignment is its lesson; a nomination names
# a participant; a certificate is for its quiz (not a course).
OVERRIDES: dict[str, dict[str, object]] = {
    "certificates": {"course_id": None},
    "posters": {"quiz_id": None, "survey_id": None},
    "visits": {"kind": "lesson", "quiz_id": None, "survey_id": None},
    "nominations": {"subject_kind": "participant", "unit_id": None},
    "assignments": {"survey_id": None},  # work given to a class: a lesson (or a survey)
}

# `kind IN ('a','b')` (SQLite keeps the text) or `kind = ANY (ARRAY['a', ...])` (PostgreSQL).
ALLOWED = re.compile(
    r"\(?(\w+)\)?(?:::\w+(?: varying)?)?\s+(?:IN\s*\(|=\s*ANY\s*\(+ARRAY\[)\s*'([^']*)'",
    re.IGNORECASE,
)


def data_tables(connection: Connection) -> list[Table]:
    """The reflected tables holding data, parents before children."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def fill(connection: Connection) -> dict[str, list[dict]]:
    """Insert ROWS_PER_TABLE rows into every table; return them by table name."""
    inspector = inspect(connection)
    rows: dict[str, list[dict]] = {}
    for table in data_tables(connection):
        allowed = allowed_values(inspector, table.name)
        table_rows = []
        for index in range(ROWS_PER_TABLE):
            row = row_for(table, index, rows, table_rows, allowed)
            connection.execute(table.insert(), row)
            table_rows.append(row)
        rows[table.name] = table_rows
    return rows


def allowed_values(inspector, table_name: str) -> dict[str, str]:
    """First allowed value of each column an `IN (...)` check limits."""
    allowed = {}
    for check in inspector.get_check_constraints(table_name):
        for column, value in ALLOWED.findall(check["sqltext"]):
            allowed.setdefault(column, value)
    return allowed


def row_for(table: Table, index: int, rows: dict, own: list, allowed: dict) -> dict:
    """One row of `table`: linked to earlier rows, overridden where OVERRIDES says."""
    row = {column.name: plain_value(column, index) for column in table.columns}
    row.update({name: value for name, value in allowed.items() if name in row})
    # Composite keys last: (unit_id, commune_id) must be the pair of the unit's row, whatever
    # the single-column keys on either column said. The first unit is its own commune.
    by_width = sorted(table.foreign_key_constraints, key=lambda c: (len(c.elements), c.name or ""))
    for constraint in by_width:
        parent = parent_row(constraint, index, rows, own)
        for element in constraint.elements:
            row[element.parent.name] = None if parent is None else parent[element.column.name]
    if table.name == "units" and "commune_id" in row and not own:
        row["commune_id"] = row["id"]
    overrides = OVERRIDES.get(table.name, {})
    row.update({name: value for name, value in overrides.items() if name in row})
    placed = table.name != "units" and {"unit_id", "commune_id"} <= set(row)
    if placed and row["unit_id"] is not None:  # a tenant row is in its unit's commune
        unit = next(u for u in rows["units"] if u["id"] == row["unit_id"])
        row["commune_id"] = unit["commune_id"]
    return row


def parent_row(constraint, index: int, rows: dict, own: list) -> dict | None:
    """The row a foreign key points at: the row before for a self reference (none for the
    first), else the parent row of the same index."""
    if constraint.referred_table is constraint.parent:
        return own[index - 1] if index else None
    parents = rows[constraint.referred_table.name]
    return parents[index % len(parents)]


def plain_value(column, index: int):
    """A value of the column's type, unique per row, within the column's length."""
    kind = column.type
    if isinstance(kind, Boolean):
        return index % 2 == 0
    if isinstance(kind, Integer):
        return index + 1
    if isinstance(kind, (Float, Numeric)):
        return index + 0.5
    if isinstance(kind, DateTime):
        return dt.datetime(2026, 3, index + 1, 8, 30, 15)
    if isinstance(kind, Date):
        return dt.date(2026, 1, index + 1)
    if isinstance(kind, LargeBinary):
        return f"%PDF-1.7 {index}".encode()
    if isinstance(kind, JSON):
        return {"ghi_chú": WORDS[index % len(WORDS)], "thứ_tự": index}
    if isinstance(kind, (String, Text)):
        text = f"{index + 1} {WORDS[index % len(WORDS)]}"
        length = getattr(kind, "length", None)
        return text[:length] if length else text
    raise TypeError(f"no sample value for {column.table.name}.{column.name} ({kind!r})")


def text_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, (String, Text))]


def stored_texts(
    connection: Connection, table: Table, columns: list[str], without: str | None = None
) -> set[tuple]:
    """The text values of `columns` in every row (but those matching `without`), as a set of
    tuples."""
    query = select(*[table.c[name] for name in columns])
    if without is not None:
        query = query.where(text(f"NOT ({without})"))
    result = connection.execute(query)
    return {tuple(row) for row in result}
