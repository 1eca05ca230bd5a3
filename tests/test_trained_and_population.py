"""Issue 14 item 5: a "trained" target counts only the quizzes it names; one population rule
everywhere; shares printed with Vietnamese decimal commas."""

import datetime as dt
import re
import secrets

import pytest
from conftest import csrf_token
from helpers import pdf_text
from test_half_year import _save_report

import database
from extensions import db
from models import Participant, Quiz, Target, Unit
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import vn_share
from services.org import populations
from services.org.units import create_unit
from services.participation.attempts import Submission, record_visit, submit_attempt
from services.participation.identity import NewIdentity, create_participant
from services.render import charts
from services.reporting import half_year, indicators
from services.reporting.targets import TRAINED_STAFF, seed_plan_targets

pytest_plugins = ["staff_fixtures"]

TZ = "Asia/Ho_Chi_Minh"
MARCH_2028 = dt.datetime(2028, 3, 1, 3, 0)
H1_2028 = Period(dt.date(2027, 12, 6), dt.date(2028, 6, 5), TZ)


def person(name: str, role: str, unit_id: int) -> Participant:
    participant, _token = create_participant(
        NewIdentity(name, role, unit_id, "30-44", False), "test-consent"
    )
    return participant


def passes(participant: Participant, slug: str) -> None:
    """Every answer of the quiz right, submitted in March 2028."""
    version = Quiz.query.filter_by(slug=slug).one().current_version
    answers = {}
    for question in version.questions:
        key = question["answer"]
        if question["type"] == "true_false":
            answers[question["id"]] = [str(bool(key)).lower()]
        else:
            answers[question["id"]] = list(key if isinstance(key, list) else [key])
    row, _created = submit_attempt(
        Submission(participant, version, answers, secrets.token_hex(16), None, MARCH_2028)
    )
    assert row.passed


def staff_target() -> Target:
    return Target.query.filter_by(indicator="trained", year=2028).one()


def staff_progress() -> indicators.TargetProgress:
    return indicators.target_progress(staff_target(), H1_2028, None, dt.date(2028, 4, 1))


# --- 1. trained counts only the quizzes the target names -----------------------------------------


def test_seeded_staff_target_names_no_quiz(ctx):
    seed_plan_targets()
    target = staff_target()
    assert (target.description, target.quiz_ids) == (TRAINED_STAFF, [])


def test_a_general_quiz_never_trains_for_the_staff_target_until_the_admin_names_a_quiz(
    app, content, staff, staff_client
):
    with app.app_context():
        seed_plan_targets()
        agency = Unit.query.filter_by(name="UBND xã").one().id
        # 'gioi-han' is the general quiz marked as training for officials.
        passes(person("Chỉ đạt bài chung", "official", agency), "gioi-han")
        database.commit()
        progress = staff_progress()
        assert progress.status == "no_quiz" and progress.actual is None
        target_id = staff_target().id
        course_id = Quiz.query.filter_by(slug="an-toan").one().id
    admin = staff_client("admin")
    page = admin.get("/staff/indicators/?period=2028-H1").get_data(as_text=True)
    assert "chưa chọn bài kiểm tra" in page

    form = admin.get(f"/staff/admin/targets/{target_id}").get_data(as_text=True)
    assert f'value="{course_id}"' in form  # the admin picks among the commune's quizzes
    data = {
        "csrf_token": csrf_token(form),
        "indicator": "trained",
        "year": "2028",
        "roles": ["official"],
        "quiz_ids": [str(course_id)],
        "target_percent": "100",
        "description": TRAINED_STAFF,
    }
    assert admin.post(f"/staff/admin/targets/{target_id}", data=data).status_code == 303

    with app.app_context():
        assert staff_target().quiz_ids == [course_id]
        assert staff_progress().numerator == 0  # the general pass still does not count
        passes(person("Đạt khóa của cán bộ truyền thông", "official", agency), "an-toan")
        database.commit()
        progress = staff_progress()
        assert (progress.numerator, progress.status) == (1, "behind")
    page = admin.get("/staff/indicators/?period=2028-H1").get_data(as_text=True)
    assert "chưa chọn bài kiểm tra" not in page


# --- 2. one population rule on every page ---------------------------------------------------------

MARCH_2026 = dt.datetime(2026, 3, 10, 3, 0)


def _school_of_two_classes(places) -> int:
    """A school with no declared population and classes of 30 and 40."""
    commune = db.session.get(Unit, places["commune"])
    school = create_unit("school", "Trường Tiểu học", commune)
    create_unit("class", "Lớp 1A", school, target_population=30)
    create_unit("class", "Lớp 1B", school, target_population=40)
    database.commit()
    return school.id


