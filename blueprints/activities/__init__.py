"""Units file their communication activities; the office sees who has and has not filed."""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/staff/activities")

from blueprints.activities import edit_routes, evidence_routes, routes  # noqa: E402,F401
