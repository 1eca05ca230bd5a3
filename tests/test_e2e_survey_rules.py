"""End to end in real headless Chromium: a survey's exclusive choices and conditional
questions (issue 15). With JavaScript off the server refuses an exclusive choice ticked with
another (the message by the question, every answer kept) and ignores the answer to a question
whose condition does not hold; with JavaScript on, ticking the exclusive choice clears the
others and the conditional question appears once its condition holds.

The fixture survey 'quy-tac' is described in tests/test_survey_rules.py."""

import pytest
from helpers import page_html
from playwright.sync_api import expect

from models import SurveyResponse

pytestmark = pytest.mark.e2e

EXCLUSIVE_MESSAGE = "Ý “Chưa dùng cách nào” không chọn cùng các ý khác được."


def _identify(page, live_server, places):
    page.goto(f"{live_server}/surveys/quy-tac")
    assert page.locator("h1").inner_text() == "Chào bạn!"
    page.fill("#display_name", "Lường Văn Tâm")
    page.check("input[name=role][value=villager]")
    page.select_option("#unit_id", str(places["village"]))
    page.check("input[name=age_band][value='30-44']")
    page.click("button[type=submit]")
    assert "Phiếu có câu chọn riêng" in page.locator("h1").inner_text()


def _stored(app) -> dict:
    with app.app_context():
        found: dict = {}
        for response in SurveyResponse.query.all():
            for answer in response.answers:
                value = answer.choice_id or answer.number_value or answer.text_value
                found.setdefault(answer.question_id, []).append(value)
        return found


def test_without_javascript_the_server_refuses_and_ignores_what_it_must(
    app, browser, live_server, rule_survey, places
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    _identify(page, live_server, places)

    # Every question is on the page; the conditional ones say when to answer them.
    expect(page.locator("input[name=s_lam_gi]").first).to_be_visible()
    assert "Chỉ trả lời nếu ở câu 1" in page.locator("main").inner_text()

    # "Chưa dùng" VNeID, yet the question about VNeID answered; and an exclusive choice
    # ticked with another.
    page.check("input[name=s_da_dung][value=chua]")
    page.check("input[name=s_cach][value=qr]")
    page.check("input[name=s_cach][value=chua-dung]")
    page.check("input[name=s_lam_gi][value=giay-to]")
    page.fill("input[name=s_so_lan]", "3")
    page.fill("textarea[name=s_gop_y]", "Cần lớp học buổi tối.")
    response_status = []
    page.on(
        "response",
        lambda r: response_status.append(r.status) if r.request.method == "POST" else None,
    )
    page.click("button[type=submit]")
    assert response_status == [422]
    card = page.locator(".card", has=page.locator("input[name=s_cach]"))
    assert EXCLUSIVE_MESSAGE in card.inner_text()
    # Everything typed and ticked is still there; nothing was saved.
    expect(page.locator("input[name=s_da_dung][value=chua]")).to_be_checked()
    expect(page.locator("input[name=s_cach][value=qr]")).to_be_checked()
    expect(page.locator("input[name=s_cach][value=chua-dung]")).to_be_checked()
    expect(page.locator("input[name=s_lam_gi][value=giay-to]")).to_be_checked()
    assert page.input_value("input[name=s_so_lan]") == "3"
    assert page.input_value("textarea[name=s_gop_y]") == "Cần lớp học buổi tối."
    assert _stored(app) == {}

    # The exclusive choice left alone: sent; the VNeID question's answer is not kept.
    page.uncheck("input[name=s_cach][value=chua-dung]")
    page.click("button[type=submit]")
    assert "Cảm ơn bạn! Câu trả lời đã được ghi nhận." in page_html(page)
    stored = _stored(app)
    assert "lam-gi" not in stored
    assert stored == {
        "da-dung": ["chua"],
        "cach": ["qr"],
        "so-lan": [3.0],
        "gop-y": ["Cần lớp học buổi tối."],
    }
    context.close()


def test_with_javascript_the_exclusive_choice_clears_and_the_question_appears(
    app, live_server, phone, rule_survey, places
):
    page = phone
    _identify(page, live_server, places)
    lam_gi = page.locator(".card", has=page.locator("input[name=s_lam_gi]"))
    so_lan = page.locator(".card", has=page.locator("input[name=s_so_lan]"))
    expect(lam_gi).to_be_hidden()
    expect(so_lan).to_be_hidden()

    page.check("input[name=s_cach][value=qr]")
    page.check("input[name=s_cach][value=other]")
    expect(so_lan).to_be_visible()
    page.check("input[name=s_cach][value=chua-dung]")
    expect(page.locator("input[name=s_cach][value=qr]")).not_to_be_checked()
    expect(page.locator("input[name=s_cach][value=other]")).not_to_be_checked()
    expect(so_lan).to_be_hidden()
    page.check("input[name=s_cach][value=chuyen-khoan]")
    expect(page.locator("input[name=s_cach][value=chua-dung]")).not_to_be_checked()
    expect(so_lan).to_be_visible()

    page.check("input[name=s_da_dung][value=roi]")
    expect(lam_gi).to_be_visible()
    page.check("input[name=s_da_dung][value=chua]")
    expect(lam_gi).to_be_hidden()
    page.check("input[name=s_da_dung][value=roi]")
    page.check("input[name=s_lam_gi][value=dich-vu-cong]")
    page.click("button[type=submit]")
    assert "Cảm ơn bạn! Câu trả lời đã được ghi nhận." in page_html(page)
    assert _stored(app) == {
        "da-dung": ["roi"],
        "cach": ["chuyen-khoan"],
        "lam-gi": ["dich-vu-cong"],
    }
