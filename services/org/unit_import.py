"""Importing a table of units (CSV/XLSX rows) into the tree, all or nothing.

An import is planned in full (every row checked against the tree and the rows before it) before
anything is written, so a file with any bad row changes nothing. Services add and flush; the
request's unit of work commits.
"""

import re
from dataclasses import dataclass, field

from extensions import db
from models import Unit
from models.units import PROVINCE, UNIT_KINDS
from services.common.errors import WHOLE, InvalidInput
from services.common.text import clean_line
from services.org.unit_tree import (
    MAX_NAME,
    MAX_POPULATION,
    MAX_YEAR,
    MIN_YEAR,
    PARENT_KINDS,
    fold,
)
from services.org.units import create_unit

MAX_IMPORT_ROWS = 1000
# A sheet may open with title rows ("DANH SÁCH ĐƠN VỊ XÃ …", a date) above its header.
MAX_TITLE_ROWS = 10

# What people write in the "Loại" column (compared after clean_line + casefold).
KIND_WORDS: dict[str, str] = {
    **{kind: kind for kind in UNIT_KINDS},
    "xã": "commune", "xa": "commune", "phường": "commune", "phuong": "commune",
    "thôn": "village", "thon": "village", "bản": "village", "ban": "village",
    "trường": "school", "truong": "school", "trường học": "school", "truong hoc": "school",
    "lớp": "class", "lop": "class", "lớp học": "class", "lop hoc": "class",
    "cơ quan": "agency", "co quan": "agency",
    "doanh nghiệp": "enterprise", "doanh nghiep": "enterprise",
}  # fmt: skip

HEADERS: dict[str, set[str]] = {
    "kind": {"loại", "loai", "loại đơn vị", "loai don vi", "kind"},
    "name": {"tên", "ten", "tên đơn vị", "ten don vi", "name"},
    "parent": {"thuộc", "thuoc", "đơn vị cấp trên", "don vi cap tren", "cấp trên", "parent"},
    "population": {
        "dân số mục tiêu", "dan so muc tieu", "dân số", "dan so", "số người", "so nguoi",
        "target population", "population",
    },
    "year": {"năm", "nam", "năm áp dụng", "nam ap dung", "year"},
}  # fmt: skip


@dataclass(eq=False)
class _Node:
    """A unit as the import sees it: one already in the database, or one a row will create."""

    kind: str
    name: str
    parent: "_Node | None"
    unit: Unit | None = None
    line: int | None = None


@dataclass
class ImportAction:
    line: int
    node: _Node
    population: int | None
    year: int | None
    create: bool


@dataclass
class ImportPlan:
    actions: list[ImportAction] = field(default_factory=list)
    # (row number or None for the whole file, code, params for the message)
    errors: list[tuple[int | None, str, dict]] = field(default_factory=list)


@dataclass
class _Row:
    """One row's cleaned cells."""

    kind: str
    name: str
    parent_name: str
    population: int | None
    year: int | None


_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_WHOLE = re.compile(r"^\d+(\.0+)?$")


def _refuse(code: str, **params) -> InvalidInput:
    return InvalidInput.of(WHOLE, code, **params)


def _number(raw: str) -> int | None:
    """A whole number as written by people or spreadsheets ("1.200", "1 200", "300.0").

    None if blank.

    ValueError if it is not one; a leading minus sign gives a negative number.
    """
    text = clean_line(raw).replace(" ", "")
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("-")
    if _THOUSANDS.match(text):
        return sign * int(re.sub(r"[.,]", "", text))
    if _WHOLE.match(text):
        return sign * int(text.split(".")[0])
    raise ValueError(raw)


def _columns(header: list[str]) -> dict[str, int]:
    cleaned = [fold(cell) for cell in header]
    found = {}
    for key, names in HEADERS.items():
        index = next((i for i, h in enumerate(cleaned) if h in names), None)
        if index is not None:
            found[key] = index
    return found


def _table_parts(table: list[tuple[int, list[str]]]) -> tuple[dict[str, int], list]:
    """The header's columns and the rows below it; InvalidInput for a table that has neither."""
    if not table:
        raise InvalidInput.of(WHOLE, "empty")
    found = next(
        (
            (index, cols)
            for index, (_line, header) in enumerate(table[: MAX_TITLE_ROWS + 1])
            if all(key in (cols := _columns(header)) for key in ("kind", "name"))
        ),
        None,
    )
    if found is None:
        raise InvalidInput.of(WHOLE, "no_columns", line=table[0][0])
    index, cols = found
    rows = table[index + 1 :]
    if not rows:
        raise InvalidInput.of(WHOLE, "no_rows")
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidInput.of(WHOLE, "too_many", n=MAX_IMPORT_ROWS)
    return cols, rows


def _cell(row: list[str], cols: dict[str, int], key: str) -> str:
    index = cols.get(key)
    return row[index] if index is not None and index < len(row) else ""


def _whole_number(raw: str, code: str) -> int | None:
    try:
        return _number(raw)
    except ValueError:
        raise _refuse(code) from None


def _check_numbers(population: int | None, year: int | None) -> None:
    if population is not None and population < 0:
        raise _refuse("negative_population")
    if population is not None and population > MAX_POPULATION:
        raise _refuse("bad_population")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse("bad_year")
    if population is not None and year is None:
        raise _refuse("missing_year")


