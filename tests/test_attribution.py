"""Poster attribution follows the person who scanned, within a bounded time, and only for the
poster's item and its lesson's quiz; the funnel's steps are monotone per poster."""

import datetime as dt
import html as html_lib
import random
import re

import pytest
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form, confirm_who, csrf_token, take_quiz

from extensions import db
from models import Attempt, Lesson, Poster, Quiz, Visit
from services.participation.poster_credit import poster_credit, poster_visit
from services.reporting.funnel import poster_funnel

NOW = dt.datetime(2025, 3, 1, 8, 0)
GIOI_HAN_RIGHT = {"q1": "true", "q2": "false", "q3": "true", "q4": "true"}


def _poster(app, code):
    with app.app_context():
        return Poster.query.filter_by(code=code).one().id


def _visit_posters(app, kind=None):
    with app.app_context():
        query = Visit.query.order_by(Visit.id)
        if kind:
            query = query.filter_by(kind=kind)
        return [v.poster_id for v in query]


def _attempt_posters(app):
    with app.app_context():
        return [a.poster_id for a in Attempt.query.order_by(Attempt.id)]


# --- the rule ----------------------------------------------------------------------------------


def test_the_rule_credits_the_poster_item_and_its_lesson_quiz_only(app, content, make_poster):
    code = make_poster()
    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        other = Lesson.query.filter_by(slug="gioi-han").one()
        state = poster_visit(poster, 7, NOW)
        later = NOW + dt.timedelta(minutes=30)
        assert poster_credit(state, 7, lesson, later) == poster.id
        assert poster_credit(state, 7, lesson.quiz, later) == poster.id
        assert poster_credit(state, 7, other, later) is None  # a typed URL
        assert poster_credit(state, 7, other.quiz, later) is None
        assert poster_credit(state, 8, lesson, later) is None  # someone else
        assert poster_credit(state, None, lesson, later) is None
        assert poster_credit(state, 7, lesson, NOW + dt.timedelta(hours=3)) is None  # too late
        assert poster_credit({**state, "person": None}, 7, lesson, later) is None
        assert poster_credit(None, 7, lesson, later) is None
        assert poster_credit(poster.id, 7, lesson, later) is None  # an old session's plain id


def test_a_quiz_poster_credits_its_quiz_not_the_lesson(app, content, make_poster):
    code = make_poster(target="quiz")
    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        state = poster_visit(poster, 1, NOW)
        assert poster_credit(state, 1, quiz, NOW) == poster.id
        assert poster_credit(state, 1, quiz.lesson, NOW) is None


def _scan(phone, code: str):
    """Scan a poster as the person the browser knows ("Bạn là …?" answered "Đúng")."""
    response = phone.get(f"/p/{code}")
    if response.location and response.location.startswith("/confirm"):
        confirm_who(phone, response.location)
    return response


# --- through the pages -------------------------------------------------------------------------


def test_a_class_join_after_a_scan_is_not_the_posters(app, make_poster, participant_in_db, places):
    code = make_poster()
    _pid, token = participant_in_db()
    phone = app.test_client()
    phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    _scan(phone, code)
    phone.get(f"/c/{places['class_code']}")
    phone.get("/lessons/an-toan")
    take_quiz(phone, ALL_RIGHT)
    assert _visit_posters(app) == [None, None]
    assert _attempt_posters(app) == [None]


def test_a_typed_url_of_another_item_is_not_the_posters(app, make_poster, participant_in_db):
    code = make_poster()
    _pid, token = participant_in_db()
    phone = app.test_client()
    phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    _scan(phone, code)
    phone.get("/lessons/an-toan")
    phone.get("/lessons/gioi-han")  # typed, not linked from the poster's lesson
    take_quiz(phone, GIOI_HAN_RIGHT, slug="gioi-han")
    take_quiz(phone, ALL_RIGHT)  # the poster lesson's own quiz is linked from it
    poster = _poster(app, code)
    assert _visit_posters(app, "lesson") == [poster, None]
    assert _attempt_posters(app) == [None, poster]


def test_a_new_identity_made_after_the_scan_is_not_the_posters(
    app, make_poster, participant_in_db, identify
):
    code = make_poster()
    _pid, token = participant_in_db(name="Lò Văn Tùng")
    phone = app.test_client()
    phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    _scan(phone, code)  # A confirmed: the scan and its visit are A's
    identify(phone, name="Hà Thị Lan")  # someone else makes an identity on the same phone
    phone.get("/lessons/an-toan")
    assert _visit_posters(app) == [None]


