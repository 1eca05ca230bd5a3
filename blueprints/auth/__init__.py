"""Staff login and logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from blueprints.auth import routes  # noqa: E402,F401
