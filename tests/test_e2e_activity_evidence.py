"""End to end in real headless Chromium: a village officer files an activity with a photo,
edits it, attaches the minutes, and sees the evidence counted. Screenshots at 1280 and 360 px
(/tmp/activities-shots/)."""

import io
import re
from pathlib import Path

import pytest
from helpers import fits_width, page_html
from PIL import Image
from playwright.sync_api import expect

from extensions import db
from models import Activity

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

SHOTS = Path("/tmp/activities-shots")
MINUTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(folder))
    return folder


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (1200, 900), (40, 120, 60))
    image.paste((230, 200, 40), (200, 150, 1000, 750))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/staff/$"))


def test_an_officer_files_with_a_photo_edits_and_sees_the_evidence_count(
    app, live_server, desk, phone, staff, evidence_dir, tmp_path
):
    SHOTS.mkdir(exist_ok=True)
    page = desk
    _log_in(page, live_server, "truong.thon", staff.password)
    page.goto(f"{live_server}/staff/activities/")
    page.select_option("#kind", label="Hội nghị, tọa đàm")
    page.fill("#title", "Hội nghị thôn về Bình dân học vụ số")
    page.fill("#people_reached", "85")
    page.set_input_files("#evidence", str(_photo(tmp_path / "hoi-nghi.jpg")))
    page.click("button:text-is('Lưu hoạt động')")
    page.wait_for_load_state("load")
    listed = page_html(page)
    assert "Đã ghi nhận hoạt động." in listed
    assert "1 ảnh" in listed
    thumb = page.locator("td img.thumb").first
    thumb.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", thumb.element_handle())
    page.screenshot(path=str(SHOTS / "list-1280.png"), full_page=True)

    page.click("td >> text=Sửa")
    page.fill("#people_reached", "120")
    page.click("button:text-is('Lưu thay đổi')")
    page.wait_for_load_state("load")
    assert "Đã lưu thay đổi của hoạt động." in page_html(page)
    page.select_option("#evidence_kind", label="Biên bản")
    minutes = tmp_path / "bien-ban.pdf"
    minutes.write_bytes(MINUTES)
    page.set_input_files("#evidence", str(minutes))
    page.click("button:text-is('Đính kèm')")
    page.wait_for_load_state("load")
    edited = page_html(page)
    assert "Đã đính kèm minh chứng." in edited
    assert "1 ảnh, 1 biên bản" in edited
    assert "bien-ban.pdf" in edited
    page.screenshot(path=str(SHOTS / "edit-1280.png"), full_page=True)
    with app.app_context():
        activity = Activity.query.one()
        assert activity.people_reached == 120
        assert sorted(e.kind for e in activity.evidence) == ["minutes", "photo"]
        activity_id = activity.id
        db.session.remove()

    # Above the village's 300 people: refused in the page, the figure kept.
    page.fill("#people_reached", "1250")
    page.click("button:text-is('Lưu thay đổi')")
    page.wait_for_load_state("load")
    assert "lớn hơn dân số của Thôn Nà Pàn (300 người)" in page_html(page)

    _log_in(phone, live_server, "truong.thon", staff.password)
    phone.goto(f"{live_server}/staff/activities/{activity_id}/edit")
    assert fits_width(phone)
    phone.screenshot(path=str(SHOTS / "edit-360.png"), full_page=True)
    phone.goto(f"{live_server}/staff/activities/?period=2025-H1")
    phone.goto(f"{live_server}/staff/activities/")
    assert fits_width(phone)
    phone.screenshot(path=str(SHOTS / "list-360.png"), full_page=True)
