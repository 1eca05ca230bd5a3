"""The whole learner journey through the test client: poster → identity → lesson → quiz → result."""

import re

from conftest import csrf_token, hidden
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form, take_quiz

import database
from extensions import db
from models import Attempt, Consent, Participant, RosterEntry, Scan, Unit, Visit
from services.org import roster
from services.org.roster import RosterRow


def test_poster_scan_identity_lesson_quiz_result(app, client, make_poster, identify, places):
    code = make_poster()
    scan = client.get(f"/p/{code}")
    assert scan.status_code == 302
    assert scan.headers["Location"].endswith("/lessons/an-toan")

    lesson = client.get("/lessons/an-toan")
    assert lesson.status_code == 302 and "/identify" in lesson.headers["Location"]
    form_page = client.get(lesson.headers["Location"])
    html = form_page.get_data(as_text=True)
    assert "Bạn sắp học" in html and "An toàn trên mạng" in html
    # The village the poster hangs in is preselected.
    assert f'value="{places["village"]}" selected' in html

    response = identify(client, next="/lessons/an-toan")
    assert response.headers["Location"].endswith("/lessons/an-toan")
    lesson_html = client.get("/lessons/an-toan").get_data(as_text=True)
    assert "<strong>mã OTP</strong>" in lesson_html
    assert 'loading="lazy"' in lesson_html and 'src="/media/otp.png"' in lesson_html

    quiz = client.get("/quizzes/an-toan")
    quiz_html = quiz.get_data(as_text=True)
    assert quiz.status_code == 200
    submitted = client.post("/quizzes/an-toan", data=answer_form(quiz_html, ALL_RIGHT))
    assert submitted.status_code == 303
    result = client.get(submitted.headers["Location"])
    body = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "100%" in body and "Chúc mừng, bạn đã đạt!" in body
    assert "Mã OTP chỉ dành cho bạn." in body  # explanations shown

    with app.app_context():
        attempt = Attempt.query.one()
        assert attempt.passed and attempt.score_percent == 100
        assert attempt.poster_id is not None and attempt.unit_id == places["village"]
        assert Scan.query.count() == 1
        assert {v.kind for v in Visit.query.all()} == {"lesson", "quiz"}
        assert all(v.poster_id == attempt.poster_id for v in Visit.query.all())


def test_result_shows_right_answers_for_wrong_ones_once_passed(client, content, identify):
    # Before a pass the review names the wrong questions only (tests/test_training_proof.py);
    # after it, every review shows the right answers. Choices are found by their text, in the
    # shuffled order the attempt showed them.
    identify(client)
    failed = take_quiz(client, HALF_RIGHT)
    result = client.get(failed).get_data(as_text=True)
    assert "50%" in result and "Chưa đạt" in result and "Đáp án đúng:" not in result
    take_quiz(client, ALL_RIGHT, number=2)
    result = client.get(failed).get_data(as_text=True)
    assert "Đáp án đúng:" in result and "Chỉ mình bạn" in result
    right = re.search(r"Đáp án đúng: <strong>(Giục[^<]*|Gửi[^<]*)</strong>", result).group(1)
    assert sorted(right.split(", ")) == ["Giục chuyển tiền gấp", "Gửi đường link lạ"]


