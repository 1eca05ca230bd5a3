"""The unit tree in the browser: add, edit, and import units with their target populations."""

from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/staff/admin/units")

from blueprints.units import routes  # noqa: E402,F401
