"""participation.quiz_taking (one call takes a quiz) and participation.survey_attribution
(whom and where a survey response is filed under)."""

import datetime as dt

import pytest
from helpers import ALL_RIGHT, HALF_RIGHT

import database
from extensions import db
from models import Attempt, Certificate, Participant, Poster, Quiz, Survey, Unit
from services.participation import attempts, quiz_taking, scoring
from services.participation import survey_attribution as attribution
from services.participation import survey_responses as responses
from services.participation.posters import create_poster

RULES = quiz_taking.CertificateRules("LT", "Asia/Ho_Chi_Minh")
TOKEN = "t" * 32


def _answers(given: dict) -> dict[str, list[str]]:
    return {qid: value if isinstance(value, list) else [value] for qid, value in given.items()}


def _taken(participant, given=ALL_RIGHT, token=TOKEN, **extra) -> quiz_taking.TakenQuiz:
    version = Quiz.query.filter_by(slug="an-toan").one().current_version
    return quiz_taking.TakenQuiz(participant, version, _answers(given), token, **extra)


@pytest.fixture
def person(app, content, participant_in_db, ctx):
    participant_id, _token = participant_in_db()
    return db.session.get(Participant, participant_id)


def test_a_pass_is_recorded_once_and_certified(person):
    first = quiz_taking.take_quiz(_taken(person), RULES)
    again = quiz_taking.take_quiz(_taken(person), RULES)
    assert again.id == first.id and first.passed
    assert Attempt.query.count() == 1
    certificate = Certificate.query.one()
    assert certificate.attempt_id == first.id and certificate.serial.startswith("LT-")


def test_a_fail_gets_no_certificate(person):
    attempt = quiz_taking.take_quiz(_taken(person, HALF_RIGHT), RULES)
    assert not attempt.passed and Certificate.query.count() == 0


def test_a_late_answer_counts_when_it_was_answered(person):
    when = dt.datetime(2026, 3, 2, 8, 30)
    attempt = quiz_taking.take_quiz(_taken(person, answered_at=when), RULES)
    assert attempt.submitted_at == when and attempt.answered_at == when
    assert Certificate.query.one().issued_at == when


def test_anothers_token_is_refused_without_a_certificate(person, participant_in_db):
    other_id, _token = participant_in_db(name="Hoàng Văn Nam")
    other = db.session.get(Participant, other_id)
    quiz_taking.take_quiz(_taken(other, HALF_RIGHT), RULES)
    with pytest.raises(quiz_taking.SubmittedElsewhere) as caught:
        quiz_taking.take_quiz(_taken(person), RULES)
    assert caught.value.attempt.participant_id == other.id
    assert Certificate.query.count() == 0


def test_tampered_answers_are_invalid_input_by_question(person):
    with pytest.raises(scoring.InvalidAnswer) as caught:
        quiz_taking.take_quiz(_taken(person, {**ALL_RIGHT, "otp": "z"}), RULES)
    assert caught.value.errors == {"otp": "unknown_choice"}
    assert Attempt.query.count() == 0


def test_no_attempts_left_is_its_own_state(person, monkeypatch):
    version = Quiz.query.filter_by(slug="an-toan").one().current_version
    monkeypatch.setattr(version, "max_attempts", 1)
    quiz_taking.take_quiz(_taken(person, HALF_RIGHT), RULES)
    with pytest.raises(attempts.NoAttemptsLeft):
        quiz_taking.take_quiz(_taken(person, token="u" * 32), RULES)
    assert Attempt.query.count() == 1
    # … while the same form sent again still lands on its attempt
    assert quiz_taking.take_quiz(_taken(person, HALF_RIGHT), RULES).number == 1


# --- survey attribution ----------------------------------------------------------------------


@pytest.fixture
def survey_posters(app, surveys, places, ctx):
    """A named survey, an anonymous one, and a poster of each in the village."""
    named = Survey.query.filter_by(slug="y-kien").one()
    anonymous = Survey.query.filter_by(slug="an-danh").one()
    village = db.session.get(Unit, places["village"])
    found = {
        "named": named,
        "anonymous": anonymous,
        "named_poster": create_poster("Áp phích ý kiến", village, named),
        "anonymous_poster": create_poster("Áp phích ẩn danh", village, anonymous),
        "village": village,
    }
    database.commit()  # the participant factory writes from its own session
    return found


def test_a_named_response_belongs_to_the_person_and_their_unit(survey_posters, participant_in_db):
    person = db.session.get(Participant, participant_in_db(unit="agency")[0])
    survey, poster = survey_posters["named"], survey_posters["named_poster"]
    key, new_token = attribution.respondent(survey, person, None)
    assert key == f"p{person.id}" and new_token is None
    arrival = attribution.Arrival(poster_id=poster.id)
    answered = attribution.Answered(survey.current_version, TOKEN, {})
    sub = attribution.submission(survey, key, person, arrival, answered)
    assert sub.participant is person and sub.unit_id == person.unit_id
    assert sub.poster_id == poster.id


def test_an_anonymous_response_keeps_nothing_about_the_person(survey_posters, participant_in_db):
    person = db.session.get(Participant, participant_in_db(unit="agency")[0])
    survey = survey_posters["anonymous"]
    key, new_token = attribution.respondent(survey, person, None)
    assert new_token is not None and responses.is_anonymous_key(key)
    assert attribution.respondent(survey, person, new_token) == (key, None)
    # The named poster the person came through earlier does not count; the survey's own does.
    arrival = attribution.Arrival(
        poster_id=survey_posters["named_poster"].id,
        survey_poster_id=survey_posters["anonymous_poster"].id,
    )
    answered = attribution.Answered(survey.current_version, TOKEN, {})
    sub = attribution.submission(survey, key, person, arrival, answered)
    assert sub.participant is None
    assert sub.poster_id == survey_posters["anonymous_poster"].id
    assert sub.unit_id == survey_posters["village"].id  # where the poster hangs, not the agency


def test_an_anonymous_response_without_its_own_poster_has_no_place(survey_posters):
    survey = survey_posters["anonymous"]
    others = attribution.Arrival(survey_poster_id=survey_posters["named_poster"].id)
    assert attribution.poster_id(survey, others) is None
    assert attribution.unit_id(survey, None, others) is None
    assert attribution.unit_id(survey, None, attribution.Arrival()) is None
    assert Poster.query.count() == 2
