"""Courses: an ordered set of topics for an audience, checked and loaded from quizzes/, with
the course's own certificate once every quiz of it is passed (issue 15)."""

import datetime as dt
import gzip
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_CONTENT, course_folder
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form, collapsed, pdf_text, quiz_page, take_quiz

import database
from extensions import db
from models import Attempt, Certificate, Course, CourseItem, Quiz, Target
from services.common.periods import Period
from services.content.loader import ContentError, check, load
from services.org import settings as office_settings
from services.participation import certificates
from services.reporting import indicators
from services.reporting import targets as target_service

LIMITED_RIGHT = {"q1": "true", "q2": "false", "q3": "true", "q4": "true"}
LIMITED_WRONG = {"q1": "false", "q2": "true", "q3": "false", "q4": "false"}
COURSE_FILE = "61-khoa-thu.yaml"
GOOD = {
    "kind": "course",
    "id": "khoa-thu",
    "title": "Khóa học thử nghiệm",
    "summary": "Hai bài của bộ nội dung thử nghiệm, theo thứ tự.",
    "audience": ["villager", "official"],
    "topics": ["an-toan", "gioi-han"],
    "translations": {"en": {"title": "A trial course", "summary": "Two lessons."}},
}


def _folder(tmp_path: Path, course, name: str = COURSE_FILE) -> Path:
    folder = tmp_path / "quizzes"
    shutil.copytree(FIXTURE_CONTENT, folder)
    text = course if isinstance(course, str) else yaml.safe_dump(course, allow_unicode=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _errors(tmp_path: Path, **changes) -> list[str]:
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return check(_folder(tmp_path, data)).errors


# --- the file format ------------------------------------------------------------------------------


def test_the_fixture_course_is_valid_and_listed_after_the_topics(tmp_path):
    result = check(course_folder(tmp_path))
    assert result.errors == []
    assert [(t.data["kind"], t.data["id"]) for t in result.topics] == [
        ("topic", "an-toan"),
        ("topic", "gioi-han"),
        ("course", "khoa-thu"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"levels": 3}, "levels", "unknown key"),
        ({"id": "Khóa Thử"}, "id", "must be a slug"),
        ({"title": None}, "title", "is required"),
        ({"summary": "x" * 201}, "summary", "longer than 200"),
        ({"audience": ["farmer"]}, "audience[0]", "'farmer' is not a role"),
        ({"audience": []}, "audience", "non-empty list of roles"),
        ({"topics": ["an-toan"]}, "topics", "must list 2–12 topic ids"),
        ({"topics": ["an-toan"] + [f"bai-{n:02d}" for n in range(12)]}, "topics", "2–12"),
        ({"topics": "an-toan, gioi-han"}, "topics", "must list 2–12 topic ids"),
        ({"topics": ["an-toan", "an-toan"]}, "topics[1]", "lists topic 'an-toan' twice"),
        ({"topics": ["an-toan", "khong-co"]}, "topics[1]", "'khong-co' is not a topic"),
        ({"topics": ["an-toan", "Gioi Han"]}, "topics[1]", "must be a slug"),
        ({"translations": {"fr": {"title": "Un cours"}}}, "translations.fr", "unknown language"),
        ({"translations": {"en": {"body": "x"}}}, "translations.en.body", "unknown key"),
    ],
)
def test_a_bad_course_is_refused_naming_file_and_field(tmp_path, changes, field, fragment):
    errors = _errors(tmp_path, **changes)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"quizzes/{COURSE_FILE}: {field}: "), errors
    assert fragment in errors[0], errors


def test_a_course_may_not_name_a_survey_and_its_id_is_unique_across_files(tmp_path):
    folder = _folder(tmp_path, {**GOOD, "topics": ["an-toan", "y-kien"]})
    shutil.copy(Path(FIXTURE_CONTENT).parent / "surveys" / "y-kien.yaml", folder / "51-y-kien.yaml")
    (errors,) = check(folder).errors
    assert "topics[1]: 'y-kien' is not a topic with a quiz in these files" in errors

    errors = check(_folder(tmp_path / "b", {**GOOD, "id": "an-toan"})).errors
    assert errors == [
        f"quizzes/{COURSE_FILE}: id: 'an-toan' is already used by quizzes/01-an-toan.yaml"
    ]


def test_a_broken_course_loads_nothing(ctx, tmp_path):
    with pytest.raises(ContentError):
        load(_folder(tmp_path, {**GOOD, "topics": ["an-toan", "khong-co"]}))
    assert Quiz.query.count() == Course.query.count() == 0