def _dashboard_population(page: str, name: str) -> str:
    match = re.search(rf'<td class="depth-\d">{name}</td><td class="n">(\d+)</td>', page)
    assert match, name
    return match.group(1)


def test_the_population_rule_is_the_same_on_every_page(app, content, staff, staff_client):
    with app.app_context():
        school = _school_of_two_classes({"commune": staff.commune})
        named = periods.parse("2026-H1")
        units = {u["name"]: u for u in half_year.compute(named, TZ, dt.date(2026, 6, 5))["units"]}
    admin = staff_client("admin")
    page = admin.get("/staff/indicators/?period=2026-H1").get_data(as_text=True)
    assert "dân số mục tiêu đơn vị đã khai báo" in page  # the rule, stated once
    report = admin.get(f"/staff/units/{school}/report").get_data(as_text=True)
    commune_report = admin.get(f"/staff/units/{staff.commune}/report").get_data(as_text=True)
    # No declared population: the sum of the children's (30 + 40).
    assert _dashboard_population(page, "Trường Tiểu học") == "70"
    assert units["Trường Tiểu học"]["population"] == 70
    assert "Số người cần tiếp cận: 70 " in report
    # A declared population (the commune's 1000) is the one used, not its children's sum.
    assert _dashboard_population(page, "Xã Hoàng Văn Thụ") == "1000"
    assert units["Xã Hoàng Văn Thụ"]["population"] == 1000
    assert "Số người cần tiếp cận: 1000 " in commune_report


def test_population_rule_on_a_partial_tree():
    rows = [(1, None, None), (2, 1, 30), (3, 1, None), (4, 3, 5), (5, 3, 6), (6, 1, 0)]
    assert populations.populations(rows) == {1: 41, 2: 30, 3: 11, 4: 5, 5: 6, 6: 0}
    assert populations.population(None, []) == 0
    assert populations.population(12, [30, 40]) == 12


# --- 3. shares with decimal commas, one rule ------------------------------------------------------


@pytest.mark.parametrize(
    "part, whole, text",
    [
        (1, 250, "0,4%"),
        (1, 40, "2,5%"),
        (5, 100, "5%"),
        (0, 7, "0%"),
        (1, 10_000, "<0,1%"),
        (1, 8, "13%"),
        (1, 3, "33%"),
        (99, 100, "99%"),
        (998, 1000, "99,8%"),
        (99_999, 100_000, "99,9%"),
        (7, 7, "100%"),
        (3, 0, "—"),
    ],
)
def test_vn_share(part, whole, text):
    assert vn_share(part, whole) == text


def test_chart_labels_use_the_share_rule():
    svg = str(charts.progress_bars([("Thôn A", 0.004, 80), ("Thôn B", 1 / 3, 80)]))
    assert "0,4%" in svg and "33%" in svg and "33.3" not in svg


def _one_in_three(app, staff) -> int:
    """A unit of 3 declared people, one of whom opened a lesson in March 2026."""
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        enterprise = create_unit("enterprise", "HTX Nà Pàn", commune, target_population=3)
        agency = Unit.query.filter_by(name="UBND xã").one().id
        seen = person("Xã viên", "worker", enterprise.id)
        official = person("Cán bộ xã", "official", agency)
        lesson = Quiz.query.filter_by(slug="an-toan").one().lesson
        for who in (seen, official):
            record_visit(who, lesson, None, visited_at=MARCH_2026)
            db.session.flush()
        seed_plan_targets()
        database.commit()
        return enterprise.id


def test_dashboard_shares_and_gap_in_people(app, content, staff, staff_client):
    _one_in_three(app, staff)
    page = staff_client("admin").get("/staff/indicators/?period=2026-H1").get_data(as_text=True)
    assert "1 (33%)" in page  # the co-operative: 1 of 3
    assert "1/40 (2,5%)" in page  # officials reached, the 2025 target of 100%
    assert "còn thiếu 39 người" in page
    assert "33.3%" not in page and "2.5%" not in page


def test_half_year_pdf_and_unit_report_use_the_share_rule(app, content, staff, staff_client):
    unit_id = _one_in_three(app, staff)
    client = staff_client("admin")
    report_id = int(_save_report(client).rstrip("/").rsplit("/", 1)[-1])
    text = " ".join(pdf_text(client.get(f"/staff/half-year/{report_id}.pdf").data).split())
    assert "33%" in text and "33,3%" not in text
    assert "1/40 (2,5%)" in text
    with app.app_context():
        passes(person("Người làm bài", "worker", unit_id), "an-toan")
        database.commit()
    report = client.get(f"/staff/units/{unit_id}/report").get_data(as_text=True)
    assert "tỉ lệ đạt 100%," in report and '<td class="n">0%</td>' in report