def _read_row(row: list[str], cols: dict[str, int]) -> _Row:
    """The row's cleaned cells, checked one by one; InvalidInput at the first bad cell."""
    kind = KIND_WORDS.get(fold(_cell(row, cols, "kind")))
    name = clean_line(_cell(row, cols, "name"))
    if kind is None:
        raise _refuse("bad_kind", value=clean_line(_cell(row, cols, "kind")))
    if not name:
        raise _refuse("missing_name")
    if len(name) > MAX_NAME:
        raise _refuse("name_too_long", n=MAX_NAME)
    population = _whole_number(_cell(row, cols, "population"), "bad_population")
    year = _whole_number(_cell(row, cols, "year"), "bad_year")
    _check_numbers(population, year)
    return _Row(kind, name, clean_line(_cell(row, cols, "parent")), population, year)


class _Tree:
    """The units in the database and those earlier rows will create, found by name; with a
    commune, only that commune's units, and a row without a parent goes under the commune."""

    def __init__(self, commune: Unit | None = None) -> None:
        # (kind, folded name) → nodes, and (kind, folded name, parent node id) → node
        self.by_name: dict[tuple[str, str], list[_Node]] = {}
        self.by_key: dict[tuple[str, str, int | None], _Node] = {}
        query = Unit.query.filter(Unit.kind != PROVINCE)
        if commune is not None:
            query = query.filter(Unit.commune_id == commune.id)
        units = query.all()
        by_id = {unit.id: _Node(unit.kind, unit.name, None, unit=unit) for unit in units}
        self.commune = by_id.get(commune.id) if commune is not None else None
        for unit in units:
            if unit.parent_id is not None:
                by_id[unit.id].parent = by_id.get(unit.parent_id)
        for node in by_id.values():
            self.add(node)

    @staticmethod
    def key(kind: str, name: str, parent: _Node | None) -> tuple[str, str, int | None]:
        return (kind, fold(name), id(parent) if parent else None)

    def add(self, node: _Node) -> None:
        self.by_name.setdefault((node.kind, fold(node.name)), []).append(node)
        self.by_key[self.key(node.kind, node.name, node.parent)] = node

    def parent_for(self, kind: str, parent_name: str) -> _Node | None:
        """The one unit a row of `kind` names as its parent; InvalidInput when there is none."""
        allowed = PARENT_KINDS[kind]
        if not allowed:
            if parent_name:
                raise _refuse("commune_has_parent")
            return None
        if not parent_name and self.commune is not None and "commune" in allowed:
            return self.commune
        if not parent_name:
            raise _refuse("missing_parent")
        folded = fold(parent_name)
        candidates = [n for k in allowed for n in self.by_name.get((k, folded), [])]
        if not candidates:
            other = any(key[1] == folded for key in self.by_name)
            raise _refuse("bad_parent_kind" if other else "unknown_parent", parent=parent_name)
        if len(candidates) > 1:
            raise _refuse("ambiguous_parent", parent=parent_name)
        return candidates[0]


def plan_import(table: list[tuple[int, list[str]]], commune: Unit | None = None) -> ImportPlan:
    """Check every row of a unit table (numbered, non-blank rows, title rows, header) against
    the tree.

    Rows may name as parent a unit already in the database or one defined on an earlier row.
    A row that matches an existing unit (same kind, name and parent) updates its population/year.
    With `commune`, the table is that commune's: parents are found among its units only, a row
    without a parent hangs under it, and a row of another commune is refused (`other_commune`).
    """
    plan = ImportPlan()
    try:
        cols, rows = _table_parts(table)
    except InvalidInput as exc:
        line = exc.params.pop("line", None)
        plan.errors.append((line, exc.code, exc.params))
        return plan
    tree = _Tree(commune)
    lines_by_key: dict[tuple[str, str, int | None], int] = {}
    for line, cells in rows:
        try:
            row = _read_row(cells, cols)
            parent = tree.parent_for(row.kind, row.parent_name)
            key = tree.key(row.kind, row.name, parent)
            if commune is not None and row.kind == "commune" and key not in tree.by_key:
                raise _refuse("other_commune", name=row.name)
            if key in lines_by_key:
                raise _refuse("duplicate_row", row=lines_by_key[key])
        except InvalidInput as exc:
            plan.errors.append((line, exc.code, exc.params))
            continue
        lines_by_key[key] = line
        plan.actions.append(_action(tree, key, line, row, parent))
    return plan


def _action(tree: _Tree, key: tuple, line: int, row: _Row, parent: _Node | None) -> ImportAction:
    """Update the unit the row names, or create it (and let later rows hang under it)."""
    existing = tree.by_key.get(key)
    if existing is not None:
        return ImportAction(line, existing, row.population, row.year, create=False)
    node = _Node(row.kind, row.name, parent, line=line)
    tree.add(node)
    return ImportAction(line, node, row.population, row.year, create=True)


def _update(unit: Unit, population: int | None, year: int | None) -> bool:
    """Set the numbers a row gives (blank cells keep the unit's); True if anything changed."""
    changed = False
    if population is not None and unit.target_population != population:
        unit.target_population, changed = population, True
    if year is not None and unit.population_year != year:
        unit.population_year, changed = year, True
    return changed


def apply_import(plan: ImportPlan) -> tuple[int, int]:
    """Write a plan without errors; (units created, units updated)."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    created = updated = 0
    for action in plan.actions:
        node = action.node
        if action.create:
            parent = node.parent.unit if node.parent else None
            node.unit = create_unit(
                node.kind,
                node.name,
                parent,
                target_population=action.population,
                population_year=action.year,
            )
            created += 1
        else:
            updated += _update(node.unit, action.population, action.year)
    db.session.flush()
    return created, updated
