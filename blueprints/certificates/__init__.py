"""Public certificate verification: /v/<code> (a permanent URL printed on every certificate)."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from blueprints.certificates import routes  # noqa: E402,F401
