"""End to end in headless Chromium on a 360 px phone: a course from its first lesson to the
course certificate and its verification page.

The quizzes are answered from what the page shows: each question's inputs are named after its
id (q_<id>), and the answer is looked up in the fixture files' key, so a quiz that asks only
some of its questions per attempt is answered the same way."""

import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_CONTENT
from helpers import axe_violations, fits_width
from playwright.sync_api import expect

from models import Certificate

pytestmark = pytest.mark.e2e

NAME = "Lường Thị Khánh"


def _answer_key() -> dict[str, dict[str, list[str]]]:
    """Per quiz slug: the form field of each question → the values to tick."""
    key = {}
    for path in sorted(Path(FIXTURE_CONTENT).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fields = {}
        for question in data["quiz"]["questions"]:
            answer = question["answer"]
            if isinstance(answer, bool):
                answer = "true" if answer else "false"
            values = answer if isinstance(answer, list) else [answer]
            fields[f"q_{question['id'].replace('-', '_')}"] = [str(v) for v in values]
        key[data["id"]] = fields
    return key


KEY = _answer_key()


def _pass_shown_quiz(page, slug: str) -> None:
    """Tick the right answer of every question the page shows, then send the form."""
    shown = page.eval_on_selector_all(
        "form input[name^=q_]", "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    assert shown, "the quiz page shows no question"
    for name in shown:
        for value in KEY[slug][name]:
            page.check(f"input[name={name}][value='{value}']")
    page.click("form button[type=submit]")


def _progress(page) -> str:
    return page.locator("#course-progress").inner_text()


def test_a_course_from_the_first_lesson_to_its_certificate(app, live_server, phone, course, places):
    page = phone
    page.goto(f"{live_server}/")
    home = page.locator("main").inner_text()
    assert "Khóa học thử nghiệm" in home and "0/2 bài đã đạt" in home

    page.get_by_role("link", name="Khóa học thử nghiệm").click()
    page.fill("#display_name", NAME)
    page.check("input[name=role][value=villager]")
    page.check("input[name=age_band][value='30-44']")
    page.select_option("#unit_id", str(places["village"]))
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(".*/courses/khoa-thu$"))
    assert _progress(page) == "0/2 bài đã đạt"
    assert page.locator("main").inner_text().count("chưa học") == 2
    assert fits_width(page)

    page.get_by_role("link", name="Học bài tiếp theo").click()
    expect(page).to_have_url(re.compile(".*/lessons/an-toan$"))
    page.get_by_role("link", name="Làm bài kiểm tra").click()
    _pass_shown_quiz(page, "an-toan")
    result = page.locator("main").inner_text()
    assert "Chúc mừng, bạn đã đạt!" in result and "Bài tiếp theo trong khóa" in result

    page.goto(f"{live_server}/")
    assert "1/2 bài đã đạt" in page.locator("main").inner_text()
    page.get_by_role("link", name="Khóa học thử nghiệm").click()
    assert _progress(page) == "1/2 bài đã đạt"
    assert "✓ đã đạt" in page.locator("main").inner_text()

    page.get_by_role("link", name="Học bài tiếp theo").click()
    expect(page).to_have_url(re.compile(".*/lessons/gioi-han$"))
    page.get_by_role("link", name="Làm bài kiểm tra").click()
    _pass_shown_quiz(page, "gioi-han")
    assert "Bạn đã hoàn thành khóa học “Khóa học thử nghiệm”." in page.locator("main").inner_text()

    page.get_by_role("link", name="Xem giấy chứng nhận của khóa học").click()
    assert _progress(page) == "2/2 bài đã đạt"
    with app.app_context():
        issued = Certificate.query.filter(Certificate.course_id.isnot(None)).one()
        serial, code = issued.serial, issued.verification_code
    assert f"giấy chứng nhận số {serial}" in page.locator("main").inner_text()
    expect(page.get_by_role("link", name="Tải giấy chứng nhận (PDF)")).to_have_count(1)
    assert fits_width(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name=f"{code[:4]}-{code[4:8]}-{code[8:]}").click()
    expect(page).to_have_url(re.compile(f".*/v/{code}$"))
    verified = page.locator("main").inner_text()
    assert "Giấy chứng nhận hợp lệ" in verified and NAME in verified
    assert "Đã hoàn thành khóa học: Khóa học thử nghiệm" in verified
