"""End to end in real headless Chromium: a teacher uploads the school's class list (title rows,
a merged title, a footer, two pupils named Nguyễn Văn An), sees it in Vietnamese class-list
order with the two An told apart, and a pupil on a phone picks the right An on the join page.
Screenshots at 360 and 1280 px go to /tmp/roster-*.png."""

import re

import pytest
from helpers import page_html
from playwright.sync_api import expect
from test_roster_school_sheets import school_xlsx

from extensions import db
from models import Participant, RosterEntry

pytestmark = pytest.mark.e2e
pytest_plugins = ["staff_fixtures"]

SHOTS = "/tmp/roster-{}.png"  # screenshots looked at by people
# Name and date of birth in the roster table: the two An told apart by the second.
ORDER = [
    ["Nguyễn Văn An", "12/03/2013"],
    ["Nguyễn Văn An", "05/11/2013"],
    ["Phạm Minh Dũng", "20/01/2013"],
    ["Lê Văn Đức", "01/07/2013"],
]


def roster_rows(page) -> list[list[str]]:
    rows = page.locator("table.roster tr").all()[1:]
    return [[r.locator("td.name a").inner_text(), r.locator("td.day").inner_text()] for r in rows]


def test_teacher_uploads_a_school_list_and_a_pupil_picks_the_right_an(
    app, live_server, desk, phone, browser, staff, tmp_path
):
    page = desk
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "co.hoa")
    page.fill("#password", staff.password)
    page.click("button[type=submit]")
    page.click("text=Lớp 7A")
    sheet = tmp_path / "Danh sách lớp 7A.xlsx"
    sheet.write_bytes(school_xlsx())
    page.set_input_files("input[type=file]", str(sheet))
    page.click("button:text-is('Nhập danh sách')")

    assert "Đã nhập 4 học sinh vào danh sách lớp." in page_html(page)
    assert roster_rows(page) == ORDER
    page.locator("table.roster").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS.format("class-1280"), full_page=True)

    narrow = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    staff_phone = narrow.new_page()
    staff_phone.goto(f"{live_server}/staff/login")
    staff_phone.fill("#username", "co.hoa")
    staff_phone.fill("#password", staff.password)
    staff_phone.click("button[type=submit]")
    staff_phone.goto(f"{live_server}/staff/units/{staff.class_a}")
    assert roster_rows(staff_phone) == ORDER
    staff_phone.screenshot(path=SHOTS.format("class-360"), full_page=True)
    staff_phone.locator("table.roster td.name a").nth(1).click()
    assert staff_phone.locator("h1").inner_text() == "Nguyễn Văn An"
    assert staff_phone.input_value("#date_of_birth") == "05/11/2013"
    staff_phone.screenshot(path=SHOTS.format("pupil-360"), full_page=True)
    narrow.close()

    wide = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk_join = wide.new_page()
    desk_join.goto(f"{live_server}/c/{staff.class_a_code}")
    desk_join.screenshot(path=SHOTS.format("join-1280"), full_page=True)
    wide.close()

    pupil = phone
    pupil.goto(f"{live_server}/c/{staff.class_a_code}")
    options = pupil.locator("#roster_entry option").all_inner_texts()
    assert options[1:] == [
        "An N. V. (sinh 12/03)",
        "An N. V. (sinh 05/11)",
        "Dũng P. M.",
        "Đức L. V.",
    ]
    assert "2013" not in page_html(pupil)
    pupil.select_option("#roster_entry", label="An N. V. (sinh 05/11)")
    pupil.fill("#list_number", "3")
    pupil.check("input[name=age_band][value='under16']")
    pupil.check("input[name=guardian_consent]")
    pupil.screenshot(path=SHOTS.format("join-360"), full_page=True)
    pupil.click("button[type=submit]")
    pupil.wait_for_load_state()
    expect(pupil).not_to_have_url(re.compile(".*/identify"))

    with app.app_context():
        person = Participant.query.one()
        entry = RosterEntry.query.filter_by(participant_id=person.id).one()
        assert (entry.name, entry.list_number) == ("Nguyễn Văn An", 3)
        assert entry.date_of_birth.isoformat() == "2013-11-05"
        assert db.session.get(Participant, person.id).display_name == "Nguyễn Văn An"

    wide = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    other = wide.new_page()
    other.goto(f"{live_server}/c/{staff.class_a_code}")
    assert other.locator("#roster_entry option").all_inner_texts()[1:] == [
        "An N. V.",
        "Dũng P. M.",
        "Đức L. V.",
    ]
    wide.close()

    page.reload()
    assert roster_rows(page) == ORDER
    assert page.locator("table.roster").inner_text().count("Đã vào lớp") == 1
