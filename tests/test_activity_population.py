"""People reached by one activity cannot be more than the unit's population: one rule, in
services.reporting.activities, for filing and editing alike."""

import datetime as dt
from html import unescape

import pytest
from conftest import csrf_token

import database
from extensions import db
from models import Activity, Unit
from services.common.errors import InvalidInput
from services.org import populations
from services.org.units import create_unit
from services.reporting import activities

pytest_plugins = ["staff_fixtures"]

PAGE = "/staff/activities/"
DAY = dt.date(2025, 3, 10)


def _form(client, unit: int, people: str) -> dict:
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return {
        "csrf_token": token,
        "unit_id": str(unit),
        "kind": "meeting",
        "held_on": DAY.isoformat(),
        "title": "Hội nghị thôn về chuyển đổi số",
        "count": "1",
        "people_reached": people,
    }


@pytest.fixture
def big_village(app, places):
    """Thôn Nà Lầu, 830 people, under the conftest commune."""
    with app.app_context():
        commune = db.session.get(Unit, places["commune"])
        village = create_unit("village", "Thôn Nà Lầu", commune, target_population=830)
        database.commit()
        return village.id


def test_people_above_the_population_are_refused_with_the_unit_and_its_population(
    app, staff, staff_client, big_village
):
    client = staff_client("admin")
    response = client.post(PAGE, data=_form(client, big_village, "1250"))
    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert "Số người được tiếp cận (1.250) lớn hơn dân số của Thôn Nà Lầu (830 người)" in body
    assert 'value="1250"' in body  # what was typed stays in the form
    with app.app_context():
        assert Activity.query.count() == 0


def test_people_equal_to_the_population_are_accepted(app, staff, staff_client, big_village):
    client = staff_client("admin")
    assert client.post(PAGE, data=_form(client, big_village, "830")).status_code == 303
    with app.app_context():
        assert Activity.query.one().people_reached == 830


def test_an_officer_is_held_to_their_villages_population(app, staff, staff_client):
    client = staff_client("officer")  # Thôn Nà Pàn, 300 people
    refused = client.post(PAGE, data=_form(client, staff.village, "301"))
    assert refused.status_code == 400
    assert "lớn hơn dân số của Thôn Nà Pàn (300 người)" in unescape(refused.get_data(as_text=True))
    assert client.post(PAGE, data=_form(client, staff.village, "300")).status_code == 303


def test_a_unit_without_population_says_so(app, staff, staff_client):
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        enterprise = create_unit("enterprise", "Công ty Chè Lạng Sơn", commune).id
        database.commit()
    client = staff_client("admin")
    response = client.post(PAGE, data=_form(client, enterprise, "25"))
    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert "Công ty Chè Lạng Sơn chưa có dân số" in body
    # Nobody reached (0: not known) needs no population.
    assert client.post(PAGE, data=_form(client, enterprise, "0")).status_code == 303


def test_a_unit_without_its_own_figure_is_measured_by_the_units_below(app, staff):
    """The school declares none: its classes' 35 + 30 pupils are its population."""
    with app.app_context():
        school = db.session.get(Unit, staff.school)
        assert populations.unit_population(school) == 65
        _values, errors = activities.check(
            school, kind="meeting", held_on=DAY, title="Họp phụ huynh", count=1,
            people_reached=65, today=dt.date(2026, 1, 1),
        )  # fmt: skip
        assert errors == {}
        with pytest.raises(InvalidInput) as caught:
            activities.file_activity(
                school, kind="meeting", held_on=DAY, title="Họp", people_reached=66,
                today=dt.date(2026, 1, 1),
            )  # fmt: skip
        assert caught.value.errors == {"people_reached": "above_population"}
        assert caught.value.params["population"] == "65"
        assert caught.value.params["unit"] == "Trường THCS"
