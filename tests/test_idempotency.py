"""A quiz submit is idempotent: double taps, retries, refreshes and races never create a second
attempt or lose one (DESIGN.md, capability 4; "Scale": nothing lost or doubled)."""

import html as html_lib
import re
import secrets
import threading
from collections import Counter

from helpers import ALL_RIGHT, HALF_RIGHT, answer_form

from models import Answer, Attempt

LIMITED_ANSWERS = {"q1": "true", "q2": "false", "q3": "true", "q4": "true"}


def _attempts(app) -> list[Attempt]:
    with app.app_context():
        return Attempt.query.order_by(Attempt.number).all()


def _count(app, model) -> int:
    with app.app_context():
        return model.query.count()


def _quiz_html(client, slug="an-toan") -> str:
    """The quiz form, following the page's "try again" link when an attempt was already made."""
    page = client.get(f"/quizzes/{slug}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    if 'name="submission_token"' not in html:
        retry = re.search(rf'href="(/quizzes/{slug}\?[^"]+)"', html)
        assert retry, "no quiz form and no link to a new attempt"
        html = client.get(html_lib.unescape(retry.group(1))).get_data(as_text=True)
    return html


def _other_form(data: dict) -> dict:
    """The same answers as another rendering of the form: a different submission token."""
    return {**data, "submission_token": secrets.token_urlsafe(24)}


def _same_browser(app, client):
    """Another test client carrying the same participant and session cookies (a second tab,
    or the same form retried by the network)."""
    other = app.test_client()
    for name in (app.config["PARTICIPANT_COOKIE"], app.config["SESSION_COOKIE_NAME"]):
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        other.set_cookie(name, cookie.value)
    return other


def _post_together(app, client, url: str, forms: list[dict]):
    """POST each form from its own thread and client, all released at the same moment."""
    clients = [_same_browser(app, client) for _ in forms]
    barrier = threading.Barrier(len(forms))
    responses = [None] * len(forms)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            responses[i] = clients[i].post(url, data=forms[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a submit never finished"
    assert not errors, errors
    return responses


def _statuses(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_same_submit_five_times_makes_one_attempt(app, client, content, identify):
    identify(client)
    data = answer_form(_quiz_html(client), ALL_RIGHT)
    responses = [client.post("/quizzes/an-toan", data=data) for _ in range(5)]
    assert [r.status_code for r in responses] == [303] * 5
    locations = {r.headers["Location"] for r in responses}
    assert len(locations) == 1
    (location,) = locations
    attempts = _attempts(app)
    assert len(attempts) == 1
    assert location.endswith(f"/results/{attempts[0].public_id}")
    assert _count(app, Answer) == 4  # one answer per question, not per POST


def test_refresh_result_and_back_to_quiz_then_resubmit_old_form(app, client, content, identify):
    identify(client)
    old_form = answer_form(_quiz_html(client), HALF_RIGHT)
    location = client.post("/quizzes/an-toan", data=old_form).headers["Location"]

    for _ in range(3):  # refreshing the result page
        result = client.get(location)
        assert result.status_code == 200
        assert "50%" in result.get_data(as_text=True)
    assert len(_attempts(app)) == 1

    _quiz_html(client)  # "back" to the quiz page
    again = client.post("/quizzes/an-toan", data=old_form)
    assert again.status_code == 303
    assert again.headers["Location"] == location
    attempts = _attempts(app)
    assert len(attempts) == 1 and attempts[0].score_percent == 50


def test_same_form_from_20_threads_makes_one_attempt(app, client, content, identify):
    identify(client)
    data = answer_form(_quiz_html(client), ALL_RIGHT)
    responses = _post_together(app, client, "/quizzes/an-toan", [data] * 20)
    assert _statuses(responses) == [303] * 20, Counter(_statuses(responses))
    attempts = _attempts(app)
    assert len(attempts) == 1
    assert {r.headers["Location"] for r in responses} == {f"/results/{attempts[0].public_id}"}
    assert _count(app, Answer) == 4


def test_20_different_forms_at_once_make_20_numbered_attempts(app, client, content, identify):
    identify(client)
    data = answer_form(_quiz_html(client), HALF_RIGHT)
    forms = [_other_form(data) for _ in range(20)]
    assert len({f["submission_token"] for f in forms}) == 20
    responses = _post_together(app, client, "/quizzes/an-toan", forms)
    assert 500 not in _statuses(responses)
    assert _statuses(responses) == [303] * 20, Counter(_statuses(responses))
    attempts = _attempts(app)
    assert [a.number for a in attempts] == list(range(1, 21))
    assert {a.submission_token for a in attempts} == {f["submission_token"] for f in forms}
    assert len({r.headers["Location"] for r in responses}) == 20
    assert _count(app, Answer) == 20 * 4


def test_limited_quiz_10_different_forms_at_once_make_exactly_2(app, client, content, identify):
    identify(client, role="official", unit="agency")
    data = answer_form(_quiz_html(client, "gioi-han"), LIMITED_ANSWERS)
    forms = [_other_form(data) for _ in range(10)]
    responses = _post_together(app, client, "/quizzes/gioi-han", forms)
    assert _statuses(responses) == [303] * 2 + [409] * 8, Counter(_statuses(responses))
    attempts = _attempts(app)
    assert [a.number for a in attempts] == [1, 2]
    # The refused ones got the Vietnamese "no attempts left" page, not an error page.
    refused = [r for r in responses if r.status_code == 409]
    assert all("hết số lượt" in r.get_data(as_text=True) for r in refused)
    # The two that were recorded still replay to their own results.
    for response in responses:
        if response.status_code == 303:
            assert client.get(response.headers["Location"]).status_code == 200
