"""End to end in real headless Chromium: the office writes a two-question quiz in the browser,
publishes it and prints a poster for it; a villager scans the poster and passes."""

import io
import re
from pathlib import Path

import pytest
from helpers import identify_in_browser, page_html
from playwright.sync_api import expect
from pypdf import PdfReader

from models import Attempt, Lesson, Poster

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]


def field(name: str) -> str:
    return f'[name="{name}"]'


def test_admin_writes_publishes_and_prints_a_quiz_that_a_villager_passes(
    app, live_server, desk, phone, staff, tmp_path
):
    page = desk
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "admin.xa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    page.click("nav.staff >> text=Soạn bài")
    assert page.locator("h1").inner_text() == "Soạn bài"

    page.click("text=Soạn bài mới")
    page.fill("#title", "Mật khẩu an toàn")
    page.click("button:text('Tiếp tục')")
    assert page.locator("h1").inner_text() == "Soạn: Mật khẩu an toàn"

    page.fill("#summary", "Hai câu hỏi về mật khẩu.")
    page.fill("#topic", "An toàn số")
    page.check("input[name=audience][value=villager]")
    page.fill("#minutes", "3")
    page.fill("#sources", "Sổ tay an toàn số của xã")
    page.fill("#lesson-body", "## Mật khẩu\nDùng mật khẩu **dài**, không dùng ngày sinh.")
    page.click("button:text('Xem trước nội dung')")
    assert page.locator("#xem-truoc strong").inner_text() == "dài"

    page.select_option("#new-type", "single")
    page.click("button:text('Thêm câu hỏi')")
    page.select_option("#new-type", "true_false")
    page.click("button:text('Thêm câu hỏi')")
    expect(page.locator("fieldset.qcard")).to_have_count(2)
    page.fill(field("quiz.questions[0].text"), "Mật khẩu nào an toàn hơn?")
    page.fill(field("quiz.questions[0].choices[0].text"), "Ngày sinh của bạn")
    page.fill(field("quiz.questions[0].choices[1].text"), "Một câu dài dễ nhớ")
    page.check(f"{field('quiz.questions[0].correct')}[value=b]")
    page.fill(field("quiz.questions[0].explanation"), "Câu dài khó đoán hơn.")
    page.fill(field("quiz.questions[1].text"), "Nên cho người khác biết mật khẩu.")
    page.select_option(field("quiz.questions[1].tf"), "false")
    page.fill(field("quiz.questions[1].explanation"), "Mật khẩu là của riêng bạn.")
    page.locator("button:text('Xuất bản')").first.click()

    assert page.locator("h1").inner_text() == "Mật khẩu an toàn"
    assert "Đã xuất bản" in page_html(page)
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="mat-khau-an-toan").one()
        assert lesson.status == "published"
        assert len(lesson.quiz.current_version.questions) == 2

    page.click("text=Tạo áp phích")
    page.select_option("#unit_id", str(staff.village))
    page.check("input[name=target][value=quiz]")
    page.click("button:text('Tạo áp phích')")
    with app.app_context():
        poster = Poster.query.one()
        code, quiz_id, poster_id = poster.code, poster.quiz_id, poster.id
        assert quiz_id is not None and poster.unit_id == staff.village
    with page.expect_download() as info:
        page.click("a:text-is('PDF A4')")
    pdf = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Mật khẩu an toàn" in text and f"/p/{code}" in text

    # A villager scans the poster on a phone, says who they are and passes.
    learner = phone
    learner.goto(f"{live_server}/p/{code}")
    identify_in_browser(learner, "Nông Văn Dũng")
    assert "Mật khẩu nào an toàn hơn?" in page_html(learner)
    learner.check("input[name=q_cau_1][value=b]")
    learner.check("input[name=q_cau_2][value=false]")
    learner.click("button[type=submit]")
    assert learner.locator(".score").inner_text() == "100%"
    assert re.search("Chúc mừng, bạn đã đạt!", page_html(learner))
    with app.app_context():
        attempt = Attempt.query.one()
        assert attempt.passed and attempt.participant.display_name == "Nông Văn Dũng"
        assert attempt.quiz_id == quiz_id and attempt.poster_id == poster_id
