"""Views (being written)."""

from blueprints.units import bp  # noqa: F401
