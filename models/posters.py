"""Posters (printed QR codes with permanent short links) and the scans they receive."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned


class Poster(TenantOwned, db.Model):
    """A printed QR code placed somewhere (a unit) that leads to a lesson, a quiz or a survey."""

    __tablename__ = "posters"
    __tenant_sources__ = ("unit_id",)

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(8), unique=True, nullable=False)
    label = db.Column(db.String(200), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    lesson_id = db.Column(db.Integer, db.ForeignKey("lessons.id"))
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"))
    survey_id = db.Column(db.Integer, db.ForeignKey("surveys.id"))
    is_sample = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Where it hangs, in words (e.g. "Nhà văn hóa thôn, bảng tin cạnh cửa"): to find it again.
    location = db.Column(db.String(200))
    # A retired poster's link says so instead of opening its lesson (the code is never reused).
    retired_at = db.Column(db.DateTime)
    retired_reason = db.Column(db.String(200))
    # Openings of the link after retirement: not scans (they lead nowhere), but a sign that
    # the paper still hangs somewhere.
    scans_after_retirement = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    unit = db.relationship("Unit", foreign_keys="[Poster.unit_id]")
    lesson = db.relationship("Lesson")
    quiz = db.relationship("Quiz")
    survey = db.relationship("Survey")

    __table_args__ = (
        db.CheckConstraint(
            "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN quiz_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN survey_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
    )

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Scan(TenantOwned, db.Model):
    """One opening of a poster's short link, attributed to the poster and its placement."""

    __tablename__ = "scans"
    __tenant_sources__ = ("poster_id", "unit_id")

    id = db.Column(db.Integer, primary_key=True)
    poster_id = db.Column(db.Integer, db.ForeignKey("posters.id"), nullable=False, index=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    participant_id = db.Column(db.Integer, db.ForeignKey("participants.id"), index=True)
    scanned_at = db.Column(db.DateTime, nullable=False, default=utcnow)
