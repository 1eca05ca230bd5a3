"""The half-year report to the provincial Department of Science and Technology."""

from flask import Blueprint

bp = Blueprint("halfyear", __name__, url_prefix="/staff/half-year")

from blueprints.halfyear import routes  # noqa: E402,F401