def test_answer_key_never_reaches_the_browser(client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    assert "Mã OTP chỉ dành cho bạn" not in html  # no explanations
    assert "answer" not in html.lower().replace("answered", "")
    assert not re.search(r"data-(correct|answer)", html)


def test_retry_rule_limits_attempts(client, content, identify):
    identify(client, role="official", unit="agency")
    for number in (1, 2):
        html = client.get(f"/quizzes/gioi-han?lan={number}").get_data(as_text=True)
        data = answer_form(html, {"q1": "true", "q2": "true", "q3": "true", "q4": "true"})
        assert client.post("/quizzes/gioi-han", data=data).status_code == 303
    page = client.get("/quizzes/gioi-han")
    assert "hết số lượt" in page.get_data(as_text=True)
    # An old form posted again with a fresh token is refused, not recorded.
    data["submission_token"] = "x" * 32
    assert client.post("/quizzes/gioi-han", data=data).status_code == 409


def test_unlimited_retries_record_numbered_attempts(app, client, content, identify):
    identify(client)
    for number in (1, 2, 3):
        html = client.get(f"/quizzes/an-toan?lan={number}").get_data(as_text=True)
        client.post("/quizzes/an-toan", data=answer_form(html, HALF_RIGHT))
    with app.app_context():
        assert [a.number for a in Attempt.query.order_by(Attempt.number)] == [1, 2, 3]


def test_child_must_confirm_consent_and_it_is_recorded(app, client, content, places):
    page = client.get(f"/c/{places['class_code'].lower()}", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Lớp 7A" in html
    data = {"csrf_token": csrf_token(html), "display_name": "Hoàng Văn Nam", "age_band": "under16"}
    refused = client.post("/identify", data=data)
    assert refused.status_code == 400
    assert "cần bố mẹ hoặc thầy cô đồng ý" in refused.get_data(as_text=True)
    data["guardian_consent"] = "y"
    assert client.post("/identify", data=data).status_code == 303
    with app.app_context():
        participant = Participant.query.one()
        assert participant.role == "student" and participant.unit_id == places["class"]
        consent = Consent.query.one()
        assert consent.participant_id == participant.id
        assert consent.text_version == app.config["CONSENT_TEXT_VERSION"]
        assert consent.agreed_at is not None


def test_cookie_recognises_returning_visitor_and_not_me_starts_over(app, client, content, identify):
    identify(client, name="Vi Thị Lan")
    assert "Vi Thị Lan" in client.get("/").get_data(as_text=True)
    assert client.get("/lessons/an-toan").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/not-me", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/identify")
    assert client.get("/lessons/an-toan").status_code == 302
    identify(client, name="Lương Văn Bình")
    with app.app_context():
        assert db.session.query(Participant).count() == 2


def test_participant_cookie_is_long_lived_and_http_only(client, content, identify):
    response = identify(client)
    cookie = response.headers["Set-Cookie"]
    assert "lt_pid=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=63072000" in cookie


def test_back_button_after_submit_offers_result_not_a_new_attempt(app, client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    client.post("/quizzes/an-toan", data=answer_form(html, HALF_RIGHT))
    again = client.get("/quizzes/an-toan").get_data(as_text=True)
    assert "Bạn đã nộp bài lần 1" in again and 'name="submission_token"' not in again
    assert "?lan=2" in again
    # Every rendering of the form for one attempt carries the same idempotency token.
    first = client.get("/quizzes/an-toan?lan=2").get_data(as_text=True)
    second = client.get("/quizzes/an-toan?lan=2").get_data(as_text=True)
    assert hidden(first, "submission_token") == hidden(second, "submission_token")
    assert hidden(first, "submission_token") != hidden(html, "submission_token")


def test_someone_elses_result_is_not_shown(app, client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    location = client.post("/quizzes/an-toan", data=answer_form(html, ALL_RIGHT)).headers[
        "Location"
    ]
    other = app.test_client()
    identify(other, name="Người khác")
    assert other.get(location).status_code == 404


def test_student_picks_name_from_class_roster(app, client, content, places):
    with app.app_context():
        klass = db.session.get(Unit, places["class"])
        roster.replace_roster(
            klass, [RosterRow(2, "Hoàng Thị Mai", "07"), RosterRow(3, "Lý Văn Đức", None)]
        )
        database.commit()
    html = client.get(f"/c/{places['class_code']}", follow_redirects=True).get_data(as_text=True)
    # Shown to anyone holding the link: given names with initials, never full names.
    assert "Mai H. T." in html and "Đức L. V." in html
    assert "Hoàng Thị Mai" not in html and "Lý Văn Đức" not in html
    with app.app_context():
        entry_id = RosterEntry.query.filter_by(name="Lý Văn Đức").one().id
    data = {
        "csrf_token": csrf_token(html),
        "roster_entry": str(entry_id),
        "list_number": "2",  # second on the class list
        "age_band": "16-29",
    }
    assert client.post("/identify", data=data).status_code == 303
    with app.app_context():
        participant = Participant.query.one()
        assert participant.display_name == "Lý Văn Đức"
        assert db.session.get(RosterEntry, entry_id).participant_id == participant.id
    other = app.test_client()
    html = other.get(f"/c/{places['class_code']}", follow_redirects=True).get_data(as_text=True)
    assert "Đức L. V." not in html  # a taken name is no longer offered
