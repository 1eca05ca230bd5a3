"""Work in progress on a topic (lesson and quiz) or a survey, written in the browser.

A draft holds the item exactly as a content file would (dates as ISO text), valid or not. It
is what the editor shows; publishing validates it with the same schema as `flask content
check` and applies it to the live rows, making a new quiz or survey version when the
questions changed. A topic never published exists only as its draft.
"""

from extensions import db
from models.base import utcnow

DRAFT_KINDS = ("topic", "survey")


class ContentDraft(db.Model):
    __tablename__ = "content_drafts"

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(10), nullable=False)
    # Topic and survey ids share one namespace (as in the content files).
    # Unique per commune (a commune's draft of a province topic shares the topic's slug).
    slug = db.Column(db.String(60), nullable=False)
    data = db.Column(db.JSON, nullable=False)
    # For an item never published: who owns it and whether it is meant for the whole commune.
    owner_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"), index=True)
    commune_wide = db.Column(db.Boolean, nullable=False, default=True)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # None: a draft of the province's item; else the commune whose version it is.
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)

    owner = db.relationship("StaffUser", foreign_keys=[owner_id])
    updated_by = db.relationship("StaffUser", foreign_keys=[updated_by_id])

    __table_args__ = (
        db.CheckConstraint("kind IN ('topic','survey')", name="kind"),
        db.UniqueConstraint("slug", "commune_id"),
        db.Index(
            "uq_content_drafts_province_slug",
            "slug",
            unique=True,
            sqlite_where=db.text("commune_id IS NULL"),
            postgresql_where=db.text("commune_id IS NULL"),
        ),
    )
