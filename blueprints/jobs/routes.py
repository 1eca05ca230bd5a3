"""The page "Tệp xuất đang chuẩn bị" and the download of a prepared file: only the staff
member who asked for it, or an admin, may take it (anyone else gets a 404: the file's
existence is not theirs to know)."""

from flask import abort, current_app, render_template, send_file
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.downloads import disposition
from blueprints.common.guards import roles_required
from blueprints.jobs import bp
from extensions import db
from models import Job
from services.common.vietnamese import local_datetime, vn_number
from services.operations import jobs
from services.render import exports

STAFF = ("admin", "officer", "teacher")


def _size(size: int | None) -> str:
    """A file's size as people read it: '850 KB', '12,4 MB'."""
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{vn_number(max(1, round(size / 1024)))} KB"
    return f"{vn_number(size / 1024 / 1024)} MB"


@bp.get("/")
@roles_required(*STAFF)
def index():
    """The exports the staff member asked for, newest first, with their state."""
    timezone = current_app.config["TIMEZONE"]
    return render_template(
        "jobs/index.html",
        jobs=jobs.of_staff(current_user),
        asked_at=lambda job: local_datetime(job.created_at, timezone).strftime("%d/%m/%Y %H:%M"),
        size=_size,
    )


@bp.get("/<int:job_id>/download")
@roles_required(*STAFF)
def download(job_id: int):
    """The prepared file, saved under its export's name."""
    job = db.session.get(Job, job_id)
    if job is None or not jobs.may_download(job, current_user):
        abort(404)
    path = jobs.path_of(job)
    if job.status != "done" or path is None or not path.is_file():
        abort(404)
    audit_trail.record("export_job_downloaded", job.file_name, job=job.id)
    suffix = path.suffix.lstrip(".")
    response = send_file(
        path, mimetype=exports.MIMETYPES.get(suffix, "application/octet-stream"), max_age=0
    )
    response.headers["Content-Disposition"] = disposition(job.file_name)
    return response
