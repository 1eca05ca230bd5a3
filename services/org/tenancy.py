"""Communes as tenants: registering a commune, the commune every new row belongs to, and the
one mechanism that scopes every query to the communes a unit of work may see.

`install()` (called once from create_app) registers a `before_flush` listener that fills
`commune_id` on every new `TenantOwned` row that lacks one: from the row's unit, else its
participant, poster or staff member (the model's `__tenant_sources__`, in order), else the
only commune of the deployment. It never adds an SQL statement: a source already in the
session gives its value; otherwise the value is a subquery inside the row's own INSERT.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from extensions import db
from models import AuditEvent, Commune, HalfYearSubmission, TenantOwned, Unit
from models.base import utcnow
from models.staff import PROVINCE_ADMIN, PROVINCE_OFFICER
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
    forget_communes()
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
    """The certificate serial prefix of a commune (None: no such commune). A prefix never
    changes, so it is remembered per database: a learner's submit asks for it once."""
    if commune_id is None:
        return None
    key = (str(db.engine.url), commune_id)
    if key not in _prefixes:
        communes = Commune.__table__
        found = db.session.execute(
            select(communes.c.serial_prefix).where(communes.c.unit_id == commune_id)
        ).scalar()
        if found is None:
            return None
        _prefixes[key] = found
    return _prefixes[key]


_prefixes: dict[tuple[str, int], str] = {}


def province_unit() -> Unit | None:
    return db.session.scalars(select(Unit).where(Unit.kind == PROVINCE)).first()


# --- filling commune_id at insert --------------------------------------------------------


def install() -> None:
    """Register the session listeners (once per process; every app shares them)."""
    if not event.contains(Session, "before_flush", _fill_communes):
        event.listen(Session, "before_flush", _fill_communes)
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)


def _fill_communes(session: Session, _context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, TenantOwned)]
    for obj in sorted(new, key=lambda o: _ORDER.get(type(o).__name__, 2)):
        # A commune belongs to itself (register_commune), the province and its staff to none.
        if obj.commune_id is None and not _outside_communes(obj):
            obj.commune_id = commune_of(session, obj)
    _guard_writes(session)


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
        # Nothing of its own tells: the commune of the scope it is made in (a report, a
        # target, a science task filed by a commune's staff).
        scope = session.info.get(SCOPE)
        if scope is not None and scope is not UNRESOLVED and scope.single is not None:
            return scope.single
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
    forget_communes()
    return unit_id


# --- the scope: which communes a unit of work may read and write -------------------------

SCOPE = "tenancy.scope"
# The execution option of the few queries that must see every commune (codes, login,
# uniqueness); tests/test_tenancy_bypass.py keeps the list of the places that pass it.
ALL_COMMUNES = {"all_communes": True}
CACHE_SECONDS = 30.0


class ScopeMissing(RuntimeError):
    """A request queried tenant rows before its scope was resolved: refused, never guessed."""


class ReadOnlyScope(PermissionError):
    """A tenant row changed in a read-only scope, or a new row of a commune outside the scope."""


@dataclass(frozen=True)
class Scope:
    """The communes a unit of work sees (None: every commune), the commune whose content
    and settings it shows, and whether it may change tenant rows."""

    communes: frozenset[int] | None
    content_commune: int | None = None
    writable: bool = True

    @classmethod
    def of(cls, commune_id: int, writable: bool = True) -> "Scope":
        return cls(frozenset({commune_id}), commune_id, writable)

    @property
    def single(self) -> int | None:
        """The one commune of the scope (its content commune when it holds several)."""
        if self.communes is not None and len(self.communes) == 1:
            return next(iter(self.communes))
        return self.content_commune

    def sees(self, commune_id: int | None) -> bool:
        return self.communes is None or commune_id in self.communes


EVERYWHERE = Scope(None)
# A distinct object (compared by identity): the scope of a request not yet resolved.
UNRESOLVED = Scope(frozenset(), writable=False)
NOWHERE = Scope(frozenset())


def enter(session: Session, scope: Scope) -> None:
    """From now on `session` sees `scope`."""
    session.info[SCOPE] = scope


def current(session: Session | None = None) -> Scope:
    """The scope of this unit of work; outside a request (commands, shell, tests): every
    commune."""
    return (session if session is not None else db.session).info.get(SCOPE, EVERYWHERE)


@contextmanager
def scoped(scope: Scope, session: Session | None = None):
    session = session if session is not None else db.session()
    previous = session.info.get(SCOPE)
    enter(session, scope)
    try:
        yield scope
    finally:
        if previous is None:
            session.info.pop(SCOPE, None)
        else:
            enter(session, previous)


def all_communes(session: Session | None = None):
    """Every commune, for a deployment-wide task (the retention purge, a check)."""
    return scoped(EVERYWHERE, session)


def for_commune(commune_id: int, writable: bool = True, session: Session | None = None):
    """Only this commune (a command run for one commune, a test)."""
    return scoped(Scope.of(commune_id, writable), session)


