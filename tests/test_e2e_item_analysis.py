"""End to end in real headless Chromium: a teacher opens the item analysis of the class from
the class page; it fits a phone. Screenshots at 360 and 1280 px."""

import secrets

import pytest
from helpers import fits_width

import database
from models import Quiz
from services.participation.attempts import Submission, submit_attempt
from services.participation.identity import NewIdentity, create_participant

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

RIGHT = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}
GIVEN = [
    RIGHT,
    {**RIGHT, "otp": ["b"], "dau-hieu": ["a"]},
    {**RIGHT, "otp": ["b"], "dau-hieu": ["a", "b", "c"], "cap-nhat": ["false"]},
]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_teacher_reads_the_item_analysis(app, live_server, browser, staff, content, width):
    with app.app_context():
        version = Quiz.query.filter_by(slug="an-toan").one().current_version
        for n, answers in enumerate(GIVEN):
            pupil, _ = create_participant(
                NewIdentity(f"Học sinh {n}", "student", staff.class_a, "16-29", False), "t"
            )
            submit_attempt(Submission(pupil, version, answers, secrets.token_hex(16), None))
        database.commit()
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "co.hoa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    page.click("text=Lớp 7A")
    page.click("text=Phân tích câu hỏi")
    assert page.locator("h1").inner_text() == "Phân tích câu hỏi: Lớp 7A"
    first = page.locator(".card.item h3").first.inner_text()
    assert first == "Câu 1: Ai được biết mã OTP của bạn?"  # most got it wrong
    assert "Giục chuyển tiền gấp + Gửi đường link lạ + Gặp trực tiếp ở trụ sở — 1" in (
        page.locator("ol.combos").inner_text()
    )
    assert fits_width(page)
    page.screenshot(path=f"/tmp/posters-items-{width}.png", full_page=True)
    context.close()