def test_every_course_message_has_a_vietnamese_form(app, tmp_path):
    from services.content import schema_messages

    bad = _errors(tmp_path, topics=["an-toan", "an-toan"]) + _errors(
        tmp_path / "b", topics=["an-toan"]
    )
    with app.test_request_context():
        for error in bad:
            assert schema_messages.message(error) != str(error)


# --- loading --------------------------------------------------------------------------------------


def _items(slug: str = "khoa-thu") -> list[str]:
    course = Course.query.filter_by(slug=slug).one()
    return [item.quiz.slug for item in course.items]


def test_loading_is_idempotent_and_follows_the_file(ctx, tmp_path):
    folder = course_folder(tmp_path)
    first = load(folder)
    database.commit()
    assert "khoa-thu" in first.created
    assert _items() == ["an-toan", "gioi-han"]
    course = Course.query.one()
    assert (course.title, course.audience) == ("Khóa học thử nghiệm", ["villager", "official"])
    assert course.translations["en"]["title"] == "A trial course"

    again = load(folder)
    database.commit()
    assert "khoa-thu" in again.unchanged and "khoa-thu" not in again.updated
    assert CourseItem.query.count() == 2

    path = folder / COURSE_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("[an-toan, gioi-han]", "[gioi-han, an-toan]"),
        encoding="utf-8",
    )
    ids = sorted(item.id for item in CourseItem.query)
    changed = load(folder)
    database.commit()
    assert changed.updated == ["khoa-thu"]
    assert _items() == ["gioi-han", "an-toan"]
    assert sorted(item.id for item in CourseItem.query) == ids  # the same rows, reordered


def test_the_bundled_courses_check_and_load(ctx):
    bundled = Path(__file__).resolve().parent.parent / "quizzes"
    result = check(bundled)
    assert result.errors == []
    load(bundled)
    database.commit()
    assert _items("binh-dan-hoc-vu-so-co-ban")[0] == "binh-dan-hoc-vu-so"
    course = Course.query.filter_by(slug="binh-dan-hoc-vu-so-co-ban").one()
    assert "villager" in course.audience and course.translations["en"]["title"]


# --- the course certificate -----------------------------------------------------------------------


def _course_certificates(app) -> list[Certificate]:
    with app.app_context():
        found = Certificate.query.filter(Certificate.course_id.isnot(None)).all()
        db.session.expunge_all()
        return found


def test_the_course_certificate_comes_with_the_last_quiz_passed_once(app, client, course, identify):
    identify(client)
    take_quiz(client, ALL_RIGHT)
    assert _course_certificates(app) == []  # one of two passed: not yet
    take_quiz(client, LIMITED_WRONG, slug="gioi-han")
    assert _course_certificates(app) == []  # a failed attempt completes nothing
    result = take_quiz(client, LIMITED_RIGHT, slug="gioi-han", number=2)

    (issued,) = _course_certificates(app)
    assert issued.quiz_id is None
    assert issued.achievement == "Khóa học thử nghiệm"
    assert issued.score_percent == 100
    assert re.fullmatch(r"HVT-\d{4}-\d{6}", issued.serial)
    with app.app_context():
        assert Certificate.query.filter(Certificate.quiz_id.isnot(None)).count() == 2
        assert db.session.get(Attempt, issued.attempt_id).quiz.slug == "gioi-han"

    html = client.get(result).get_data(as_text=True)
    assert "Bạn đã hoàn thành khóa học “Khóa học thử nghiệm”." in html
    for _ in range(2):  # opening the pages again issues nothing more
        client.get(result)
        client.get("/courses/khoa-thu")
    assert len(_course_certificates(app)) == 1


def test_any_order_and_any_version_complete_the_course(app, client, course, identify, tmp_path):
    identify(client)
    take_quiz(client, LIMITED_RIGHT, slug="gioi-han")
    folder = course_folder(tmp_path / "v2")  # an-toan gets a second version before it is taken
    path = folder / "01-an-toan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 70"))
    with app.app_context():
        assert load(folder).new_quiz_versions == ["an-toan v2"]
        database.commit()
    take_quiz(client, HALF_RIGHT)  # 50 %: not passed
    assert _course_certificates(app) == []
    take_quiz(client, ALL_RIGHT, number=2)
    (issued,) = _course_certificates(app)
    assert issued.score_percent == 100  # the passes' average


