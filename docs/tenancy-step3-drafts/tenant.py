"""Which communes a request sees: resolved before any view runs, restored after it.

The hook first marks the scope unresolved (a tenant query then fails closed), then sets it:
a staff member sees their commune; a learner the communes their visit came through (the
poster or class they arrived by, their own) kept in the signed session; a deployment of one
commune that commune, with no query once its id is known.
"""

from flask import Flask, g, request, session
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from models import Participant
from services.org import tenancy
from services.participation.identity import hash_token

SESSION_KEY = "communes"  # the learner's communes, in the signed session cookie


def register_tenancy(app: Flask) -> None:
    @app.before_request
    def _resolve_scope():
        g.tenancy_previous = tenancy.current()
        tenancy.enter(tenancy.UNRESOLVED)
        tenancy.enter(_scope_of_request(app))

    @app.teardown_request
    def _restore_scope(_error):
        previous = g.pop("tenancy_previous", None)
        if previous is not None:
            tenancy.enter(previous)


def _scope_of_request(app: Flask) -> tenancy.Scope:
    if request.endpoint == "static":
        return tenancy.NOWHERE
    if current_user.is_authenticated:
        commune_id = current_user.__dict__.get("commune_id")
        return tenancy.Scope.of(commune_id) if commune_id else tenancy.default_scope()
    return _learner_scope(app)


def _learner_scope(app: Flask) -> tenancy.Scope:
    ids = tenancy.commune_ids()
    if len(ids) <= 1:
        return tenancy.default_scope()
    held = [i for i in session.get(SESSION_KEY, []) if i in ids]
    token = request.cookies.get(app.config["PARTICIPANT_COOKIE"])
    if token and not held:
        own = db.session.scalar(
            select(Participant.commune_id)
            .where(Participant.token_hash == hash_token(token))
            .execution_options(**tenancy.ALL_COMMUNES)
        )
        held = [own] if own is not None else []
        if held:
            session[SESSION_KEY] = held
    if not held:
        return tenancy.NOWHERE
    return tenancy.Scope(frozenset(held), held[0])


def remember_commune(row) -> None:
    """A code route (/p/, /c/) brought the learner to a row of this commune: the request
    sees it from now on, and so do the visitor's next requests."""
    tenancy.enter_commune_of(row)
    commune_id = row.commune_id
    held = [i for i in session.get(SESSION_KEY, []) if i != commune_id]
    session[SESSION_KEY] = [commune_id, *held][:4]
