"""Work a teacher gives a class: a lesson (with its quiz, if any) or a survey, by a due date."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned


class Assignment(TenantOwned, db.Model):
    """One lesson or survey given to one class, due on a day (commune time)."""

    __tablename__ = "assignments"
    __tenant_sources__ = ("unit_id",)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    lesson_id = db.Column(db.Integer, db.ForeignKey("lessons.id"))
    survey_id = db.Column(db.Integer, db.ForeignKey("surveys.id"))
    due_on = db.Column(db.Date, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    unit = db.relationship("Unit", foreign_keys="[Assignment.unit_id]")
    lesson = db.relationship("Lesson")
    survey = db.relationship("Survey")
    created_by = db.relationship("StaffUser")

    __table_args__ = (
        db.CheckConstraint(
            "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN survey_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_item",
        ),
    )

    @property
    def item(self):
        return self.lesson or self.survey
