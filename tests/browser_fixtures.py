"""A live server for the app and a real headless Chromium (Debian's) driven by Playwright.

Safe under pytest-xdist: each worker starts its own Chromium and serves on a free port of its own
(port 0). Every test using these fixtures must be marked `e2e` (conftest checks it)."""

import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium must be installed (scripts/system-packages.sh does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360 px wide Android phone, as a villager's."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        user_agent=(
            "Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 Zalo android/12"
        ),
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk(browser):
    """An office or staff-room computer: a 1280 px wide screen, downloads kept."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()
