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
def _playwright():
    """One Playwright per worker (it cannot run twice in a thread) for every Chromium."""
    with sync_playwright() as playwright:
        yield playwright


def _chromium() -> str:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium must be installed (scripts/system-packages.sh does it)"
    return executable


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


# A microphone that needs no one to allow it and plays a beep: Chromium's own fake device.
FAKE_MICROPHONE_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="session")
def microphone_browser(_playwright):
    """A second Chromium whose microphone is fake (for the lesson recorder); the other tests'
    browser keeps no media devices."""
    browser = _playwright.chromium.launch(
        executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS + FAKE_MICROPHONE_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def recording_phone(microphone_browser):
    """A staff member's phone with a (fake) microphone it may use."""
    context = microphone_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    context.grant_permissions(["microphone"])
    page = context.new_page()
    yield page
    context.close()


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
