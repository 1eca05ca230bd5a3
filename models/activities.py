"""Communication activities that units file, and the half-year reports compiled from them."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

ACTIVITY_KINDS = (
    "article",  # bài viết trên trang thông tin điện tử của xã
    "social_post",  # bài đăng Zalo / Facebook
    "loudspeaker",  # phát thanh trên hệ thống loa
    "meeting",  # hội nghị, tọa đàm
    "training",  # lớp tập huấn
    "competition",  # cuộc thi
    "other",
)


class Activity(TenantOwned, db.Model):
    """One communication activity of a unit (an article, a broadcast, a meeting…)."""

    __tablename__ = "activities"
    __tenant_sources__ = ("unit_id",)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)
    held_on = db.Column(db.Date, nullable=False, index=True)
    title = db.Column(db.String(300), nullable=False)
    count = db.Column(db.Integer, nullable=False, default=1)  # e.g. 12 broadcasts
    people_reached = db.Column(db.Integer, nullable=False, default=0)
    notes = db.Column(db.Text, nullable=False, default="")
    link = db.Column(db.String(500))
    filed_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    filed_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    unit = db.relationship("Unit", foreign_keys="[Activity.unit_id]")
    filed_by = db.relationship("StaffUser")
    evidence = db.relationship(
        "ActivityEvidence",
        back_populates="activity",
        cascade="all, delete-orphan",
        order_by="ActivityEvidence.id",
    )

    __table_args__ = (
        db.CheckConstraint(
            "kind IN ('article','social_post','loudspeaker','meeting','training',"
            "'competition','other')",
            name="kind",
        ),
        db.CheckConstraint("people_reached >= 0 AND count >= 1", name="counts"),
    )


EVIDENCE_KINDS = ("photo", "minutes")  # ảnh, biên bản


class ActivityEvidence(db.Model):
    """A file that shows an activity took place: a photo or the minutes (biên bản).

    The bytes are in the private evidence folder under `file_name` (their hash, as lesson
    uploads are named), served only to staff who may see the activity's unit."""

    __tablename__ = "activity_evidence"

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(
        db.Integer, db.ForeignKey("activities.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = db.Column(db.String(16), nullable=False)
    file_name = db.Column(db.String(64), nullable=False)  # "<32 hex>.webp|pdf|docx"
    original_name = db.Column(db.String(120), nullable=False, default="")
    size = db.Column(db.Integer, nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    activity = db.relationship("Activity", back_populates="evidence")
    uploaded_by = db.relationship("StaffUser")

    __table_args__ = (
        db.CheckConstraint("kind IN ('photo','minutes')", name="kind"),
        db.UniqueConstraint("activity_id", "file_name"),
    )

    @property
    def suffix(self) -> str:
        return self.file_name.rsplit(".", 1)[-1]


class HalfYearReport(TenantOwned, db.Model):
    """The report to Sở KH&CN for a period: editable parts plus a frozen copy of the figures."""

    __tablename__ = "half_year_reports"

    id = db.Column(db.Integer, primary_key=True)
    period_key = db.Column(db.String(10), nullable=False)
    period_start = db.Column(db.Date, nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    number = db.Column(db.String(40), nullable=False)  # số ký hiệu, e.g. "125/BC-UBND"
    report_date = db.Column(db.Date, nullable=False)
    results_text = db.Column(db.Text, nullable=False, default="")
    difficulties = db.Column(db.Text, nullable=False, default="")
    proposals = db.Column(db.Text, nullable=False, default="")
    signer_authority = db.Column(db.String(60), nullable=False)  # "TM. ỦY BAN NHÂN DÂN"
    signer_title = db.Column(db.String(60), nullable=False)  # "CHỦ TỊCH"
    # Who signs (Nghị định 30/2020): "chairman" (TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH) or "deputy"
    # (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); the two lines above follow from it.
    signer_capacity = db.Column(db.String(20), nullable=False, default="chairman")
    signer_name = db.Column(db.String(120), nullable=False, default="")
    recipients = db.Column(db.Text, nullable=False)
    # Figures and activities as they were when saved: printing again gives the same document.
    snapshot = db.Column(db.JSON, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class HalfYearSubmission(TenantOwned, db.Model):
    """A half-year report as the commune sent it to Sở KH&CN: frozen, never edited.

    Submitted means the row exists; received means `received_at` is set (by the province
    office). A correction is a new row of the same period with the next `version`, naming
    the one it replaces and why. Everything printed is held here (the figures and texts in
    `snapshot`, the issuer, place and signer in `settings_snapshot`, the PDF's bytes), so a
    reprint is the document sent, whatever the report or the settings say later;
    services.reporting.submissions refuses to change a row, and so does its flush guard."""

    __tablename__ = "half_year_submissions"
    __tenant_sources__ = ("report_id",)
    __tenant_index__ = False  # the unique (commune_id, period_key, version) leads with it

    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(
        db.Integer, db.ForeignKey("half_year_reports.id"), nullable=False, index=True
    )
    period_key = db.Column(db.String(10), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    replaces_id = db.Column(db.Integer, db.ForeignKey("half_year_submissions.id"))
    correction_note = db.Column(db.Text)
    snapshot = db.Column(db.JSON, nullable=False)
    settings_snapshot = db.Column(db.JSON, nullable=False)
    pdf_sha256 = db.Column(db.String(64), nullable=False)
    pdf = db.Column(db.LargeBinary, nullable=False)
    submitted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    received_at = db.Column(db.DateTime)
    received_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))

    report = db.relationship("HalfYearReport")
    replaces = db.relationship("HalfYearSubmission", remote_side=[id])
    submitted_by = db.relationship("StaffUser", foreign_keys=[submitted_by_id])
    received_by = db.relationship("StaffUser", foreign_keys=[received_by_id])

    __table_args__ = (
        db.UniqueConstraint("commune_id", "period_key", "version"),
        db.CheckConstraint("version >= 1", name="version"),
        db.CheckConstraint(
            "(version = 1 AND replaces_id IS NULL) OR (version > 1 AND replaces_id IS NOT NULL)",
            name="replaces",
        ),
    )
