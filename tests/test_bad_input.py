"""Bad input on every learner form gets a clear Vietnamese message and a 4xx, never a 500, and
saves nothing (DESIGN.md, "Quality bars")."""

import re
import unicodedata

import pytest
from conftest import csrf_token
from helpers import ALL_RIGHT, answer_form, quiz_page

from models import Answer, Attempt, Consent, Participant, Quiz, Scan, Visit

TABLES = (Participant, Consent, Attempt, Answer, Scan, Visit)
NOT_FOUND = "Không tìm thấy trang này"
UNKNOWN_CODE = "Không tìm thấy mã"


def _rows(app) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: model.query.count() for model in TABLES}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _vietnamese_page(response, *messages: str) -> str:
    body = _text(response)
    assert '<html lang="vi">' in body
    assert "Traceback" not in body
    for message in messages:
        assert message in body, f"{message!r} not on the page"
    return body


def _identity_data(client, places, changes: dict) -> dict:
    data = {
        "csrf_token": csrf_token(_text(client.get("/identify"))),
        "display_name": "Nguyễn Văn An",
        "role": "villager",
        "unit_id": str(places["village"]),
        "age_band": "30-44",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        elif value == "<class id>":
            data[key] = str(places["class"])
        else:
            data[key] = value
    return data


def _checked(body: str, field: str, value: str) -> bool:
    return re.search(rf'name="{field}" value="{value}"[^>]*\bchecked\b', body) is not None


# --- the identity form -------------------------------------------------------------------

CHOOSE_AGAIN = "Lựa chọn không hợp lệ"
IDENTITY_CASES = {
    "missing name": ({"display_name": None}, "Vui lòng nhập tên của bạn."),
    "empty name": ({"display_name": ""}, "Vui lòng nhập tên của bạn."),
    "blank name": ({"display_name": "   \t "}, None),
    "control characters only": ({"display_name": "\x00\x07\x1b\u200b"}, None),
    "missing role": ({"role": None}, "Vui lòng chọn bạn là ai."),
    "tampered role": ({"role": "admin"}, CHOOSE_AGAIN),
    "missing age band": ({"age_band": None}, "Vui lòng chọn độ tuổi."),
    "tampered age band": ({"age_band": "17"}, CHOOSE_AGAIN),
    "missing unit": ({"unit_id": None}, "Vui lòng chọn thôn hoặc nơi làm việc của bạn."),
    "empty unit": ({"unit_id": ""}, "Vui lòng chọn thôn hoặc nơi làm việc của bạn."),
    "unknown unit id": ({"unit_id": "999999"}, CHOOSE_AGAIN),
    "unit id not a number": ({"unit_id": "abc"}, CHOOSE_AGAIN),
    "unit id too big for the database": ({"unit_id": "9" * 40}, CHOOSE_AGAIN),
    "a class chosen without its code": ({"unit_id": "<class id>"}, CHOOSE_AGAIN),
    "61-character name": ({"display_name": "A" * 61}, "Tên dài quá 60 ký tự."),
    "5000-character name": ({"display_name": "Ă" * 5000}, "Tên dài quá 60 ký tự."),
}


@pytest.mark.parametrize("changes, message", IDENTITY_CASES.values(), ids=IDENTITY_CASES.keys())
def test_identity_form_refuses_bad_input(app, client, places, changes, message):
    data = _identity_data(client, places, changes)
    before = _rows(app)
    response = client.post("/identify", data=data)
    assert response.status_code == 400
    body = _vietnamese_page(response, *([message] if message else []))
    assert 'class="err"' in body  # the field is marked, the form shown again
    assert 'name="display_name"' in body
    assert app.config["PARTICIPANT_COOKIE"] + "=" not in response.headers.get("Set-Cookie", "")
    assert _rows(app) == before


def test_name_typed_in_nfd_is_stored_in_nfc(app, client, places):
    name = "Nguyễn Thị Ánh Hồng Phượng"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    response = client.post(
        "/identify", data=_identity_data(client, places, {"display_name": decomposed})
    )
    assert response.status_code == 303
    with app.app_context():
        stored = Participant.query.one().display_name
    assert stored == name and unicodedata.is_normalized("NFC", stored)
    assert name in _text(client.get("/"))


def test_name_limit_counts_characters_after_nfc(app, client, places):
    """A 50-letter name sent decomposed (as some keyboards do) is not 'longer than 60'."""
    name = "Tôn Nữ Thị Ánh Hồng Phượng Hoàng Ngọc Bích Hường"
    decomposed = unicodedata.normalize("NFD", name)
    assert len(name) <= 60 < len(decomposed)
    response = client.post(
        "/identify", data=_identity_data(client, places, {"display_name": decomposed})
    )
    assert response.status_code == 303, _text(response)
    with app.app_context():
        assert Participant.query.one().display_name == name


def test_control_characters_are_stripped_from_names(app, client, places):
    raw = "\x00Lò\x07 Văn\u200b\u202e Tùng\x1b\x7f\r\n"
    response = client.post("/identify", data=_identity_data(client, places, {"display_name": raw}))
    assert response.status_code == 303
    with app.app_context():
        assert Participant.query.one().display_name == "Lò Văn Tùng"


def test_html_in_a_name_is_escaped_wherever_it_is_shown(app, client, content, places):
    name = "<script>alert(1)</script><b>Hoa</b>"
    refused = client.post(
        "/identify", data=_identity_data(client, places, {"display_name": name, "role": None})
    )
    assert refused.status_code == 400
    assert "<script>" not in _text(refused) and "&lt;script&gt;" in _text(refused)

    assert (
        client.post(
            "/identify", data=_identity_data(client, places, {"display_name": name})
        ).status_code
        == 303
    )
    with app.app_context():
        assert Participant.query.one().display_name == name  # kept as typed, escaped on output
    for path in ("/", "/lessons/an-toan"):
        body = _text(client.get(path))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert "<script>" not in body and "<b>Hoa</b>" not in body, path


# --- the quiz form -----------------------------------------------------------------------


def _without(answers: dict, question_id: str) -> dict:
    return {k: v for k, v in answers.items() if k != question_id}


def _post_quiz(client, data: dict):
    return client.post("/quizzes/an-toan", data=data)


def test_missing_answer_shows_the_form_again_with_the_other_answers(app, client, content, identify):
    identify(client)
    page = quiz_page(client)
    data = answer_form(page, _without(ALL_RIGHT, "cap-nhat"))
    # the number the page shows each question under (questions are shuffled per attempt)
    shown = list(dict.fromkeys(re.findall(r'name="(q_[a-z0-9_]+)"', page)))
    missing, answered = shown.index("q_cap_nhat") + 1, shown.index("q_otp") + 1
    before = _rows(app)
    response = _post_quiz(client, data)
    assert response.status_code == 400
    body = _vietnamese_page(response, f"Bạn chưa trả lời câu {missing}.")
    assert f"Bạn chưa trả lời câu {answered}." not in body
    assert _checked(body, "q_otp", "a")
    assert _checked(body, "q_dau_hieu", "a") and _checked(body, "q_dau_hieu", "b")
    assert not _checked(body, "q_dau_hieu", "c")
    assert _checked(body, "q_ung_dung", "a")
    assert not _checked(body, "q_cap_nhat", "true") and not _checked(body, "q_cap_nhat", "false")
    assert _rows(app) == before

    # Answering the missing question on the page shown again records the attempt.
    again = answer_form(body, ALL_RIGHT)
    assert again["submission_token"] == data["submission_token"]
    assert _post_quiz(client, again).status_code == 303
    assert _rows(app)["attempts"] == 1


QUIZ_CASES = {
    "tampered single choice": ({"q_otp": "z"}, CHOOSE_AGAIN),
    "tampered true/false value": ({"q_cap_nhat": "maybe"}, CHOOSE_AGAIN),
    "tampered multiple choice": ({"q_dau_hieu": ["a", "zz"]}, CHOOSE_AGAIN),
    # {otp}: the number the page shows question "otp" under (questions are shuffled per attempt)
    "question field renamed": ({"q_otp": None, "q_otp_x": "a"}, "Bạn chưa trả lời câu {otp}."),
    "question field of another quiz": (
        {"q_otp": None, "q_q1": "true"},
        "Bạn chưa trả lời câu {otp}.",
    ),
    "two values for a single-choice question": ({"q_otp": ["a", "b"]}, None),
    "two values for a true/false question": ({"q_cap_nhat": ["true", "false"]}, None),
    "missing submission token": ({"submission_token": None}, None),
    "empty submission token": ({"submission_token": ""}, None),
    "short submission token": ({"submission_token": "abc"}, None),
    "submission token with bad characters": ({"submission_token": "a b<c>d'e\"f;g/h\\i.j~k"}, None),
    "65-character submission token": ({"submission_token": "x" * 65}, None),
    "5000-character submission token": ({"submission_token": "x" * 5000}, None),
    "submission token with NUL bytes": ({"submission_token": "\x00" * 20}, None),
    "missing version": ({"version": None}, "Bài kiểm tra đã thay đổi"),
    "non-numeric version": ({"version": "abc"}, "Bài kiểm tra đã thay đổi"),
    "negative version": ({"version": "-1"}, "Bài kiểm tra đã thay đổi"),
    "decimal version": ({"version": "1.5"}, "Bài kiểm tra đã thay đổi"),
    "huge version": ({"version": "9" * 40}, "Bài kiểm tra đã thay đổi"),
    "superscript digit version": ({"version": "²"}, "Bài kiểm tra đã thay đổi"),
    "unknown version": ({"version": "999999"}, "Bài kiểm tra đã thay đổi"),
    "version of another quiz": ({"version": "<gioi-han>"}, "Bài kiểm tra đã thay đổi"),
}


@pytest.mark.parametrize("changes, message", QUIZ_CASES.values(), ids=QUIZ_CASES.keys())
def test_quiz_submit_refuses_bad_input(app, client, content, identify, changes, message):
    identify(client)
    page = quiz_page(client)
    data = answer_form(page, ALL_RIGHT)
    shown = list(dict.fromkeys(re.findall(r'name="(q_[a-z0-9_]+)"', page)))
    message = message and message.format(otp=shown.index("q_otp") + 1)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        elif value == "<gioi-han>":
            with app.app_context():
                data[key] = str(Quiz.query.filter_by(slug="gioi-han").one().current_version.id)
        else:
            data[key] = value
    before = _rows(app)
    response = _post_quiz(client, data)
    assert response.status_code == 400, _text(response)[:500]
    _vietnamese_page(response, *([message] if message else []))
    assert _rows(app) == before


# --- codes, slugs and requests the app cannot take ---------------------------------------

BAD_CODES = {
    "unknown code": "ZZZZZZZ",
    "letter U (not in the alphabet)": "UUUUUUU",
    "punctuation": "AB$CD%EF",
    "html": "<svg onload=alert(1)>",
    "too short": "ABCDE",
    "too long": "ABCDEFGHJ",
    "500 characters": "A" * 500,
    "NUL byte": "ABC\x00DEF",
    "non-ASCII": "ĂBCĐÊF",
}


@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_unknown_or_malformed_poster_code_is_a_vietnamese_404(app, client, make_poster, code):
    make_poster()
    response = client.get(f"/p/{code}")
    assert response.status_code == 404
    messages = () if "\x00" in code else (UNKNOWN_CODE, "Hãy quét lại mã QR")
    body = _vietnamese_page(response, *messages)
    assert "<svg" not in body
    assert _rows(app)["scans"] == 0


@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_unknown_or_malformed_class_code_is_a_vietnamese_404(app, client, places, code):
    before = _rows(app)
    response = client.get(f"/c/{code}")
    assert response.status_code == 404
    messages = () if "\x00" in code else (UNKNOWN_CODE, "Hãy hỏi thầy cô mã QR của lớp")
    body = _vietnamese_page(response, *messages)
    assert "<svg" not in body
    # No class was remembered for the identity form.
    assert "Bạn đang vào lớp" not in _text(client.get("/identify"))
    assert _rows(app) == before


BAD_SLUGS = {
    "unknown": "khong-co",
    "upper case": "AN-TOAN",
    "5000 characters": "a" * 5000,
    "NUL byte": "an-toan\x00",
    "html": "<script>",
}


@pytest.mark.parametrize("slug", BAD_SLUGS.values(), ids=BAD_SLUGS.keys())
@pytest.mark.parametrize("kind", ["lessons", "quizzes"])
def test_unknown_lesson_or_quiz_is_a_vietnamese_404(app, client, content, identify, kind, slug):
    identify(client)
    before = _rows(app)
    response = client.get(f"/{kind}/{slug}")
    if "\x00" in slug:  # may be refused as malformed rather than looked up
        assert response.status_code in (400, 404)
        body = _vietnamese_page(response)
    else:
        assert response.status_code == 404
        body = _vietnamese_page(response, NOT_FOUND)
    assert "<script>" not in body
    posted = client.post(f"/{kind}/{slug}", data={"csrf_token": "x"})
    assert posted.status_code in (400, 404, 405)
    assert posted.status_code != 500
    assert _rows(app) == before


@pytest.mark.parametrize(
    "public_id",
    ["nope", "a" * 5000, "abc\x00def", "<script>"],
    ids=["unknown", "long", "nul", "html"],
)
def test_unknown_result_is_a_vietnamese_404(app, client, content, identify, public_id):
    identify(client)
    response = client.get(f"/results/{public_id}")
    if "\x00" in public_id:  # may be refused as malformed rather than looked up
        assert response.status_code in (400, 404)
        _vietnamese_page(response)
    else:
        assert response.status_code == 404
        _vietnamese_page(response, NOT_FOUND)


def test_identify_with_a_nul_byte_in_next_is_not_a_500(app, client, content, places):
    data = _identity_data(client, places, {"next": "/lessons/an-toan\x00"})
    response = client.post("/identify", data=data)
    assert response.status_code in (303, 400)
    page = client.get("/identify?next=/quizzes/an%00toan")
    assert page.status_code == 200


def test_oversized_post_bodies_are_refused_with_413(app, client, content, identify):
    identify(client)
    limit = app.config["MAX_CONTENT_LENGTH"]
    quiz_form = answer_form(quiz_page(client), ALL_RIGHT)
    before = _rows(app)
    big = "A" * (limit + 1024)
    cases = [
        ("/identify", {"csrf_token": quiz_form["csrf_token"], "display_name": big}),
        ("/quizzes/an-toan", {**quiz_form, "padding": big}),
        ("/not-me", {"csrf_token": quiz_form["csrf_token"], "padding": big}),
    ]
    for path, data in cases:
        response = client.post(path, data=data)
        assert response.status_code == 413, path
        _vietnamese_page(response, "Dữ liệu gửi lên quá lớn.")
    assert _rows(app) == before
    assert client.get("/lessons/an-toan").status_code == 200  # still the same participant


def test_get_on_not_me_is_405(app, client, content, identify):
    identify(client)
    before = _rows(app)
    response = client.get("/not-me")
    assert response.status_code == 405
    _vietnamese_page(response, "Thao tác này không được hỗ trợ.")
    assert "lt_pid=;" not in response.headers.get("Set-Cookie", "")
    assert client.get("/lessons/an-toan").status_code == 200  # not forgotten
    assert _rows(app)["participants"] == before["participants"]


def test_405_page_keeps_the_allow_header(client):
    """RFC 9110: a 405 response must say which methods are allowed."""
    response = client.get("/not-me")
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")
