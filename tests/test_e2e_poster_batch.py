"""End to end in real headless Chromium: a commune officer makes a poster for every village of
a lesson in one go, downloads the batch as one A5 PDF whose every page's QR code opens its own
/p/ code, retires one, and its link then says so. Screenshots at 360 and 1280 px."""

import re

import pypdf
import pytest
from helpers import decode_qr_pdf, fits_width, page_html
from playwright.sync_api import expect

import database
from extensions import db
from models import Unit
from services.org import staff as staff_service
from services.org.units import create_unit

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

BASE_URL = "https://lantoa.example"
HANGS = "Nhà văn hóa thôn, bảng tin cạnh cửa"
SHOTS = "/tmp/posters-{name}-{width}.png"


@pytest.fixture
def commune_officer(app, staff, content):
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        for name in ("Thôn Bản Cầu", "Thôn Khuổi Sáp"):
            create_unit("village", name, commune, target_population=200)
        staff_service.create_staff(
            "can.bo.xa", "Bà Hà Thị Xuân", staff.password, "officer", commune
        )
        database.commit()
    return "can.bo.xa"


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/staff/$"))


def test_an_officer_prints_a_poster_for_every_village_and_retires_one(
    app, live_server, desk, phone, staff, commune_officer, tmp_path
):
    page = desk
    _log_in(page, live_server, commune_officer, staff.password)
    page.click("nav.staff >> text=Áp phích")
    page.click("text=Tạo áp phích cho nhiều nơi")
    page.select_option("#target", label="Bài học: An toàn trên mạng")
    page.check("input[name=scope][value=kind]")
    page.select_option("#every", label="Thôn")
    page.fill("#location", HANGS)
    page.screenshot(path=SHOTS.format(name="new", width=1280), full_page=True)
    page.click("button:text-is('Tạo áp phích')")

    assert "Đã tạo 3 áp phích" in page_html(page)
    page.screenshot(path=SHOTS.format(name="batch", width=1280), full_page=True)
    with page.expect_download() as info:
        page.click("text=Tải PDF khổ A5")
    pdf = tmp_path / "batch.pdf"
    info.value.save_as(pdf)

    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 3
    links = [decode_qr_pdf(pdf, page=n) for n in (1, 2, 3)]
    assert all(len(found) == 1 for found in links)
    codes = [
        re.fullmatch(rf"{re.escape(BASE_URL)}/p/([0-9A-Z]{{7}})", f[0]).group(1) for f in links
    ]
    assert len(set(codes)) == 3  # a code of its own for every village

    # Each code opens its lesson (through the identity form for a new visitor).
    phone.goto(f"{live_server}/p/{codes[0]}")
    expect(phone).to_have_url(re.compile(".*/identify"))

    # Retire the second one; its link then says so and points to the lessons.
    page.goto(f"{live_server}/staff/posters/{codes[1]}")
    page.fill("#reason", "Đã thay áp phích mới")
    page.screenshot(path=SHOTS.format(name="poster", width=1280), full_page=True)
    page.click("button:text-is('Thu hồi áp phích')")
    assert "Đã thu hồi áp phích" in page_html(page)

    response = phone.goto(f"{live_server}/p/{codes[1]}")
    assert response.status == 410
    assert phone.locator("h1").inner_text() == "Áp phích này không còn dùng"
    phone.screenshot(path=SHOTS.format(name="retired", width=360), full_page=True)
    phone.click("text=Xem các bài học")
    expect(phone).to_have_url(re.compile(r"^https?://[^/]+/$"))


def test_the_poster_pages_fit_a_phone(app, live_server, browser, staff, commune_officer):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    _log_in(page, live_server, commune_officer, staff.password)
    page.goto(f"{live_server}/staff/posters/new")
    assert fits_width(page)
    page.screenshot(path=SHOTS.format(name="new", width=360), full_page=True)
    page.select_option("#target", label="Bài học: An toàn trên mạng")
    page.select_option("#every", label="Thôn")
    page.click("button:text-is('Tạo áp phích')")
    assert "Đã tạo 3 áp phích" in page_html(page)
    page.screenshot(path=SHOTS.format(name="batch", width=360), full_page=True)
    page.click("table.posters a >> nth=0")
    assert fits_width(page)
    page.screenshot(path=SHOTS.format(name="poster", width=360), full_page=True)
    context.close()
