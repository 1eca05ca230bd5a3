"""End to end in real headless Chromium at 360 px: two people on one shared phone (issue 14).
Person A scans a quiz poster, identifies, passes the quiz and answers a named survey with free
text; person B then scans the poster on the same browser, is asked "Bạn là A?", taps "Tôi là
người khác", identifies, takes the quiz, and never sees A's name or answers; the database keeps
A's attempt and certificate A's and B's B's."""

import re

import pytest
from helpers import axe_violations, fits_width, identify_in_browser, pass_quiz_in_browser
from playwright.sync_api import expect

from extensions import db
from models import Attempt, Certificate, Participant, Scan, SurveyResponse

pytestmark = pytest.mark.e2e

A = "Nguyễn Thị Hoa"
B = "Lò Văn Tùng"
A_TEXT = "Nhà tôi ở xa, cần lớp buổi tối."


def _text(page) -> str:
    return page.locator("body").inner_text()


def test_two_people_on_one_phone_never_see_each_other(
    app, live_server, phone, content, surveys, make_poster
):
    quiz_code = make_poster("an-toan", target="quiz")
    survey_code = make_poster("y-kien", target="survey")
    page = phone

    # Person A: scan, identify, pass the quiz.
    page.goto(f"{live_server}/p/{quiz_code}")
    identify_in_browser(page, A)
    pass_quiz_in_browser(page)
    expect(page).to_have_url(re.compile(".*/results/"))
    assert A in page.locator("header").inner_text()  # "Bạn là A. Không phải tôi"

    # A answers the named survey from its poster, free text included.
    page.goto(f"{live_server}/p/{survey_code}")
    page.check("input[name=s_da_nghe][value=roi]")
    page.check("input[name=s_hieu][value='4']")
    page.fill("textarea[name=s_gop_y]", A_TEXT)
    page.click("button[type=submit]")
    assert A_TEXT in _text(page)

    # The browser session ends (the phone's browser was closed); the cookies that last remain.
    kept = [c for c in page.context.cookies() if c.get("expires", -1) > 0]
    page.context.clear_cookies()
    page.context.add_cookies(kept)

    # Person B scans the quiz poster on the same phone and is asked first.
    page.goto(f"{live_server}/p/{quiz_code}")
    assert page.locator("h1").inner_text() == f"Bạn là {A}?"
    assert fits_width(page) and axe_violations(page) == []
    for button in ("Đúng, tiếp tục", "Tôi là người khác"):
        box = page.get_by_role("button", name=button).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, button
    page.get_by_role("button", name="Tôi là người khác").click()

    # From here on B never sees A's name or answers.
    seen = []
    assert page.locator("h1").inner_text() == "Chào bạn!"
    seen.append(_text(page))
    identify_in_browser(page, B)
    seen.append(_text(page))  # the quiz form
    assert B in page.locator("header").inner_text()
    not_me = page.get_by_role("button", name="Không phải tôi").bounding_box()
    assert not_me["height"] >= 44  # the header's button is a full tap target too
    assert axe_violations(page) == []
    page.check("input[name=q_otp][value=b]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_cap_nhat][value=true]")
    page.check("input[name=q_ung_dung][value=a]")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(".*/results/"))
    seen.append(_text(page))
    page.goto(f"{live_server}/p/{survey_code}")  # B's own survey: a blank form
    assert page.locator("textarea[name=s_gop_y]").input_value() == ""
    seen.append(_text(page))
    page.goto(f"{live_server}/")
    seen.append(_text(page))
    for text in seen:
        assert A not in text and A_TEXT not in text

    with app.app_context():
        a = Participant.query.filter_by(display_name=A).one()
        b = Participant.query.filter_by(display_name=B).one()
        attempts = {(x.participant_id, x.passed) for x in Attempt.query}
        assert attempts == {(a.id, True), (b.id, False)}
        assert [c.participant_id for c in Certificate.query] == [a.id]
        (response,) = SurveyResponse.query.all()
        assert response.participant_id == a.id
        scans = [s.participant_id for s in Scan.query.order_by(Scan.id)]
        assert scans == [a.id, a.id, b.id, b.id]
        db.session.remove()
