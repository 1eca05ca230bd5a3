"""The audit call of a staff view: who did it (the logged-in staff member) and from where."""

from flask_login import current_user

from blueprints.common.client import client_ip
from models import AuditEvent
from services.org import audit


def record(action: str, target: str | None = None, **detail) -> AuditEvent:
    """Add one audit event for the current staff member's action to the unit of work."""
    return audit.record(current_user, action, target, client_ip(), **detail)
