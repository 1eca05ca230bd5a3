"""Activity views (being written)."""

from blueprints.activities import bp  # noqa: F401
