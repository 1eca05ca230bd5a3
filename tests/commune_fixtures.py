"""Fixtures of two communes: `two_communes` (see tests/commune_world.py).

Register with `pytest_plugins = ["staff_fixtures", "commune_fixtures"]`.
"""

import pytest
from commune_world import TwoCommunes, build


@pytest.fixture
def two_communes(app, staff, content) -> TwoCommunes:
    """xã Tân Tiến (B) beside the conftest's commune (A), each with a certificate."""
    return build(app, staff)
