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

    @declared_attr
    def commune_id(cls):
        return db.Column(db.Integer, db.ForeignKey("communes.unit_id"))
