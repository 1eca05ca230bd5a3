

# --- the scope: which communes a unit of work may read and write ---------------------------

SCOPE = "tenancy.scope"
# Execution option of the few queries that must see every commune (codes, login, uniqueness);
# tests/test_tenancy_bypass.py keeps the list of the places that pass it.
ALL_COMMUNES = {"all_communes": True}
CACHE_SECONDS = 30.0


class ScopeMissing(RuntimeError):
    """A request queried tenant rows before its scope was resolved: refused, never guessed."""


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
        if self.communes is not None and len(self.communes) == 1:
            return next(iter(self.communes))
        return self.content_commune


EVERYWHERE = Scope(None)
UNRESOLVED = Scope(frozenset(), writable=False)
NOWHERE = Scope(frozenset())


def enter(scope: Scope, session: Session | None = None) -> None:
    (session or db.session).info[SCOPE] = scope


def current(session: Session | None = None) -> Scope:
    """The scope of this unit of work; outside a request (commands, shell, tests): every
    commune."""
    return (session or db.session).info.get(SCOPE, EVERYWHERE)


@contextmanager
def scoped(scope: Scope):
    previous = current()
    enter(scope)
    try:
        yield
    finally:
        enter(previous)


def all_communes():
    """Every commune, for a deployment-wide task (retention purge, a check)."""
    return scoped(EVERYWHERE)


def for_commune(commune_id: int):
    return scoped(Scope.of(commune_id))


def enter_commune_of(row) -> None:
    """A code route found a row of any commune (the bypass): from now on the request sees
    that commune, so the row's relationships load (a learner's own commune stays visible)."""
    scope = current()
    commune_id = row.commune_id
    if scope.communes is None or commune_id is None:
        return
    enter(Scope(scope.communes | {commune_id}, commune_id, scope.writable))


_known: dict[str, tuple[float, tuple[int, ...]]] = {}


def commune_ids() -> tuple[int, ...]:
    """Every commune's id, cached for a few seconds per database (asked on every learner
    request of a one-commune deployment, which needs no other query to know its scope)."""
    key = str(db.engine.url)
    cached = _known.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    ids = tuple(db.session.scalars(select(Commune.unit_id).order_by(Commune.unit_id)))
    _known[key] = (time.monotonic() + CACHE_SECONDS, ids)
    return ids


def forget_communes() -> None:
    _known.clear()


def default_scope() -> Scope:
    """Nothing tells the commune: the only one; with none yet, everything (there is nothing
    to see); with several, nothing (the visitor chooses)."""
    ids = commune_ids()
    if not ids:
        return EVERYWHERE
    return Scope.of(ids[0]) if len(ids) == 1 else NOWHERE


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
        with_loader_criteria(
            TenantOwned, lambda cls: cls.commune_id.in_(ids), include_aliases=True
        )
    )


def _guard_writes(session: Session) -> None:
    """A read-only scope changes no tenant row but its own audit events; a row of another
    commune than the scope's is refused."""
    scope = current(session)
    if scope is UNRESOLVED:
        changed = [o for o in (*session.new, *session.dirty, *session.deleted)]
        if any(isinstance(o, TenantOwned) for o in changed):
            raise ScopeMissing("tenant write before the request's scope was resolved")
    if not scope.writable:
        changed = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(o, TenantOwned) and not isinstance(o, AuditEvent) for o in changed):
            raise PermissionError("this scope is read-only")
    if scope.communes is None:
        return
    for obj in session.new:
        value = getattr(obj, "commune_id", None) if isinstance(obj, TenantOwned) else None
        if isinstance(value, int) and value not in scope.communes:
            raise PermissionError("a row of another commune than the scope's")
