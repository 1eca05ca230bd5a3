"""Units file their communication activities; the office sees who has and has not filed."""

import datetime as dt
import re
import unicodedata
from html import unescape

import pytest
from conftest import csrf_token
from sqlalchemy import update

import database
from extensions import db
from models import Activity, AuditEvent, Unit
from models.base import utcnow
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vietnamese import local_date
from services.org.units import create_unit
from services.reporting import activities

pytest_plugins = ["staff_fixtures"]

PAGE = "/staff/activities/"
# A day of 2025-H1 (6 Dec 2024 – 5 Jun 2025): in the past, so its deadline has passed.
PAST_DAY = dt.date(2025, 3, 10)


def _today(app) -> dt.date:
    return local_date(utcnow(), app.config["TIMEZONE"])


def _form(client, unit: int, **fields) -> dict:
    """A valid filing, as the browser sends it, with `fields` overriding."""
    page = client.get(PAGE)
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "unit_id": str(unit),
        "kind": "loudspeaker",
        "held_on": PAST_DAY.isoformat(),
        "title": "Phát thanh về Nghị quyết 57 trên loa thôn",
        "count": "12",
        "people_reached": "250",
        "notes": "Phát vào buổi sáng\nthứ hai và thứ năm",
        "link": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def _unit_options(html: str) -> dict[str, str]:
    """The unit select's options (value → label), without the empty one."""
    select = re.search(r'<select id="unit_id" name="unit_id">(.*?)</select>', html, re.S)
    assert select, "page has no unit select"
    return {
        value: unescape(label)
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    }


def _count(app, model=Activity, **filters) -> int:
    with app.app_context():
        return model.query.filter_by(**filters).count()


def _file(app, unit_id: int, held_on=PAST_DAY, kind="article", count=1, people=0, title="Bài"):
    """An activity filed directly through the service (committed)."""
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        activity = activities.file_activity(
            unit,
            kind=kind,
            held_on=held_on,
            title=title,
            count=count,
            people_reached=people,
            today=_today(app),
        )
        database.commit()
        return activity.id


# --- filing ---------------------------------------------------------------------------------


