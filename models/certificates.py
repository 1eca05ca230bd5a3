"""Certificates issued to participants who passed a quiz, or every quiz of a course;
verifiable at /v/<code>."""

from extensions import db
from models.base import utcnow


class Certificate(db.Model):
    """Issued once per participant and quiz, or per participant and course (exactly one of
    the two is set); revocation keeps the code and says why."""

    __tablename__ = "certificates"

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

    participant = db.relationship("Participant")
    quiz = db.relationship("Quiz")
    course = db.relationship("Course")
    attempt = db.relationship("Attempt")

    __table_args__ = (
        db.UniqueConstraint("participant_id", "quiz_id"),
        db.UniqueConstraint("participant_id", "course_id"),
        db.CheckConstraint("(quiz_id IS NULL) <> (course_id IS NULL)", name="quiz_or_course"),
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateSerialCounter(db.Model):
    """The last serial number handed out per prefix and year; it only ever goes up, so a
    deleted certificate's serial is never given again."""

    __tablename__ = "certificate_serial_counters"

    prefix = db.Column(db.String(16), primary_key=True)
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    last_number = db.Column(db.Integer, nullable=False, default=0)
