"""The register of state-funded science and technology tasks (nhiệm vụ KH&CN)."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

TASK_STATUSES = ("planned", "in_progress", "completed", "cancelled")


class ScienceTask(TenantOwned, db.Model):
    """A state-funded S&T task; the plan's 2028–2030 target is that 100% are published."""

    __tablename__ = "science_tasks"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(300), nullable=False)
    owner = db.Column(db.String(200), nullable=False)  # chủ nhiệm / đơn vị chủ trì
    budget_source = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(12), nullable=False, default="planned")
    published_on = db.Column(db.Date)
    publication_link = db.Column(db.String(500))
    summary = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.CheckConstraint(
            "status IN ('planned','in_progress','completed','cancelled')", name="status"
        ),
    )

    @property
    def is_published(self) -> bool:
        return self.published_on is not None and bool(self.publication_link)
