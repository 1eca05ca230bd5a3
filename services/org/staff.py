"""Staff accounts and their login sessions."""

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from extensions import db
from models import StaffSession, StaffUser, Unit
from models.base import utcnow
from models.staff import PROVINCE_ROLES, STAFF_ROLES
from services.common import totp
from services.common.errors import InvalidInput
from services.common.text import clean_line
from services.org import passwords

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
NAME_MAX = 120
# How long a login lasts at most, used or not (the app passes STAFF_SESSION_MAX_HOURS).
SESSION_MAX_AGE = timedelta(hours=12)


class SelfLockout(Exception):
    """An admin may not take away their own admin role or disable their own account."""


def home_unit_options() -> list[Unit]:
    """The units a staff member may belong to (an officer sees its subtree): any but a class."""
    return Unit.query.filter(Unit.kind != "class").order_by(Unit.kind, Unit.name).all()


def class_options() -> list[Unit]:
    """The classes a teacher may be given."""
    return Unit.query.filter_by(kind="class").order_by(Unit.name).all()


def home_unit(unit_id: int | None) -> Unit | None:
    """The unit with this id if a staff member may belong to it (not a class), else None."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return unit if unit is not None and unit.kind != "class" else None


def classes_by_id(class_ids: Iterable[int]) -> list[Unit]:
    """The classes among these unit ids (any other id is ignored)."""
    return Unit.query.filter(Unit.id.in_(list(class_ids) or [0]), Unit.kind == "class").all()


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
    classes: Iterable[Unit] = (),
    handed_over: bool = False,
) -> StaffUser:
    """A new staff account; officers need a unit (what they may see), teachers have classes.
    The province office's accounts have neither, and belong to no commune.

    Raises InvalidInput: username invalid/taken, role unknown, unit_id officer_needs_unit or
    province_no_unit, password too_short, display_name empty."""
    username = normalize_username(username)
    if not USERNAME.match(username):
        raise InvalidInput.of("username", "invalid")
    if StaffUser.query.filter_by(username=username).first():
        raise InvalidInput.of("username", "taken")
    classes = list(classes)
    _check_role(role, unit, classes)
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput.of("password", "too_short", n=passwords.MIN_LENGTH)
    name = clean_line(display_name)[:NAME_MAX]
    if not name:
        raise InvalidInput.of("display_name", "empty")
    user = StaffUser(
        username=username,
        display_name=name,
        password_hash=passwords.hash_password(password),
        role=role,
        unit=unit if role == "officer" else None,
        must_change_password=handed_over,
    )
    user.classes = classes
    db.session.add(user)
    db.session.flush()
    return user


def _check_role(role: str, unit: Unit | None, classes: Iterable[Unit] = ()) -> None:
    """The role is known; an officer has a unit; the province's staff have no unit and no
    class (they are above every commune: their commune_id stays NULL)."""
    if role not in STAFF_ROLES:
        raise InvalidInput.of("role", "unknown")
    if role in PROVINCE_ROLES and (unit is not None or list(classes)):
        raise InvalidInput.of("unit_id", "province_no_unit")
    if role == "officer" and unit is None:
        raise InvalidInput.of("unit_id", "officer_needs_unit")


@dataclass(frozen=True)
class StaffChange:
    """What an admin may change on an account."""

    display_name: str
    role: str
    unit: Unit | None
    classes: tuple[Unit, ...]
    active: bool
    second_factor_required: bool = False


def change_staff(actor: StaffUser, user: StaffUser, change: StaffChange) -> None:
    """Apply an admin's change to an account (an officer keeps a unit, others none).

    Raises InvalidInput (role unknown or province_change, unit_id officer_needs_unit or
    province_no_unit) and SelfLockout when the admin would remove their own admin role or
    disable themselves. A commune's account never becomes the province's, nor the reverse
    (its commune is set once): that is a new account."""
    _check_role(change.role, change.unit, change.classes)
    if (user.role in PROVINCE_ROLES) != (change.role in PROVINCE_ROLES):
        raise InvalidInput.of("role", "province_change")
    if user.id == actor.id and (change.role != actor.role or not change.active):
        raise SelfLockout()
    user.display_name = change.display_name.strip()[:NAME_MAX]
    user.role = change.role
    user.unit = change.unit if change.role == "officer" else None
    user.classes = list(change.classes)
    user.second_factor_required = change.second_factor_required
    set_active(user, change.active)


def set_password(user: StaffUser, password: str, handed_over: bool = False) -> None:
    """A new password; every session ends. `handed_over` (an admin's reset) makes the next
    login choose the user's own."""
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput.of("password", "too_short", n=passwords.MIN_LENGTH)
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = handed_over
    end_all_sessions(user)


def change_own_password(user: StaffUser, current: str, new: str, repeated: str) -> None:
    """The user's own new password, given the current one (every session ends).

    Raises InvalidInput: current wrong, password too_short or unchanged, repeat mismatch."""
    if not passwords.verify_password(user.password_hash, current or ""):
        raise InvalidInput.of("current", "wrong")
    if new != repeated:
        raise InvalidInput.of("repeat", "mismatch")
    if new == current:
        raise InvalidInput.of("password", "unchanged")
    set_password(user, new)


def needs_second_factor(user: StaffUser) -> bool:
    """Whether a login must also give a code: required by an admin, or enrolled anyway."""
    return bool(user.second_factor_required or user.totp_secret)


def enroll_second_factor(user: StaffUser, secret: str, code: str) -> None:
    """Keep the secret the user's app now holds, proven by a code it shows.

    Raises InvalidInput {code: wrong}."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise InvalidInput.of("code", "wrong")
    user.totp_secret, user.totp_last_step = secret, step


def check_second_factor(user: StaffUser, code: str) -> None:
    """Accept a code from the user's app once. Raises InvalidInput {code: wrong}."""
    step = None
    if user.totp_secret:
        step = totp.matching_step(user.totp_secret, code, after=user.totp_last_step)
    if step is None:
        raise InvalidInput.of("code", "wrong")
    user.totp_last_step = step


def reset_second_factor(user: StaffUser) -> None:
    """Forget the user's app (a lost phone): the next login enrolls again if required."""
    user.totp_secret, user.totp_last_step = None, None


def authenticate(username: str, password: str) -> StaffUser | None:
    """The active staff user with these credentials, or None."""
    name = normalize_username(username)
    # Usernames are unique across communes, and the user is read before any scope.
    query = StaffUser.query.filter_by(username=name).execution_options(all_communes=True)
    user = query.first() if USERNAME.match(name) else None
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
    # Read before the request's scope is resolved (the scope is the user's).
    found = (
        StaffSession.query.filter_by(token_hash=_hash(token), ended_at=None)
        .execution_options(all_communes=True)
        .first()
    )
    if found is None:
        return None
    user = db.session.get(StaffUser, found.staff_id, execution_options={"all_communes": True})
    if user is None or not user.active or found.created_at <= utcnow() - max_age:
        return None
    return user


def end_session(token: str | None) -> None:
    if not token:
        return
    found = (
        StaffSession.query.filter_by(token_hash=_hash(token), ended_at=None)
        .execution_options(all_communes=True)
        .first()
    )
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


def pending_account(user_id) -> StaffUser | None:
    """The account whose password was right and that waits for its second-factor code: read
    before the request has a staff scope (the visitor is not logged in yet), across communes."""
    if not isinstance(user_id, int):
        return None
    return StaffUser.query.filter_by(id=user_id).execution_options(all_communes=True).one_or_none()
