"""Background jobs: a big export is queued by a page, claimed by exactly one `flask jobs run`
worker, written to a file under the export folder, and downloaded by whoever asked for it.

What a kind of job makes is registered by the feature that knows it (`@jobs.kind("…")`): a
function of the job that returns the file's name and its bytes in pieces. Nothing here
commits: the worker command commits the claim before running a job, and its outcome after.

Claiming is atomic on both engines: the candidate is read with `FOR UPDATE SKIP LOCKED` on
PostgreSQL (a second worker skips the row another holds), and taken with an UPDATE that
repeats the condition and must change one row (on SQLite the UPDATE takes the write lock, so
of two workers only one changes it). A job left running longer than the timeout (its worker
was killed) is claimed again, up to MAX_ATTEMPTS tries; each claim has its own token, and only
the holder of the current token may finish the job.
"""

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from extensions import db
from models import Job, StaffUser
from models.base import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ACTIVE = ("queued", "running")
SYSTEM_ERROR = _l("Không chuẩn bị được tệp do lỗi hệ thống. Vui lòng yêu cầu lại tệp.")
GAVE_UP = _l("Không chuẩn bị được tệp sau nhiều lần thử. Vui lòng yêu cầu lại tệp.")
REQUESTER_GONE = _l("Tài khoản yêu cầu tệp không còn hoạt động.")


class JobFailed(Exception):
    """A job that cannot be done, with the message its requester reads."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Output:
    """What a job makes: the name the file is saved under, and its bytes in pieces."""

    filename: str
    chunks: Iterable[bytes]


Maker = Callable[[Job], Output]
KINDS: dict[str, Maker] = {}


def kind(name: str) -> Callable[[Maker], Maker]:
    """Register what jobs of `name` make."""

    def register(maker: Maker) -> Maker:
        KINDS[name] = maker
        return maker

    return register


def export_folder() -> Path:
    """Where prepared files are kept (the EXPORT_DIR setting)."""
    return Path(current_app.config["EXPORT_DIR"])


def path_of(job: Job) -> Path | None:
    """The prepared file of a done job, None when it has none."""
    if not job.file_path:
        return None
    return export_folder() / job.file_path


def enqueue(kind_name: str, parameters: dict, staff: StaffUser, locale: str = "vi") -> Job:
    """Queue a job for `staff`; the same request still waiting or running is not queued twice
    (a page reloaded, a link clicked again)."""
    if kind_name not in KINDS:
        raise ValueError(f"unknown job kind {kind_name!r}")
    parameters = {**parameters, "locale": locale}
    waiting = db.session.scalars(
        select(Job).where(
            Job.kind == kind_name, Job.requested_by_id == staff.id, Job.status.in_(ACTIVE)
        )
    )
    for job in waiting:
        if job.parameters == parameters:
            return job
    job = Job(kind=kind_name, parameters=parameters, requested_by_id=staff.id, status="queued")
    db.session.add(job)
    db.session.flush()
    return job


def _claimable(stale: dt.datetime):
    return or_(Job.status == "queued", and_(Job.status == "running", Job.started_at < stale))


def claim_next(timeout: dt.timedelta, now: dt.datetime | None = None) -> Job | None:
    """Take the oldest job waiting (or left running longer than `timeout`) for this worker;
    None when there is none. Commit right after, so that other workers see it taken."""
    now = now or utcnow()
    stale = now - timeout
    given_up = db.session.scalars(
        select(Job).where(
            Job.status == "running", Job.started_at < stale, Job.attempts >= MAX_ATTEMPTS
        )
    ).all()
    for job in given_up:
        _finish(job, status="failed", error=_message(job, GAVE_UP), claim=None)
    while True:
        job_id = db.session.scalar(
            select(Job.id)
            .where(_claimable(stale))
            .order_by(Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job_id is None:
            return None
        token = secrets.token_hex(16)
        taken = db.session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(stale))
            .values(
                status="running",
                claim=token,
                started_at=now,
                finished_at=None,
                error=None,
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            job = db.session.get(Job, job_id, populate_existing=True)
            return job
        # Another worker took it between the read and the update: look for the next one.


def run(job: Job) -> Path:
    """Make the job's file (in the requester's language) and mark the job done. Raises
    JobFailed, or any error of the maker; the caller rolls back and calls `fail`."""
    requester = job.requested_by
    if requester is None or not requester.active:
        raise JobFailed(REQUESTER_GONE)
    maker = KINDS.get(job.kind)
    if maker is None:
        raise JobFailed(SYSTEM_ERROR)
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with force_locale(job.parameters.get("locale") or "vi"):
        output = maker(job)
        suffix = Path(output.filename).suffix
        name = f"job-{job.id}-{secrets.token_hex(8)}{suffix}"
        temp = folder / f".{name}.part"
        try:
            with open(temp, "wb") as target:
                for chunk in output.chunks:
                    target.write(chunk)
            os.replace(temp, folder / name)
        finally:
            temp.unlink(missing_ok=True)
    path = folder / name
    kept = _finish(
        job,
        status="done",
        file_path=name,
        file_name=output.filename,
        file_size=path.stat().st_size,
    )
    if not kept:  # the job was claimed again meanwhile: this file is not the one kept
        path.unlink(missing_ok=True)
    return path


def _message(job: Job, text) -> str:
    """A message for the job's requester, in the language they asked in."""
    with force_locale(job.parameters.get("locale") or "vi"):
        return str(text)


def fail(job_id: int, claim: str | None, error: BaseException) -> None:
    """Record that the job failed, with a message for its requester (the details go to the
    server's log). Call after rolling back what the failed run did."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    if isinstance(error, JobFailed):
        message = _message(job, error.message)
    else:
        log.error("job %s (%s) failed", job_id, job.kind, exc_info=error)
        message = _message(job, SYSTEM_ERROR)
    _finish(job, status="failed", error=message, claim_token=claim)


def _finish(job: Job, status: str, claim_token: str | None = None, **values) -> bool:
    """Set the outcome, only while this worker's claim is the job's current one."""
    token = claim_token if claim_token is not None else job.claim
    done = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.claim == token, Job.status == "running")
        .values(status=status, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def of_staff(staff: StaffUser, limit: int = 100) -> list[Job]:
    """The jobs `staff` asked for, newest first."""
    return db.session.scalars(
        select(Job).where(Job.requested_by_id == staff.id).order_by(Job.id.desc()).limit(limit)
    ).all()


def may_download(job: Job, staff: StaffUser) -> bool:
    """Only the requester, or an admin who can see the requester (an admin of the same
    commune: the requester's account is loaded through the commune scope), may take a job's
    file."""
    if job.requested_by_id == staff.id:
        return True
    return staff.role == "admin" and job.requested_by is not None
