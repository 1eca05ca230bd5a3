"""In real Chromium at 360 px: tap targets of at least 44×44 CSS px, lesson audio that downloads
only when tapped, and data-saver images that load in place on tap (or open as a link without
JavaScript)."""

import re

import pytest
from helpers import fits_width, record_lesson_audio
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MIN_TAP = 44
# Buttons, links styled as buttons, answer rows, the language switch and the other controls.
TAP_TARGETS = (
    "button, .btn, label.opt, .lang a, .brand, a.ph, a[data-audio], .card > a:first-child, "
    "input[type=text], input[type=number], select, textarea"
)


def small_targets(page) -> list[dict]:
    """Visible tap targets smaller than 44×44 CSS px (getBoundingClientRect)."""
    return page.evaluate(
        """([selector, min]) => [...document.querySelectorAll(selector)]
            .map(el => ({el, box: el.getBoundingClientRect()}))
            .filter(({box}) => box.width > 0 && box.height > 0)
            .filter(({box}) => box.width < min - 0.5 || box.height < min - 0.5)
            .map(({el, box}) => ({
                html: el.outerHTML.slice(0, 120), width: box.width, height: box.height}))""",
        [TAP_TARGETS, MIN_TAP],
    )


def count_targets(page) -> int:
    return page.evaluate("s => document.querySelectorAll(s).length", TAP_TARGETS)


def _identify(page):
    page.set_default_timeout(10_000)
    page.fill("#display_name", "Hoàng Văn Pấu")
    if not page.locator("#unit_id").input_value():  # no poster chose the village
        page.select_option("#unit_id", index=1)
    page.check("input[name=role][value=villager]")
    page.check("input[name=age_band][value='45-59']")
    page.click("button[type=submit]")


def test_tap_targets_are_at_least_44px_at_360px(app, live_server, phone, make_poster, surveys):
    record_lesson_audio(app)
    page = phone
    assert page.viewport_size["width"] == 360
    checked, small = {}, {}

    def measure(name):
        page.wait_for_load_state("load")  # a click's navigation may still be under way
        checked[name] = count_targets(page)
        found = small_targets(page)
        if found:
            small[name] = found

    page.goto(f"{live_server}/p/{make_poster()}")
    measure("identify")
    _identify(page)
    page.wait_for_url("**/lessons/**")
    measure("lesson")
    with page.expect_navigation():
        page.click("text=Bật tiết kiệm dữ liệu")
    measure("lesson, data saver")
    with page.expect_navigation():
        page.click("text=Làm bài kiểm tra")
    measure("quiz")
    page.check("input[name=q_otp][value=a]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_dau_hieu][value=b]")
    page.check("input[name=q_cap_nhat][value=true]")
    page.check("input[name=q_ung_dung][value=a]")
    with page.expect_navigation():
        page.click("button[type=submit]")
    measure("result")
    page.goto(f"{live_server}/")
    measure("home")
    page.goto(f"{live_server}/surveys/y-kien")
    measure("survey")

    assert small == {}
    # Every page had targets to measure: the switch, the answer rows, the buttons…
    assert all(n >= 4 for n in checked.values()), checked
    assert checked["quiz"] >= 10 + 2 and checked["lesson"] >= 3 + 2


def test_audio_downloads_only_when_tapped_and_plays_in_place(
    app, live_server, phone, content, places
):
    record_lesson_audio(app)
    page = phone
    audio_requests = []
    page.on("request", lambda r: audio_requests.append(r.url) if ".ogg" in r.url else None)
    page.goto(f"{live_server}/identify?next=/lessons/an-toan")
    _identify(page)
    listen = page.get_by_role("link", name="Nghe tiếng Tày")
    assert "KB)" in listen.inner_text()
    page.wait_for_load_state("networkidle")
    expect(page.locator("audio")).to_have_count(0)
    assert audio_requests == []

    with page.expect_request(lambda r: r.url.endswith("/media/an-toan-tay.ogg")):
        listen.click()
    player = page.locator("a[hreflang=tyz] + audio")
    assert player.get_attribute("preload") == "none"
    assert player.evaluate("a => a.controls")
    expect(page).to_have_url(re.compile(".*/lessons/an-toan$"))  # played in place, no navigation
    expect(page.locator("audio")).to_have_count(1)
    assert all(url.endswith("/media/an-toan-tay.ogg") for url in audio_requests)

    listen.click()  # a second tap reuses the same player
    expect(page.locator("audio")).to_have_count(1)


