"""A quiz submit is idempotent: double taps, retries, refreshes and races never create a second
attempt or lose one (DESIGN.md, capability 4; "Scale": nothing lost or doubled)."""

from collections import Counter

from helpers import (
    ALL_RIGHT,
    HALF_RIGHT,
    answer_form,
    post_together,
    quiz_page,
    status_codes,
    with_new_token,
)

from models import Answer, Attempt

LIMITED_ANSWERS = {"q1": "true", "q2": "false", "q3": "true", "q4": "true"}


def _attempts(app) -> list[Attempt]:
    with app.app_context():
        return Attempt.query.order_by(Attempt.number).all()


def _count(app, model) -> int:
    with app.app_context():
        return model.query.count()


def test_same_submit_five_times_makes_one_attempt(app, client, content, identify):
    identify(client)
    data = answer_form(quiz_page(client), ALL_RIGHT)
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
    old_form = answer_form(quiz_page(client), HALF_RIGHT)
    location = client.post("/quizzes/an-toan", data=old_form).headers["Location"]

    for _ in range(3):  # refreshing the result page
        result = client.get(location)
        assert result.status_code == 200
        assert "50%" in result.get_data(as_text=True)
    assert len(_attempts(app)) == 1

    quiz_page(client)  # "back" to the quiz page
    again = client.post("/quizzes/an-toan", data=old_form)
    assert again.status_code == 303
    assert again.headers["Location"] == location
    attempts = _attempts(app)
    assert len(attempts) == 1 and attempts[0].score_percent == 50


def test_same_form_from_20_threads_makes_one_attempt(app, client, content, identify):
    identify(client)
    data = answer_form(quiz_page(client), ALL_RIGHT)
    responses = post_together(app, client, "/quizzes/an-toan", [data] * 20)
    assert status_codes(responses) == [303] * 20, Counter(status_codes(responses))
    attempts = _attempts(app)
    assert len(attempts) == 1
    assert {r.headers["Location"] for r in responses} == {f"/results/{attempts[0].public_id}"}
    assert _count(app, Answer) == 4


def test_20_different_forms_at_once_make_20_numbered_attempts(app, client, content, identify):
    identify(client)
    data = answer_form(quiz_page(client), HALF_RIGHT)
    forms = [with_new_token(data) for _ in range(20)]
    assert len({f["submission_token"] for f in forms}) == 20
    responses = post_together(app, client, "/quizzes/an-toan", forms)
    assert 500 not in status_codes(responses)
    assert status_codes(responses) == [303] * 20, Counter(status_codes(responses))
    attempts = _attempts(app)
    assert [a.number for a in attempts] == list(range(1, 21))
    assert {a.submission_token for a in attempts} == {f["submission_token"] for f in forms}
    assert len({r.headers["Location"] for r in responses}) == 20
    assert _count(app, Answer) == 20 * 4


def test_limited_quiz_10_different_forms_at_once_make_exactly_2(app, client, content, identify):
    identify(client, role="official", unit="agency")
    data = answer_form(quiz_page(client, "gioi-han"), LIMITED_ANSWERS)
    forms = [with_new_token(data) for _ in range(10)]
    responses = post_together(app, client, "/quizzes/gioi-han", forms)
    assert status_codes(responses) == [303] * 2 + [409] * 8, Counter(status_codes(responses))
    attempts = _attempts(app)
    assert [a.number for a in attempts] == [1, 2]
    # The refused ones got the Vietnamese "no attempts left" page, not an error page.
    refused = [r for r in responses if r.status_code == 409]
    assert all("hết số lượt" in r.get_data(as_text=True) for r in refused)
    # The two that were recorded still replay to their own results.
    for response in responses:
        if response.status_code == 303:
            assert client.get(response.headers["Location"]).status_code == 200
