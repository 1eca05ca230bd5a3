"""Recognition: rankings for a period, nominees, and the nomination list."""

from flask import Blueprint

bp = Blueprint("recognition", __name__, url_prefix="/staff/recognition")

from blueprints.recognition import routes  # noqa: E402,F401
