"""Survey results for staff: tallies, charts, free text and CSV/XLSX exports."""

from flask import Blueprint

bp = Blueprint("survey_results", __name__, url_prefix="/staff/surveys")

from blueprints.survey_results import routes  # noqa: E402,F401
