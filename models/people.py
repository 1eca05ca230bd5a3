"""Participants (no accounts: a cookie token recognises them) and the consents they gave."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

ROLES = ("villager", "student", "official", "worker", "other")
AGE_BANDS = ("under16", "16-29", "30-44", "45-59", "60plus")
UNDER_16 = "under16"


class Participant(TenantOwned, db.Model):
    """Someone taking part; only a display name, role, unit and age band are kept."""

    __tablename__ = "participants"
    __tenant_sources__ = ("unit_id",)

    id = db.Column(db.Integer, primary_key=True)
    # SHA-256 of the random cookie token: a leaked database does not let anyone impersonate.
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    display_name = db.Column(db.String(80), nullable=False)
    role = db.Column(db.String(16), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    age_band = db.Column(db.String(8), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    unit = db.relationship("Unit", foreign_keys="[Participant.unit_id]")
    consents = db.relationship("Consent", back_populates="participant")

    @property
    def is_child(self) -> bool:
        return self.age_band == UNDER_16


class Consent(db.Model):
    """A recorded agreement, e.g. a parent's or teacher's consent for a child under 16."""

    __tablename__ = "consents"

    id = db.Column(db.Integer, primary_key=True)
    participant_id = db.Column(
        db.Integer, db.ForeignKey("participants.id"), nullable=False, index=True
    )
    kind = db.Column(db.String(20), nullable=False)
    text_version = db.Column(db.String(40), nullable=False)
    agreed_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    participant = db.relationship("Participant", back_populates="consents")
