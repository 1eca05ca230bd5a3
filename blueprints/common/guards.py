"""Access checks used by every staff view: role, then the unit of every object touched."""

from functools import wraps

from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from extensions import db
from models import Participant, Unit
from services.org import access


def roles_required(*roles: str):
    """Logged in, with one of these roles (403 otherwise), with a password of one's own (a
    handed-over one is changed first)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.must_change_password:
                return redirect(url_for("auth.change_password"), code=303)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_unit(unit_id: int) -> Unit:
    """The unit, if it exists (404) and the current staff user may see it (403)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not access.can_see_unit(current_user, unit):
        abort(403)
    return unit


def visible_participant(participant_id: int) -> Participant:
    """A participant whose unit the current staff user may see."""
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        abort(404)
    if access.visible_unit_ids(current_user) is None:
        return participant  # admin
    if participant.unit is None or not access.can_see_unit(current_user, participant.unit):
        abort(403)
    return participant
