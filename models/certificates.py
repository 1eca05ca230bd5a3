"""Certificates issued to participants who passed a quiz, or every quiz of a course;
verifiable at /v/<code>."""

from sqlalchemy import text

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

CURRENT = text("replaced_by_id IS NULL")


class Certificate(TenantOwned, db.Model):
    """Issued once per participant and quiz, or per participant and course (exactly one of
    the two is set); revocation keeps the code and says why. A re-issue (after a name
    correction) replaces it: the old one keeps its code and points at the new one, and only
    the current one (not replaced) is unique per participant and quiz or course."""

    __tablename__ = "certificates"
    __tenant_sources__ = ("participant_id",)  # frozen at issue: the issuer of /v/

    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String(24), unique=True, nullable=False)  # e.g. HVT-2026-000123
    # 12 Crockford base32 characters: 60 random bits, shown as XXXX-XXXX-XXXX.
    verification_code = db.Column(db.String(16), unique=True, nullable=False)
    participant_id = db.Column(
        db.Integer, db.ForeignKey("participants.id"), nullable=False, index=True
    )
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"))
    course_id = db.Column(db.Integer, db.ForeignKey("courses.id"), index=True)
    # For a course: the pass that completed it.
    attempt_id = db.Column(db.Integer, db.ForeignKey("attempts.id"), nullable=False)
    # Snapshots: the certificate states what was true when it was issued.
    holder_name = db.Column(db.String(80), nullable=False)
    holder_is_minor = db.Column(db.Boolean, nullable=False)
    achievement = db.Column(db.String(300), nullable=False)
    score_percent = db.Column(db.Integer, nullable=False)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_at = db.Column(db.DateTime)
    revoked_reason = db.Column(db.String(300))
    replaced_by_id = db.Column(db.Integer, db.ForeignKey("certificates.id"))

    participant = db.relationship("Participant")
    quiz = db.relationship("Quiz")
    course = db.relationship("Course")
    attempt = db.relationship("Attempt")
    replaced_by = db.relationship("Certificate", remote_side=[id], foreign_keys=[replaced_by_id])

    __table_args__ = (
        db.Index(
            "uq_certificates_current_quiz",
            "participant_id",
            "quiz_id",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        db.Index(
            "uq_certificates_current_course",
            "participant_id",
            "course_id",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        db.CheckConstraint("(quiz_id IS NULL) <> (course_id IS NULL)", name="quiz_or_course"),
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_current(self) -> bool:
        """Not replaced by a re-issue (a revoked certificate is still the current one)."""
        return self.replaced_by_id is None

    @property
    def status(self) -> str:
        """ "replaced", "revoked" or "valid" (a replaced one says so first, even if revoked)."""
        if not self.is_current:
            return "replaced"
        return "revoked" if self.is_revoked else "valid"


class CertificateSerialCounter(db.Model):
    """The last serial number handed out per prefix and year; it only ever goes up, so a
    deleted certificate's serial is never given again."""

    __tablename__ = "certificate_serial_counters"

    prefix = db.Column(db.String(16), primary_key=True)
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    last_number = db.Column(db.Integer, nullable=False, default=0)
