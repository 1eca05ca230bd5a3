"""Item analysis a teacher can act on: per quiz version (a question's old and new wording never
mixed), per question the number answered, the share right, each choice's count and, for a
multiple-choice question, the sets ticked as a readable list; the questions most got wrong
first. A quiz that draws part of its bank counts each question over the attempts that asked it."""

import secrets
from copy import deepcopy

import pytest
from helpers import tables

import database
from extensions import db
from models import Answer, Attempt, Quiz, QuizVersion, Unit
from services.common.periods import Period
from services.participation.attempts import Submission, submit_attempt
from services.participation.identity import NewIdentity, create_participant
from services.reporting.unit_reports import unit_report

pytest_plugins = ["staff_fixtures"]

RIGHT = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}
NEW_OTP_TEXT = "Mã OTP gửi về điện thoại được đưa cho ai?"


def _pupil(name: str, class_id: int):
    participant, _ = create_participant(NewIdentity(name, "student", class_id, "16-29", False), "t")
    return participant


def _submit(participant, version: QuizVersion, answers: dict) -> Attempt:
    attempt, created = submit_attempt(
        Submission(participant, version, answers, secrets.token_hex(16), None)
    )
    assert created
    return attempt


def _new_version(quiz: Quiz) -> QuizVersion:
    """Version 2 of the quiz: the first question reworded (the old attempts keep version 1)."""
    definition = deepcopy(quiz.current_version.definition)
    definition["questions"][0]["text"] = NEW_OTP_TEXT
    old = quiz.current_version
    version = QuizVersion(
        quiz=quiz,
        number=old.number + 1,
        content_hash="v2-" + secrets.token_hex(8),
        pass_mark=old.pass_mark,
        max_attempts=old.max_attempts,
        definition=definition,
    )
    db.session.add(version)
    db.session.flush()
    return version


@pytest.fixture
def answered(app, content, staff):
    """Class 7A: three pupils on version 1 of 'an-toan', two more on a reworded version 2."""
    with app.app_context():
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        v1 = quiz.current_version
        _submit(_pupil("Hoàng Thị Lan", staff.class_a), v1, RIGHT)
        _submit(
            _pupil("Nông Văn Dũng", staff.class_a), v1, {**RIGHT, "otp": ["b"], "dau-hieu": ["a"]}
        )
        _submit(
            _pupil("Lục Thị Mai", staff.class_a),
            v1,
            {**RIGHT, "otp": ["b"], "dau-hieu": ["a", "b", "c"], "cap-nhat": ["false"]},
        )
        v2 = _new_version(quiz)
        _submit(_pupil("Vi Văn Tâm", staff.class_a), v2, {**RIGHT, "otp": ["c"]})
        _submit(_pupil("Lò Thị Hằng", staff.class_a), v2, RIGHT)
        database.commit()
        return {"quiz": quiz.id}


def _report(app, unit_id: int):
    with app.app_context():
        return unit_report("Lớp 7A", {unit_id}, Period(timezone="Asia/Ho_Chi_Minh"))


def test_each_version_is_analysed_on_its_own_newest_first(app, staff, answered):
    (quiz,) = _report(app, staff.class_a).quizzes
    assert [(v.number, v.attempts) for v in quiz.versions] == [(2, 2), (1, 3)]
    new, old = quiz.versions
    new_otp = next(q for q in new.questions if q.question_id == "otp")
    old_otp = next(q for q in old.questions if q.question_id == "otp")
    assert new_otp.text == NEW_OTP_TEXT and new_otp.answered == 2
    assert old_otp.text == "Ai được biết mã OTP của bạn?" and old_otp.answered == 3


