"""Staff authoring of lessons, quizzes and surveys in the browser (/staff/content/)."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/staff/content")

from blueprints.authoring import recording, routes  # noqa: E402,F401