def test_the_first_time_visitor_who_identifies_right_after_the_scan_is_credited(
    app, make_poster, identify
):
    code = make_poster()
    phone = app.test_client()
    _scan(phone, code)
    identify(phone, next="/lessons/an-toan")
    phone.get("/lessons/an-toan")
    assert _visit_posters(app) == [_poster(app, code)]


def test_the_credit_ends_after_the_window(app, make_poster, participant_in_db):
    code = make_poster()
    _pid, token = participant_in_db()
    phone = app.test_client()
    phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    _scan(phone, code)
    with phone.session_transaction() as session:
        state = session["via_poster"]
        scanned = dt.datetime.fromisoformat(state["at"]) - dt.timedelta(minutes=121)
        session["via_poster"] = {**state, "at": scanned.isoformat()}
    phone.get("/lessons/an-toan")
    assert _visit_posters(app) == [None]


def test_funnel_with_a_class_join_and_a_typed_url_after_a_scan(
    app, make_poster, participant_in_db, places
):
    code = make_poster()
    joiner, typist, reader = (participant_in_db(name=n)[1] for n in ("An", "Bình", "Chi"))
    clients = {}
    for name, token in (("joiner", joiner), ("typist", typist), ("reader", reader)):
        clients[name] = app.test_client()
        clients[name].set_cookie(app.config["PARTICIPANT_COOKIE"], token)
        _scan(clients[name], code)
    clients["joiner"].get(f"/c/{places['class_code']}")
    take_quiz(clients["joiner"], ALL_RIGHT)
    take_quiz(clients["typist"], GIOI_HAN_RIGHT, slug="gioi-han")
    clients["reader"].get("/lessons/an-toan")
    with app.app_context():
        funnel = poster_funnel(db.session.get(Poster, _poster(app, code)))
        assert (funnel.scans, funnel.people, funnel.lesson_opened) == (3, 3, 1)
        assert (funnel.quiz_started, funnel.finished, funnel.passed) == (0, 0, 0)


# --- monotone over random journeys -------------------------------------------------------------

STEPS = ("scan", "scan_other", "lesson", "other_lesson", "pass", "fail", "class", "not_me")


def _step(app, phone, step, codes, places, identify):
    if step == "scan":
        _scan(phone, codes[0])
    elif step == "scan_other":
        _scan(phone, codes[1])
    elif step == "lesson":
        phone.get("/lessons/an-toan")
    elif step == "other_lesson":
        phone.get("/lessons/gioi-han")
    elif step in ("pass", "fail"):
        html = phone.get("/quizzes/an-toan").get_data(as_text=True)
        retry = re.search(r'href="(/quizzes/an-toan\?[^"]+)"', html)
        if 'name="submission_token"' not in html and retry:
            html = phone.get(html_lib.unescape(retry.group(1))).get_data(as_text=True)
        if 'name="submission_token"' in html:
            answers = ALL_RIGHT if step == "pass" else HALF_RIGHT
            phone.post("/quizzes/an-toan", data=answer_form(html, answers))
    elif step == "class":
        phone.get(f"/c/{places['class_code']}")
    else:
        phone.post("/not-me", data={"csrf_token": csrf_token(phone.get("/").get_data(True))})
        identify(phone, name=f"Người {random.random():.6f}")


@pytest.mark.parametrize("seed", range(4))
def test_the_funnel_is_monotone_over_random_journeys(app, make_poster, identify, places, seed):
    rng = random.Random(seed)
    codes = [make_poster(), make_poster(target="quiz")]
    for person in range(4):
        phone = app.test_client()
        identify(phone, name=f"Người {seed}-{person}")
        for step in rng.choices(STEPS, k=8):
            _step(app, phone, step, codes, places, identify)
    with app.app_context():
        for code in codes:
            funnel = poster_funnel(Poster.query.filter_by(code=code).one())
            counts = [
                funnel.scans,
                funnel.people,
                funnel.lesson_opened,
                funnel.quiz_started,
                funnel.finished,
                funnel.passed,
            ]
            assert counts == sorted(counts, reverse=True), (code, counts)
