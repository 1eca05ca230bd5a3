"""In real Chromium: the main learner and staff pages keep to the Content Security Policy
(no violation reported, none logged) and carry the security headers."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

# Reports every violation on the console, where the test collects them across navigations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", e => console.error(
  "CSP-VIOLATION " + e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" +
  e.lineNumber));
"""
# Learner pages the same for everyone (the personal ones, results, surveys and the identity
# form, are "private, no-store" by the learn blueprint itself, as before these headers).
SHARED_PAGES = ("/lessons/", "/quizzes/")
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


@pytest.fixture
def watched(browser):
    """A browser page whose CSP violations and answered headers are recorded."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="vi-VN")
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.violations = []
    page.documents = []
    page.on(
        "console",
        lambda m: (
            page.violations.append(m.text)
            if "CSP-VIOLATION" in m.text or "Content Security Policy" in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: page.documents.append(r) if r.request.is_navigation_request() else None,
    )
    yield page
    context.close()


def _settle(page, name, seen):
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => setTimeout(r, 150))")  # late violation events
    seen.append(name)


def test_learner_pages_keep_to_the_policy(app, live_server, watched, make_poster, surveys):
    page, seen = watched, []
    page.goto(f"{live_server}/")
    _settle(page, "home", seen)
    page.goto(f"{live_server}/p/{make_poster()}")
    _settle(page, "identify", seen)
    page.fill("#display_name", "Hoàng Văn Pấu")
    if not page.locator("#unit_id").input_value():
        page.select_option("#unit_id", index=1)
    page.check("input[name=role][value=villager]")
    page.check("input[name=age_band][value='45-59']")
    page.click("button[type=submit]")
    page.wait_for_url("**/lessons/**")
    _settle(page, "lesson", seen)
    with page.expect_navigation():
        page.click("text=Làm bài kiểm tra")
    _settle(page, "quiz", seen)
    page.check("input[name=q_otp][value=a]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_cap_nhat][value=true]")
    page.check("input[name=q_ung_dung][value=a]")
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(".*/results/"))
    _settle(page, "result", seen)
    page.goto(f"{live_server}/surveys/y-kien")
    _settle(page, "survey", seen)

    assert page.violations == []
    _assert_headers(page.documents, staff=False)


def test_staff_pages_keep_to_the_policy(app, live_server, watched, staff):
    page, seen = watched, []
    page.goto(f"{live_server}/staff/login")
    _settle(page, "login", seen)
    page.fill("#username", staff.username("admin"))
    page.fill("#password", staff.password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/staff/")
    _settle(page, "staff home", seen)
    for name, path in (
        ("dashboard", "/staff/indicators/"),
        ("units", "/staff/admin/units/"),
        ("report", f"/staff/units/{staff.class_a}/report"),
    ):
        response = page.goto(f"{live_server}{path}")
        assert response.ok, path
        _settle(page, name, seen)

    assert page.violations == []
    _assert_headers(page.documents, staff=True)


def _assert_headers(documents, staff: bool) -> None:
    pages = [r for r in documents if r.status == 200]
    assert len(pages) >= 5
    for response in pages:
        headers = response.headers
        for name in HEADERS:
            assert name in headers, (response.url, name)
        assert "style-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        stored = "no-store" not in headers.get("cache-control", "")
        if staff:
            assert not stored, response.url
        elif urlsplit(response.url).path == "/" or urlsplit(response.url).path.startswith(
            SHARED_PAGES
        ):
            assert stored, response.url  # the service worker keeps these for offline use
