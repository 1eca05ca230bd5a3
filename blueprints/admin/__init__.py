"""The commune office's administration: staff accounts, office settings and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")

from blueprints.admin import public_address, routes  # noqa: E402,F401
