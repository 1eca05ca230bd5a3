"""A read-only unit of work: the province office (Sở KH&CN) reads every commune and writes
nothing of theirs. Once `enter(session, staff_id)` has marked a session, its flushes refuse
every new, changed or deleted row except the reader's own audit events, login sessions and
account (a logout, a password change), and the receipt of a commune's half-year submission
(services.reporting.submissions' own guard lets nothing but `received_*` change there)."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import AuditEvent, HalfYearSubmission, StaffSession, StaffUser

KEY = "read_only_staff_id"


class WriteRefused(Exception):
    """A read-only session was asked to write a row that is not the reader's own."""


def install() -> None:
    """Register the session listener (once per process)."""
    if not event.contains(Session, "before_flush", _refuse_writes):
        event.listen(Session, "before_flush", _refuse_writes)


def enter(session, staff_id: int) -> None:
    """From now on this session (one request's) writes only `staff_id`'s own rows."""
    session.info[KEY] = staff_id


def _own(obj, staff_id: int) -> bool:
    if isinstance(obj, HalfYearSubmission):
        return obj.received_by_id == staff_id
    if isinstance(obj, AuditEvent | StaffSession):
        return obj.staff_id == staff_id
    return isinstance(obj, StaffUser) and obj.id == staff_id


def _refuse_writes(session: Session, _context, _instances) -> None:
    staff_id = session.info.get(KEY)
    if staff_id is None:
        return
    written = [*session.new, *session.dirty, *session.deleted]
    others = [obj for obj in written if not _own(obj, staff_id)]
    others = [
        obj
        for obj in others
        if obj in session.new or session.is_modified(obj) or obj in session.deleted
    ]
    if others:
        names = sorted({type(obj).__name__ for obj in others})
        raise WriteRefused(f"the province office reads only; refused: {', '.join(names)}")
