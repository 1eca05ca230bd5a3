"""The population a unit's shares divide by: one rule for the dashboard, the half-year report
and unit reports alike.

The rule: a unit's declared target population when it is set; otherwise the sum of its
children's (each by the same rule); a unit with neither counts 0.
"""

from collections.abc import Iterable

from sqlalchemy import select

from extensions import db
from models import Unit
from services.org.access import subtree_ids


def population(declared: int | None, children: Iterable[int]) -> int:
    """A unit's declared population if set, else the sum of its children's populations."""
    return declared if declared is not None else sum(children)


def populations(rows: Iterable[tuple[int, int | None, int | None]]) -> dict[int, int]:
    """Population per unit from (id, parent_id, declared) rows, by `population`.

    Children outside `rows` are not counted (a partial tree is measured as given)."""
    declared, children = {}, {}
    for uid, parent_id, pop in rows:
        declared[uid] = pop
        children.setdefault(parent_id, []).append(uid)
    result: dict[int, int] = {}

    def measure(uid: int) -> int:
        if uid not in result:
            result[uid] = population(declared[uid], (measure(c) for c in children.get(uid, [])))
        return result[uid]

    for uid in declared:
        measure(uid)
    return result


def population_of(unit_ids: set[int]) -> int:
    """The population of a set of units closed under children (a subtree or a part of one):
    the sum over its top units, those whose parent is not in the set."""
    rows = db.session.execute(
        select(Unit.id, Unit.parent_id, Unit.target_population).where(Unit.id.in_(unit_ids))
    ).all()
    measured = populations(rows)
    return sum(measured[uid] for uid, parent_id, _pop in rows if parent_id not in unit_ids)


def unit_population(unit: Unit) -> int | None:
    """One unit's population by `population`, or None when neither it nor any unit below it
    has one recorded (a 0 there would be a guess, not a figure)."""
    ids = subtree_ids(unit)
    rows = db.session.execute(
        select(Unit.id, Unit.parent_id, Unit.target_population).where(Unit.id.in_(ids))
    ).all()
    if all(pop is None for _uid, _parent, pop in rows):
        return None
    return populations(rows)[unit.id]
