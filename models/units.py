"""The unit tree: province → commune → village / school → class / agency / enterprise."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

# The kinds a commune's own tree holds; the province above the communes is not one of them.
UNIT_KINDS = ("commune", "village", "school", "class", "agency", "enterprise")
PROVINCE = "province"


class Unit(TenantOwned, db.Model):
    """A place or organisation that people belong to and that targets are measured for."""

    __tablename__ = "units"
    __tenant_sources__ = ("parent_id",)
    __tenant_nullable__ = True  # the province belongs to no commune

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
    # The commune the unit belongs to: its own id for a commune, NULL for the province.
    commune_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)

    parent = db.relationship("Unit", remote_side=[id], foreign_keys=[parent_id], backref="children")

    __table_args__ = (
        db.CheckConstraint(
            "kind IN ('commune','village','school','class','agency','enterprise','province')",
            name="kind",
        ),
        # The target of the tenant tables' (unit_id, commune_id) foreign keys.
        db.Index("uq_units_id_commune_id", "id", "commune_id", unique=True),
    )

    def __repr__(self) -> str:
        return f"<Unit {self.kind} {self.name!r}>"
