"""Staff accounts and their login sessions."""

import hashlib
import re
import secrets
from datetime import timedelta

from extensions import db
from models import StaffSession, StaffUser, Unit
from models.base import utcnow
from models.staff import STAFF_ROLES
from services.common.text import clean_line
from services.org import passwords

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
# How long a login lasts at most, used or not (the app passes STAFF_SESSION_MAX_HOURS).
SESSION_MAX_AGE = timedelta(hours=12)


class StaffError(ValueError):
    """Invalid staff data; `field` names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_username(raw: str) -> str:
    return (raw or "").strip().lower()


def create_staff(
    username: str,
    display_name: str,
    password: str,
    role: str,
    unit: Unit | None = None,
) -> StaffUser:
    """A new staff account; officers need a unit (what they may see)."""
    username = normalize_username(username)
    if not USERNAME.match(username):
        raise StaffError("username", "invalid username")
    if StaffUser.query.filter_by(username=username).first():
        raise StaffError("username", "taken")
    if role not in STAFF_ROLES:
        raise StaffError("role", "unknown role")
    if role == "officer" and unit is None:
        raise StaffError("unit_id", "officer needs a unit")
    if len(password) < passwords.MIN_LENGTH:
        raise StaffError("password", "too short")
    name = clean_line(display_name)[:120]
    if not name:
        raise StaffError("display_name", "empty")
    user = StaffUser(
        username=username,
        display_name=name,
        password_hash=passwords.hash_password(password),
        role=role,
        unit=unit if role == "officer" else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: StaffUser, password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise StaffError("password", "too short")
    user.password_hash = passwords.hash_password(password)
    end_all_sessions(user)


def authenticate(username: str, password: str) -> StaffUser | None:
    """The active staff user with these credentials, or None."""
    name = normalize_username(username)
    user = StaffUser.query.filter_by(username=name).first() if USERNAME.match(name) else None
    ok = passwords.verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.active else None


def start_session(user: StaffUser) -> str:
    """Record a new login and return its token (kept in the signed session cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=_hash(token), staff_id=user.id))
    user.last_login_at = utcnow()
    return token


def load_session(token: str | None, max_age: timedelta = SESSION_MAX_AGE) -> StaffUser | None:
    """The staff user of a live session, or None (ended, unknown, account disabled, or begun
    more than `max_age` ago: however busy, a session does not outlive a working day)."""
    if not token or len(token) > 100:
        return None
    found = StaffSession.query.filter_by(token_hash=_hash(token), ended_at=None).first()
    if found is None or not found.staff.active:
        return None
    if found.created_at <= utcnow() - max_age:
        return None
    return found.staff


def end_session(token: str | None) -> None:
    if not token:
        return
    found = StaffSession.query.filter_by(token_hash=_hash(token), ended_at=None).first()
    if found is not None:
        found.ended_at = utcnow()


def end_all_sessions(user: StaffUser) -> None:
    """Log a user out everywhere (password change, account disabled)."""
    now = utcnow()
    for open_session in StaffSession.query.filter_by(staff_id=user.id, ended_at=None):
        open_session.ended_at = now


def set_active(user: StaffUser, active: bool) -> None:
    user.active = active
    if not active:
        end_all_sessions(user)
