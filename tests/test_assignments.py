"""Work a teacher gives a class: a lesson (its quiz) or a survey with a due date; the class
page counts who has done it and names who has not (overdue after the date); the pupils' home
page shows their class's work; teachers only for their own classes; every change audited."""

import datetime as dt

import pytest
from helpers import ALL_RIGHT, take_quiz
from sqlalchemy import event

import database
from extensions import db
from models import Assignment, AuditEvent, Lesson, Participant, Survey, SurveyResponse
from models.base import utcnow
from services.common.vietnamese import local_date

pytest_plugins = ["staff_fixtures"]


@pytest.fixture
def pupil(app, staff, identify):
    """pupil(name) → a test client that joined class 7A through /c/<code> as `name`."""

    def join(name: str, code: str | None = None):
        client = app.test_client()
        assert client.get(f"/c/{code or staff.class_a_code}").status_code == 302
        identify(client, name=name, age="16-29")
        return client

    return join


def item_value(app, kind: str, slug: str) -> str:
    with app.app_context():
        model = Lesson if kind == "lesson" else Survey
        return f"{kind}:{model.query.filter_by(slug=slug).one().id}"


def give(client, staff_token, unit_id: int, item: str, due: str):
    page = client.get(f"/staff/units/{unit_id}/assignments/new")
    assert page.status_code == 200, page.status_code
    return client.post(
        f"/staff/units/{unit_id}/assignments/new",
        data={"csrf_token": staff_token(client), "item": item, "due_on": due},
    )


def class_page(client, unit_id: int) -> str:
    response = client.get(f"/staff/units/{unit_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def future() -> str:
    return (local_date(utcnow(), "Asia/Ho_Chi_Minh") + dt.timedelta(days=7)).strftime("%d/%m/%Y")


def test_a_teacher_gives_a_lesson_and_sees_who_has_done_it(
    app, content, staff, staff_client, staff_token, pupil
):
    lan = pupil("Vi Thị Lan")
    pupil("Nông Văn Tú")
    take_quiz(lan, ALL_RIGHT, "an-toan")
    teacher = staff_client("teacher_a")
    response = give(
        teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), future()
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/units/{staff.class_a}")
    html = class_page(teacher, staff.class_a)
    assert "Việc đã giao" in html
    assert "An toàn trên mạng" in html and f"Hạn {future()}" in html
    assert "1/2 đã làm" in html
    assert "Chưa làm: Nông Văn Tú" in html
    assert "quá hạn" not in html
    with app.app_context():
        event = AuditEvent.query.filter_by(action="assignment_created").one()
        assert event.detail["due_on"] == future()
        assert event.target == "Lớp 7A"


def test_after_the_due_date_the_missing_ones_are_overdue(
    app, content, staff, staff_client, staff_token, pupil
):
    pupil("Nông Văn Tú")
    teacher = staff_client("teacher_a")
    give(teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), future())
    with app.app_context():
        Assignment.query.one().due_on = dt.date(2026, 1, 5)
        database.commit()
    html = class_page(teacher, staff.class_a)
    assert "quá hạn" in html and "Nông Văn Tú" in html
    assert "0/1 đã làm" in html


def test_a_survey_is_done_once_answered(
    app, content, surveys, staff, staff_client, staff_token, pupil
):
    pupil("Vi Thị Lan")
    pupil("Nông Văn Tú")
    teacher = staff_client("teacher_a")
    response = give(
        teacher, staff_token, staff.class_a, item_value(app, "survey", "y-kien"), "05/01/2027"
    )
    assert response.status_code == 303
    html = class_page(teacher, staff.class_a)
    assert "Ý kiến về Nghị quyết 57" in html and "Hạn 05/01/2027" in html
    assert "0/2 đã làm" in html
    with app.app_context():
        survey = Survey.query.filter_by(slug="y-kien").one()
        lan = Participant.query.filter_by(display_name="Vi Thị Lan").one()
        db.session.add(
            SurveyResponse(
                survey_id=survey.id,
                survey_version_id=survey.current_version.id,
                participant_id=lan.id,
                respondent_key=f"p{lan.id}",
                unit_id=lan.unit_id,
                submission_token="t",
                submitted_on=dt.date(2026, 12, 3),
            )
        )
        database.commit()
    html = class_page(teacher, staff.class_a)
    assert "1/2 đã làm" in html and "Chưa làm: Nông Văn Tú" in html