def test_without_a_signer_the_course_page_issues_it_once_one_is_named(
    app, client, course, identify
):
    with app.app_context():
        office_settings.save({**office_settings.editable_values(), "certificate_signer_name": ""})
        database.commit()
    identify(client)
    take_quiz(client, ALL_RIGHT)
    take_quiz(client, LIMITED_RIGHT, slug="gioi-han")
    assert _course_certificates(app) == []
    page = client.get("/courses/khoa-thu").get_data(as_text=True)
    assert "Giấy chứng nhận sẽ được cấp khi xã cập nhật người ký" in page

    with app.app_context():
        office_settings.save(
            {**office_settings.editable_values(), "certificate_signer_name": "Nông Văn Thắng"}
        )
        database.commit()
    page = client.get("/courses/khoa-thu").get_data(as_text=True)
    (issued,) = _course_certificates(app)
    assert f"giấy chứng nhận số {issued.serial}" in page


def _submit_both(app, client, forms: dict[str, dict]) -> list[int]:
    """POST the two quiz forms at the same moment from two tabs of the same browser."""
    from helpers import same_browser

    barrier = threading.Barrier(len(forms))
    statuses, errors = [], []

    def run(slug, data):
        other = same_browser(app, client)
        try:
            barrier.wait(timeout=30)
            statuses.append(other.post(f"/quizzes/{slug}", data=data).status_code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in forms.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses


def test_two_tabs_passing_the_last_two_quizzes_together_get_one_course_certificate(
    app, client, course, identify
):
    identify(client)
    forms = {
        "an-toan": answer_form(quiz_page(client), ALL_RIGHT),
        "gioi-han": answer_form(quiz_page(client, "gioi-han"), LIMITED_RIGHT),
    }
    assert _submit_both(app, client, forms) == [303, 303]
    client.get("/courses/khoa-thu")  # if each tab missed the other's pass, this issues it
    assert len(_course_certificates(app)) == 1


def test_the_same_last_submit_twice_at_once_issues_one_course_certificate(
    app, client, course, identify
):
    from helpers import post_together

    identify(client)
    take_quiz(client, ALL_RIGHT)
    data = answer_form(quiz_page(client, "gioi-han"), LIMITED_RIGHT)
    responses = post_together(app, client, "/quizzes/gioi-han", [data] * 6)
    assert {r.status_code for r in responses} == {303}
    assert len(_course_certificates(app)) == 1


def test_verification_pdf_and_revocation_of_a_course_certificate(app, client, course, identify):
    identify(client, name="Hoàng Thị Khuyên")
    take_quiz(client, ALL_RIGHT)
    take_quiz(client, LIMITED_RIGHT, slug="gioi-han")
    (issued,) = _course_certificates(app)

    page = client.get(f"/v/{issued.verification_code}").get_data(as_text=True)
    assert "Giấy chứng nhận hợp lệ" in page
    assert "Đã hoàn thành khóa học: Khóa học thử nghiệm (trung bình 100%)" in page

    pdf = client.get("/courses/khoa-thu/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = collapsed(pdf_text(pdf.get_data()))
    assert "đã hoàn thành khóa học “Khóa học thử nghiệm”" in text
    assert "Hoàng Thị Khuyên" in text

    with app.app_context():
        certificates.revoke(db.session.get(Certificate, issued.id), "Cấp nhầm")
        database.commit()
    page = client.get(f"/v/{issued.verification_code}").get_data(as_text=True)
    assert "Giấy chứng nhận đã bị thu hồi" in page and "Cấp nhầm" in page
    course_page = client.get("/courses/khoa-thu").get_data(as_text=True)
    assert "Giấy chứng nhận của khóa học đã bị thu hồi." in course_page
    assert len(_course_certificates(app)) == 1  # revoked stays revoked: no new one


def test_no_course_certificate_pdf_before_the_course_is_done(client, course, identify):
    identify(client)
    take_quiz(client, ALL_RIGHT)
    assert client.get("/courses/khoa-thu/certificate.pdf").status_code == 404
    assert client.get("/courses/khong-co").status_code == 404


# --- the learner's pages --------------------------------------------------------------------------


def test_home_shows_the_learners_courses_with_progress(client, course, identify):
    identify(client)
    home = client.get("/").get_data(as_text=True)
    assert "Khóa học thử nghiệm" in home and "0/2 bài đã đạt" in home
    take_quiz(client, ALL_RIGHT)
    assert "1/2 bài đã đạt" in client.get("/").get_data(as_text=True)


def test_a_course_for_other_roles_is_not_on_a_students_home(app, client, course, participant_in_db):
    _pid, token = participant_in_db(name="Lò Văn An", role="student", unit="class", age="16-29")
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    assert "Bài có giới hạn lượt" in client.get("/").get_data(as_text=True)
    assert "Khóa học thử nghiệm" not in client.get("/").get_data(as_text=True)


def test_the_course_page_lists_its_lessons_in_order_with_their_status(client, course, identify):
    identify(client)
    page = client.get("/courses/khoa-thu").get_data(as_text=True)
    assert page.index("/lessons/an-toan") < page.index("/lessons/gioi-han")
    assert page.count("chưa học") == 2 and "0/2 bài đã đạt" in page
    take_quiz(client, ALL_RIGHT)
    take_quiz(client, LIMITED_WRONG, slug="gioi-han")
    page = client.get("/courses/khoa-thu").get_data(as_text=True)
    assert "✓ đã đạt" in page and "chưa đạt" in page and "chưa học" not in page
    assert "1/2 bài đã đạt" in page
    assert len(gzip.compress(page.encode(), 6)) < 14 * 1024


def test_a_lesson_and_a_result_in_a_course_link_the_next_one(client, course, identify):
    identify(client)
    lesson = client.get("/lessons/an-toan").get_data(as_text=True)
    assert "Bài tiếp theo trong khóa" in lesson and 'href="/lessons/gioi-han"' in lesson
    result = client.get(take_quiz(client, ALL_RIGHT)).get_data(as_text=True)
    assert "Bài tiếp theo trong khóa" in result and 'href="/lessons/gioi-han"' in result
    last = client.get(take_quiz(client, LIMITED_RIGHT, slug="gioi-han")).get_data(as_text=True)
    assert "Bài tiếp theo trong khóa" not in last  # the last topic of the course


def test_a_lesson_outside_any_course_has_no_next_link(client, content, identify):
    identify(client)
    assert "Bài tiếp theo trong khóa" not in client.get("/lessons/an-toan").get_data(as_text=True)


# --- a "trained" target naming a course -----------------------------------------------------------


def test_a_trained_target_naming_a_course_counts_who_passed_all_of_it(
    app, course, identify, places
):
    people = [app.test_client() for _ in range(3)]
    for n, person in enumerate(people):
        identify(person, name=f"Cán bộ {n}", role="official", unit="agency")
    for person in people[:2]:
        take_quiz(person, ALL_RIGHT)
    take_quiz(people[0], LIMITED_RIGHT, slug="gioi-han")  # only the first completes the course
    take_quiz(people[2], LIMITED_RIGHT, slug="gioi-han")
    with app.app_context():
        course_id = Course.query.one().id
        target = target_service.add(
            target_service.TargetInput(
                "trained", 2026, ("official",), 100, "Cán bộ học xong khóa", course_ids=(course_id,)
            )
        )
        database.commit()
        assert target.course_ids == [course_id] and target.quiz_ids == []
        period = Period(None, None, app.config["TIMEZONE"])
        progress = indicators.target_progress(target, period, None, dt.date(2026, 6, 1))
        assert (progress.numerator, progress.denominator) == (1, 40)
        assert progress.status != indicators.NO_QUIZ
        before = Period(None, dt.date(2020, 1, 1), app.config["TIMEZONE"])
        assert indicators.target_progress(target, before, None, dt.date(2026, 6, 1)).numerator == 0


def test_a_target_naming_a_quiz_and_a_course_counts_each_person_once(app, course, identify, places):
    person = app.test_client()
    identify(person, role="official", unit="agency")
    take_quiz(person, ALL_RIGHT)
    take_quiz(person, LIMITED_RIGHT, slug="gioi-han")
    with app.app_context():
        quiz_id = Quiz.query.filter_by(slug="an-toan").one().id
        target = Target(
            indicator="trained",
            year=2026,
            roles=["official"],
            target_percent=100,
            description="x",
            quiz_ids=[quiz_id],
            course_ids=[Course.query.one().id],
        )
        db.session.add(target)
        database.commit()
        period = Period(None, None, app.config["TIMEZONE"])
        assert indicators.target_progress(target, period, None, dt.date(2026, 6, 1)).numerator == 1


# --- the command line --------------------------------------------------------------------------


def test_content_check_counts_courses_and_targets_course_names_one(app, course, tmp_path):
    runner = app.test_cli_runner()
    folder = course_folder(tmp_path / "cli")
    checked = runner.invoke(args=["content", "check", "--dir", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "; 1 courses." in checked.stdout

    with app.app_context():
        target = Target(
            indicator="trained", year=2028, roles=["official"], target_percent=100, description="x"
        )
        db.session.add(target)
        database.commit()
        target_id, course_id = target.id, Course.query.one().id
    named = runner.invoke(args=["targets", "course", str(target_id), "khoa-thu"])
    assert named.exit_code == 0, named.output
    unknown = runner.invoke(args=["targets", "course", str(target_id), "khong-co"])
    assert unknown.exit_code != 0 and "no course with id khong-co" in unknown.output
    with app.app_context():
        assert db.session.get(Target, target_id).course_ids == [course_id]
