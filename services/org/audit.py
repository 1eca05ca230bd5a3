"""The audit log of staff actions (never passwords, never the content of exports)."""

from extensions import db
from models import AuditEvent, StaffUser
from services.common.text import clean_line


def record(
    staff: StaffUser | None,
    action: str,
    target: str | None = None,
    ip: str | None = None,
    **detail,
) -> AuditEvent:
    """Add one audit event to the current unit of work."""
    event = AuditEvent(
        staff_id=staff.id if staff else None,
        action=action,
        target=clean_line(target)[:200] or None,
        detail={k: v for k, v in detail.items() if "password" not in k},
        ip=(ip or "")[:64] or None,
    )
    db.session.add(event)
    return event


def recent(limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    return (
        AuditEvent.query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset(offset)
        .limit(limit)
        .all()
    )
