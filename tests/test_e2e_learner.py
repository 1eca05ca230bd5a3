"""End to end in real headless Chromium at 360 px: poster → identity → lesson → quiz → result."""

import pytest
from helpers import fits_width, identify_in_browser, page_html

from extensions import db
from models import Attempt, Scan

pytestmark = pytest.mark.e2e


def test_villager_journey_from_poster(app, live_server, phone, make_poster, places, tmp_path):
    code = make_poster()
    page = phone
    page.goto(f"{live_server}/p/{code.lower()}")

    assert page.locator("h1").inner_text() == "Chào bạn!"
    assert fits_width(page)
    page.fill("#display_name", "Nông Thị Ánh Tuyết")
    page.check("input[name=role][value=villager]")
    assert page.locator("#unit_id").input_value() == str(places["village"])
    page.check("input[name=age_band][value='30-44']")
    page.click("button[type=submit]")

    assert page.locator("h1").inner_text() == "An toàn trên mạng"
    assert "Không bao giờ đưa" in page.locator("article").inner_text()
    assert fits_width(page)
    page.click("text=Làm bài kiểm tra")

    page.check("input[name=q_otp][value=a]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_dau_hieu][value=b]")
    page.check("input[name=q_cap_nhat][value=true]")
    page.check("input[name=q_ung_dung][value=a]")
    assert fits_width(page)
    page.screenshot(path=str(tmp_path / "quiz-360px.png"), full_page=False)
    page.click("button[type=submit]")

    assert "Kết quả" in page.locator("h1").inner_text()
    assert page.locator(".score").inner_text() == "100%"
    assert "Chúc mừng, bạn đã đạt!" in page_html(page)
    assert fits_width(page)

    # Back and submit again (a double submit): still one attempt.
    page.go_back()
    if page.locator("button[type=submit]").count():
        page.click("button[type=submit]")
    with app.app_context():
        assert db.session.query(Attempt).count() == 1
        assert db.session.query(Scan).count() == 1
        assert db.session.query(Attempt).one().participant.display_name == "Nông Thị Ánh Tuyết"


def test_journey_works_with_javascript_off(app, browser, live_server, make_poster):
    code = make_poster(target="quiz")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(f"{live_server}/p/{code}")
    identify_in_browser(page, "Hà Văn Sơn", age="45-59")
    assert "Kiểm tra" in page.locator("h1").inner_text()
    page.check("input[name=q_otp][value=b]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_cap_nhat][value=false]")
    page.check("input[name=q_ung_dung][value=a]")
    page.click("button[type=submit]")
    assert page.locator(".score").inner_text() == "25%"
    assert "Chưa đạt" in page_html(page)
    context.close()
