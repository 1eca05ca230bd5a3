"""The unit tree: commune → village / school → class / agency / enterprise."""

from extensions import db
from models.base import utcnow

UNIT_KINDS = ("commune", "village", "school", "class", "agency", "enterprise")


class Unit(db.Model):
    """A place or organisation that people belong to and that targets are measured for."""

    __tablename__ = "units"

    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    kind = db.Column(db.String(16), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    # People the unit's indicators are divided by (villagers over 15, students, staff…).
    target_population = db.Column(db.Integer)
    population_year = db.Column(db.Integer)
    # Only classes have one: the code behind the permanent /c/<code> join link.
    join_code = db.Column(db.String(8), unique=True)
    is_sample = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    parent = db.relationship("Unit", remote_side=[id], backref="children")

    __table_args__ = (
        db.CheckConstraint(
            "kind IN ('commune','village','school','class','agency','enterprise')",
            name="kind",
        ),
    )

    def __repr__(self) -> str:
        return f"<Unit {self.kind} {self.name!r}>"
