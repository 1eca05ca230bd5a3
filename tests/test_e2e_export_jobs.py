"""End to end in real headless Chromium: a big export is queued, the worker makes it, and the
page "Tệp xuất đang chuẩn bị" offers the file, on a 360 px phone and a 1280 px desk."""

from pathlib import Path

import pytest
from helpers import page_html
from test_survey_results import named  # noqa: F401 (the fixture)

pytest_plugins = ["staff_fixtures"]

SHOTS = Path("/tmp/exports-shots")


@pytest.mark.e2e
@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_a_queued_export_is_offered_once_made(
    request,
    app,
    live_server,
    named,  # noqa: F811
    screen,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "EXPORT_JOB_MIN_ROWS", 2)
    page = request.getfixturevalue(screen)
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "admin.xa")
    page.fill("#password", named.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")
    page.goto(f"{live_server}/staff/surveys/y-kien/export.xlsx")
    html = page_html(page)
    assert "Tệp đang được chuẩn bị, tải về tại" in html
    page.screenshot(path=str(SHOTS / f"queued-{screen}.png"), full_page=True)
    page.click("main a[href='/staff/exports/']")
    assert "Đang chờ" in page_html(page)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    page.reload()
    html = page_html(page)
    assert "Đã xong" in html and "khao-sat-y-kien-" in html
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # nothing wider than the screen
    page.screenshot(path=str(SHOTS / f"jobs-{screen}.png"), full_page=True)
    if screen == "desk":
        with page.expect_download() as download:
            page.click("a[href$='/download']")
        assert download.value.suggested_filename.endswith(".xlsx")