def test_an_officer_files_an_activity_and_it_is_audited(app, staff, staff_client):
    client = staff_client("officer")
    page = client.get(PAGE).get_data(as_text=True)
    for label in (
        "Bài viết trên trang thông tin điện tử xã",
        "Bài đăng Zalo/Facebook",
        "Phát thanh trên hệ thống loa",
        "Hội nghị, tọa đàm",
        "Lớp tập huấn",
        "Cuộc thi",
        "Khác",
    ):
        assert label in page
    # Only the officer's own village is offered (no commune above it, no class, no agency).
    assert _unit_options(page) == {str(staff.village): "Thôn Nà Pàn (Thôn)"}
    decomposed = unicodedata.normalize("NFD", "Phát thanh về Nghị quyết 57")  # as a Mac sends
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    data = _form(client, staff.village, title=f"  {decomposed}\t ", link="https://xa.gov.vn/a?b=1")
    response = client.post(PAGE, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/activities/?period=2025-H1")
    with app.app_context():
        activity = Activity.query.one()
        assert activity.unit_id == staff.village
        assert activity.kind == "loudspeaker"
        assert activity.held_on == PAST_DAY
        assert activity.title == "Phát thanh về Nghị quyết 57"  # NFC, trimmed
        assert (activity.count, activity.people_reached) == (12, 250)
        assert activity.notes == "Phát vào buổi sáng\nthứ hai và thứ năm"
        assert activity.link == "https://xa.gov.vn/a?b=1"
        assert activity.filed_by_id == staff.officer
        event = AuditEvent.query.filter_by(action="activity_filed").one()
        assert event.staff_id == staff.officer
        assert event.target == "Phát thanh về Nghị quyết 57"
        assert event.detail["unit_id"] == staff.village
        assert event.detail["activity_id"] == activity.id
    listed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi nhận hoạt động." in listed
    assert "Phát thanh về Nghị quyết 57" in listed and "10/03/2025" in listed


def test_the_admin_files_for_any_unit_but_not_for_a_class(app, staff, staff_client):
    client = staff_client("admin")
    options = set(_unit_options(client.get(PAGE).get_data(as_text=True)).values())
    assert options == {
        "Xã Hoàng Văn Thụ (Xã)",
        "Thôn Nà Pàn (Thôn)",
        "UBND xã (Cơ quan)",
        "Trường THCS (Trường)",
    }  # never a class
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    meeting = _form(client, agency, kind="meeting", people_reached=30)  # UBND xã has 40 staff
    assert client.post(PAGE, data=meeting).status_code == 303
    refused = client.post(PAGE, data=_form(client, staff.class_a))
    assert refused.status_code == 400
    assert "Lớp học không báo cáo hoạt động truyền thông" in refused.get_data(as_text=True)
    assert _count(app) == 1
    assert _count(app, AuditEvent, action="activity_filed") == 1


BAD_INPUT = [
    ("held_on", "future", "Ngày thực hiện không được sau hôm nay."),
    ("held_on", "2023-12-31", "Ngày thực hiện phải từ năm 2024 trở đi."),
    ("held_on", "", "Nhập ngày thực hiện."),
    ("held_on", "31/02/2025", "Ngày không hợp lệ"),
    ("held_on", "2025-02-30", "Ngày không hợp lệ"),
    ("title", "", "Nhập tiêu đề."),
    ("title", " \u200b\t ", "Nhập tiêu đề."),
    ("title", "x" * 301, "Tiêu đề dài quá 300 ký tự."),
    ("people_reached", "-1", "Số người được tiếp cận không được là số âm."),
    ("people_reached", "", "Nhập số người được tiếp cận"),
    ("people_reached", "99999999999", "Nhập một số nguyên"),
    ("count", "0", "Số lượng ít nhất là 1."),
    ("count", "-3", "Số lượng ít nhất là 1."),
    ("count", "mười", "Nhập một số nguyên"),
    ("link", "javascript:alert(1)", "Đường dẫn phải bắt đầu bằng http:// hoặc https://."),
    ("link", "JavaScript:alert(document.cookie)", "Đường dẫn phải bắt đầu bằng http://"),
    ("link", "data:text/html,<script>alert(1)</script>", "Đường dẫn phải bắt đầu bằng http://"),
    ("link", "ftp://xa.gov.vn/file", "Đường dẫn phải bắt đầu bằng http://"),
    ("link", "https://", "Đường dẫn phải bắt đầu bằng http://"),
    ("link", "xa.gov.vn/tin-tuc", "Đường dẫn phải bắt đầu bằng http://"),
    ("kind", "podcast", "Chọn hình thức trong danh sách."),
    ("kind", "", "Chọn hình thức trong danh sách."),
    ("unit_id", "", "Chọn đơn vị."),
    ("unit_id", "987654", "Chọn đơn vị."),
    ("unit_id", "abc", "Chọn đơn vị."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(
    app, staff, staff_client, field, value, message
):
    client = staff_client("officer")
    if value == "future":
        value = (_today(app) + dt.timedelta(days=2)).isoformat()
    response = client.post(PAGE, data=_form(client, staff.village, **{field: value}))
    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert message in body
    assert "Chưa lưu" in body
    assert "Traceback" not in body
    assert _count(app) == 0
    assert _count(app, AuditEvent, action="activity_filed") == 0


def test_a_refused_form_keeps_what_was_typed(staff, staff_client):
    client = staff_client("officer")
    data = _form(client, staff.village, title="Hội nghị thôn", count="0", people_reached="40")
    body = client.post(PAGE, data=data).get_data(as_text=True)
    assert 'value="Hội nghị thôn"' in body and 'value="40"' in body


def test_a_unit_outside_the_officers_subtree_is_forbidden(app, staff, staff_client):
    client = staff_client("officer")
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    for unit_id in (agency, staff.commune, staff.class_a):
        assert client.post(PAGE, data=_form(client, unit_id)).status_code == 403
    assert _count(app) == 0


def test_teachers_may_not_file_or_see_activities(staff, staff_client):
    client = staff_client("teacher_a")
    assert client.get(PAGE).status_code == 403
    data = {"csrf_token": csrf_token(client.get("/staff/").get_data(as_text=True))}
    assert client.post(PAGE, data={**data, "unit_id": str(staff.class_a)}).status_code == 403
    assert client.get("/staff/activities/status").status_code == 403


def test_a_bad_period_is_refused(staff_client):
    client = staff_client("admin")
    for key in ("2026-H3", "2026", "abc", "2026-h1x"):
        response = client.get(f"{PAGE}?period={key}")
        assert response.status_code == 400
        assert "Kỳ báo cáo không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/staff/activities/status?period=H1").status_code == 400
    assert client.get(f"{PAGE}?period=0001-H1").status_code == 400  # before year 1
    # The edge of the calendar is refused or answered, never a crash.
    for url in (f"{PAGE}?period=9999-H2", "/staff/activities/status?period=9999-H2"):
        assert client.get(url).status_code in (200, 400)


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_period_newest_first_and_only_visible_units(app, staff, staff_client):
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    _file(app, staff.village, dt.date(2025, 1, 5), title="Thôn: bài cũ")
    _file(app, staff.village, dt.date(2025, 5, 20), title="Thôn: bài mới")
    _file(app, agency, dt.date(2025, 4, 1), title="UBND: hội nghị")
    _file(app, staff.village, dt.date(2025, 6, 6), title="Thôn: kỳ sau")  # 2025-H2
    officer = staff_client("officer").get(f"{PAGE}?period=2025-H1").get_data(as_text=True)
    assert "Thôn: bài mới" in officer and "Thôn: bài cũ" in officer
    assert officer.index("Thôn: bài mới") < officer.index("Thôn: bài cũ")
    assert "UBND: hội nghị" not in officer and "Thôn: kỳ sau" not in officer
    admin = staff_client("admin").get(f"{PAGE}?period=2025-H1").get_data(as_text=True)
    assert "UBND: hội nghị" in admin and "Thôn: bài mới" in admin
    assert admin.index("Thôn: bài mới") < admin.index("UBND: hội nghị")
    assert admin.index("UBND: hội nghị") < admin.index("Thôn: bài cũ")
    later = staff_client("admin").get(f"{PAGE}?period=2025-H2").get_data(as_text=True)
    assert "Thôn: kỳ sau" in later and "Thôn: bài mới" not in later
    # By default: the current half-year window (nothing filed in it yet).
    current = staff_client("admin").get(PAGE).get_data(as_text=True)
    assert periods.containing(_today(app)).key in current
    assert "Chưa có hoạt động nào trong kỳ này." in current


def test_activities_for_scopes_by_unit_and_period(app, staff):
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    mine = _file(app, staff.village, dt.date(2025, 6, 5))
    _file(app, agency, dt.date(2025, 6, 5))
    _file(app, staff.village, dt.date(2025, 6, 6))
    h1 = periods.half_year(2025, 1)
    with app.app_context():
        assert [a.id for a in activities.activities_for({staff.village}, h1.start, h1.end)] == [
            mine
        ]
        assert len(activities.activities_for(None, h1.start, h1.end)) == 2
        assert activities.activities_for(set(), h1.start, h1.end) == []


def test_the_title_and_notes_are_escaped(app, staff, staff_client):
    client = staff_client("officer")
    data = _form(
        client,
        staff.village,
        title='<script>alert("x")</script>',
        notes="<img src=x onerror=alert(1)>",
        link='https://xa.gov.vn/"><script>alert(2)</script>',
    )
    assert client.post(PAGE, data=data).status_code == 303
    body = client.get(f"{PAGE}?period=2025-H1").get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert 'href="https://xa.gov.vn/&#34;&gt;&lt;script&gt;' in body


# --- deleting -------------------------------------------------------------------------------


def _delete(client, activity_id: int):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(f"/staff/activities/{activity_id}/delete", data={"csrf_token": token})


def test_the_units_officer_deletes_a_wrong_entry_and_it_is_audited(app, staff, staff_client):
    activity_id = _file(app, staff.village, title="Nhập nhầm")
    response = _delete(staff_client("officer"), activity_id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("?period=2025-H1")
    assert _count(app) == 0
    with app.app_context():
        event = AuditEvent.query.filter_by(action="activity_deleted").one()
        assert (event.staff_id, event.target) == (staff.officer, "Nhập nhầm")
        assert event.detail["unit_id"] == staff.village


def test_another_units_officer_and_teachers_cannot_delete(app, staff, staff_client):
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    theirs = _file(app, agency, title="Của UBND")
    assert _delete(staff_client("officer"), theirs).status_code == 403
    for teacher in ("teacher_a", "teacher_b"):
        client = staff_client(teacher)
        token = csrf_token(client.get("/staff/").get_data(as_text=True))
        response = client.post(f"/staff/activities/{theirs}/delete", data={"csrf_token": token})
        assert response.status_code == 403
    assert _delete(staff_client("admin"), 987654).status_code == 404
    assert _count(app) == 1
    assert _count(app, AuditEvent, action="activity_deleted") == 0
    assert _delete(staff_client("admin"), theirs).status_code == 303
    assert _count(app) == 0
    assert _count(app, AuditEvent, action="activity_deleted") == 1


def test_delete_needs_the_csrf_token(app, staff, staff_client):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    assert client.post(f"/staff/activities/{activity_id}/delete").status_code == 400
    assert _count(app) == 1


# --- who has filed --------------------------------------------------------------------------


def _status_rows(html: str) -> dict[int, str]:
    return {
        int(unit): status
        for unit, status in re.findall(r'data-unit="(\d+)" data-status="(\w+)"', html)
    }


def test_the_status_page_shows_who_filed_and_that_the_deadline_passed(app, staff, staff_client):
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
        enterprise = create_unit(
            "enterprise", "Công ty Chè Lạng Sơn", db.session.get(Unit, staff.commune)
        ).id
        database.commit()
    on_time = _file(app, staff.village, dt.date(2025, 5, 1), people=80)
    _file(app, staff.village, dt.date(2025, 5, 2), people=20)
    _file(app, agency, dt.date(2025, 6, 5))  # the deadline day, filed now: late
    with app.app_context():
        db.session.execute(
            update(Activity)
            .where(Activity.unit_id == staff.village)
            .values(filed_at=dt.datetime(2025, 5, 2, 3, 0))
        )
        db.session.execute(
            update(Activity)
            .where(Activity.id == on_time)
            .values(filed_at=dt.datetime(2025, 5, 1, 2))
        )
        database.commit()
    client = staff_client("admin")
    body = client.get("/staff/activities/status?period=2025-H1").get_data(as_text=True)
    assert "Đã quá hạn báo cáo (ngày 05/06/2025)." in body
    rows = _status_rows(body)
    # Every village, agency, school and enterprise; never the commune or a class.
    assert rows == {
        staff.village: "filed",
        agency: "late",
        staff.school: "overdue",
        enterprise: "overdue",
    }
    assert "Đã báo cáo" in body and "Báo cáo sau hạn" in body and "Quá hạn, chưa báo cáo" in body
    assert "02/05/2025" in body  # the village's last filing
    assert "2/4 đơn vị đã báo cáo." in body

    with app.app_context():
        listed = {r.unit_id: r for r in activities.filing_status(periods.half_year(2025, 1))}
        village = listed[staff.village]
        assert (village.activities, village.people_reached, village.filed) == (2, 100, True)
        assert village.last_filed_on == dt.date(2025, 5, 2)
        assert village.deadline == dt.date(2025, 6, 5) and village.deadline_passed
        assert not listed[staff.school].filed and listed[staff.school].last_filed_on is None


def test_the_current_period_is_not_yet_overdue(app, staff, staff_client):
    today = _today(app)
    _file(app, staff.village, today)
    body = staff_client("admin").get("/staff/activities/status").get_data(as_text=True)
    current = periods.containing(today)
    assert f"Hạn báo cáo: ngày {current.end.strftime('%d/%m/%Y')}." in body
    rows = _status_rows(body)
    assert rows[staff.village] == "filed"
    assert rows[staff.school] == "pending"
    assert "Quá hạn" not in body


def test_the_deadline_passes_the_day_after_the_period_ends():
    h1 = periods.half_year(2026, 1)
    assert h1.end == dt.date(2026, 6, 5)
    assert not activities.deadline_passed(h1, dt.date(2026, 6, 5))
    assert activities.deadline_passed(h1, dt.date(2026, 6, 6))
    h2 = periods.half_year(2026, 2)
    assert h2.end == dt.date(2026, 12, 5)
    assert not activities.deadline_passed(h2, dt.date(2026, 12, 5))


# --- totals for the half-year report ---------------------------------------------------------


def test_totals_by_kind_sums_counts_and_people_in_the_database(app, staff):
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    _file(app, staff.village, dt.date(2024, 12, 6), "loudspeaker", count=12, people=300)
    _file(app, staff.village, dt.date(2025, 6, 5), "loudspeaker", count=8, people=200)
    _file(app, staff.village, dt.date(2025, 2, 1), "meeting", count=1, people=45)
    _file(app, agency, dt.date(2025, 3, 3), "meeting", count=2, people=40)
    _file(app, agency, dt.date(2025, 3, 4), "article", count=3, people=0)
    _file(app, staff.village, dt.date(2024, 12, 5), "loudspeaker", count=99, people=299)  # before
    _file(app, staff.village, dt.date(2025, 6, 6), "article", count=99, people=299)  # after
    h1 = periods.half_year(2025, 1)
    with app.app_context():
        assert activities.totals_by_kind(None, h1.start, h1.end) == {
            "loudspeaker": (20, 500),
            "meeting": (3, 85),
            "article": (3, 0),
        }
        assert activities.totals_by_kind([staff.village], h1.start, h1.end) == {
            "loudspeaker": (20, 500),
            "meeting": (1, 45),
        }
        assert activities.totals_by_kind({agency}, h1.start, h1.end) == {
            "meeting": (2, 40),
            "article": (3, 0),
        }
        assert activities.totals_by_kind([], h1.start, h1.end) == {}
        totals = activities.totals_by_kind(None, h1.start, h1.end)
        assert all(isinstance(n, int) for pair in totals.values() for n in pair)


def test_the_service_refuses_invalid_activities_without_adding_anything(app, staff):
    today = dt.date(2026, 6, 1)
    with app.app_context():
        village = db.session.get(Unit, staff.village)
        klass = db.session.get(Unit, staff.class_a)
        with pytest.raises(InvalidInput) as caught:
            activities.file_activity(
                klass,
                kind="radio",
                held_on=dt.date(2026, 6, 2),
                title="  ",
                count=0,
                people_reached=-5,
                link="javascript:alert(1)",
                today=today,
            )
        assert caught.value.errors == {
            "unit_id": "class",
            "kind": "unknown",
            "held_on": "future",
            "title": "required",
            "count": "too_small",
            "people_reached": "negative",
            "link": "scheme",
        }
        activities.file_activity(village, kind="other", held_on=today, title="Hôm nay", today=today)
        assert Activity.query.count() == 1
        db.session.rollback()
