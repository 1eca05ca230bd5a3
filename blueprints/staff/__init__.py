"""Staff pages: home, classes (join QR, roster), people's records (export, delete),
certificates (search, class PDF, revoke, re-issue)."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from blueprints.staff import (  # noqa: E402,F401
    assignments,
    certificate_pages,
    roster_routes,
    routes,
)
