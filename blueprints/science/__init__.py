"""The register of state-funded science and technology tasks, and its public page."""

from flask import Blueprint

bp = Blueprint("science", __name__)

from blueprints.science import routes  # noqa: E402,F401
