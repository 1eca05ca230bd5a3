"""Editing a filed activity: the filing rules and scope, audited with what changed, and
nothing changes once a saved half-year report holds its period."""

import datetime as dt
from html import unescape

import pytest
from conftest import csrf_token

import database
from extensions import db
from models import Activity, AuditEvent, Unit
from services.common import periods
from services.reporting import activities, half_year

pytest_plugins = ["staff_fixtures"]

DAY = dt.date(2025, 3, 10)  # 2025-H1


def _file(app, unit_id: int, title="Hội nghị thôn", people=40) -> int:
    with app.app_context():
        activity = activities.file_activity(
            db.session.get(Unit, unit_id), kind="meeting", held_on=DAY, title=title,
            people_reached=people, today=dt.date(2026, 1, 1),
        )  # fmt: skip
        database.commit()
        return activity.id


def _edit_form(client, activity_id: int, **fields) -> dict:
    page = client.get(f"/staff/activities/{activity_id}/edit")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "unit_id": fields.pop("unit_id"),
        "kind": "meeting",
        "held_on": DAY.isoformat(),
        "title": "Hội nghị thôn",
        "count": "1",
        "people_reached": "40",
        "notes": "",
        "link": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def _freeze(app, period_key="2025-H1") -> None:
    """The office saves the period's report: its figures are frozen."""
    with app.app_context():
        named = periods.parse(period_key)
        edits = half_year.ReportEdits(
            number="12/BC-UBND", report_date=named.end, results_text="", difficulties="",
            proposals="", signer_capacity="chairman", signer_name="", recipients="",
        )  # fmt: skip
        half_year.create_report(named, edits, None, "Asia/Ho_Chi_Minh", named.end)
        database.commit()


def test_the_officer_edits_their_activity_and_the_change_is_audited(app, staff, staff_client):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    page = client.get(f"/staff/activities/{activity_id}/edit").get_data(as_text=True)
    assert 'value="Hội nghị thôn"' in page and 'value="10/03/2025"' in page
    data = _edit_form(client, activity_id, unit_id=staff.village, people_reached=120,
                      title="Hội nghị thôn mở rộng")  # fmt: skip
    response = client.post(f"/staff/activities/{activity_id}/edit", data=data)
    assert response.status_code == 303
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        assert (activity.title, activity.people_reached) == ("Hội nghị thôn mở rộng", 120)
        event = AuditEvent.query.filter_by(action="activity_changed").one()
        assert event.staff_id == staff.officer
        assert event.detail["changes"] == {
            "title": ["Hội nghị thôn", "Hội nghị thôn mở rộng"],
            "people_reached": [40, 120],
        }
    log = staff_client("admin").get("/staff/admin/audit").get_data(as_text=True)
    assert "Sửa hoạt động tuyên truyền" in unescape(log)
    assert "Số người được tiếp cận: 40 → 120" in unescape(log)


def test_an_edit_is_held_to_the_population_and_keeps_what_was_typed(app, staff, staff_client):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    data = _edit_form(client, activity_id, unit_id=staff.village, people_reached=1250)
    response = client.post(f"/staff/activities/{activity_id}/edit", data=data)
    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert "Số người được tiếp cận (1.250) lớn hơn dân số của Thôn Nà Pàn (300 người)" in body
    assert 'value="1250"' in body
    with app.app_context():
        assert db.session.get(Activity, activity_id).people_reached == 40
        assert AuditEvent.query.filter_by(action="activity_changed").count() == 0


def test_another_units_officer_may_not_edit_and_may_not_move_one_out(app, staff, staff_client):
    agency = _file(app, _unit_id(app, "agency"), title="Của UBND", people=10)
    client = staff_client("officer")
    assert client.get(f"/staff/activities/{agency}/edit").status_code == 403
    token = csrf_token(client.get("/staff/activities/").get_data(as_text=True))
    refused = client.post(
        f"/staff/activities/{agency}/edit",
        data={"csrf_token": token, "unit_id": staff.village, "title": "Của tôi"},
    )
    assert refused.status_code == 403
    mine = _file(app, staff.village)
    data = _edit_form(client, mine, unit_id=_unit_id(app, "agency"))
    assert client.post(f"/staff/activities/{mine}/edit", data=data).status_code == 403
    assert staff_client("teacher_a").get(f"/staff/activities/{mine}/edit").status_code == 403
    assert staff_client("admin").get(f"/staff/activities/{agency}/edit").status_code == 200
    assert staff_client("admin").get("/staff/activities/987654/edit").status_code == 404
    with app.app_context():
        assert db.session.get(Activity, agency).title == "Của UBND"
        assert db.session.get(Activity, mine).unit_id == staff.village


def _unit_id(app, kind: str) -> int:
    with app.app_context():
        return Unit.query.filter_by(kind=kind).one().id


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_a_frozen_period_refuses_edits_and_deletion(app, staff, staff_client, who):
    activity_id = _file(app, staff.village)
    _freeze(app)
    client = staff_client(who)
    page = unescape(client.get(f"/staff/activities/{activity_id}/edit").get_data(as_text=True))
    assert "đã có báo cáo số 12/BC-UBND" in page and "6 tháng đầu năm 2025" in page
    data = _edit_form(client, activity_id, unit_id=staff.village, people_reached=41)
    refused = client.post(f"/staff/activities/{activity_id}/edit", data=data)
    assert refused.status_code == 409
    assert "đã có báo cáo số 12/BC-UBND" in unescape(refused.get_data(as_text=True))
    token = csrf_token(client.get("/staff/activities/").get_data(as_text=True))
    gone = client.post(f"/staff/activities/{activity_id}/delete", data={"csrf_token": token})
    assert gone.status_code == 409
    assert "không sửa, xóa hoặc thay minh chứng" in unescape(gone.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Activity, activity_id).people_reached == 40
        assert AuditEvent.query.filter_by(action="activity_deleted").count() == 0


def test_an_activity_cannot_be_moved_into_a_frozen_period(app, staff, staff_client):
    activity_id = _file(app, staff.village)  # 2025-H1, not frozen
    _freeze(app, "2025-H2")
    client = staff_client("officer")
    data = _edit_form(client, activity_id, unit_id=staff.village, held_on="2025-07-01")
    assert client.post(f"/staff/activities/{activity_id}/edit", data=data).status_code == 409
    with app.app_context():
        assert db.session.get(Activity, activity_id).held_on == DAY