def enter_commune_of(row, session: Session | None = None) -> None:
    """A code route found a row of any commune (with the bypass): from now on the unit of work
    also sees that commune, and shows its content, so that the row's relationships load (a
    learner keeps seeing their own commune)."""
    session = session if session is not None else db.session()
    scope = current(session)
    commune_id = row.commune_id
    if scope.communes is None or commune_id is None or scope is UNRESOLVED:
        return
    enter(session, Scope(scope.communes | {commune_id}, commune_id, scope.writable))


_known: dict[str, tuple[float, tuple[tuple[int, str | None], ...]]] = {}


def communes_known() -> tuple[tuple[int, str | None], ...]:
    """Every commune's (id, host), cached for a few seconds per database: a learner request of
    a one-commune deployment needs no query to know its scope. A commune registered in this
    process is seen at once; one registered by another server, within CACHE_SECONDS."""
    key = str(db.engine.url)
    cached = _known.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    rows = db.session.execute(
        select(Commune.unit_id, Commune.host)
        .order_by(Commune.unit_id)
        .execution_options(**ALL_COMMUNES)
    ).all()
    found = tuple((row[0], row[1]) for row in rows)
    _known[key] = (now + CACHE_SECONDS, found)
    return found


def commune_ids() -> tuple[int, ...]:
    return tuple(commune_id for commune_id, _host in communes_known())


def commune_of_host(host: str) -> int | None:
    host = host.split(":", 1)[0].lower()
    return next((cid for cid, known in communes_known() if known and known.lower() == host), None)


def forget_communes() -> None:
    """Drop the cached list (a commune was added, or the database emptied by a test)."""
    _known.clear()
    _prefixes.clear()


def default_scope() -> Scope:
    """Nothing tells the commune: the only one; with none yet, everything (there is nothing
    to see); with several, nothing (the visitor chooses)."""
    ids = commune_ids()
    if not ids:
        return EVERYWHERE
    return Scope.of(ids[0]) if len(ids) == 1 else NOWHERE


def scope_of_staff(user) -> Scope:
    """What a staff member sees, in a request or in a job made for them: their commune; an
    account without one (made before the first commune, or the province's) the only commune
    while there is one, nothing to scope with none, and every commune read-only with several.
    The province office reads every commune (read-only: its only write to a commune's rows is
    a submission's receipt); the province admin onboards communes, so writes everywhere."""
    if user.commune_id is not None:
        return Scope.of(user.commune_id)
    if user.role == PROVINCE_OFFICER:
        return Scope(None, None, writable=False)
    if user.role == PROVINCE_ADMIN:
        return EVERYWHERE
    ids = commune_ids()
    if not ids:
        return EVERYWHERE
    if len(ids) == 1:
        return Scope.of(ids[0])
    return Scope(None, None, writable=False)


def current_commune_unit() -> Unit | None:
    """The unit of the scope's commune (the top of a commune staff member's tree)."""
    commune_id = current().single
    return db.session.get(Unit, commune_id) if commune_id is not None else None


def _criteria(cls, ids):
    """The rows of a tenant table that a scope of `ids` sees; a table whose NULL means "the
    province's" (targets) also shows those rows to every commune."""
    if cls.__tenant_shared_null__:
        return or_(cls.commune_id.in_(ids), cls.commune_id.is_(None))
    return cls.commune_id.in_(ids)


def _scope_statement(state: ORMExecuteState) -> None:
    """Every ORM SELECT, UPDATE and DELETE sees the scope's communes only."""
    if not (state.is_select or state.is_update or state.is_delete) or state.is_column_load:
        return
    if state.execution_options.get("all_communes", False):
        return
    scope = state.session.info.get(SCOPE, EVERYWHERE)
    if scope is UNRESOLVED:
        raise ScopeMissing("tenant query before the request's scope was resolved")
    if scope.communes is None:
        return
    ids = tuple(sorted(scope.communes))
    state.statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: _criteria(cls, ids), include_aliases=True)
    )


def _receipt(session: Session, obj) -> bool:
    """The province office marking a commune's submission received: an update of a submission
    (services.reporting.submissions' own guard lets nothing but its `received_*` change)."""
    return isinstance(obj, HalfYearSubmission) and obj in session.dirty


def _guard_writes(session: Session) -> None:
    """A read-only scope changes no tenant row but its audit events; a new row of another
    commune than the scope's is refused (audit events say what their staff member did, and
    take that member's commune)."""
    scope = session.info.get(SCOPE, EVERYWHERE)
    if scope.communes is None and scope.writable:
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    tenant = [
        o
        for o in changed
        if isinstance(o, TenantOwned) and not isinstance(o, AuditEvent) and not _receipt(session, o)
    ]
    if scope is UNRESOLVED and tenant:
        raise ScopeMissing("tenant write before the request's scope was resolved")
    if not scope.writable and tenant:
        raise ReadOnlyScope("this scope is read-only")
    for obj in session.new:
        if not isinstance(obj, TenantOwned) or isinstance(obj, AuditEvent):
            continue
        value = obj.__dict__.get("commune_id")
        if isinstance(value, int) and not scope.sees(value):
            raise ReadOnlyScope("a row of another commune than the scope's")
