"""Poster artwork downloads: the QR code of a poster as SVG or PNG, and its PDF."""

from flask import Blueprint

bp = Blueprint("posters", __name__, url_prefix="/posters")

from blueprints.posters import routes  # noqa: E402,F401
