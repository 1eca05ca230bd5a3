"""Views (being written)."""

from blueprints.science import bp  # noqa: F401
