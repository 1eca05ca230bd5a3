"""A growing wait after wrong passwords, per (user name, address): whoever guesses a known
user name slows only themselves, and its owner logging in from elsewhere is not held up.
Counted in the database, so every worker sees the same count."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from extensions import db
from models import LoginFailure
from models.base import utcnow

# A run of failures older than this is forgotten (and its row deleted).
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Delay:
    """After `after` failures in a row, wait `seconds`, doubling per failure up to `most`."""

    after: int = 5
    seconds: int = 5
    most: int = 900

    def for_failures(self, failures: int) -> int:
        if failures < self.after:
            return 0
        return min(self.most, self.seconds * 2 ** min(failures - self.after, 30))


def _key(username: str, address: str) -> tuple[str, str]:
    return username[:60], (address or "")[:64]


def _find(username: str, address: str) -> LoginFailure | None:
    name, addr = _key(username, address)
    return LoginFailure.query.filter_by(username=name, address=addr).one_or_none()


def seconds_to_wait(username: str, address: str, delay: Delay) -> int:
    """How long this pair must still wait before its next attempt (0: it may try now)."""
    found = _find(username, address)
    if found is None or found.last_failed_at <= utcnow() - FORGET_AFTER:
        return 0
    ready_at = found.last_failed_at + timedelta(seconds=delay.for_failures(found.failures))
    return max(0, int((ready_at - utcnow()).total_seconds() + 0.999))


def record_failure(username: str, address: str) -> None:
    """One more wrong password for this pair (a stale run starts again at one)."""
    now = utcnow()
    db.session.execute(
        db.delete(LoginFailure).where(LoginFailure.last_failed_at <= now - FORGET_AFTER)
    )
    name, addr = _key(username, address)
    found = _find(name, addr)
    if found is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    LoginFailure(username=name, address=addr, failures=1, last_failed_at=now)
                )
            return
        except IntegrityError:  # another worker counted the first failure at the same moment
            found = _find(name, addr)
    db.session.execute(
        db.update(LoginFailure)
        .where(LoginFailure.id == found.id)
        .values(failures=LoginFailure.failures + 1, last_failed_at=now)
    )


def forget(username: str, address: str) -> None:
    """The right password: this pair starts afresh."""
    name, addr = _key(username, address)
    db.session.execute(
        db.delete(LoginFailure).where(LoginFailure.username == name, LoginFailure.address == addr)
    )
