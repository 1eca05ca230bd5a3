"""End to end in real headless Chromium at 360 px: a survey poster → identity → every question
kind → thanks with the answers → one answer changed; and an anonymous survey from its poster,
with no identity form and JavaScript off."""

import pytest
from helpers import fits_width, page_html
from playwright.sync_api import expect

from extensions import db
from models import Participant, Scan, Survey, SurveyResponse

pytestmark = pytest.mark.e2e


def _answers(response: SurveyResponse) -> dict:
    found: dict = {}
    for answer in response.answers:
        found.setdefault(answer.question_id, []).append(
            (answer.choice_id, answer.number_value, answer.text_value)
        )
    return found


def test_named_survey_from_a_poster_answered_then_edited(
    app, live_server, phone, surveys, make_poster, places, tmp_path
):
    code = make_poster("y-kien", target="survey")
    page = phone
    page.goto(f"{live_server}/p/{code.lower()}")

    # Who is answering: the poster's village is already chosen.
    assert page.locator("h1").inner_text() == "Chào bạn!"
    assert "Ý kiến về Nghị quyết 57" in page_html(page)
    page.fill("#display_name", "Hoàng Thị Lan")
    page.check("input[name=role][value=villager]")
    assert page.locator("#unit_id").input_value() == str(places["village"])
    page.check("input[name=age_band][value='30-44']")
    page.click("button[type=submit]")

    # Every kind of question on one page.
    assert page.locator("h1").inner_text() == "Ý kiến về Nghị quyết 57"
    page.check("input[name=s_da_nghe][value=roi]")  # single choice
    page.check("input[name=s_nguon][value=loa]")  # multiple choice …
    page.check("input[name=s_nguon][value=other]")  # … with "other"
    page.fill("input[name=o_nguon]", "Cán bộ xã đến nhà")
    page.check("input[name=s_hieu][value='4']")  # Likert
    page.fill("input[name=s_so_lan]", "12")  # number
    page.fill("textarea[name=s_gop_y]", "Nên mở lớp vào buổi tối.")  # free text
    assert fits_width(page)
    page.screenshot(path=str(tmp_path / "survey-360px.png"), full_page=True)
    page.click("button[type=submit]")

    # Thanks, with the answers read back.
    assert "Cảm ơn bạn! Câu trả lời đã được ghi nhận." in page_html(page)
    cards = page.locator(".card").all_inner_texts()
    assert any("Đã nghe" in c for c in cards)
    assert any("Loa truyền thanh, Cán bộ xã đến nhà" in c for c in cards)
    assert any("Đồng ý" in c and "Rất" not in c for c in cards)
    assert any(c.strip().endswith("12") for c in cards)
    assert any("Nên mở lớp vào buổi tối." in c for c in cards)
    assert fits_width(page)

    # Change one answer: the form opens with everything already given.
    page.click("text=Sửa câu trả lời")
    expect(page.locator("input[name=s_da_nghe][value=roi]")).to_be_checked()
    expect(page.locator("input[name=s_nguon][value=loa]")).to_be_checked()
    expect(page.locator("input[name=s_nguon][value=other]")).to_be_checked()
    assert page.input_value("input[name=o_nguon]") == "Cán bộ xã đến nhà"
    expect(page.locator("input[name=s_hieu][value='4']")).to_be_checked()
    assert page.input_value("input[name=s_so_lan]") == "12"
    assert page.input_value("textarea[name=s_gop_y]") == "Nên mở lớp vào buổi tối."
    page.check("input[name=s_hieu][value='2']")
    page.click("button[type=submit]")
    assert "Cảm ơn bạn!" in page_html(page)
    cards = page.locator(".card").all_inner_texts()
    assert any("Không đồng ý" in c for c in cards)

    # Back to the edit form and send it again unchanged: nothing more changes.
    page.go_back()
    if page.locator("button[type=submit]").count():
        page.click("button[type=submit]")

    with app.app_context():
        [response] = SurveyResponse.query.all()
        assert response.revision == 2
        person = db.session.get(Participant, response.participant_id)
        assert person.display_name == "Hoàng Thị Lan"
        assert response.unit_id == places["village"]
        assert response.poster_id == db.session.query(Scan).one().poster_id
        assert _answers(response) == {
            "da-nghe": [("roi", None, None)],
            "nguon": [("loa", None, None), ("other", None, "Cán bộ xã đến nhà")],
            "hieu": [("2", None, None)],
            "so-lan": [(None, 12.0, None)],
            "gop-y": [(None, None, "Nên mở lớp vào buổi tối.")],
        }


def test_anonymous_survey_from_a_poster_without_identity_or_javascript(
    app, browser, live_server, surveys, make_poster, places
):
    code = make_poster("an-danh", target="survey")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(f"{live_server}/p/{code}")

    # Straight to the questions: no name asked.
    assert page.locator("h1").inner_text() == "Dịch vụ số bạn dùng"
    assert "Phiếu không ghi tên" in page_html(page)
    expect(page.locator("#display_name")).to_have_count(0)
    assert fits_width(page)
    page.check("input[name=s_thanh_toan][value=roi]")
    page.fill("textarea[name=s_kho_khan]", "Sóng yếu.")
    page.click("button[type=submit]")
    assert "Cảm ơn bạn! Câu trả lời đã được ghi nhận." in page_html(page)
    assert "Sóng yếu." in page.locator("main").inner_text()

    # The same phone sees its answers again later, and can change them.
    page.goto(f"{live_server}/surveys/an-danh")
    assert "Bạn đã trả lời phiếu này" in page_html(page)
    page.click("text=Sửa câu trả lời")
    page.check("input[name=s_thanh_toan][value=chua]")
    page.click("button[type=submit]")
    context.close()

    with app.app_context():
        [response] = SurveyResponse.query.all()
        assert response.survey_id == Survey.query.filter_by(slug="an-danh").one().id
        assert response.participant_id is None
        assert response.submitted_at is None and response.updated_at is None
        assert response.unit_id == places["village"]  # the poster's placement
        assert response.revision == 2
        assert _answers(response) == {
            "thanh-toan": [("chua", None, None)],
            "kho-khan": [(None, None, "Sóng yếu.")],
        }
        assert db.session.query(Participant).count() == 0
        assert db.session.query(Scan).one().participant_id is None
