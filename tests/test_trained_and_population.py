"""Issue 14 item 5: a "trained" target counts only the quizzes it names; one population rule
everywhere; shares printed with Vietnamese decimal commas."""

import datetime as dt
import secrets

from conftest import csrf_token
from sqlalchemy import update

import database
from extensions import db
from models import Attempt, Participant, Quiz, Target, Unit
from services.common.periods import Period
from services.participation.attempts import Submission, submit_attempt
from services.participation.identity import NewIdentity, create_participant
from services.reporting import indicators
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
        Submission(participant, version, answers, secrets.token_hex(16), None)
    )
    assert row.passed
    db.session.execute(update(Attempt).where(Attempt.id == row.id).values(submitted_at=MARCH_2028))


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
