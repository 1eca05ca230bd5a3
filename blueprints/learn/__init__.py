"""The learner's pages: poster and class links, identity, lessons, quizzes and results."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from blueprints.learn import device, offline, routes, stamps, surveys, visible  # noqa: E402,F401  (routes attach themselves to bp)
