"""Which communes a request sees: resolved before any view runs, restored after it.

The hook first marks the scope unresolved (a tenant query then fails closed), then sets it:

- **Staff.** A staff member with a commune sees that commune, and may change it. One without
  a commune is an account made before the first commune existed (`flask create-admin` on a
  fresh install) or, later, the province's: while the deployment has exactly one commune it
  is that commune's (as the migration made every earlier admin); with none, there is nothing
  to scope; with several, it reads every commune and changes none (read-only).
- **Learners.** The commune whose content they see is the one of the poster or class they
  last arrived through (kept in the signed session), else their own participant's, else the
  commune whose host the request came to, else the only commune. They see that commune and
  their own (their reads are keyed by token or public id: the set only keeps their own rows
  loadable). With several communes and none of these, they see nothing of any commune.
- **No request** (commands, the shell, tests): every commune (services.org.tenancy).

A deployment of one commune knows its scope with no query (the commune list is cached).
"""

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from models import Participant
from services.org import tenancy
from services.participation.identity import hash_token

SESSION_KEY = "communes"  # the learner's communes, newest arrival first, in the signed session
HELD = 4


def register_tenancy(app: Flask) -> None:
    def resolve_scope():
        if "tenancy_previous" not in g:  # the scope the request found, put back after it
            g.tenancy_previous = db.session.info.get(tenancy.SCOPE)
        tenancy.enter(db.session, tenancy.UNRESOLVED)
        tenancy.enter(db.session, _scope_of_request())

    def restore_scope(_error):
        if "tenancy_previous" not in g:
            return
        previous = g.pop("tenancy_previous")
        if previous is None:
            db.session.info.pop(tenancy.SCOPE, None)
        else:
            tenancy.enter(db.session, previous)

    # First of all the hooks: nothing may query before the scope is known.
    app.before_request_funcs.setdefault(None, []).insert(0, resolve_scope)
    app.teardown_request(restore_scope)


def _scope_of_request() -> tenancy.Scope:
    if request.endpoint == "static":
        return tenancy.NOWHERE
    if current_user.is_authenticated:
        return staff_scope(current_user)
    return _learner_scope()


def staff_scope(user) -> tenancy.Scope:
    """The scope of a staff member's requests (see the module's docstring)."""
    return tenancy.scope_of_staff(user)


def _learner_scope() -> tenancy.Scope:
    ids = tenancy.commune_ids()
    if len(ids) <= 1:
        return tenancy.default_scope()
    held = [i for i in session.get(SESSION_KEY, []) if i in ids]
    if not held:
        held = _own_commune(ids)
        if held:
            session[SESSION_KEY] = held
    if not held:
        host = tenancy.commune_of_host(request.host)
        held = [host] if host is not None else []
    if not held:
        return tenancy.NOWHERE
    return tenancy.Scope(frozenset(held), held[0])


def _own_commune(ids) -> list[int]:
    """The commune of the participant whose cookie the browser holds (one query, remembered in
    the session so that it is asked once)."""
    token = request.cookies.get(current_app.config["PARTICIPANT_COOKIE"])
    if not token or len(token) > 200:
        return []
    own = db.session.scalar(
        select(Participant.commune_id)
        .where(Participant.token_hash == hash_token(token))
        .execution_options(**tenancy.ALL_COMMUNES)
    )
    return [own] if own in ids else []


def remember_commune(row) -> None:
    """A code route (/p/, /c/) brought the visitor to a row of any commune: the request sees
    that commune from now on, and so do the learner's next requests (a deployment of one
    commune keeps nothing in the session)."""
    tenancy.enter_commune_of(row)
    if current_user.is_authenticated or len(tenancy.commune_ids()) <= 1:
        return
    commune_id = row.commune_id
    held = [i for i in session.get(SESSION_KEY, []) if i != commune_id]
    session[SESSION_KEY] = [commune_id, *held][:HELD]


def enter_commune_of(row) -> None:
    """A public document of any commune (a certificate at /v/, a poster's artwork): read it
    in its own commune, without remembering anything for the visitor."""
    tenancy.enter_commune_of(row)
