"""Security of the learner pages: CSRF (with answers kept on an expired quiz token), safe
redirects, private results, sanitised lesson HTML and protective headers."""

import html as html_lib
import re
import textwrap
from html.parser import HTMLParser

import pytest
from conftest import csrf_token, hidden
from helpers import ALL_RIGHT, answer_form, quiz_page

import database
from models import Attempt, Participant
from services.content import loader as content_loader

EXPIRED_QUIZ = "Phiên làm bài đã hết hạn"
EVIL_NEXT = [
    "https://evil.example",
    "https://evil.example/lessons/an-toan",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "http:evil.example",
    "https:/evil.example",
    " //evil.example",
    "javascript:alert(1)//evil.example",
]


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(app, model) -> int:
    with app.app_context():
        return model.query.count()


def _form_as_shown(body: str) -> dict:
    """What the browser sends when the learner presses "Nộp bài" on this page unchanged."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input\b[^>]*>", body):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        kind = attrs.get("type", "text")
        if "name" not in attrs:
            continue
        if kind == "hidden" or (kind in ("radio", "checkbox") and re.search(r"\bchecked\b", tag)):
            data.setdefault(attrs["name"], []).append(html_lib.unescape(attrs.get("value", "")))
    return data


def _assert_answers_kept(body: str) -> None:
    shown = _form_as_shown(body)
    assert shown["q_otp"] == ["a"]
    assert sorted(shown["q_dau_hieu"]) == ["a", "b"]
    assert shown["q_cap_nhat"] == ["true"]
    assert shown["q_ung_dung"] == ["a"]


# --- CSRF ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", [None, "", "garbage", "IjAi.AAAA.BBBB"], ids=["missing", "empty", "garbage", "forged"]
)
def test_identify_without_a_valid_csrf_token_is_refused(app, client, places, token):
    data = {
        "display_name": "Nguyễn Văn An",
        "role": "villager",
        "unit_id": str(places["village"]),
        "age_band": "30-44",
    }
    if token is not None:
        data["csrf_token"] = token
    client.get("/identify")  # a session exists, as in a browser
    response = client.post("/identify", data=data)
    assert response.status_code == 400
    body = _text(response)
    assert '<html lang="vi">' in body and "hết hạn" in body
    assert "lt_pid=" not in response.headers.get("Set-Cookie", "")
    assert _count(app, Participant) == 0


@pytest.mark.parametrize("token", [None, "garbage"], ids=["missing", "garbage"])
def test_not_me_without_a_valid_csrf_token_is_refused(app, client, content, identify, token):
    identify(client)
    data = {} if token is None else {"csrf_token": token}
    response = client.post("/not-me", data=data)
    assert response.status_code == 400
    body = _text(response)
    assert '<html lang="vi">' in body and "hết hạn" in body
    assert "lt_pid=" not in response.headers.get("Set-Cookie", "")
    assert client.get("/lessons/an-toan").status_code == 200  # still recognised


def test_csrf_token_of_another_session_is_refused(app, client, places):
    stranger = app.test_client()
    token = csrf_token(_text(stranger.get("/identify")))
    client.get("/identify")
    response = client.post(
        "/identify",
        data={
            "csrf_token": token,
            "display_name": "Nguyễn Văn An",
            "role": "villager",
            "unit_id": str(places["village"]),
            "age_band": "30-44",
        },
    )
    assert response.status_code == 400
    assert _count(app, Participant) == 0


def _refused_quiz_then_resubmit(app, client, data: dict) -> None:
    response = client.post("/quizzes/an-toan", data=data)
    assert response.status_code == 400
    body = _text(response)
    assert '<html lang="vi">' in body and EXPIRED_QUIZ in body
    _assert_answers_kept(body)
    assert hidden(body, "submission_token") == data["submission_token"]
    assert _count(app, Attempt) == 0

    again = client.post("/quizzes/an-toan", data=_form_as_shown(body))
    assert again.status_code == 303, _text(again)[:500]
    assert "/results/" in again.headers["Location"]
    with app.app_context():
        attempt = Attempt.query.one()
        assert attempt.score_percent == 100


@pytest.mark.parametrize("token", [None, "", "garbage"], ids=["missing", "empty", "garbage"])
def test_quiz_with_missing_or_wrong_csrf_keeps_the_answers(app, client, content, identify, token):
    identify(client)
    data = answer_form(quiz_page(client), ALL_RIGHT)
    if token is None:
        del data["csrf_token"]
    else:
        data["csrf_token"] = token
    _refused_quiz_then_resubmit(app, client, data)


def test_quiz_with_another_sessions_csrf_keeps_the_answers(app, client, content, identify):
    identify(client)
    stranger = app.test_client()
    identify(stranger, name="Người khác")
    data = answer_form(quiz_page(client), ALL_RIGHT)
    data["csrf_token"] = csrf_token(quiz_page(stranger))
    _refused_quiz_then_resubmit(app, client, data)


def test_quiz_with_an_expired_csrf_token_keeps_the_answers(app, client, content, identify):
    identify(client)
    data = answer_form(quiz_page(client), ALL_RIGHT)
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now past its time
    try:
        response = client.post("/quizzes/an-toan", data=data)
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
    assert response.status_code == 400
    body = _text(response)
    assert EXPIRED_QUIZ in body
    _assert_answers_kept(body)
    assert _count(app, Attempt) == 0

    again = client.post("/quizzes/an-toan", data=_form_as_shown(body))
    assert again.status_code == 303
    assert _count(app, Attempt) == 1
    # Pressing again (or the network retrying) still makes one attempt.
    assert client.post("/quizzes/an-toan", data=_form_as_shown(body)).status_code == 303
    assert _count(app, Attempt) == 1


# --- redirects stay on the site ----------------------------------------------------------


def _assert_on_site(location: str) -> None:
    assert "evil.example" not in location, location
    assert not location.startswith("//") and "\\" not in location, location
    assert location.startswith("/") or location.startswith("http://localhost/"), location


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_identify_next_never_leaves_the_site(app, client, places, target):
    page = _text(client.get("/identify", query_string={"next": target}))
    assert "evil.example" not in hidden(page, "next")
    response = client.post(
        "/identify",
        data={
            "csrf_token": csrf_token(page),
            "display_name": "Nguyễn Văn An",
            "role": "villager",
            "unit_id": str(places["village"]),
            "age_band": "30-44",
            "next": target,
        },
    )
    assert response.status_code == 303
    _assert_on_site(response.headers["Location"])


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_language_switch_next_never_leaves_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code in (302, 303)
    _assert_on_site(response.headers["Location"])


def test_safe_next_is_kept(app, client, content, places):
    response = client.get("/lang/en", query_string={"next": "/lessons/an-toan"})
    assert response.headers["Location"] == "/lessons/an-toan"


# --- results are private -----------------------------------------------------------------


def test_result_of_another_participant_is_404(app, client, content, identify):
    identify(client)
    location = client.post(
        "/quizzes/an-toan", data=answer_form(quiz_page(client), ALL_RIGHT)
    ).headers["Location"]
    assert client.get(location).status_code == 200

    other = app.test_client()
    identify(other, name="Người khác")
    response = other.get(location)
    assert response.status_code == 404
    assert "100%" not in _text(response) and "Mã OTP chỉ dành cho bạn" not in _text(response)

    anonymous = app.test_client()
    assert anonymous.get(location).status_code == 404


# --- lesson HTML is sanitised ------------------------------------------------------------

HOSTILE_TOPIC = textwrap.dedent(
    """\
    kind: topic
    id: doc-hai
    title: Bài có mã độc
    summary: Thử nội dung nguy hiểm.
    topic: Thử nghiệm
    audience: [villager]
    minutes: 1
    facts_checked: 2026-11-20
    sources: ["Nguồn thử nghiệm"]
    lesson:
      body: |
        ## Cảnh giác

        <script>alert(1)</script>

        [x](javascript:alert(1))

        <img src=x onerror=alert(1)>

        <a href="javascript:alert(2)">bấm</a> <iframe src="https://evil.example/"></iframe>

        [y](JaVaScRiPt:alert(3)) [z](data:text/html;base64,PHNjcmlwdD4=)

        <div onclick="alert(4)">div</div><style>body{display:none}</style>

        [Cổng dịch vụ công](https://dichvucong.gov.vn) **an toàn**
    quiz:
      pass_mark: 50
      max_attempts: 0
      questions:
        - {id: q1, type: true_false, text: "Một?", answer: true, explanation: Vì vậy.}
        - {id: q2, type: true_false, text: "Hai?", answer: true, explanation: Vì vậy.}
        - {id: q3, type: true_false, text: "Ba?", answer: true, explanation: Vì vậy.}
        - {id: q4, type: true_false, text: "Bốn?", answer: true, explanation: Vì vậy.}
    translations:
      en:
        title: A hostile lesson
        lesson:
          body: "<script>alert(5)</script> [x](javascript:alert(6)) <img src=x onerror=alert(7)>"
    """
)
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "blockquote",
    "code", "pre", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_URL = re.compile(r"^(https?://|mailto:|tel:|/|#|[a-z0-9._-]+(/|$))", re.IGNORECASE)


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _article(body: str) -> str:
    match = re.search(r"<article>(.*?)</article>", body, re.S)
    assert match, "no lesson article on the page"
    return match.group(1)


def _assert_no_live_markup(article: str) -> None:
    parser = _Markup()
    parser.feed(article)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in lesson HTML"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name}= on <{tag}>"
            if name in ("href", "src"):
                assert value and SAFE_URL.match(value.strip()), f'{name}="{value}"'
    lowered = article.lower()  # raw HTML may be shown as text (&lt;script&gt;), never as tags
    for live in ("<script", "<iframe", "<style", "<img src=x", "<div"):
        assert live not in lowered, live


OWN_SCRIPT = re.compile(
    r'<script src="/static/js/[\w.-]+\.js(?:\?[\w=.-]*)?" defer'
    r'(?: data-[\w-]+="[^"<>]*")*></script>'
)


def _without_own_scripts(page: str) -> str:
    """The page less the app's own deferred scripts from static/js (no inline script; data-*
    attributes carry their translated messages)."""
    return OWN_SCRIPT.sub("", page)


@pytest.fixture
def hostile_lesson(app, tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "01-doc-hai.yaml").write_text(HOSTILE_TOPIC, encoding="utf-8")
    with app.app_context():
        content_loader.load(tmp_path)
        database.commit()
    return "/lessons/doc-hai"


def test_lesson_html_is_sanitised(app, client, hostile_lesson, identify):
    identify(client)
    response = client.get(hostile_lesson)
    assert response.status_code == 200
    article = _article(_text(response))
    _assert_no_live_markup(article)
    assert "<script" not in _without_own_scripts(_text(response)).lower()
    # Ordinary Markdown still works, with a safe link.
    assert "<strong>an toàn</strong>" in article
    assert re.search(r'<a [^>]*href="https://dichvucong.gov.vn"', article)
    assert 'rel="noopener noreferrer nofollow"' in article or "noopener" in article


def test_translated_lesson_html_is_sanitised(app, client, hostile_lesson, identify):
    identify(client)
    response = client.get(hostile_lesson, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = _text(response)
    assert "A hostile lesson" in body
    _assert_no_live_markup(_article(body))
    assert "<script" not in _without_own_scripts(body).lower()


# --- headers and cookies -----------------------------------------------------------------


def test_quiz_and_result_pages_are_private_and_not_sniffed(app, client, content, identify):
    identify(client)
    quiz = client.get("/quizzes/an-toan")
    cache = quiz.headers.get("Cache-Control", "")
    assert "private" in cache and ("no-store" in cache or "no-cache" in cache), cache
    assert "public" not in cache
    assert quiz.headers.get("X-Content-Type-Options") == "nosniff"

    submitted = client.post("/quizzes/an-toan", data=answer_form(_text(quiz), ALL_RIGHT))
    result = client.get(submitted.headers["Location"])
    assert result.status_code == 200
    cache = result.headers.get("Cache-Control", "")
    assert "private" in cache and "no-store" in cache, cache
    assert result.headers.get("X-Content-Type-Options") == "nosniff"

    refused = client.post("/quizzes/an-toan", data={"version": "x"})
    assert refused.status_code == 400
    assert "public" not in refused.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/identify", "/lessons/an-toan"])
def test_learner_pages_send_nosniff(app, client, content, identify, path):
    identify(client)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_identity_page_is_not_stored(client, places):
    cache = client.get("/identify").headers.get("Cache-Control", "")
    assert "no-store" in cache and "private" in cache


def test_cookies_are_http_only_and_same_site(app, client, content, identify):
    response = identify(client)
    cookies = response.headers.getlist("Set-Cookie")
    participant = [c for c in cookies if c.startswith(app.config["PARTICIPANT_COOKIE"] + "=")]
    assert participant and "HttpOnly" in participant[0] and "SameSite=Lax" in participant[0]
    page = client.get("/identify")  # the session cookie (CSRF, poster) is HttpOnly too
    session_cookies = [
        c
        for c in response.headers.getlist("Set-Cookie") + page.headers.getlist("Set-Cookie")
        if c.startswith(app.config["SESSION_COOKIE_NAME"] + "=")
    ]
    for cookie in session_cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
