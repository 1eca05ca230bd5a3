"""Sending an export: a small one now, streamed as it is written; one with more rows than
EXPORT_JOB_MIN_ROWS as a background job, the page saying where its file will be."""

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.downloads import streamed
from services.operations import jobs
from services.render import exports


def too_big(rows: int) -> bool:
    """Whether an export of `rows` rows is prepared in the background."""
    return rows > current_app.config["EXPORT_JOB_MIN_ROWS"]


def send_now(output: jobs.Output, fmt: str):
    """The export as a download, sent piece by piece."""
    return streamed(output.chunks, exports.MIMETYPES[fmt], output.filename)


def queue(kind: str, parameters: dict, rows: int, target: str | None):
    """Queue the export as a job for the current staff member (recorded in the audit log)
    and answer with the page that says where to fetch it (202: accepted, not yet made)."""
    job = jobs.enqueue(kind, parameters, current_user, locale=str(get_locale() or "vi"))
    audit_trail.record(
        "export_job_requested", target, job=job.id, format=parameters.get("format"), rows=rows
    )
    return render_template("jobs/queued.html", job=job, rows=rows), 202
