"""Participation reports for a class or unit (HTML, CSV, XLSX, PDF) and poster funnels."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/staff")

from blueprints.reports import gradebook, poster_pages, routes  # noqa: E402,F401
