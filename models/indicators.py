"""The plan's targets, kept as data so that the office can edit them."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

INDICATORS = ("reached", "trained")


class Target(TenantOwned, db.Model):
    """E.g. "2025: 100% of officials reached"; roles empty means everyone."""

    __tablename__ = "targets"
    __tenant_nullable__ = True  # NULL: the province's default (Kế hoạch 211)
    __tenant_shared_null__ = True  # every commune reads the province defaults

    id = db.Column(db.Integer, primary_key=True)
    indicator = db.Column(db.String(10), nullable=False)
    year = db.Column(db.Integer, nullable=False, index=True)
    roles = db.Column(db.JSON, nullable=False, default=list)
    # A "trained" target counts passes of these quizzes only (empty, with no course: none
    # chosen yet)
    quiz_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # ...and people who passed every quiz of one of these courses.
    course_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    target_percent = db.Column(db.Integer, nullable=False)
    description = db.Column(db.String(300), nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.CheckConstraint("indicator IN ('reached','trained')", name="indicator"),
        db.CheckConstraint("target_percent BETWEEN 0 AND 100", name="percent"),
    )
