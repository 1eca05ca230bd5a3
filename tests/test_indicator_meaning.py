"""Indicators that mean what they say: "reached" by a survey only for answers that show the
information arrived (the survey's `reach` block), and identity creation is throttled."""

from pathlib import Path

import pytest
import yaml
from helpers import csrf_token, hidden

import database
from models import Survey, Visit
from models.base import utcnow
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import local_date
from services.content import loader as content_loader
from services.content.survey_schema import validate_survey
from services.participation.survey_responses import Given, shows_reach
from services.reporting import indicators
from services.tally import indicator_store

QUIZZES = Path(__file__).parent.parent / "quizzes"
REACH_SURVEY = QUIZZES / "51-khao-sat-nghi-quyet-57.yaml"


def _reached(app, unit_id) -> int:
    """Reached in the unit this half-year, by the raw visits; the aggregate counts the same."""
    with app.app_context():
        today = local_date(utcnow(), app.config["TIMEZONE"])
        named = periods.containing(today)
        period = Period(named.start, named.end, app.config["TIMEZONE"])
        raw = indicators.reached_by_unit(period).get(unit_id, 0)
        assert indicator_store.by_unit(named.key)[0].get(unit_id, 0) == raw
        return raw


@pytest.fixture
def reach_survey(app, tmp_path):
    """The bundled reach survey loaded alone."""
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / REACH_SURVEY.name).write_text(REACH_SURVEY.read_text(encoding="utf-8"), "utf-8")
    with app.app_context():
        content_loader.load(folder)
        database.commit()


def _answer(client, choice: str):
    html = client.get("/surveys/khao-sat-nghi-quyet-57").get_data(as_text=True)
    data = {name: hidden(html, name) for name in ("submission_token", "version")}
    data.update(csrf_token=csrf_token(html), s_nghe_6_thang=choice, s_hieu_vi_sao="3")
    data["s_kenh_6_thang"] = "loa"  # asked only of those who heard: ignored for the others
    response = client.post("/surveys/khao-sat-nghi-quyet-57", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.mark.parametrize("choice", ["chua-nghe", "truoc-do"])
def test_not_having_heard_in_the_half_year_is_not_reached(
    app, client, reach_survey, identify, places, choice
):
    identify(client)
    _answer(client, choice)
    assert _reached(app, places["village"]) == 0


def test_having_heard_is_reached(app, client, reach_survey, identify, places):
    identify(client)
    _answer(client, "chua-ro")
    assert _reached(app, places["village"]) == 1
    with app.app_context():
        assert Visit.query.filter_by(kind="survey", counts_reach=True).count() == 1


def test_opening_a_survey_page_is_not_being_reached(app, client, reach_survey, identify, places):
    identify(client)
    assert client.get("/surveys/khao-sat-nghi-quyet-57").status_code == 200
    assert _reached(app, places["village"]) == 0


def test_the_bundled_reach_survey_names_its_counting_answers():
    data = yaml.safe_load(REACH_SURVEY.read_text(encoding="utf-8"))
    assert data["reach"] == {"question": "nghe-6-thang", "choices": ["biet-ro", "chua-ro"]}
    assert validate_survey(data, str(REACH_SURVEY)) == []


def test_shows_reach_rule():
    rule = {"reach": {"question": "q", "choices": ["yes"]}}
    assert shows_reach(rule, {"q": Given(choices=("yes",))})
    assert not shows_reach(rule, {"q": Given(choices=("no",))})
    assert not shows_reach(rule, {})
    assert shows_reach({}, {})  # `reach: true`: any answer


@pytest.mark.parametrize(
    ("reach", "where", "template"),
    [
        ({"question": "x", "choices": ["a"]}, "reach.question", "must name a single"),
        ({"question": "nghe-6-thang", "choices": ["nope"]}, "reach.choices", "must list choice"),
        ({"question": "nghe-6-thang", "choices": []}, "reach.choices", "must list choice ids"),
        ({"question": "nghe-6-thang"}, "reach", "must be a block"),
        ({"question": "hieu-vi-sao", "choices": ["a"]}, "reach.question", "must name a single"),
    ],
)
def test_a_bad_reach_block_is_refused(reach, where, template):
    data = yaml.safe_load(REACH_SURVEY.read_text(encoding="utf-8"))
    data["reach"] = reach
    errors = validate_survey(data, "s.yaml")
    assert [(e.where, e.template[: len(template)]) for e in errors] == [(where, template)]


def test_an_anonymous_survey_cannot_have_a_reach_block():
    data = yaml.safe_load(REACH_SURVEY.read_text(encoding="utf-8"))
    data["anonymous"] = True
    assert [e.where for e in validate_survey(data, "s.yaml")] == ["reach"]


def test_the_reach_block_is_kept_with_the_survey_version(app, reach_survey):
    with app.app_context():
        survey = Survey.query.filter_by(slug="khao-sat-nghi-quyet-57").one()
        assert survey.counts_as_reach is True
        assert survey.current_version.definition["reach"]["choices"] == ["biet-ro", "chua-ro"]


# --- identities a script cannot make without limit ---------------------------------------------


def test_identity_creation_is_throttled_per_address_but_a_class_passes(app, places):
    app.config["IDENTITY_RATE_LIMIT"] = "45 per 10 minutes"
    try:
        made = []
        for n in range(46):
            phone = app.test_client()
            html = phone.get("/identify").get_data(as_text=True)
            data = {
                "csrf_token": csrf_token(html),
                "display_name": f"Học sinh {n}",
                "role": "villager",
                "unit_id": str(places["village"]),
                "age_band": "30-44",
            }
            if n == 0:  # a refused form is not an identity made and is not counted
                phone.post("/identify", data={**data, "display_name": ""})
            made.append(phone.post("/identify", data=data).status_code)
        assert made[:45] == [303] * 45  # a class of 40 behind one school address passes
        assert made[45] == 429
    finally:
        app.config["IDENTITY_RATE_LIMIT"] = "60 per 10 minutes"
