"""Communes as tenants of one deployment: the `communes` register and the `commune_id` that
every row of a commune's own data carries.

A commune is a unit of kind `commune` with a row here; a `province` unit sits above the
communes. `TenantOwned` gives a table its denormalised `commune_id` (set once, at insert, by
services.org.tenancy's before_flush); queries are scoped on it by the same service.
"""

from sqlalchemy.orm import declared_attr

from extensions import db
from models.base import utcnow

COMMUNE_STATUSES = ("active", "archived")


class Commune(db.Model):
    """One commune of the deployment: its code, its certificate serial prefix, its host."""

    __tablename__ = "communes"

    unit_id = db.Column(
        db.Integer, db.ForeignKey("units.id"), primary_key=True, autoincrement=False
    )
    # Short, permanent, ASCII (e.g. "hvt"): what `--commune` takes on the command line.
    code = db.Column(db.String(20), unique=True, nullable=False)
    # The prefix of its certificate serials (HVT-2026-000123): unique, so serials never collide.
    serial_prefix = db.Column(db.String(16), unique=True, nullable=False)
    # Its own public host, if it has one (all hosts are served by the same app).
    host = db.Column(db.String(200), unique=True)
    status = db.Column(db.String(12), nullable=False, default="active", server_default="active")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    unit = db.relationship("Unit", foreign_keys=[unit_id])

    __table_args__ = (db.CheckConstraint("status IN ('active','archived')", name="status"),)


class TenantOwned:
    """A table whose rows belong to one commune (`commune_id` = that commune's unit id).

    `__tenant_sources__` names, in order, the foreign keys a new row takes its commune from
    (the row's unit, its participant, its poster…); a row tied to none of them gets the
    scope's commune."""

    __tenant_sources__: tuple[str, ...] = ()
    # NULL allowed (staff of the province, its own audit events, the province's targets).
    __tenant_nullable__ = False
    # Whether a NULL commune_id means "the province's, shown to every commune" (targets).
    __tenant_shared_null__ = False
    # False where a covering index leads with commune_id instead (visits, attempts).
    __tenant_index__ = True

    @classmethod
    def outside_communes(cls, values) -> bool:
        """Whether a row with these column values belongs to no commune (its commune_id stays
        NULL at insert): the province's own staff."""
        return False

    @declared_attr
    def commune_id(cls):
        return db.Column(
            db.Integer,
            db.ForeignKey("communes.unit_id"),
            nullable=cls.__tenant_nullable__,
            index=cls.__tenant_index__,
            default=commune_of_row_values,
        )


def commune_of_row_values(context) -> int | None:
    """For a Core `insert(Model)` of plain rows (bulk loads, the benches) that leaves out
    `commune_id`: the commune of the row's first source that is set, else the only commune.
    ORM flushes never get here: services.org.tenancy fills the value before."""
    params = context.get_current_parameters()
    table = context.current_column.table
    model = next(m.class_ for m in db.Model.registry.mappers if m.local_table is table)
    if model.outside_communes(params):
        return None
    for source in model.__tenant_sources__:
        value = params.get(source)
        if value is None or source not in table.c:
            continue
        single = [fk for fk in table.c[source].foreign_keys if len(fk.constraint.elements) == 1]
        target = single[0].column.table
        return context.connection.scalar(db.select(target.c.commune_id).where(target.c.id == value))
    communes = context.connection.execute(db.select(Commune.unit_id).limit(2)).scalars().all()
    return communes[0] if len(communes) == 1 else None


# The tables whose unit must be of the row's own commune: (unit_id, commune_id) references
# units (id, commune_id), so the database refuses a row of one commune placed in another's unit.
PLACED_TABLES = (
    "participants",
    "visits",
    "attempts",
    "scans",
    "posters",
    "survey_responses",
    "roster_entries",
    "assignments",
    "activities",
    "nominations",
    "staff_users",
)


def unit_in_commune(table_name: str) -> db.ForeignKeyConstraint:
    return db.ForeignKeyConstraint(
        ["unit_id", "commune_id"],
        ["units.id", "units.commune_id"],
        name=f"fk_{table_name}_unit_commune",
    )
