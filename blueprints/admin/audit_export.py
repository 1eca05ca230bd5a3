"""The audit log as a file, in the same words and local times as the page: made now for a
small export, or by `flask jobs run` for one with more rows than EXPORT_JOB_MIN_ROWS."""

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import Job
from services.common import limits
from services.content import diff as content_diff
from services.operations import jobs
from services.org import audit
from services.render import exports

KIND = "audit_export"
ADMINS_ONLY = _l("Chỉ quản trị viên được tải nhật ký thao tác.")


def output(chosen: audit.AuditFilter, fmt: str) -> jobs.Output:
    """The file name and the bytes (made as they are read) of the filtered log."""
    timezone = current_app.config["TIMEZONE"]
    until = audit.newest_id()
    sheet = exports.Sheet(
        _("Nhật ký thao tác"),
        [_("Thời gian"), _("Người làm"), _("Thao tác"), _("Đối tượng"), _("Chi tiết"),
         _("Địa chỉ")],
        ([line.at, line.who, line.action, line.target, line.detail, line.address]
         for line in audit.lines(chosen, timezone, limits.AUDIT_EXPORT_MAX, until,
                                content_diff.describe)),
    )  # fmt: skip
    return jobs.Output(f"nhat-ky-thao-tac.{fmt}", exports.chunks([sheet], fmt))


def parameters(chosen: audit.AuditFilter, fmt: str) -> dict:
    """What a job needs to make the same export later."""
    return {
        "staff": chosen.staff,
        "action": chosen.action,
        "from": chosen.start.isoformat() if chosen.start else None,
        "to": chosen.end.isoformat() if chosen.end else None,
        "format": fmt,
    }


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@jobs.kind(KIND)
def make(job: Job) -> jobs.Output:
    """The log export a job asked for, if its requester is still an admin."""
    if job.requested_by.role != "admin":
        raise jobs.JobFailed(ADMINS_ONLY)
    chosen = job.parameters
    wanted = audit.AuditFilter(
        chosen.get("staff"), chosen.get("action"), _day(chosen.get("from")), _day(chosen.get("to"))
    )
    return output(wanted, chosen["format"])
