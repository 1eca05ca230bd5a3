"""The communes of the deployment at a glance, and the check that every row of a commune's
data sits in its unit's commune (`flask communes list` and `flask communes check`)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from extensions import db
from models import Commune, Participant, TenantOwned, Unit


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    serial_prefix: str
    units: int
    people: int


def overview() -> list[CommuneRow]:
    """Every commune by code, with the number of its units (itself included) and people."""
    units = (
        select(Unit.commune_id, func.count().label("n"))
        .where(Unit.commune_id.is_not(None))
        .group_by(Unit.commune_id)
        .subquery()
    )
    people = (
        select(Participant.commune_id, func.count().label("n"))
        .group_by(Participant.commune_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Commune.code,
            Unit.name,
            Commune.serial_prefix,
            func.coalesce(units.c.n, 0),
            func.coalesce(people.c.n, 0),
        )
        .join(Unit, Unit.id == Commune.unit_id)
        .outerjoin(units, units.c.commune_id == Commune.unit_id)
        .outerjoin(people, people.c.commune_id == Commune.unit_id)
        .order_by(Commune.code)
    )
    return [CommuneRow(*row) for row in rows]


def _tenant_tables() -> list:
    return [
        mapper.local_table
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, TenantOwned) and mapper.class_ is not Unit
    ]


def misplaced_rows() -> dict[str, int]:
    """Per table, the rows whose commune is not their unit's: a tenant row with a unit, and a
    unit below a commune whose commune differs from its parent's. Empty when all is well."""
    wrong: dict[str, int] = {}
    units = Unit.__table__
    for table in sorted(_tenant_tables(), key=lambda t: t.name):
        if "unit_id" not in table.c:
            continue
        count = db.session.scalar(
            select(func.count())
            .select_from(table.join(units, units.c.id == table.c.unit_id))
            .where(
                (table.c.commune_id != units.c.commune_id)
                | table.c.commune_id.is_(None) & units.c.commune_id.is_not(None)
            )
        )
        if count:
            wrong[table.name] = count
    parent = units.alias("parent")
    count = db.session.scalar(
        select(func.count())
        .select_from(units.join(parent, parent.c.id == units.c.parent_id))
        .where(
            units.c.kind != "commune",
            (units.c.commune_id != parent.c.commune_id) | units.c.commune_id.is_(None),
        )
    )
    if count:
        wrong["units"] = count
    return wrong