def test_per_question_counts_choices_and_combinations(app, staff, answered):
    (quiz,) = _report(app, staff.class_a).quizzes
    old = quiz.versions[1]
    # Most got wrong first: otp 2/3 wrong, dau-hieu 2/3 wrong, cap-nhat 1/3, ung-dung 0.
    assert [q.question_id for q in old.questions] == ["otp", "dau-hieu", "cap-nhat", "ung-dung"]
    otp, dau_hieu, cap_nhat, _ung_dung = old.questions
    assert (otp.answered, otp.right, round(otp.right_share, 3)) == (3, 1, 0.333)
    assert [(c.label, c.count, c.correct) for c in otp.choices] == [
        ("Chỉ mình bạn", 1, True),
        ("Công an xã gọi điện", 2, False),
        ("Người bán hàng", 0, False),
    ]
    assert otp.combinations == []  # single choice: the choices say it all
    assert [(c.label, c.count, c.correct) for c in dau_hieu.choices] == [
        ("Giục chuyển tiền gấp", 3, True),
        ("Gửi đường link lạ", 2, True),
        ("Gặp trực tiếp ở trụ sở", 1, False),
    ]
    assert [(c.label, c.count, c.correct) for c in dau_hieu.combinations] == [
        ("Giục chuyển tiền gấp", 1, False),
        ("Giục chuyển tiền gấp + Gửi đường link lạ", 1, True),
        ("Giục chuyển tiền gấp + Gửi đường link lạ + Gặp trực tiếp ở trụ sở", 1, False),
    ]
    assert [(c.label, c.count) for c in cap_nhat.choices] == [("Đúng", 2), ("Sai", 1)]


def test_a_drawn_quiz_counts_each_question_over_the_attempts_that_asked_it(app, staff, content):
    with app.app_context():
        version = Quiz.query.filter_by(slug="an-toan").one().current_version
        for n, asked in enumerate((["otp", "cap-nhat"], ["otp", "ung-dung"], ["dau-hieu"])):
            pupil = _pupil(f"Học sinh {n}", staff.class_a)
            attempt = Attempt(
                public_id=secrets.token_hex(8),
                participant=pupil,
                quiz_id=version.quiz_id,
                quiz_version_id=version.id,
                number=1,
                submission_token=secrets.token_hex(16),
                unit_id=staff.class_a,
                correct_count=0,
                question_count=len(asked),
                score_percent=0,
                passed=False,
            )
            attempt.answers = [
                Answer(question_id=q, choice_ids=RIGHT[q], is_correct=q != "otp") for q in asked
            ]
            db.session.add(attempt)
        database.commit()
    (quiz,) = _report(app, staff.class_a).quizzes
    answered = {q.question_id: (q.answered, q.right) for q in quiz.versions[0].questions}
    assert answered == {"otp": (2, 0), "cap-nhat": (1, 1), "ung-dung": (1, 1), "dau-hieu": (1, 1)}


def test_the_page_for_the_teacher_lists_versions_and_combinations(
    app, staff, answered, staff_client
):
    response = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/items")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Phiên bản 2 — 2 lượt làm" in html and "Phiên bản 1 — 3 lượt làm" in html
    assert html.index(NEW_OTP_TEXT) < html.index("Ai được biết mã OTP của bạn?")
    assert "Giục chuyển tiền gấp + Gửi đường link lạ + Gặp trực tiếp ở trụ sở — 1" in html
    first_table = tables(html)[0]
    assert first_table[0] == ["Đáp án", "Số lần chọn", "Tỉ lệ"]
    # Version 2's hardest question first: the reworded otp, 1 of 2 wrong.
    assert [row[:2] for row in first_table[1:]] == [
        ["Chỉ mình bạn ✓ đáp án", "1"],
        ["Công an xã gọi điện", "0"],
        ["Người bán hàng", "1"],
    ]
    assert "multiple" not in html and "true_false" not in html


def test_another_teacher_and_the_village_officer_are_refused(app, staff, answered, staff_client):
    assert staff_client("teacher_b").get(f"/staff/units/{staff.class_a}/items").status_code == 403
    assert staff_client("officer").get(f"/staff/units/{staff.class_a}/items").status_code == 403
    admin = staff_client("admin").get(f"/staff/units/{staff.class_a}/items")
    assert admin.status_code == 200 and NEW_OTP_TEXT in admin.get_data(as_text=True)


def test_the_school_report_covers_its_classes(app, staff, answered, staff_client):
    with app.app_context():
        school = db.session.get(Unit, staff.class_a).parent_id
    html = staff_client("admin").get(f"/staff/units/{school}/items").get_data(as_text=True)
    assert "Phiên bản 1 — 3 lượt làm" in html
