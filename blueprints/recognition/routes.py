"""Views (being written)."""

from blueprints.recognition import bp  # noqa: F401
