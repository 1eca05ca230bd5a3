"""The audit log of staff actions (never passwords, never the content of exports), and the
same log as people read it: Vietnamese action names, local time, who, what and on which
object, filterable by person, action and date."""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from extensions import db
from models import AuditEvent, StaffUser
from services.common import vocabulary
from services.common.periods import Period
from services.common.text import clean_line
from services.common.vietnamese import local_datetime

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BATCH_EVENTS = 2000  # events fetched at a time by an export
COMMAND_LINE = "cli"  # the address of an action run with `flask …` on the server
# "topic:nghi-quyet-57" → "Bài học nghi-quyet-57": the kind of object a target names.
TARGET_KINDS = {
    "topic": vocabulary.CONTENT_KIND_LABELS["topic"],
    "lesson": vocabulary.CONTENT_KIND_LABELS["topic"],
    "quiz": vocabulary.CONTENT_KIND_LABELS["quiz"],
    "survey": vocabulary.CONTENT_KIND_LABELS["survey"],
}
# Codes an event's detail may hold as values, read through their vocabulary.
VALUE_VOCABULARIES = (
    vocabulary.STAFF_ROLE_LABELS,
    vocabulary.UNIT_KIND_LABELS,
    vocabulary.TASK_STATUS_LABELS,
    vocabulary.CONTENT_KIND_LABELS,
    vocabulary.ACTIVITY_KIND_LABELS,
    vocabulary.EVIDENCE_KIND_LABELS,
)


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


def record_command(action: str, target: str | None = None, **detail) -> AuditEvent:
    """An action run on the server's command line (`flask …`): no staff member, address 'cli'."""
    return record(None, action, target, COMMAND_LINE, **detail)


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: one staff member (or "cli" for the command line), one action,
    days in local time (inclusive); None means any."""

    staff: int | str | None = None
    action: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _filtered(chosen: AuditFilter, timezone: str):
    """The query of the events `chosen` selects, newest first."""
    query = AuditEvent.query
    if chosen.staff == COMMAND_LINE:
        query = query.filter(AuditEvent.staff_id.is_(None), AuditEvent.ip == COMMAND_LINE)
    elif chosen.staff is not None:
        query = query.filter(AuditEvent.staff_id == chosen.staff)
    if chosen.action:
        query = query.filter(AuditEvent.action == chosen.action)
    if chosen.start or chosen.end:
        period = Period(chosen.start, chosen.end, timezone)
        query = query.filter(period.covers(AuditEvent.created_at))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def search(
    chosen: AuditFilter, timezone: str, limit: int = 200, offset: int = 0
) -> list[AuditEvent]:
    """The events `chosen` selects, newest first."""
    return _filtered(chosen, timezone).offset(offset).limit(limit).all()


def count(chosen: AuditFilter, timezone: str, limit: int) -> int:
    """How many events `chosen` selects, at most `limit`."""
    return min(_filtered(chosen, timezone).order_by(None).count(), limit)


def newest_id() -> int:
    """The id of the last event recorded so far (0 for an empty log)."""
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def lines(
    chosen: AuditFilter, timezone: str, limit: int, until: int, describe_change=None
) -> Iterator["AuditLine"]:
    """The events `chosen` selects up to event `until` (the log as it stood when the export
    was asked for, not with its own record) as the log shows them, newest first, fetched in
    batches of BATCH_EVENTS with who did them: for an export, made as they are read."""
    statement = (
        _filtered(chosen, timezone)
        .filter(AuditEvent.id <= until)
        .options(selectinload(AuditEvent.staff))
        .limit(limit)
        .statement
    )
    for event in db.session.scalars(statement, execution_options={"yield_per": BATCH_EVENTS}):
        yield readable(event, timezone, describe_change)


def recent(limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    return search(AuditFilter(), "UTC", limit, offset)


@dataclass(frozen=True)
class AuditLine:
    """One event as the log shows it."""

    at: dt.datetime  # local wall-clock time
    who: str
    action: str
    target: str
    detail: str
    address: str


def readable(event: AuditEvent, timezone: str, describe_change=None) -> AuditLine:
    """The event as the log shows it. `describe_change` reads one change of a content item
    (services.content.diff.describe, a layer above this one) for the detail "changes"."""
    return AuditLine(
        at=local_datetime(event.created_at, timezone),
        who=_who(event),
        action=vocabulary.label(vocabulary.AUDIT_ACTION_LABELS, event.action),
        target=_target(event.target or ""),
        detail="; ".join(
            _change_fact(value, describe_change)
            if key == "changes" and describe_change and isinstance(value, list)
            else _fact(key, value)
            for key, value in (event.detail or {}).items()
        ),
        address=_("Dòng lệnh trên máy chủ") if event.ip == COMMAND_LINE else event.ip or "",
    )


def _change_fact(changes: list, describe_change) -> str:
    name = str(vocabulary.AUDIT_DETAIL_LABELS["changes"])
    return f"{name}: {', '.join(describe_change(c) for c in changes) or '—'}"


def _who(event: AuditEvent) -> str:
    if event.staff is not None:
        return f"{event.staff.display_name} ({event.staff.username})"
    if event.staff_id is not None:  # an account outside this commune's scope: the province's
        return _("Cán bộ cấp tỉnh (Sở KH&CN)")
    if event.ip == COMMAND_LINE:
        return _("Quản trị máy chủ (dòng lệnh)")
    return _("Không đăng nhập")


def _target(target: str) -> str:
    kind, sep, rest = target.partition(":")
    if sep and kind in TARGET_KINDS:
        return f"{TARGET_KINDS[kind]} {rest}"
    if target.startswith("participant "):
        return _("Người tham gia số %(n)s", n=target.removeprefix("participant "))
    return target


def _fact(key: str, value) -> str:
    name = str(vocabulary.AUDIT_DETAIL_LABELS.get(key, vocabulary.UNKNOWN))
    return f"{name}: {_value(value)}"


def _value(value) -> str:
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        if len(value) == 2 and not any(isinstance(v, list | dict) for v in value):
            return f"{_value(value[0])} → {_value(value[1])}"
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_fact(k, v) for k, v in value.items())
    if isinstance(value, str) and ISO_DAY.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(value, str):
        for labels in VALUE_VOCABULARIES:
            if value in labels:
                return str(labels[value])
    return str(value)
