"""The unit tree as the office manages it: placement rules, add, change, and import from a table.

Services add and flush; the request's unit of work commits. An import is planned in full
(every row checked) before anything is written, so a file with any bad row changes nothing.
"""

import re
from dataclasses import dataclass, field

from extensions import db
from models import Unit
from models.units import UNIT_KINDS
from services.common.text import clean_line
from services.org.units import create_unit

MAX_NAME = 200
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_POPULATION = 10_000_000
MAX_IMPORT_ROWS = 1000

# The kinds a unit of each kind may hang under (a commune is a root).
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "commune": (),
    "village": ("commune",),
    "school": ("commune",),
    "agency": ("commune",),
    "enterprise": ("commune",),
    "class": ("school",),
}

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


class UnitError(Exception):
    """A unit that cannot be placed or named so; `field` is the form field, `code` the reason."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def fold(name: str) -> str:
    """The form of a name used to tell units apart: NFC, single spaces, case-insensitive."""
    return clean_line(name).casefold()


def tree() -> list[tuple[Unit, int]]:
    """Every unit with its depth, parents before their children, siblings by kind then name."""
    units = Unit.query.all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    order = {kind: i for i, kind in enumerate(UNIT_KINDS)}
    for items in children.values():
        items.sort(key=lambda u: (order.get(u.kind, 99), fold(u.name), u.id))
    out: list[tuple[Unit, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            if unit.id in seen:
                continue
            seen.add(unit.id)
            out.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out


def parent_choices(kind: str | None = None, exclude: Unit | None = None) -> list[Unit]:
    """Units that can be a parent (of this kind of unit, if given), never `exclude` or below it."""
    kinds = PARENT_KINDS.get(kind, ()) if kind else ("commune", "school")
    candidates = Unit.query.filter(Unit.kind.in_(kinds)).order_by(Unit.kind, Unit.name).all()
    return [u for u in candidates if exclude is None or not _is_below(u, exclude)]


def _is_below(unit: Unit, ancestor: Unit) -> bool:
    """True if `unit` is `ancestor` or somewhere under it."""
    seen: set[int] = set()
    node: Unit | None = unit
    while node is not None and node.id not in seen:
        if node.id == ancestor.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def check_placement(kind: str, name: str, parent: Unit | None, unit: Unit | None = None) -> str:
    """The cleaned name if a unit of `kind` may be called so under `parent`; UnitError if not."""
    if kind not in PARENT_KINDS:
        raise UnitError("kind", "bad_kind")
    name = clean_line(name)
    if not name:
        raise UnitError("name", "missing_name")
    if len(name) > MAX_NAME:
        raise UnitError("name", "name_too_long")
    if unit is not None and parent is not None and _is_below(parent, unit):
        raise UnitError("parent_id", "cycle")
    allowed = PARENT_KINDS[kind]
    if not allowed and parent is not None:
        raise UnitError("parent_id", "commune_has_parent")
    if allowed and parent is None:
        raise UnitError("parent_id", "missing_parent")
    if parent is not None and parent.kind not in allowed:
        raise UnitError("parent_id", "bad_parent_kind")
    siblings = Unit.query.filter(
        Unit.kind == kind,
        Unit.parent_id == parent.id if parent is not None else Unit.parent_id.is_(None),
    )
    if any(fold(s.name) == fold(name) and (unit is None or s.id != unit.id) for s in siblings):
        raise UnitError("name", "duplicate")
    return name


def _check_numbers(population: int | None, year: int | None) -> None:
    if population is not None and not 0 <= population <= MAX_POPULATION:
        raise UnitError("target_population", "bad_population")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise UnitError("population_year", "bad_year")
    if population is not None and year is None:
        raise UnitError("population_year", "missing_year")


def add_unit(
    kind: str, name: str, parent: Unit | None, population: int | None, year: int | None
) -> Unit:
    """A new unit in the tree (classes get their join code)."""
    name = check_placement(kind, name, parent)
    _check_numbers(population, year)
    return create_unit(kind, name, parent, target_population=population, population_year=year)


def change_unit(
    unit: Unit, name: str, parent: Unit | None, population: int | None, year: int | None
) -> dict:
    """Rename, move, or set the population of a unit (its kind never changes); the changes."""
    name = check_placement(unit.kind, name, parent, unit=unit)
    _check_numbers(population, year)
    changes = {}
    new = {
        "name": name,
        "parent_id": parent.id if parent is not None else None,
        "target_population": population,
        "population_year": year,
    }
    for key, value in new.items():
        if getattr(unit, key) != value:
            changes[key] = [getattr(unit, key), value]
    unit.name, unit.parent = name, parent
    unit.target_population, unit.population_year = population, year
    db.session.flush()
    return changes


# --- import ------------------------------------------------------------------------------------


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


_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_WHOLE = re.compile(r"^\d+(\.0+)?$")


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


def plan_import(table: list[tuple[int, list[str]]]) -> ImportPlan:
    """Check every row of a unit table (numbered, non-blank rows, header first) against the tree.

    Rows may name as parent a unit already in the database or one defined on an earlier row.
    A row that matches an existing unit (same kind, name and parent) updates its population/year.
    """
    plan = ImportPlan()
    if not table:
        plan.errors.append((None, "empty", {}))
        return plan
    header_line, header = table[0]
    cols = _columns(header)
    missing = [key for key in ("kind", "name") if key not in cols]
    if missing:
        plan.errors.append((header_line, "no_columns", {}))
        return plan
    rows = table[1:]
    if not rows:
        plan.errors.append((None, "no_rows", {}))
        return plan
    if len(rows) > MAX_IMPORT_ROWS:
        plan.errors.append((None, "too_many", {"n": MAX_IMPORT_ROWS}))
        return plan

    by_id: dict[int, _Node] = {}
    units = Unit.query.all()
    for unit in units:
        by_id[unit.id] = _Node(unit.kind, unit.name, None, unit=unit)
    for unit in units:
        if unit.parent_id is not None:
            by_id[unit.id].parent = by_id.get(unit.parent_id)
    # (kind, folded name) → nodes, and (kind, folded name, parent node id) → node
    by_name: dict[tuple[str, str], list[_Node]] = {}
    by_key: dict[tuple[str, str, int | None], _Node] = {}

    def register(node: _Node) -> None:
        by_name.setdefault((node.kind, fold(node.name)), []).append(node)
        by_key[(node.kind, fold(node.name), id(node.parent) if node.parent else None)] = node

    for node in by_id.values():
        register(node)
    lines_by_key: dict[tuple[str, str, int | None], int] = {}

    def cell(row: list[str], key: str) -> str:
        index = cols.get(key)
        return row[index] if index is not None and index < len(row) else ""

    for line, row in rows:
        kind = KIND_WORDS.get(fold(cell(row, "kind")))
        name = clean_line(cell(row, "name"))
        parent_name = clean_line(cell(row, "parent"))
        if kind is None:
            plan.errors.append((line, "bad_kind", {"value": clean_line(cell(row, "kind"))}))
            continue
        if not name:
            plan.errors.append((line, "missing_name", {}))
            continue
        if len(name) > MAX_NAME:
            plan.errors.append((line, "name_too_long", {"n": MAX_NAME}))
            continue
        try:
            population = _number(cell(row, "population"))
        except ValueError:
            plan.errors.append((line, "bad_population", {}))
            continue
        try:
            year = _number(cell(row, "year"))
        except ValueError:
            plan.errors.append((line, "bad_year", {}))
            continue
        if population is not None and population < 0:
            plan.errors.append((line, "negative_population", {}))
            continue
        if population is not None and population > MAX_POPULATION:
            plan.errors.append((line, "bad_population", {}))
            continue
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            plan.errors.append((line, "bad_year", {}))
            continue
        if population is not None and year is None:
            plan.errors.append((line, "missing_year", {}))
            continue

        parent: _Node | None = None
        allowed = PARENT_KINDS[kind]
        if not allowed:
            if parent_name:
                plan.errors.append((line, "commune_has_parent", {}))
                continue
        else:
            if not parent_name:
                plan.errors.append((line, "missing_parent", {}))
                continue
            candidates = [n for k in allowed for n in by_name.get((k, fold(parent_name)), [])]
            if not candidates:
                other = any(key[1] == fold(parent_name) for key in by_name)
                code = "bad_parent_kind" if other else "unknown_parent"
                plan.errors.append((line, code, {"parent": parent_name}))
                continue
            if len(candidates) > 1:
                plan.errors.append((line, "ambiguous_parent", {"parent": parent_name}))
                continue
            parent = candidates[0]

        key = (kind, fold(name), id(parent) if parent else None)
        if key in lines_by_key:
            plan.errors.append((line, "duplicate_row", {"row": lines_by_key[key]}))
            continue
        lines_by_key[key] = line
        existing = by_key.get(key)
        if existing is not None:
            plan.actions.append(ImportAction(line, existing, population, year, create=False))
        else:
            node = _Node(kind, name, parent, line=line)
            register(node)
            plan.actions.append(ImportAction(line, node, population, year, create=True))
    return plan


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
            continue
        unit = node.unit
        changed = False
        if action.population is not None and unit.target_population != action.population:
            unit.target_population, changed = action.population, True
        if action.year is not None and unit.population_year != action.year:
            unit.population_year, changed = action.year, True
        updated += changed
    db.session.flush()
    return created, updated
