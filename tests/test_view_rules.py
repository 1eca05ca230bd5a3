"""Rules moved out of views: half-year reports and their annex, targets, staff accounts and
identities (services.reporting.half_year, half_year_annex, targets; services.org.staff;
services.participation.identity)."""

import datetime as dt

import pytest

from extensions import db
from models import HalfYearReport, StaffUser, Target, Unit
from services.common import periods
from services.common.errors import InvalidInput
from services.org import staff as staff_service
from services.participation import identity
from services.reporting import half_year, half_year_annex, targets

pytest_plugins = ["staff_fixtures"]
TZ = "Asia/Ho_Chi_Minh"
PASSWORD = "mat-khau-du-dai-cho-can-bo-2026"  # refused before it is ever hashed
TODAY = dt.date(2026, 7, 10)


def _edits(**changes) -> half_year.ReportEdits:
    values = {
        "number": "  125/BC-UBND \n",
        "report_date": TODAY,
        "results_text": " Tốt. ",
        "difficulties": "",
        "proposals": "",
        "signer_capacity": "chairman",
        "signer_name": " Nguyễn  Văn A ",
        "recipients": "- Lưu: VT.\n",
    }
    return half_year.ReportEdits(**{**values, **changes})


def test_an_unknown_period_is_invalid_input():
    with pytest.raises(InvalidInput) as caught:
        half_year.report_period("2026-H9")
    assert caught.value.errors == {"period_key": "unknown_period"}
    assert half_year.report_period("2026-H1").key == "2026-H1"


def test_a_report_is_created_tidied_and_frozen(staff, ctx):
    named = periods.parse("2026-H1")
    report = half_year.create_report(named, _edits(), staff.admin, TZ, TODAY)
    assert db.session.get(HalfYearReport, report.id) is report
    assert report.number == "125/BC-UBND" and report.signer_name == "Nguyễn Văn A"
    assert report.results_text == "Tốt." and report.recipients == "- Lưu: VT."
    assert report.snapshot["period"]["key"] == "2026-H1"
    assert report.snapshot["computed_at"] == TODAY.isoformat()
    assert {u["name"] for u in report.snapshot["units"]} >= {"Thôn Nà Pàn"}


def test_an_edit_keeps_the_figures_unless_refreshed(staff, ctx):
    report = half_year.create_report(periods.parse("2026-H1"), _edits(), staff.admin, TZ, TODAY)
    later = TODAY + dt.timedelta(days=5)
    half_year.update_report(report, _edits(number="126/BC-UBND"), False, TZ, later)
    assert report.number == "126/BC-UBND"
    assert report.snapshot["computed_at"] == TODAY.isoformat()
    half_year.update_report(report, _edits(), True, TZ, later)
    assert report.snapshot["computed_at"] == later.isoformat()


def test_the_annex_lays_out_three_sheets_from_the_snapshot():
    snap = {
        "units": [
            {
                "name": "Thôn A",
                "kind": "village",
                "depth": 1,
                "population": 10,
                "reached": 5,
                "reached_percent": 50.0,
                "trained": 1,
                "trained_percent": 10.0,
            }
        ],
        "targets": [
            {
                "description": "80% người dân",
                "year": 2026,
                "target_percent": 80,
                "numerator": 5,
                "denominator": 10,
                "actual_percent": 50.0,
            }
        ],
        "activities": [
            {"kind": "meeting", "count": 2, "people_reached": 40},
            {"kind": "new-kind", "count": 1, "people_reached": 3},
        ],
    }
    units, goals, done = half_year_annex.sheets(snap)
    assert units.rows == [["  Thôn A", "Thôn", 10, 5, 50.0, 1, 10.0]]
    assert goals.rows == [["80% người dân", 2026, 80, 5, 10, 50.0]]
    # An unknown kind reads "Khác"; a snapshot saved before evidence was counted leaves its
    # evidence columns empty (not 0: nobody counted them).
    assert done.rows == [["Hội nghị, tọa đàm", 2, 40, None, None], ["Khác", 1, 3, None, None]]
    assert half_year_annex.xlsx(snap)[:2] == b"PK"  # a zip: an XLSX workbook


