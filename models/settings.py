"""The office's settings, edited in the browser: one row per unit and setting that staff have
saved (a commune's own rows; the province unit's rows are the communes' common defaults)."""

from extensions import db
from models.base import utcnow


class OfficeSetting(db.Model):
    """A saved setting (e.g. "public_address") of a commune, or of the province for all its
    communes; a setting never saved falls back to the app's configuration."""

    __tablename__ = "office_settings"

    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), primary_key=True)
    key = db.Column(db.String(40), primary_key=True)
    value = db.Column(db.String(300), nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
