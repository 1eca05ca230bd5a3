"""Work done beside the web requests: a big export prepared by `flask jobs run`."""

from extensions import db
from models.base import utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One piece of background work a staff member asked for, and its file once made.

    queued → running (claimed by one worker: `claim` is its token) → done or failed. A job left
    running by a worker that died is claimed again after a timeout (`attempts` counts the
    tries). `error` is the Vietnamese message the requester reads when it failed.
    """

    __tablename__ = "jobs"

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(40), nullable=False)
    parameters = db.Column(db.JSON, nullable=False, default=dict)
    requested_by_id = db.Column(
        db.Integer, db.ForeignKey("staff_users.id"), nullable=False, index=True
    )
    status = db.Column(db.String(10), nullable=False, default="queued")
    claim = db.Column(db.String(32))
    attempts = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime)
    finished_at = db.Column(db.DateTime)
    file_path = db.Column(db.String(255))  # relative to the export folder
    file_name = db.Column(db.String(200))  # the name the download is saved under
    file_size = db.Column(db.BigInteger)
    error = db.Column(db.Text)

    requested_by = db.relationship("StaffUser")

    __table_args__ = (
        db.CheckConstraint("status IN ('queued','running','done','failed')", name="status"),
        db.Index("ix_jobs_status_id", "status", "id"),
    )
