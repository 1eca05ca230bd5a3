"""End to end in real headless Chromium: a teacher logs in, opens the class, sees the join
QR code and downloads the XLSX report, which opens with openpyxl."""

import re

import pytest
from helpers import page_html
from openpyxl import load_workbook
from playwright.sync_api import expect

import database
from services.participation.identity import NewIdentity, create_participant

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

STUDENT = "Nông Thị Ánh Tuyết"


def test_teacher_logs_in_opens_the_class_and_downloads_the_report(
    app, live_server, desk, staff, tmp_path
):
    with app.app_context():
        create_participant(NewIdentity(STUDENT, "student", staff.class_a, "16-29", False), "t")
        database.commit()
    page = desk
    page.goto(f"{live_server}/staff/")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/staff/login")))
    page.fill("#username", "co.hoa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")

    assert page.locator("h1").inner_text() == "Xin chào, Cô Nguyễn Thị Hoa"
    expect(page.locator("text=Lớp 8B")).to_have_count(0)  # the other teacher's class
    page.click("text=Lớp 7A")

    assert page.locator("h1").inner_text() == "Lớp 7A"
    qr = page.locator(".qrbox svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150
    assert f"/c/{staff.class_a_code}" in page_html(page)
    assert STUDENT in page.locator("table").inner_text()

    page.click("text=Báo cáo tham gia")
    assert page.locator("h1").inner_text() == "Báo cáo: Lớp 7A"
    assert STUDENT in page.locator("table").first.inner_text()
    with page.expect_download() as info:
        page.click("a:text-is('XLSX')")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = load_workbook(path)
    people = workbook["Người học"]
    assert people["A1"].value == "Họ và tên"
    assert STUDENT in [cell.value for cell in people["A"]]
