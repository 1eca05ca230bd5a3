"""The office's settings, edited in the browser: one row per setting that staff have saved."""

from extensions import db
from models.base import utcnow


class OfficeSetting(db.Model):
    """A saved setting (e.g. "public_address"); a setting never saved falls back to the
    app's configuration."""

    __tablename__ = "office_settings"

    key = db.Column(db.String(40), primary_key=True)
    value = db.Column(db.String(300), nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
