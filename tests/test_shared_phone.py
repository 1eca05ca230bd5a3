"""One person per identity on a shared phone (issue 14, item 2): a known browser arriving from a
poster or a class link is asked "Bạn là <tên>?" before anything counts for that person; "Không
phải tôi" is in the header of every learner page; nobody sees another person's survey answers;
the under-16 consent wording follows the role; a second tab of a submitted quiz says so."""

import html as html_lib
import re

from helpers import (
    ALL_RIGHT,
    HALF_RIGHT,
    answer_form,
    confirm_who,
    csrf_token,
    hidden,
    quiz_page,
    take_quiz,
)

from models import Attempt, Certificate, Participant, Scan, SurveyResponse

DEVICE_COOKIE = "lt_device"
ASKED = "Bạn là Nguyễn Thị Hoa?"
FREE_TEXT = "Nên mở thêm lớp buổi tối."
ANON_TEXT = "Sóng yếu ở thôn."
NAMED = {
    "s_da_nghe": "roi",
    "s_hieu": "4",
    "s_gop_y": FREE_TEXT,
}
ANON = {"s_thanh_toan": "roi", "s_kho_khan": ANON_TEXT}


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def next_session(app, client, cookies=None):
    """The same phone after its browser session ended: only the long-lived cookies remain."""
    names = cookies or (app.config["PARTICIPANT_COOKIE"], DEVICE_COOKIE)
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def send_survey(client, slug: str, answers: dict):
    page = client.get(f"/surveys/{slug}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(html),
        "submission_token": hidden(html, "submission_token"),
        "version": hidden(html, "version"),
        "revision": hidden(html, "revision"),
        **answers,
    }
    response = client.post(f"/surveys/{slug}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def confirm_page(client, location: str) -> str:
    page = client.get(location)
    assert page.status_code == 200, page.get_data(as_text=True)
    return text_of(page)


def scans(app) -> list[Scan]:
    with app.app_context():
        return Scan.query.order_by(Scan.id).all()


# --- the question on arrival -------------------------------------------------------------------


def test_a_known_browser_from_a_poster_is_asked_before_anything_counts(
    app, client, content, identify, make_poster
):
    code = make_poster()
    identify(client)
    phone = next_session(app, client)
    arrived = phone.get(f"/p/{code}")
    assert arrived.status_code in (302, 303)
    assert arrived.headers["Location"].startswith("/confirm")
    page = confirm_page(phone, arrived.headers["Location"])
    assert ASKED in page and "Đúng, tiếp tục" in page and "Tôi là người khác" in page
    # One tap each, no JavaScript: two small forms.
    assert page.count("<form") == 2 and 'action="/not-me"' in page and "<script>" not in page
    (scan,) = scans(app)
    assert scan.participant_id is None  # nothing counted for Hoa yet
    yes = confirm_who(phone, arrived.headers["Location"])
    assert yes.status_code == 303 and yes.headers["Location"] == "/lessons/an-toan"
    with app.app_context():
        hoa = Participant.query.one()
        assert Scan.query.one().participant_id == hoa.id
    # Within the same browser session the question is not asked again.
    again = phone.get(f"/p/{code}")
    assert again.headers["Location"] == "/lessons/an-toan"
    assert scans(app)[-1].participant_id is not None


def test_someone_else_on_the_confirm_page_gets_a_fresh_identity(
    app, client, content, identify, make_poster
):
    code = make_poster(target="quiz", slug="an-toan")
    identify(client)
    take_quiz(client, ALL_RIGHT)  # Hoa passes
    old_cookie = client.get_cookie(app.config["PARTICIPANT_COOKIE"]).value
    phone = next_session(app, client)
    other = confirm_who(phone, phone.get(f"/p/{code}").headers["Location"], "other")
    assert other.status_code == 303
    assert other.headers["Location"].startswith("/identify")
    assert "an-toan" in other.headers["Location"]
    # The old token no longer recognises Hoa anywhere, not even from a copy of the cookie.
    copy = app.test_client()
    copy.set_cookie(app.config["PARTICIPANT_COOKIE"], old_cookie)
    assert copy.get("/quizzes/an-toan").status_code == 302
    form_page = text_of(phone.get(other.headers["Location"]))
    assert "Nguyễn Thị Hoa" not in form_page
    identify(phone, name="Lò Văn Tùng")
    result = take_quiz(phone, HALF_RIGHT)
    result_page = text_of(phone.get(result))
    assert "Nguyễn Thị Hoa" not in result_page and "Lò Văn Tùng" in result_page
    with app.app_context():
        hoa = Participant.query.filter_by(display_name="Nguyễn Thị Hoa").one()
        tung = Participant.query.filter_by(display_name="Lò Văn Tùng").one()
        assert {a.participant_id for a in Attempt.query.filter_by(passed=True)} == {hoa.id}
        assert {a.participant_id for a in Attempt.query.filter_by(passed=False)} == {tung.id}
        assert [c.participant_id for c in Certificate.query] == [hoa.id]
        assert Scan.query.one().participant_id == tung.id  # Tùng scanned the poster


def test_a_known_pupil_from_the_class_link_is_asked_too(app, content, places, participant_in_db):
    _id, token = participant_in_db(name="Nguyễn Thị Hoa", role="student", unit="class")
    phone = app.test_client()
    phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    arrived = phone.get(f"/c/{places['class_code']}")
    assert arrived.headers["Location"].startswith("/confirm")
    assert ASKED in confirm_page(phone, arrived.headers["Location"])
    yes = confirm_who(phone, arrived.headers["Location"])
    assert yes.headers["Location"] == "/"
    assert phone.get(f"/c/{places['class_code']}").headers["Location"] == "/"  # asked once
    # The next session, someone else: the identity form with the class already chosen.
    other_phone = app.test_client()
    other_phone.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    other = confirm_who(
        other_phone, other_phone.get(f"/c/{places['class_code']}").location, "other"
    )
    assert other.headers["Location"].startswith("/identify")
    identify_page = text_of(other_phone.get(other.headers["Location"]))
    assert "Bạn đang vào lớp" in identify_page and "Lớp 7A" in identify_page
    assert "Nguyễn Thị Hoa" not in identify_page


def test_the_confirm_buttons_need_the_csrf_token(app, client, content, identify, make_poster):
    code = make_poster()
    identify(client)
    phone = next_session(app, client)
    page = confirm_page(phone, phone.get(f"/p/{code}").headers["Location"])
    for path in ("/confirm", "/not-me"):
        refused = phone.post(path, data={"next": hidden(page, "next")})
        assert refused.status_code == 400, path
    assert ASKED in confirm_page(phone, phone.get(f"/p/{code}").headers["Location"])


def test_the_confirm_page_only_leads_to_this_site(app, client, content, identify):
    identify(client)
    phone = next_session(app, client)
    assert confirm_who(phone, "/confirm?next=https://evil.example/").headers["Location"] == "/"


# --- "Không phải tôi" in the header --------------------------------------------------------------


def header_of(response) -> str:
    match = re.search(r"<header>(.*?)</header>", text_of(response), re.S)
    assert match, "page has no header"
    return match.group(1)


def test_not_me_is_in_the_header_of_every_learner_page(app, client, content, surveys, identify):
    identify(client)
    result = take_quiz(client, ALL_RIGHT)
    for path in ("/", "/lessons/an-toan", "/lessons/gioi-han", result, "/surveys/y-kien"):
        header = header_of(client.get(path))
        assert "Không phải tôi" in header and "Nguyễn Thị Hoa" in header, path
        assert 'action="/not-me"' in header and 'name="csrf_token"' in header, path
    assert "Không phải tôi" not in header_of(app.test_client().get("/"))


# --- nobody sees another person's answers ------------------------------------------------------


def test_a_named_surveys_answers_are_shown_only_after_the_person_says_who_they_are(
    app, client, surveys, identify
):
    identify(client)
    send_survey(client, "y-kien", NAMED)
    assert FREE_TEXT in text_of(client.get("/surveys/y-kien"))  # Hoa, in her own session
    phone = next_session(app, client)
    for path in ("/surveys/y-kien", "/surveys/y-kien?sua=1"):
        shown = phone.get(path)
        assert FREE_TEXT not in text_of(shown), path
        assert shown.status_code == 302 and shown.headers["Location"].startswith("/confirm")
    confirm_who(phone, phone.get("/surveys/y-kien").headers["Location"], "other")
    identify(phone, name="Lò Văn Tùng")
    body = text_of(phone.get("/surveys/y-kien"))
    assert FREE_TEXT not in body and 'name="submission_token"' in body


def test_an_anonymous_survey_hides_the_answers_once_the_session_ends(app, client, surveys):
    send_survey(client, "an-danh", ANON)
    assert ANON_TEXT in text_of(client.get("/surveys/an-danh?da_gui=1"))  # right after sending
    phone = next_session(app, client)
    for path in ("/surveys/an-danh", "/surveys/an-danh?sua=1", "/surveys/an-danh?da_gui=1"):
        body = text_of(phone.get(path))
        assert ANON_TEXT not in body and "Rồi" not in body, path
        assert "Thiết bị này đã gửi một câu trả lời" in body, path
        assert "Sửa câu trả lời" not in body, path
    page = phone.get("/surveys/an-danh").get_data(as_text=True)
    assert "Trả lời cho người khác" in html_lib.unescape(page)
    fresh = phone.post("/surveys/an-danh/someone-else", data={"csrf_token": csrf_token(page)})
    assert fresh.status_code == 303 and fresh.headers["Location"] == "/surveys/an-danh"
    send_survey(phone, "an-danh", {"s_thanh_toan": "chua"})
    assert ANON_TEXT not in text_of(phone.get("/surveys/an-danh?da_gui=1"))
    with app.app_context():
        keys = {r.respondent_key for r in SurveyResponse.query}
        assert len(keys) == 2


def test_answer_for_someone_else_needs_the_csrf_token(app, client, surveys):
    send_survey(client, "an-danh", ANON)
    assert client.post("/surveys/an-danh/someone-else").status_code == 400


# --- the consent wording and the second tab ------------------------------------------------------


def identify_under_16(client, places, role: str | None, path="/identify"):
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "display_name": "Em Mai", "age_band": "under16"}
    if role is not None:
        data.update(role=role, unit_id=str(places["village"]))
    response = client.post("/identify", data=data)
    assert response.status_code == 400
    return text_of(response)


