"""Which old files to delete: backups (keep the newest N, or those of the last D days), and
prepared export files with their jobs (kept EXPORT_KEEP_DAYS days)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from extensions import db
from models import Job
from services.operations import jobs
from services.operations.files import backups_in, manifest_path

DEFAULT_KEEP = 14


def prune(
    folder: Path, keep: int | None = None, keep_days: int | None = None, now: datetime | None = None
) -> list[Path]:
    """Delete this app's backups in `folder` beyond the rule, with their manifests.

    Only files named like our backups are considered; anything else in the folder stays.
    Without a rule the newest DEFAULT_KEEP are kept. Returns the deleted backup paths.
    """
    backups = backups_in(folder)
    if keep_days is not None:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
        old = [path for stamp, path in backups if stamp < cutoff]
    else:
        keep = DEFAULT_KEEP if keep is None else keep
        old = [path for _, path in backups[: max(len(backups) - keep, 0)]]
    for path in old:
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
    return old


def prune_jobs(keep_days: int, now: datetime | None = None) -> int:
    """Delete the finished jobs (done or failed) older than `keep_days` days, with their
    files; returns how many. The audit log keeps who asked for and took each file."""
    cutoff = (now or datetime.now(UTC)).replace(tzinfo=None) - timedelta(days=keep_days)
    old = db.session.scalars(
        select(Job).where(Job.status.in_(("done", "failed")), Job.finished_at < cutoff)
    ).all()
    for job in old:
        path = jobs.path_of(job)
        if path is not None:
            path.unlink(missing_ok=True)
        db.session.delete(job)
    return len(old)
