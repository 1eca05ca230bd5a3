"""axe-core, injected into every learner page in real Chromium at 360 px (inside Zalo's in-app
browser, as villagers open them): no serious or critical violation anywhere.

axe-core comes from the axe-playwright-python package (requirements-dev.txt), which bundles
axe.min.js: nothing is fetched at test time."""

import datetime as dt
import json

import pytest
from helpers import (
    axe_violations,
    identify_in_browser,
    page_html,
    pass_quiz_in_browser,
    record_lesson_audio,
)
from playwright.sync_api import expect

import database
from extensions import db
from models import Certificate, Survey

pytestmark = pytest.mark.e2e


class Audit:
    """Runs axe on each page visited and keeps what it finds, by page name."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, name: str, expect_status: int | None = None, response=None) -> None:
        if response is not None and expect_status is not None:
            assert response.status == expect_status, (name, response.status)
        self.checked.append(name)
        violations = axe_violations(self.page)
        if violations:
            self.found[name] = violations

    def assert_clean(self) -> None:
        assert not self.found, json.dumps(self.found, ensure_ascii=False, indent=1)


def test_every_learner_page_passes_axe(app, live_server, phone, make_poster, surveys):
    record_lesson_audio(app)
    page = phone
    audit = Audit(page)

    response = page.goto(f"{live_server}/p/KHONGCO1")
    audit.check("unknown poster", 404, response)
    response = page.goto(f"{live_server}/khong-co-trang-nay")
    audit.check("404", 404, response)

    page.goto(f"{live_server}/p/{make_poster()}")
    audit.check("identify")
    page.click("button[type=submit]")  # nothing filled in: the errors are shown
    expect(page.locator(".err").nth(1)).to_be_attached()  # two or more
    audit.check("identify with errors")
    identify_in_browser(page, "Lục Thị Mai")

    expect(page.locator("a[data-audio]")).to_have_count(3)
    audit.check("lesson with audio")
    page.click("text=Bật tiết kiệm dữ liệu")
    expect(page.locator("a.ph")).to_have_count(1)
    audit.check("lesson in data-saver mode")
    page.click("text=Tắt tiết kiệm dữ liệu")

    page.click("text=Làm bài kiểm tra")
    audit.check("quiz")
    page.click("button[type=submit]")  # no answer chosen
    expect(page.locator("[role=alert]")).to_have_count(1)
    audit.check("quiz with errors")
    pass_quiz_in_browser(page)
    expect(page.locator(".inapp-hint")).to_have_count(1)  # the phone is Zalo's in-app browser
    audit.check("result with certificate and in-app hint")

    page.goto(f"{live_server}/quizzes/an-toan")
    expect(page.locator("input[name=submission_token]")).to_have_count(0)  # quiz done, no form
    audit.check("quiz done")

    for _attempt in range(2):
        page.goto(f"{live_server}/quizzes/gioi-han?lan={_attempt + 1}")
        for question in ("q1", "q2", "q3", "q4"):
            page.check(f"input[name=q_{question}][value=false]")
        page.click("button[type=submit]")
        assert "Chưa đạt" in page_html(page)
    audit.check("result, failed")
    page.goto(f"{live_server}/quizzes/gioi-han")
    assert "hết số lượt" in page_html(page)
    audit.check("no attempts left")

    page.goto(f"{live_server}/")
    audit.check("home")

    page.goto(f"{live_server}/surveys/y-kien")
    audit.check("survey form")
    page.locator("button[type=submit]").click()
    audit.check("survey form with errors")
    page.check("input[name=s_da_nghe][value=roi]")
    page.check("input[name=s_hieu][value='4']")
    page.locator("button[type=submit]").click()
    assert "Cảm ơn bạn" in page_html(page)
    audit.check("survey done")

    with app.app_context():
        survey = Survey.query.filter_by(slug="an-danh").one()
        survey.closes_on = dt.date(2020, 1, 1)
        database.commit()
        code = db.session.query(Certificate.verification_code).scalar()
    page.goto(f"{live_server}/surveys/an-danh")
    assert "đã đóng" in page_html(page)
    audit.check("survey closed")

    page.goto(f"{live_server}/v/{code}")
    assert "Giấy chứng nhận hợp lệ" in page_html(page)
    audit.check("verification page")
    response = page.goto(f"{live_server}/v/ABCD-EFGH-2345")
    audit.check("verification page, unknown code", 404, response)

    assert len(audit.checked) == 19
    audit.assert_clean()


def test_axe_does_find_a_violation(live_server, phone, app, content):
    """The check can fail: a button without a name and low-contrast text are reported."""
    page = phone
    page.goto(f"{live_server}/khong-co-trang-nay")
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<button class="btn"></button><p>mờ</p>');
        // styled through the CSSOM: the page's CSP refuses a style attribute
        Object.assign(main.lastElementChild.style, {color: '#ddd', background: '#fff'});
    }"""
    )
    rules = {v["rule"] for v in axe_violations(page)}
    assert {"button-name", "color-contrast"} <= rules