def test_the_under_16_consent_wording_follows_the_role(app, client, content, places):
    villager = identify_under_16(client, places, "villager")
    assert "Học sinh dưới 16 tuổi" not in villager
    assert "Người dưới 16 tuổi cần" in villager
    assert "Học sinh dưới 16 tuổi cần" in identify_under_16(client, places, "student")
    pupil = identify_under_16(app.test_client(), places, None, f"/c/{places['class_code']}")
    assert "Học sinh dưới 16 tuổi cần" in pupil


def test_a_second_tab_of_a_submitted_attempt_says_so(app, client, content, identify):
    identify(client)
    first_tab = answer_form(quiz_page(client), ALL_RIGHT)
    second_tab = answer_form(quiz_page(client), HALF_RIGHT)  # the same attempt, opened again
    assert first_tab["submission_token"] == second_tab["submission_token"]
    sent = client.post("/quizzes/an-toan", data=first_tab)
    assert sent.status_code == 303
    late = client.post("/quizzes/an-toan", data=second_tab)
    assert late.status_code == 409
    body = text_of(late)
    assert "Bài này đã được nộp từ một thẻ khác" in body
    assert sent.headers["Location"] in body  # a link to the result that counts
    # The same form sent again (a retry) still goes quietly to its result.
    assert (
        client.post("/quizzes/an-toan", data=first_tab).headers["Location"]
        == (sent.headers["Location"])
    )
    with app.app_context():
        assert Attempt.query.count() == 1
