"""End to end in headless Chromium: pass the quiz, download the certificate, scan its QR code,
open the verification page it leads to."""

import re

import pytest
from helpers import (
    collapsed,
    decode_qr_pdf,
    identify_in_browser,
    page_html,
    pass_quiz_in_browser,
    pdf_fonts,
    pdf_text,
)

from models import Certificate

pytestmark = pytest.mark.e2e

BASE_URL = "https://lantoa.example"
NAME = "Nông Thị Ánh Tuyết"


def test_pass_download_scan_and_verify(app, live_server, phone, make_poster, tmp_path):
    code = make_poster()
    page = phone
    page.goto(f"{live_server}/p/{code}")
    identify_in_browser(page, NAME)
    page.click("text=Làm bài kiểm tra")
    pass_quiz_in_browser(page)
    assert "Chúc mừng, bạn đã đạt!" in page_html(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("giay-chung-nhan-HVT-")
    pdf = tmp_path / "giay-chung-nhan.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert NAME in collapsed(pdf_text(pdf))
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))

    (scanned,) = decode_qr_pdf(pdf)
    match = re.fullmatch(rf"{re.escape(BASE_URL)}/v/([0-9A-Z]{{12}})", scanned)
    assert match, scanned
    verification_code = match.group(1)
    with app.app_context():
        assert Certificate.query.one().verification_code == verification_code

    # The printed URL names the public server; here the same path is opened on the test server.
    page.goto(f"{live_server}/v/{verification_code}")
    body = page.locator("main").inner_text()
    assert "Giấy chứng nhận hợp lệ" in body
    assert NAME in body
    assert "An toàn trên mạng" in body
