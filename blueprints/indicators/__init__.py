"""The indicators dashboard: reached and trained against the plan's targets."""

from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/staff/indicators")

from blueprints.indicators import routes  # noqa: E402,F401