def test_the_form_lists_no_anonymous_survey(app, content, surveys, staff, staff_client):
    html = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/assignments/new")
    text = html.get_data(as_text=True)
    assert "Ý kiến về Nghị quyết 57" in text
    with app.app_context():
        anonymous = Survey.query.filter_by(slug="an-danh").one()
        assert anonymous.title not in text


@pytest.mark.parametrize("due", ["31/02/2027", "mai", ""])
def test_a_bad_due_date_is_a_400_in_vietnamese(app, content, staff, staff_client, staff_token, due):
    teacher = staff_client("teacher_a")
    response = give(teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), due)
    assert response.status_code == 400
    assert "ngày/tháng/năm" in response.get_data(as_text=True)
    with app.app_context():
        assert Assignment.query.count() == 0


def test_an_unknown_item_is_a_400(app, content, staff, staff_client, staff_token):
    teacher = staff_client("teacher_a")
    for item in ("lesson:987654", "quiz:1", "lesson:x"):
        response = give(teacher, staff_token, staff.class_a, item, future())
        assert response.status_code == 400, item
    with app.app_context():
        assert Assignment.query.count() == 0


def test_only_the_classs_teachers_and_admins_give_work(
    app, content, staff, staff_client, staff_token
):
    item = item_value(app, "lesson", "an-toan")
    for who, status in (("teacher_b", 403), ("officer", 403), ("admin", 303)):
        client = staff_client(who)
        response = client.post(
            f"/staff/units/{staff.class_a}/assignments/new",
            data={"csrf_token": staff_token(client), "item": item, "due_on": future()},
        )
        assert response.status_code == status, who
    with app.app_context():
        assert Assignment.query.count() == 1


def test_deleting_work_is_audited_and_refused_to_other_teachers(
    app, content, staff, staff_client, staff_token
):
    teacher = staff_client("teacher_a")
    give(teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), future())
    with app.app_context():
        assignment_id = Assignment.query.one().id
    url = f"/staff/units/{staff.class_a}/assignments/{assignment_id}/delete"
    other = staff_client("teacher_b")
    assert other.post(url, data={"csrf_token": staff_token(other)}).status_code == 403
    # Another class's id under this class: not found.
    wrong = f"/staff/units/{staff.class_b}/assignments/{assignment_id}/delete"
    admin = staff_client("admin")
    assert admin.post(wrong, data={"csrf_token": staff_token(admin)}).status_code == 404
    response = teacher.post(url, data={"csrf_token": staff_token(teacher)})
    assert response.status_code == 303
    with app.app_context():
        assert Assignment.query.count() == 0
        event = AuditEvent.query.filter_by(action="assignment_deleted").one()
        assert event.detail["item"] == "An toàn trên mạng"


def test_the_pupils_home_page_shows_their_classs_work(
    app, content, surveys, staff, staff_client, staff_token, pupil
):
    lan = pupil("Vi Thị Lan")
    elsewhere = pupil("Lò Văn Khác", staff.class_b_code)
    teacher = staff_client("teacher_a")
    give(teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), future())
    give(teacher, staff_token, staff.class_a, item_value(app, "survey", "y-kien"), "05/01/2027")
    take_quiz(lan, ALL_RIGHT, "an-toan")
    html = lan.get("/").get_data(as_text=True)
    assert "Việc cô, thầy giao" in html
    work = html.split("Việc cô, thầy giao", 1)[1].split("</section>", 1)[0]
    assert "An toàn trên mạng" in work and f"hạn {future()}" in work and "Đã làm" in work
    assert "Ý kiến về Nghị quyết 57" in work and "hạn 05/01/2027" in work and "Chưa làm" in work
    assert 'href="/lessons/an-toan"' in work
    assert "Việc cô, thầy giao" not in elsewhere.get("/").get_data(as_text=True)


def test_the_class_page_counts_do_not_cost_a_query_per_pupil(
    app, content, staff, staff_client, staff_token, pupil
):
    teacher = staff_client("teacher_a")
    give(teacher, staff_token, staff.class_a, item_value(app, "lesson", "an-toan"), future())
    pupil("Vi Thị Lan")

    def count() -> int:
        with app.app_context():
            engine = db.engine
        n = 0

        def counter(*_args):
            nonlocal n
            n += 1

        event.listen(engine, "before_cursor_execute", counter)
        try:
            class_page(teacher, staff.class_a)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return n

    before = count()
    for name in ("Nông Văn Tú", "Hà Thị Mai", "Chu Văn An"):
        pupil(name)
    assert count() == before
