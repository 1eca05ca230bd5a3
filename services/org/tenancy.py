"""Communes as tenants: registering a commune, and the commune every new row belongs to.

`install()` (called once from create_app) registers a `before_flush` listener that fills
`commune_id` on every new `TenantOwned` row that lacks one: from the row's unit, else its
participant, poster or staff member (the model's `__tenant_sources__`, in order), else the
only commune of the deployment. It never adds an SQL statement: a source already in the
session gives its value; otherwise the value is a subquery inside the row's own INSERT.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from extensions import db
from models import Commune, TenantOwned, Unit
from models.base import utcnow
from models.units import PROVINCE
from services.common.text import slugify

CODE_LENGTH = 20
PREFIX_LENGTH = 6

SELF_OWNED = ("commune", PROVINCE)

# Parents first, so that a child added in the same flush can copy a value set just before.
_ORDER = {"Unit": 0, "Participant": 1, "StaffUser": 1, "Poster": 1}


def register_commune(unit: Unit, serial_prefix: str | None = None) -> Commune:
    """The `communes` row of a (flushed) commune unit, which belongs to itself. The first
    commune's serials keep the configured prefix; a later one takes its initials."""
    unit.commune_id = unit.id
    if serial_prefix is None and db.session.scalar(select(func.count()).select_from(Commune)) == 0:
        serial_prefix = current_app.config["CERTIFICATE_SERIAL_PREFIX"]
    commune = Commune(
        unit_id=unit.id,
        code=_free_code(slugify(unit.name, CODE_LENGTH) or f"xa-{unit.id}"),
        serial_prefix=_free_prefix(serial_prefix or _initials(unit.name)),
    )
    db.session.add(commune)
    db.session.flush()
    return commune


def _initials(name: str) -> str:
    """HVT for "xã Hoàng Văn Thụ": the initials after the kind word, upper case."""
    words = slugify(name, 200).split("-")
    if len(words) > 1 and words[0] in {"xa", "phuong", "thi", "dac"}:
        words = words[2:] if words[0] in {"thi", "dac"} else words[1:]
    return "".join(word[0] for word in words if word).upper()[:PREFIX_LENGTH] or "XA"


def _free_code(code: str) -> str:
    return _free(Commune.code, code, CODE_LENGTH)


def _free_prefix(prefix: str) -> str:
    return _free(Commune.serial_prefix, prefix, PREFIX_LENGTH + 2)


def _free(column, wanted: str, length: int) -> str:
    taken = set(db.session.scalars(select(column)))
    candidate, number = wanted[:length], 2
    while candidate in taken:
        suffix = str(number)
        candidate, number = wanted[: length - len(suffix)] + suffix, number + 1
    return candidate


def serial_prefix(commune_id: int | None) -> str | None:
    """The certificate serial prefix of a commune (None: no such commune)."""
    if commune_id is None:
        return None
    communes = Commune.__table__
    return db.session.execute(
        select(communes.c.serial_prefix).where(communes.c.unit_id == commune_id)
    ).scalar()


def province_unit() -> Unit | None:
    return db.session.scalars(select(Unit).where(Unit.kind == PROVINCE)).first()


# --- filling commune_id at insert --------------------------------------------------------


def install() -> None:
    """Register the session listeners (once per process; every app shares them)."""
    if not event.contains(Session, "before_flush", _fill_communes):
        event.listen(Session, "before_flush", _fill_communes)


def _fill_communes(session: Session, _context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, TenantOwned)]
    for obj in sorted(new, key=lambda o: _ORDER.get(type(o).__name__, 2)):
        # A commune belongs to itself (register_commune), the province and its staff to none.
        if obj.commune_id is None and not _outside_communes(obj):
            obj.commune_id = commune_of(session, obj)


def _outside_communes(obj) -> bool:
    """A row that takes no commune at insert: a commune or province unit, the province's staff."""
    if isinstance(obj, Unit):
        return obj.kind in SELF_OWNED
    return type(obj).outside_communes(obj.__dict__)


