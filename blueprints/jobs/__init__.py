"""Prepared exports: the staff member's background jobs and the download of their files."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/staff/exports")

from blueprints.jobs import routes  # noqa: E402,F401
