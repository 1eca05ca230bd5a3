"""End to end in real headless Chromium: a teacher opens the class gradebook, filters "chưa
làm", opens one pupil's attempts and sees her answers, downloads the XLSX (reopened with
openpyxl) and the PDF (read with pdftotext); screenshots of the gradebook at 1280 and 360 px
go to /tmp/gradebook-*.png, and the PDF to /tmp/gradebook-print.pdf, for a person to look at."""

import re
import shutil

import pytest
from gradebook_world import HONG, MAI, SY, build_class
from helpers import pdf_text
from openpyxl import load_workbook
from playwright.sync_api import expect

from models import RosterEntry

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]


def log_in(page, live_server, staff):
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", staff.username("teacher_a"))
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Xin chào, Cô Nguyễn Thị Hoa"


def names(page) -> list[str]:
    return [n.strip() for n in page.locator("table.gradebook td.who").all_inner_texts()]


def test_teacher_filters_opens_a_pupil_and_downloads(
    app, content, live_server, desk, staff, tmp_path
):
    build_class(app, staff)
    page = desk
    log_in(page, live_server, staff)
    page.click("text=Lớp 7A")
    page.click("a:text-is('Bảng điểm')")
    assert page.locator("h1").inner_text() == "Bảng điểm: Lớp 7A"
    assert f"{SY} chưa vào lớp" in names(page)
    page.screenshot(path="/tmp/gradebook-1280.png", full_page=True)

    page.select_option("#show", "not_done")
    page.click("button:text-is('Lọc')")
    expect(page).to_have_url(re.compile(".*show=not_done"))
    assert names(page) == [HONG, MAI]

    page.click(f"table.gradebook a:text-is('{HONG}')")
    assert page.locator("h1").inner_text() == HONG
    sheet = page.locator("details.attempt").first
    assert "Lần 1" in sheet.locator("summary").inner_text()
    otp = sheet.locator("ol.sheet > li", has_text="Ai được biết mã OTP của bạn?")
    assert "Sai" in otp.locator("p").first.inner_text()
    ticked = otp.locator("li.ticked").inner_text()
    assert "Người bán hàng" in ticked and "em chọn" in ticked
    assert "Chỉ mình bạn" in otp.locator("li.right").inner_text()
    page.go_back()

    with page.expect_download() as info:
        page.click("a:text-is('XLSX')")
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    grid = load_workbook(xlsx).active
    assert grid["A1"].value == "STT"
    assert grid["B2"].value == HONG and grid["C2"].value == "Đã vào lớp"
    assert grid["D2"].value == 75
    assert [grid["B3"].value, grid["D3"].value] == [MAI, "Chưa làm"]
    assert grid.max_row == 3  # the filter holds in the download

    page.select_option("#show", "all")
    page.click("button:text-is('Lọc')")
    with page.expect_download() as info:
        page.click("a:text-is('PDF để in và ký')")
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    shutil.copy(pdf, "/tmp/gradebook-print.pdf")  # for a person to look at (pdftoppm)
    text = " ".join(pdf_text(pdf).split())
    assert "Lớp 7A" in text and "Trường THCS" in text
    assert "Cô Nguyễn Thị Hoa" in text
    assert "(Ký, ghi rõ họ tên)" in text


def test_gradebook_on_a_phone(app, content, live_server, phone, staff):
    build_class(app, staff)
    log_in(phone, live_server, staff)
    phone.goto(f"{live_server}/staff/units/{staff.class_a}/gradebook")
    assert phone.locator("h1").inner_text() == "Bảng điểm: Lớp 7A"
    # The page itself does not scroll sideways: only the table's own box does.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    phone.screenshot(path="/tmp/gradebook-360.png", full_page=True)
    phone.goto(f"{live_server}/staff/units/{staff.class_a}/gradebook/{_first_pupil(app, staff)}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/gradebook-pupil-360.png", full_page=True)


def _first_pupil(app, staff) -> int:
    with app.app_context():
        return RosterEntry.query.filter_by(unit_id=staff.class_a, name=HONG).one().participant_id
