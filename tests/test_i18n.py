"""Languages: Vietnamese first; English content where the curriculum translates it, Vietnamese
where it does not; the switch wins over the browser; every page can be previewed in Zalo."""

import html as html_lib
import re

import pytest
from helpers import ALL_RIGHT, answer_form, quiz_page

EN = {"Accept-Language": "en"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _meta(body: str, key: str) -> str | None:
    for tag in re.findall(r"<meta\b[^>]*>", body):
        if f'property="{key}"' in tag or f'name="{key}"' in tag:
            match = re.search(r'content="([^"]*)"', tag)
            return html_lib.unescape(match.group(1)) if match else None
    return None


def _html_lang(body: str) -> str:
    match = re.search(r'<html\b[^>]*\blang="([^"]+)"', body)
    assert match, "no lang on <html>"
    return match.group(1)


# --- Vietnamese by default ---------------------------------------------------------------


def test_vietnamese_by_default(client, content, identify):
    identify(client)
    for path in ("/", "/identify", "/lessons/an-toan"):
        assert _html_lang(_text(client.get(path))) == "vi", path
    quiz = quiz_page(client)
    assert _html_lang(quiz) == "vi"
    assert "Nộp bài" in quiz
    assert "Ai được biết mã OTP của bạn?" in quiz
    lesson = _text(client.get("/lessons/an-toan"))
    assert "An toàn trên mạng" in lesson and "Staying safe online" not in lesson


@pytest.mark.parametrize("accept", ["fr", "zh-CN,zh;q=0.9", "vi-VN,vi;q=0.9,en;q=0.5", "*"])
def test_other_or_vietnamese_browsers_get_vietnamese(client, content, identify, accept):
    identify(client)
    body = _text(client.get("/lessons/an-toan", headers={"Accept-Language": accept}))
    assert _html_lang(body) == "vi"
    assert "An toàn trên mạng" in body


# --- English from the browser or the switch ----------------------------------------------


def _assert_english_content(client, headers=None) -> None:
    lesson = _text(client.get("/lessons/an-toan", headers=headers))
    assert "Staying safe online" in lesson
    assert "Never give your <strong>OTP</strong> to anyone." in lesson
    assert "An toàn trên mạng" not in lesson

    quiz = quiz_page(client, headers=headers)
    assert "Staying safe online" in quiz
    assert "Who may know your OTP?" in quiz
    assert "Only you" in quiz and "Police calling you" in quiz
    assert "Ai được biết mã OTP của bạn?" not in quiz
    # Questions the curriculum does not translate stay in Vietnamese.
    assert "Dấu hiệu lừa đảo là gì?" in quiz and "Giục chuyển tiền gấp" in quiz
    assert "Nên cập nhật phần mềm điện thoại." in quiz
    assert "Cài ứng dụng ở đâu?" in quiz


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "en-GB,en-US;q=0.9,en;q=0.8,vi;q=0.7"])
def test_accept_language_english_gets_english_content(client, content, identify, accept):
    identify(client)
    _assert_english_content(client, headers={"Accept-Language": accept})


def test_language_switch_to_english(client, content, identify):
    identify(client)
    response = client.get("/lang/en?next=/lessons/an-toan")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/lessons/an-toan"
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    _assert_english_content(client)


def test_result_page_in_english_falls_back_per_question(client, content, identify):
    identify(client)
    html = quiz_page(client, headers=EN)
    submitted = client.post("/quizzes/an-toan", data=answer_form(html, ALL_RIGHT), headers=EN)
    assert submitted.status_code == 303
    result = _text(client.get(submitted.headers["Location"], headers=EN))
    assert "Staying safe online" in result
    assert "Who may know your OTP?" in result and "The OTP is for you only." in result
    assert "Dấu hiệu lừa đảo là gì?" in result  # untranslated question
    assert "Kẻ gian hay giục gấp và gửi link lạ." in result  # untranslated explanation


def test_switch_to_vietnamese_wins_over_accept_language(client, content, identify):
    identify(client)
    assert client.get("/lang/vi").status_code in (302, 303)
    lesson = _text(client.get("/lessons/an-toan", headers=EN))
    assert _html_lang(lesson) == "vi"
    assert "An toàn trên mạng" in lesson and "Staying safe online" not in lesson
    quiz = quiz_page(client, headers=EN)
    assert "Ai được biết mã OTP của bạn?" in quiz and "Who may know your OTP?" not in quiz
    assert "Nộp bài" in quiz


