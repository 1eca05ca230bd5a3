"""End to end in real headless Chromium with a fake microphone: the office records a lesson's
Vietnamese audio on the authoring page (elapsed time and size shown, listened back), uploads it
with the reader's name, publishes, and a villager's lesson page offers it with "Giọng đọc"."""

from pathlib import Path

import pytest
from helpers import identify_in_browser, page_html
from playwright.sync_api import expect

from models import Lesson

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

READER = "Cô Nguyễn Thị Hoa"


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "MEDIA_UPLOAD_DIR", str(folder))
    return folder


def test_a_lesson_recorded_on_a_phone_is_heard_with_its_readers_name(
    app, content, staff, live_server, recording_phone, phone, upload_dir
):
    page = recording_phone
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "admin.xa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/staff/content/topic/an-toan/edit")

    section = page.locator("#ghi-am-vi")
    expect(section.locator("[data-tools]")).to_be_visible()  # the recorder replaced nothing: added
    expect(section.locator("input[type=file]")).to_be_visible()  # the fallback stays
    section.locator("[data-rec=start]").click()
    status = section.locator("[data-status]")
    page.wait_for_function(
        "el => /Đang ghi 0:0[2-9]/.test(el.textContent)", arg=status.element_handle()
    )  # about two seconds recorded
    section.locator("[data-rec=stop]").click()
    page.wait_for_function("el => el.hasAttribute('data-bytes')", arg=status.element_handle())
    shown = status.inner_text()
    assert shown.startswith("Đã ghi 0:0") and "dung lượng" in shown and shown.endswith(" KB")
    recorded = int(status.get_attribute("data-bytes"))
    assert recorded > 1000
    player = section.locator("audio[data-playback]")
    expect(player).to_be_visible()
    page.wait_for_function("a => a.readyState >= 1", arg=player.element_handle())  # playable

    section.locator("button[type=submit]").click()
    page.wait_for_function(
        "el => el.textContent.startsWith('Chưa tải lên được:')", arg=status.element_handle()
    )  # no name yet: refused, in Vietnamese, and nothing stored
    assert "Nhập tên người đọc." in status.inner_text()
    assert not upload_dir.exists() or not list(upload_dir.iterdir())
    section.locator("#reader-vi").fill(READER)
    section.locator("button[type=submit]").click()
    page.wait_for_function(
        "el => el.textContent.startsWith('Đã lưu vào bản nháp')", arg=status.element_handle()
    )
    path = page.locator("#audio-vi").input_value()
    assert path.startswith("uploads/") and path.endswith(".webm")
    assert (upload_dir / path.removeprefix("uploads/")).stat().st_size == recorded
    assert f"Giọng đọc: {READER}" in section.locator("[data-current]").inner_text()

    page.locator("button:text('Xuất bản')").first.click()
    assert "Đã xuất bản" in page_html(page)
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.audio == {"vi": path}
        assert lesson.audio_credits["vi"]["by"] == READER
    assert violations == []

    phone.goto(f"{live_server}/lessons/an-toan")
    identify_in_browser(phone, "Hà Văn Sơn")
    if "/identify" in phone.url:  # no poster: the village is asked too
        phone.select_option("#unit_id", str(staff.village))
        phone.click("button[type=submit]")
    link = phone.locator("a[data-audio][hreflang=vi]")
    assert link.get_attribute("href") == f"/{path}"
    assert "Nghe tiếng Việt" in link.inner_text()
    assert f"Giọng đọc: {READER}" in link.inner_text()
