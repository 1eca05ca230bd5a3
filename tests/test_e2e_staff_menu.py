"""End to end in real headless Chromium: the staff menu, grouped, on a 360 px phone and a
1280 px screen — every label on one line (none breaks mid-word) and inside the screen; the
dashboard's charts in the page's sans-serif face. Screenshots go to the test's folder."""

import pytest

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

# For each menu link: how many line boxes it takes, and whether it stays inside the window.
# (The screen's width is passed in: a mobile Chromium's innerWidth grows with a too-wide page.)
MENU_LINES = """(screen) => Array.from(document.querySelectorAll('nav.staff a, nav.staff button'))
  .map(el => ({text: el.innerText, lines: el.getClientRects().length,
               inside: el.getBoundingClientRect().right <= screen + 0.5}))"""


CHART_FONTS = """() => Array.from(document.querySelectorAll('main svg'))
  .map(svg => svg.getAttribute('font-family'))"""


def _log_in(page, live_server, staff):
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "admin.xa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_no_menu_label_breaks_and_the_groups_are_named(
    request, app, live_server, staff, screen, tmp_path
):
    page = request.getfixturevalue(screen)
    _log_in(page, live_server, staff)
    for path in ("/staff/", "/staff/indicators/"):
        page.goto(f"{live_server}{path}")
        links = page.evaluate(MENU_LINES, page.viewport_size["width"])
        assert len(links) >= 18  # the admin sees every group
        broken = [link for link in links if link["lines"] != 1 or not link["inside"]]
        assert broken == [], broken
        titles = page.locator("nav.staff .menu-title").all_inner_texts()
        assert titles[:3] == ["Công việc", "Theo dõi, báo cáo", "Quản trị"]
        page.screenshot(path=str(tmp_path / f"menu-{screen}{path.replace('/', '-')}.png"),
                        full_page=True)  # fmt: skip
    fonts = page.evaluate(CHART_FONTS)
    assert fonts and all(font.startswith("Noto Sans") for font in fonts), fonts