def test_switching_back_and_forth(client, content, identify):
    identify(client)
    client.get("/lang/en")
    assert "Staying safe online" in _text(client.get("/lessons/an-toan"))
    client.get("/lang/vi")
    assert "An toàn trên mạng" in _text(client.get("/lessons/an-toan"))


def test_unknown_language_is_ignored(client, content, identify):
    identify(client)
    response = client.get("/lang/xx")
    assert response.status_code in (302, 303)
    assert "lang=" not in response.headers.get("Set-Cookie", "")
    assert "An toàn trên mạng" in _text(client.get("/lessons/an-toan"))


def test_tampered_language_cookie_falls_back(client, content, identify):
    identify(client)
    client.set_cookie("lang", "<script>")
    body = _text(client.get("/lessons/an-toan"))
    assert _html_lang(body) == "vi" and "<script>" not in body


# --- every learner page: link previews and the phone viewport ----------------------------


def _learner_pages(app, client, make_poster, identify) -> dict[str, str]:
    """path -> HTML of each learner page, as a visitor meets them."""
    pages = {}
    code = make_poster()
    landing = client.get(f"/p/{code}", follow_redirects=True)  # poster → identity form
    pages["poster landing (identity form)"] = (landing.request.path, _text(landing))
    identify(client)
    pages["home"] = ("/", _text(client.get("/")))
    pages["lesson"] = ("/lessons/an-toan", _text(client.get("/lessons/an-toan")))
    quiz = quiz_page(client)
    pages["quiz"] = ("/quizzes/an-toan", quiz)
    location = client.post("/quizzes/an-toan", data=answer_form(quiz, ALL_RIGHT)).headers[
        "Location"
    ]
    pages["result"] = (location, _text(client.get(location)))
    pages["quiz again"] = ("/quizzes/an-toan", _text(client.get("/quizzes/an-toan")))
    pages["unknown poster"] = ("/p/ZZZZZZZ", _text(client.get("/p/ZZZZZZZ")))
    pages["not found"] = ("/lessons/khong-co", _text(client.get("/lessons/khong-co")))
    fresh = app.test_client()
    pages["identity form"] = ("/identify", _text(fresh.get("/identify")))
    return pages


def test_every_learner_page_has_preview_tags_and_viewport(app, client, make_poster, identify):
    pages = _learner_pages(app, client, make_poster, identify)
    for name, (path, body) in pages.items():
        assert re.search(r'<meta name="viewport" content="width=device-width[^"]*"', body), name
        for key in ("og:title", "og:description", "og:url"):
            value = _meta(body, key)
            assert value and value.strip(), f"{name}: {key} missing or empty"
        assert _meta(body, "og:url") == app.config["BASE_URL"] + path.split("?")[0], name


def test_preview_of_a_poster_link_names_the_lesson(app, client, make_poster):
    """Shared in Zalo, a poster link previews as its lesson, even before identification."""
    code = make_poster()
    landing = client.get(f"/p/{code}", follow_redirects=True)
    body = _text(landing)
    assert _meta(body, "og:title") == "An toàn trên mạng"
    assert _meta(body, "og:description") == "Bài thử nghiệm về an toàn trên mạng."


def test_preview_tags_follow_the_language(client, content, identify):
    identify(client)
    body = _text(client.get("/lessons/an-toan", headers=EN))
    assert _meta(body, "og:title") == "Staying safe online"
    assert _meta(body, "og:description") == "A test lesson about online safety."


# --- content not translated says so ------------------------------------------------------

VIETNAMESE_ONLY = "Bài này hiện chỉ có tiếng Việt."


def test_an_english_page_of_an_untranslated_lesson_says_it_is_vietnamese_only(
    client, content, identify
):
    identify(client)
    body = _text(client.get("/lessons/gioi-han", headers=EN))
    assert VIETNAMESE_ONLY in body
    assert "The English version of this lesson is not available yet" in body
    assert '<article lang="vi">' in body and "Nội dung ngắn." in body


def test_a_translated_lesson_and_vietnamese_pages_show_no_such_note(client, content, identify):
    identify(client)
    assert VIETNAMESE_ONLY not in _text(client.get("/lessons/an-toan", headers=EN))
    assert VIETNAMESE_ONLY not in _text(client.get("/lessons/gioi-han"))
    assert VIETNAMESE_ONLY not in quiz_page(client)


def test_an_english_quiz_with_untranslated_questions_says_so(client, content, identify):
    identify(client)
    quiz = quiz_page(client, headers=EN)  # some of an-toan's questions are not translated
    assert VIETNAMESE_ONLY in quiz
    assert "Some questions are not translated into English yet" in quiz