def test_a_target_is_added_and_changed(ctx):
    data = targets.TargetInput("reached", 2027, ("villager",), 70, "  Người  dân tiếp cận ")
    target = targets.add(data)
    db.session.flush()
    assert Target.query.one() is target
    assert target.description == "Người dân tiếp cận" and target.roles == ["villager"]
    targets.change(target, targets.TargetInput("trained", 2028, (), 90, "Tập huấn"))
    assert (target.indicator, target.year, target.roles) == ("trained", 2028, [])
    assert (target.target_percent, target.description) == (90, "Tập huấn")


def test_staff_home_units_are_never_classes(staff, places, ctx):
    options = staff_service.home_unit_options()
    assert places["class"] not in {u.id for u in options}
    assert places["village"] in {u.id for u in options}
    assert staff_service.home_unit(places["class"]) is None
    assert staff_service.home_unit(places["village"]).id == places["village"]
    assert staff_service.home_unit(None) is None
    given = staff_service.classes_by_id([places["class"], places["village"]])
    assert [c.id for c in given] == [places["class"]]
    assert all(c.kind == "class" for c in staff_service.class_options())


@pytest.mark.parametrize(
    ("username", "role", "unit", "field", "code"),
    [
        ("X", "teacher", None, "username", "invalid"),
        ("admin.xa", "teacher", None, "username", "taken"),
        ("moi.nguoi", "boss", None, "role", "unknown"),
        ("moi.nguoi", "officer", None, "unit_id", "officer_needs_unit"),
    ],
)
def test_bad_staff_input_is_invalid_input(staff, ctx, username, role, unit, field, code):
    with pytest.raises(InvalidInput) as caught:
        staff_service.create_staff(username, "Tên", PASSWORD, role, unit)
    assert caught.value.errors == {field: code}


def test_a_change_applies_the_role_rules(staff, places, ctx):
    admin = db.session.get(StaffUser, staff.admin)
    teacher = db.session.get(StaffUser, staff.teacher_a)
    village = db.session.get(Unit, places["village"])
    change = staff_service.StaffChange(" Cô Hoa ", "officer", None, (), True)
    with pytest.raises(InvalidInput) as caught:
        staff_service.change_staff(admin, teacher, change)
    assert caught.value.errors == {"unit_id": "officer_needs_unit"}
    staff_service.change_staff(admin, teacher, staff_service.StaffChange(
        " Cô Hoa ", "officer", village, (), True
    ))  # fmt: skip
    assert (teacher.role, teacher.unit, teacher.display_name) == ("officer", village, "Cô Hoa")
    staff_service.change_staff(admin, teacher, staff_service.StaffChange(
        "Cô Hoa", "teacher", village, (), False
    ))  # fmt: skip
    assert teacher.unit is None and not teacher.active


@pytest.mark.parametrize(("role", "active"), [("teacher", True), ("admin", False)])
def test_an_admin_cannot_lock_themselves_out(staff, ctx, role, active):
    admin = db.session.get(StaffUser, staff.admin)
    with pytest.raises(staff_service.SelfLockout):
        staff_service.change_staff(
            admin, admin, staff_service.StaffChange("Phòng", role, None, (), active)
        )
    assert admin.role == "admin" and admin.active


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"display_name": "  "}, "display_name", "empty"),
        ({"display_name": "a" * 61}, "display_name", "too_long"),
        ({"role": "king"}, "role", "unknown"),
        ({"age_band": "200"}, "age_band", "unknown"),
        ({"unit_id": 999999}, "unit_id", "unknown"),
        ({"age_band": "under16", "guardian_consent": False}, "guardian_consent", "required"),
    ],
)
def test_bad_identity_is_invalid_input(ctx, changes, field, code):
    values = {
        "display_name": "Hoa",
        "role": "villager",
        "unit_id": None,
        "age_band": "30-44",
        "guardian_consent": False,
    }
    with pytest.raises(InvalidInput) as caught:
        identity.create_participant(identity.NewIdentity(**{**values, **changes}), "v1")
    assert caught.value.errors == {field: code}
