"""What participants did: visits to lessons and quizzes, quiz attempts and their answers."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

VISIT_KINDS = ("lesson", "quiz", "survey")


class Visit(TenantOwned, db.Model):
    """A participant opened a lesson, quiz or survey (the "reached" indicator counts these)."""

    __tablename__ = "visits"
    __tenant_sources__ = ("unit_id", "participant_id")
    __tenant_index__ = False

    id = db.Column(db.Integer, primary_key=True)
    participant_id = db.Column(
        db.Integer, db.ForeignKey("participants.id"), nullable=False, index=True
    )
    kind = db.Column(db.String(8), nullable=False)
    lesson_id = db.Column(db.Integer, db.ForeignKey("lessons.id"))
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"))
    survey_id = db.Column(db.Integer, db.ForeignKey("surveys.id"))
    poster_id = db.Column(db.Integer, db.ForeignKey("posters.id"), index=True)
    # The participant's unit at the time, so indicators stay right if they move later.
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    visited_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    # Whether it counts for "reached": lessons and quizzes opened, and reach-survey answers that
    # show the information arrived; not a survey page merely opened.
    counts_reach = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())

    __table_args__ = (
        # Covering index for the "reached" indicator: per unit, a time range, distinct people.
        db.Index("ix_visits_unit_time_person", "unit_id", "visited_at", "participant_id"),
        # Covering index for people per week across a commune's units.
        db.Index("ix_visits_commune_time_person", "commune_id", "visited_at", "participant_id"),
        db.CheckConstraint("kind IN ('lesson','quiz','survey')", name="kind"),
        db.CheckConstraint(
            "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN quiz_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN survey_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_item",
        ),
    )


class Attempt(TenantOwned, db.Model):
    """One submitted quiz, scored on the server against the version the learner saw."""

    __tablename__ = "attempts"
    __tenant_sources__ = ("unit_id", "participant_id")
    __tenant_index__ = False

    id = db.Column(db.Integer, primary_key=True)
    # Random id for the result URL: results cannot be found by counting.
    public_id = db.Column(db.String(24), unique=True, nullable=False)
    participant_id = db.Column(
        db.Integer, db.ForeignKey("participants.id"), nullable=False, index=True
    )
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"), nullable=False, index=True)
    quiz_version_id = db.Column(db.Integer, db.ForeignKey("quiz_versions.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    # One per rendered form: a double tap or a retried POST finds the attempt already there.
    submission_token = db.Column(db.String(64), unique=True, nullable=False)
    poster_id = db.Column(db.Integer, db.ForeignKey("posters.id"), index=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    correct_count = db.Column(db.Integer, nullable=False)
    question_count = db.Column(db.Integer, nullable=False)
    score_percent = db.Column(db.Integer, nullable=False)
    passed = db.Column(db.Boolean, nullable=False)
    # The time the attempt counts at (indicators, reports, certificates and periods all filter
    # on it): when it was submitted, or for an answer sent late from a phone without signal,
    # when it was answered (the same as answered_at).
    submitted_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    # Set only for a late answer (blueprints/learn/offline.py): when the learner answered, by
    # the phone's corrected clock; it arrived later. None for an answer submitted online.
    answered_at = db.Column(db.DateTime)

    participant = db.relationship("Participant")
    quiz = db.relationship("Quiz")
    version = db.relationship("QuizVersion")
    answers = db.relationship(
        "Answer", back_populates="attempt", cascade="all, delete-orphan", order_by="Answer.id"
    )

    __table_args__ = (
        db.UniqueConstraint("participant_id", "quiz_id", "number"),
        # Covering index for the "trained" indicator: passed attempts per unit in a time range.
        db.Index(
            "ix_attempts_unit_passed_time",
            "unit_id",
            "passed",
            "submitted_at",
            "participant_id",
            "quiz_id",
        ),
        # The same across a commune's units.
        db.Index(
            "ix_attempts_commune_passed_time",
            "commune_id",
            "passed",
            "submitted_at",
            "participant_id",
            "quiz_id",
        ),
    )


class Answer(db.Model):
    """The choices given to one question of an attempt, and whether they were right."""

    __tablename__ = "answers"

    id = db.Column(db.Integer, primary_key=True)
    attempt_id = db.Column(db.Integer, db.ForeignKey("attempts.id"), nullable=False)
    question_id = db.Column(db.String(60), nullable=False)
    choice_ids = db.Column(db.JSON, nullable=False)
    is_correct = db.Column(db.Boolean, nullable=False)

    attempt = db.relationship("Attempt", back_populates="answers")

    __table_args__ = (db.UniqueConstraint("attempt_id", "question_id"),)
