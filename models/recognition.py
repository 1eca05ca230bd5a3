"""Recognition: people, classes and villages the office nominates for commendation."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

NOMINEE_KINDS = ("participant", "class", "village")


class Nomination(TenantOwned, db.Model):
    """A nominee for a period ("ghi nhận, tôn vinh"); one per subject and period."""

    __tablename__ = "nominations"
    __tenant_sources__ = ("unit_id", "participant_id")

    id = db.Column(db.Integer, primary_key=True)
    period_key = db.Column(db.String(10), nullable=False)
    subject_kind = db.Column(db.String(12), nullable=False)
    participant_id = db.Column(db.Integer, db.ForeignKey("participants.id"))
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    reason = db.Column(db.String(500), nullable=False, default="")
    nominated_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    nominated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    participant = db.relationship("Participant")
    unit = db.relationship("Unit", foreign_keys="[Nomination.unit_id]")

    __table_args__ = (
        db.CheckConstraint(
            "(subject_kind = 'participant' AND participant_id IS NOT NULL AND unit_id IS NULL)"
            " OR (subject_kind IN ('class','village') AND unit_id IS NOT NULL"
            " AND participant_id IS NULL)",
            name="subject",
        ),
        db.UniqueConstraint("period_key", "subject_kind", "participant_id", "unit_id"),
        # NULLs are distinct in a unique constraint: one partial index per kind of subject.
        db.Index(
            "uq_nominations_person",
            "period_key",
            "participant_id",
            unique=True,
            postgresql_where=db.text("participant_id IS NOT NULL"),
            sqlite_where=db.text("participant_id IS NOT NULL"),
        ),
        db.Index(
            "uq_nominations_unit",
            "period_key",
            "unit_id",
            unique=True,
            postgresql_where=db.text("unit_id IS NOT NULL"),
            sqlite_where=db.text("unit_id IS NOT NULL"),
        ),
    )
