"""The unit tree as the office manages it: placement rules, add and change a unit.

Services add and flush; the request's unit of work commits. Importing a table of units is
services.org.unit_import.
"""

from extensions import db
from models import Unit
from models.units import UNIT_KINDS
from services.common.errors import InvalidInput
from services.common.text import clean_line
from services.org.units import create_unit

MAX_NAME = 200
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_POPULATION = 10_000_000

# The kinds a unit of each kind may hang under (a commune is a root).
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "commune": (),
    "village": ("commune",),
    "school": ("commune",),
    "agency": ("commune",),
    "enterprise": ("commune",),
    "class": ("school",),
}


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

    def walk(unit: Unit, depth: int) -> None:
        if unit.id in seen:
            return
        seen.add(unit.id)
        out.append((unit, depth))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    # The roots are the units whose parent is not in the scope: in a commune's scope its
    # commune (the province above it is another scope's), in every commune's the province.
    ids = {unit.id for unit in units}
    roots = [u for parent_id, items in children.items() if parent_id not in ids for u in items]
    for unit in sorted(roots, key=lambda u: (order.get(u.kind, 99), fold(u.name), u.id)):
        walk(unit, 0)
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
    """The cleaned name if a unit of `kind` may be called so under `parent`; InvalidInput if not."""
    if kind not in PARENT_KINDS:
        raise InvalidInput.of("kind", "bad_kind")
    name = clean_line(name)
    if not name:
        raise InvalidInput.of("name", "missing_name")
    if len(name) > MAX_NAME:
        raise InvalidInput.of("name", "name_too_long")
    if unit is not None and parent is not None and _is_below(parent, unit):
        raise InvalidInput.of("parent_id", "cycle")
    allowed = PARENT_KINDS[kind]
    if not allowed and parent is not None:
        raise InvalidInput.of("parent_id", "commune_has_parent")
    if allowed and parent is None:
        raise InvalidInput.of("parent_id", "missing_parent")
    if parent is not None and parent.kind not in allowed:
        raise InvalidInput.of("parent_id", "bad_parent_kind")
    siblings = Unit.query.filter(
        Unit.kind == kind,
        Unit.parent_id == parent.id if parent is not None else Unit.parent_id.is_(None),
    )
    if any(fold(s.name) == fold(name) and (unit is None or s.id != unit.id) for s in siblings):
        raise InvalidInput.of("name", "duplicate")
    return name


def _check_numbers(population: int | None, year: int | None) -> None:
    if population is not None and not 0 <= population <= MAX_POPULATION:
        raise InvalidInput.of("target_population", "bad_population")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput.of("population_year", "bad_year")
    if population is not None and year is None:
        raise InvalidInput.of("population_year", "missing_year")


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