def test_audio_without_javascript_is_a_link_to_the_file(app, browser, live_server, content, places):
    record_lesson_audio(app)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(f"{live_server}/identify?next=/lessons/an-toan")
    _identify(page)
    link = page.get_by_role("link", name="Nghe tiếng Việt")
    assert link.get_attribute("href") == "/media/an-toan-vi.ogg"
    response = page.request.get(f"{live_server}/media/an-toan-vi.ogg")
    assert response.ok and response.headers["content-type"].startswith("audio/ogg")
    expect(page.locator("audio")).to_have_count(0)
    context.close()


def test_data_saver_image_loads_in_place_on_tap(live_server, phone, content, places):
    page = phone
    image_requests = []
    page.on("request", lambda r: image_requests.append(r.url) if "otp.png" in r.url else None)
    page.goto(f"{live_server}/data-saver/on")
    page.goto(f"{live_server}/identify?next=/lessons/an-toan")
    _identify(page)
    placeholder = page.locator("article a.ph")
    assert placeholder.inner_text() == "Ảnh 1 KB — bấm để xem: Ảnh minh họa"
    page.wait_for_load_state("networkidle")
    expect(page.locator("article img")).to_have_count(0)
    assert image_requests == []

    placeholder.click()
    image = page.locator("article img")
    image.wait_for()
    assert image.get_attribute("alt") == "Ảnh minh họa"
    page.wait_for_function("() => document.querySelector('article img').complete")
    assert image.evaluate("img => img.naturalWidth") > 0
    expect(page).to_have_url(re.compile(".*/lessons/an-toan$"))
    assert any(url.endswith("/media/otp.png") for url in image_requests)

    # The choice is remembered on the device (a cookie) and undone from the footer.
    page.reload()
    expect(page.locator("article a.ph")).to_have_count(1)
    page.click("text=Tắt tiết kiệm dữ liệu")
    expect(page.locator("article img")).to_have_count(1)


def test_data_saver_without_javascript_links_to_the_image(browser, live_server, content, places):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(f"{live_server}/identify?next=/lessons/an-toan")
    _identify(page)
    page.click("text=Bật tiết kiệm dữ liệu")
    expect(page).to_have_url(re.compile(".*/lessons/an-toan$"))
    expect(page.locator("article img")).to_have_count(0)
    page.click("article a.ph")
    expect(page).to_have_url(re.compile(".*/media/otp.png$"))
    context.close()


def test_small_target_check_can_fail(live_server, phone, content):
    page = phone
    page.goto(f"{live_server}/khong-co-trang-nay")
    assert small_targets(page) == []
    # Styled through the CSSOM: the page's CSP (style-src 'self') refuses a style attribute.
    page.evaluate(
        """() => {
            const link = Object.assign(document.createElement('a'), {href: '/', textContent: 'x'});
            link.className = 'btn';
            Object.assign(link.style, {minHeight: '0', minWidth: '0', padding: '0'});
            document.querySelector('main').append(link);
        }"""
    )
    (found,) = small_targets(page)
    assert found["height"] < MIN_TAP and found["html"].startswith('<a href="/" class="btn"')


def test_text_follows_the_phones_font_size_and_still_fits(app, live_server, phone, make_poster):
    """A phone set to large text raises the root font size (meta text-scale): every size on the
    page is in rem, so the text grows with it and the page still fits 360 px."""
    record_lesson_audio(app)
    page = phone
    page.goto(f"{live_server}/p/{make_poster()}")
    _identify(page)
    for path in ("/lessons/an-toan", "/quizzes/an-toan", "/"):
        page.goto(f"{live_server}{path}")
        normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert large == pytest.approx(2 * normal), path
        assert fits_width(page), path
        assert small_targets(page) == [], path
