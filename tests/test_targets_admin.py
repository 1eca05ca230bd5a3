"""The office edits and adds the plan's targets in the browser."""

from conftest import csrf_token

import database
from extensions import db
from models import AuditEvent, Target
from services.reporting.targets import seed_plan_targets

pytest_plugins = ["staff_fixtures"]


def _seeded(app) -> int:
    with app.app_context():
        seed_plan_targets()
        database.commit()
        return Target.query.filter_by(year=2025).one().id


def test_admin_edits_a_seeded_target_and_the_change_is_audited(app, staff_client):
    target_id = _seeded(app)
    client = staff_client("admin")
    page = client.get(f"/staff/admin/targets/{target_id}").get_data(as_text=True)
    assert "Nghị quyết số 57-NQ/TW" in page
    data = {
        "csrf_token": csrf_token(page),
        "indicator": "reached",
        "year": "2025",
        "roles": ["official"],
        "target_percent": "95",
        "description": "95% cán bộ được tiếp cận",
    }
    assert client.post(f"/staff/admin/targets/{target_id}", data=data).status_code == 303
    with app.app_context():
        target = db.session.get(Target, target_id)
        assert (target.target_percent, target.description) == (95, "95% cán bộ được tiếp cận")
        assert AuditEvent.query.filter_by(action="target_changed").count() == 1
        # Seeding again keeps the office's edit.
        assert seed_plan_targets() == 0
        assert db.session.get(Target, target_id).target_percent == 95


def test_admin_adds_a_target_and_bad_values_are_refused(app, staff_client):
    client = staff_client("admin")
    page = client.get("/staff/admin/targets").get_data(as_text=True)
    base = {"csrf_token": csrf_token(page), "indicator": "trained", "year": "2027"}
    bad = client.post(
        "/staff/admin/targets", data={**base, "target_percent": "150", "description": "x"}
    )
    assert bad.status_code == 400 and "từ 0 đến 100" in bad.get_data(as_text=True)
    good = client.post(
        "/staff/admin/targets",
        data={**base, "roles": ["student"], "target_percent": "60", "description": "Học sinh"},
    )
    assert good.status_code == 303
    with app.app_context():
        target = Target.query.filter_by(year=2027).one()
        assert (target.indicator, target.roles, target.target_percent) == (
            "trained",
            ["student"],
            60,
        )
