"""Offline in real headless Chromium (issue 8): save a topic online, lose the connection (the
browser context goes offline and the server itself stops, so nothing can reach it), read the
lesson, take the quiz and answer a survey from the phone's copies; when the connection returns
exactly one attempt and one response arrive, with the right score and answer times, and sending
the queue again changes nothing. Without JavaScript the same journey still works online."""

import datetime as dt
import threading

import pytest
from helpers import axe_violations, page_html, pass_quiz_in_browser
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

from extensions import db
from models import Attempt, Participant, SurveyResponse
from models.base import utcnow

pytestmark = pytest.mark.e2e

QUEUED = "Đã lưu trên máy, sẽ gửi khi có mạng"
READ_QUEUE = """() => new Promise((ok, fail) => {
  const open = indexedDB.open("lantoa", 1);
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => { open.result.close(); ok(all.result); };
  };
})"""
SEND_AGAIN = """async (items) => {
  const statuses = [];
  for (const it of items) {
    const r = await fetch("/offline" + it.path, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "X-Lantoa-Offline": "1"},
      body: it.body + "&answered_at=" + Date.now() + "&sent_at=" + Date.now(),
    });
    statuses.push(r.status);
  }
  return statuses;
}"""


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no kept-alive connection outlives the server when it stops."""

    protocol_version = "HTTP/1.0"


class Server:
    """The app on a fixed port of 127.0.0.1 (a secure context for service workers) that can
    stop and start again, like a village's signal."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None

    def start(self) -> str:
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=OneRequestPerConnection
        )
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(app):
    running = Server(app)
    yield running
    if running.server is not None:
        running.stop()


def _identify(page, base: str, places, name: str, target: str) -> None:
    page.goto(f"{base}/identify?next={target}")
    page.fill("#display_name", name)
    page.check("input[name=role][value=villager]")
    page.select_option("#unit_id", str(places["village"]))
    page.check("input[name=age_band][value='30-44']")
    page.click("button[type=submit]")


def _answer_survey(page) -> None:
    page.check("input[name=s_da_nghe][value=roi]")
    page.check("input[name=s_hieu][value='4']")
    page.click("form[method=post] button[type=submit]")


def _recorded(app):
    with app.app_context():
        attempts = [(a.score_percent, a.answered_at, a.submitted_at) for a in Attempt.query]
        responses = [
            (r.revision, sorted((a.question_id, a.choice_id) for a in r.answers))
            for r in SurveyResponse.query
        ]
        return attempts, responses


def test_save_a_topic_then_learn_and_answer_without_signal(
    app, browser, server, content, surveys, places
):
    base = server.start()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", service_workers="allow"
    )
    page = context.new_page()
    _identify(page, base, places, "Hoàng Thị Mai", "/lessons/an-toan")
    assert page.locator("h1").inner_text() == "An toàn trên mạng"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    # Online: the size first, then the save.
    box = page.locator("#offline-save")
    box.wait_for(state="visible")
    status = box.locator("[role=status]")
    assert status.inner_text().startswith("Khoảng ") and status.inner_text().endswith(" KB")
    box.locator("button").click()
    page.wait_for_selector("text=Đã lưu trên máy: bạn có thể học bài này khi không có mạng.")
    assert axe_violations(page) == []

    # No signal at all.
    offline_from = utcnow()
    server.stop()
    context.set_offline(True)

    page.goto(f"{base}/lessons/an-toan")
    assert page.locator("h1").inner_text() == "An toàn trên mạng"
    assert page.locator("article img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.click("text=Làm bài kiểm tra")
    assert "Kiểm tra" in page.locator("h1").inner_text()
    pass_quiz_in_browser(page, "form[method=post] button[type=submit]")
    page.wait_for_selector(f"text={QUEUED}")
    assert page.locator("h1").inner_text() == "Không có mạng"
    expect(page.locator("#offline-missing")).to_be_hidden()
    assert axe_violations(page) == []

    page.goto(f"{base}/surveys/y-kien")
    assert page.locator("h1").inner_text() == "Ý kiến về Nghị quyết 57"
    _answer_survey(page)
    page.wait_for_selector(f"text={QUEUED}")

    kept = page.evaluate(READ_QUEUE)
    assert sorted(item["path"] for item in kept) == ["/quizzes/an-toan", "/surveys/y-kien"]
    assert _recorded(app) == ([], [])
    # A page never saved says so, instead of the browser's error.
    page.goto(f"{base}/lessons/gioi-han")
    assert page.locator("h1").inner_text() == "Không có mạng"
    expect(page.locator("#offline-missing")).to_be_visible()
    assert axe_violations(page) == []
    offline_until = utcnow()

    # The connection returns: the page sends what waited and says so.
    server.start()
    context.set_offline(False)
    page.wait_for_selector("text=Đã gửi", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelectorAll('main .notice span').length >= 2", timeout=30_000
    )
    attempts, responses = _recorded(app)
    assert len(attempts) == 1 and len(responses) == 1
    score, answered_at, submitted_at = attempts[0]
    assert score == 100
    grace = dt.timedelta(seconds=2)
    assert offline_from - grace <= answered_at <= offline_until + grace
    assert answered_at <= submitted_at
    assert responses[0] == (1, [("da-nghe", "roi"), ("hieu", "4")])
    assert page.evaluate(READ_QUEUE) == []

    # The same answers sent again, and the queue flushed again: nothing changes.
    assert page.evaluate(SEND_AGAIN, kept) == [200, 200]
    page.evaluate("navigator.serviceWorker.controller.postMessage({flush: 1})")
    page.reload()
    assert _recorded(app) == (attempts, responses)

    # The result is there online, from the link in the notice or the home page.
    with app.app_context():
        public_id = Attempt.query.one().public_id
    page.goto(f"{base}/results/{public_id}")
    assert page.locator(".score").inner_text() == "100%"
    context.close()


def test_an_online_answer_goes_through_the_service_worker_unchanged(
    app, browser, server, content, places
):
    base = server.start()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    _identify(page, base, places, "Lý Văn Bình", "/quizzes/an-toan")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()  # the quiz form, now through the service worker
    pass_quiz_in_browser(page, "form[method=post] button[type=submit]")
    assert page.locator(".score").inner_text() == "100%"
    page.go_back()
    with app.app_context():
        assert Attempt.query.count() == 1
        assert Attempt.query.one().answered_at is None
    context.close()


def test_the_same_journey_without_javascript_works_online(
    app, browser, server, content, surveys, places
):
    base = server.start()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    _identify(page, base, places, "Nông Văn Dũng", "/lessons/an-toan")
    assert page.locator("h1").inner_text() == "An toàn trên mạng"
    expect(page.locator("#offline-save")).to_be_hidden()  # nothing to save without a script
    page.click("text=Làm bài kiểm tra")
    pass_quiz_in_browser(page, "form[method=post] button[type=submit]")
    assert page.locator(".score").inner_text() == "100%"
    page.goto(f"{base}/surveys/y-kien")
    _answer_survey(page)
    assert "Cảm ơn bạn! Câu trả lời đã được ghi nhận." in page_html(page)
    attempts, responses = _recorded(app)
    assert [a[0] for a in attempts] == [100] and attempts[0][1] is None
    assert responses == [(1, [("da-nghe", "roi"), ("hieu", "4")])]
    with app.app_context():
        assert db.session.query(Participant).count() == 1
    context.close()
