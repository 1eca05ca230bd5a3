"""Staff pages: home, classes (join QR, roster), people's records (export, delete)."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from blueprints.staff import assignments, roster_routes, routes  # noqa: E402,F401
