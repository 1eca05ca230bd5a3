"""Dates for people follow the configured time zone, not the server's clock: near midnight UTC
the file names already carry the next day in Vietnam."""

import datetime as dt

from blueprints.common import dates

pytest_plugins = ["staff_fixtures"]

LATE_UTC = dt.datetime(2026, 6, 5, 18, 30)  # 01:30 on 6 June in Asia/Ho_Chi_Minh


def test_local_today_is_the_day_in_the_configured_zone(app, monkeypatch):
    monkeypatch.setattr(dates, "utcnow", lambda: LATE_UTC)
    with app.app_context():
        assert dates.local_today() == dt.date(2026, 6, 6)
        monkeypatch.setitem(app.config, "TIMEZONE", "UTC")
        assert dates.local_today() == dt.date(2026, 6, 5)


def test_report_file_name_carries_the_date_in_vietnam(staff, staff_client, monkeypatch):
    monkeypatch.setattr(dates, "utcnow", lambda: LATE_UTC)
    response = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/report.xlsx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert f"bao-cao-{staff.class_a}-2026-06-06.xlsx" in disposition, disposition


def test_survey_export_file_name_carries_the_date_in_vietnam(
    staff, staff_client, surveys, monkeypatch
):
    monkeypatch.setattr(dates, "utcnow", lambda: LATE_UTC)
    response = staff_client("admin").get("/staff/surveys/y-kien/export.csv")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "khao-sat-y-kien-2026-06-06.csv" in response.headers["Content-Disposition"]