def commune_of(session: Session, obj: TenantOwned):
    """The commune id of a new row, or an SQL expression that finds it within its INSERT.

    The first source set decides. When its row is not in the session, another source in the
    session on the same unit (the visit's participant, for the participant's unit) gives the
    same value without a subquery."""
    found = [_from_source(session, obj, source) for source in type(obj).__tenant_sources__]
    first = next((row for row in found if row is not None), None)
    if first is None:
        # A row that may stand outside every commune (a staff account, an audit event, a
        # target) never creates one: a fresh install's commune is the one its admin or the
        # demo creates, not a default made by the first login.
        return _default_commune(session, create=_needs_a_commune(obj))
    if first.value is not None:
        return first.value
    unit_id = obj.__dict__.get("unit_id")
    for row in found:
        if row is not None and row.value is not None and row.unit_id == unit_id is not None:
            return row.value
    return first.expression


@dataclass(frozen=True)
class _Source:
    value: int | None  # known in Python
    expression: object  # else: a subquery for the INSERT
    unit_id: int | None = None  # the source row's own unit


def _from_source(session: Session, obj, source: str) -> _Source | None:
    """What the row `source` (a relationship, or a foreign key column) points at says of its
    commune, without a query of its own."""
    mapper = inspect(type(obj))
    relationship = mapper.relationships.get(source)
    if relationship is None:
        relationship = next(
            (
                r
                for r in mapper.relationships
                if r.direction.name == "MANYTOONE" and [c.key for c in r.local_columns] == [source]
            ),
            None,
        )
    if relationship is not None and relationship.key in obj.__dict__:
        related = obj.__dict__[relationship.key]
        if isinstance(related, list):  # a teacher's classes: the first one
            related = related[0] if related else None
        if related is not None:
            return _commune_of_row(related)
    if source not in mapper.columns:
        return None
    key = obj.__dict__.get(source)
    if key is None:
        return None
    foreign_keys = mapper.columns[source].foreign_keys
    foreign_key = next(fk for fk in foreign_keys if len(fk.constraint.elements) == 1)
    target = _model_of(foreign_key.column.table)
    loaded = session.identity_map.get(session.identity_key(target, key))
    if loaded is not None:
        return _commune_of_row(loaded)
    return _Source(None, _subquery(target, key))


def _commune_of_row(row) -> _Source | None:
    value = row.__dict__.get("commune_id")
    unit_id = row.__dict__.get("unit_id")
    if value is not None:
        return _Source(value, None, unit_id)
    identity = inspect(row).identity
    return _Source(None, _subquery(type(row), identity[0]), unit_id) if identity else None


def _model_of(table):
    return next(m.class_ for m in db.Model.registry.mappers if m.local_table is table)


def _subquery(model, key):
    return select(model.commune_id).where(model.id == key).scalar_subquery()


def _needs_a_commune(obj) -> bool:
    """Whether a row with nothing to take its commune from must be in one: every row that
    cannot be NULL, and every unit but a province."""
    if isinstance(obj, Unit):
        return obj.kind != "province"
    return not type(obj).__tenant_nullable__


def default_commune() -> int:
    """The default commune (the lowest id), made from the configuration if none exists yet."""
    found = db.session.execute(select(func.min(Commune.unit_id))).scalar()
    return found if found is not None else _default_commune(db.session)


def _default_commune(session: Session, create: bool = True) -> int | None:
    """The deployment's commune while it has exactly one; with none yet (a fresh install
    whose first rows are not in any unit), the default commune, created from the
    configuration as the migration creates it (NULL, refused by NOT NULL, with several)."""
    conn = session.connection()
    found = conn.execute(select(Commune.unit_id).order_by(Commune.unit_id).limit(2)).all()
    if found:
        return found[0][0] if len(found) == 1 else None
    if not create:
        return None
    units, communes = Unit.__table__, Commune.__table__
    name = current_app.config["COMMUNE_NAME"]
    unit_id = conn.execute(
        insert(units)
        .values(kind="commune", name=name, is_sample=False, created_at=utcnow())
        .returning(units.c.id)
    ).scalar_one()
    conn.execute(update(units).where(units.c.id == unit_id).values(commune_id=unit_id))
    conn.execute(
        insert(communes).values(
            unit_id=unit_id,
            code=slugify(name, CODE_LENGTH) or f"xa-{unit_id}",
            serial_prefix=current_app.config["CERTIFICATE_SERIAL_PREFIX"],
            status="active",
            created_at=utcnow(),
        )
    )
    return unit_id
