"""The audit log as people read it: Vietnamese action names and facts, local time, who did it
and on what, filterable by person, action and date, exportable; every action the code records
has a name, and data-changing command-line actions are recorded too."""

import datetime as dt
import html as html_lib
import io
import re
from pathlib import Path

import pytest
from audit_scan import recorded_calls
from openpyxl import load_workbook

import database
from extensions import db
from models import AuditEvent
from services.common import vocabulary
from services.org import audit

pytest_plugins = ["staff_fixtures"]

ROOT = Path(__file__).resolve().parent.parent


def test_every_recorded_action_and_fact_has_a_vietnamese_name():
    calls = list(recorded_calls())
    assert len(calls) > 30  # the scan finds the calls
    unnamed = [(str(f), a) for f, a, _k in calls if a not in vocabulary.AUDIT_ACTION_LABELS]
    assert unnamed == []
    keys = {k for _f, _a, found in calls for k in found} - {"ip"}
    assert sorted(keys - set(vocabulary.AUDIT_DETAIL_LABELS)) == []


def _event(app, action, target, when, staff_id=None, ip="10.0.0.1", **detail):
    with app.app_context():
        event = AuditEvent(
            staff_id=staff_id, action=action, target=target, detail=detail, ip=ip, created_at=when
        )
        db.session.add(event)
        database.commit()


@pytest.fixture
def logged(app, staff):
    # 2026-06-04 17:30 UTC is 05/06/2026 00:30 in Vietnam (UTC+7).
    _event(app, "staff_changed", "co.hoa", dt.datetime(2026, 6, 4, 17, 30), staff.admin,
           role="teacher", active=False)  # fmt: skip
    _event(app, "person_deleted", "participant 12", dt.datetime(2026, 5, 1, 2, 0), staff.admin,
           attempts=3, visits=7)  # fmt: skip
    _event(app, "poster_created", "topic:vneid", dt.datetime(2026, 6, 10, 3, 0), None, "cli",
           code="HVT-AB12")  # fmt: skip
    return staff


def _page(client, **args) -> str:
    """The log's table as text (the filter form above it names every action)."""
    response = client.get("/staff/admin/audit", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = html[html.index("<table>") : html.index("</table>")]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", table))


def test_the_log_reads_in_vietnamese_with_local_time_and_no_code_words(logged, staff_client):
    html = _page(staff_client("admin"))
    assert "Sửa tài khoản cán bộ" in html and "Xóa dữ liệu của một người" in html
    assert "05/06/2026 00:30" in html  # local time, not 04/06 17:30 UTC
    assert "Vai trò: Giáo viên; Còn hoạt động: không" in html
    assert "Người tham gia số 12" in html and "Lượt làm bài: 3" in html
    assert "Bài học vneid" in html and "Quản trị máy chủ (dòng lệnh)" in html
    assert "Phòng VH-XH" in html  # who, by name
    for code_word in ("staff_changed", "person_deleted", "participant 12", "topic:", "role",
                      "UTC", "teacher", " cli "):  # fmt: skip
        assert code_word not in html, code_word


def test_filters_by_person_action_and_local_day(logged, staff_client):
    admin = staff_client("admin")
    only_cli = _page(admin, staff="cli")
    assert "Tạo áp phích" in only_cli and "Sửa tài khoản cán bộ" not in only_cli
    by_admin = _page(admin, staff=str(logged.admin), action="person_deleted")
    assert "Xóa dữ liệu của một người" in by_admin and "Sửa tài khoản cán bộ" not in by_admin
    june_5 = _page(admin, **{"from": "05/06/2026", "to": "05/06/2026"})
    assert "Sửa tài khoản cán bộ" in june_5  # 00:30 on 5 June in Vietnam
    assert "Xóa dữ liệu của một người" not in june_5 and "Tạo áp phích" not in june_5
    assert "Không có thao tác nào" in _page(admin, **{"from": "2026-07-01", "to": "2026-07-31"})


@pytest.mark.parametrize(
    "args",
    [{"from": "31/02/2026"}, {"to": "hôm qua"}, {"from": "06/06/2026", "to": "05/06/2026"},
     {"action": "drop_table"}, {"staff": "abc"}],
)  # fmt: skip
def test_bad_filters_are_a_vietnamese_400(logged, staff_client, args):
    response = staff_client("admin").get("/staff/admin/audit", query_string=args)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_export_has_the_same_words_and_is_itself_recorded(app, logged, staff_client):
    admin = staff_client("admin")
    response = admin.get(
        "/staff/admin/audit.xlsx", query_string={"staff": str(logged.admin), "to": "30/06/2026"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Thời gian", "Người làm", "Thao tác"]
    assert [row[2] for row in rows[1:]] == ["Sửa tài khoản cán bộ", "Xóa dữ liệu của một người"]
    assert rows[1][0] == "05/06/2026 00:30"
    csv_text = admin.get("/staff/admin/audit.csv").data.decode("utf-8-sig")
    assert "Tạo áp phích" in csv_text and "poster_created" not in csv_text
    with app.app_context():
        assert AuditEvent.query.filter_by(action="audit_exported").count() == 2


def test_command_line_actions_that_change_data_are_recorded(app, content, places):
    runner = app.test_cli_runner()
    with app.app_context():
        village = places["village"]
    assert runner.invoke(args=["settings", "set", "commune_name", "xã Mẫu Sơn"]).exit_code == 0
    made = runner.invoke(args=["posters", "create", "--lesson", "an-toan", "--unit", str(village)])
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["targets", "seed"]).exit_code == 0
    with app.app_context():
        events = AuditEvent.query.order_by(AuditEvent.id).all()
        assert [e.action for e in events] == [
            "settings_changed",
            "poster_created",
            "targets_seeded",
        ]
        assert all(e.staff_id is None and e.ip == audit.COMMAND_LINE for e in events)
        with app.test_request_context():
            line = audit.readable(events[0], "Asia/Ho_Chi_Minh")
        assert line.action == "Sửa cài đặt" and "Tên xã: xã Mẫu Sơn" in line.detail
