"""`content_loader.load`: idempotent, versions quizzes, never half-loads a broken folder."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect

import database
from extensions import db
from models import Attempt, Lesson, Quiz, QuizVersion
from services.content import loader as content_loader
from services.content.loader import ContentError
from services.org.units import create_unit
from services.participation.attempts import Submission, submit_attempt
from services.participation.identity import NewIdentity, create_participant

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
ALL_RIGHT = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}
OTP_ANSWER = "      answer: a\n      explanation: Mã OTP chỉ dành cho bạn."


@pytest.fixture
def folder(tmp_path) -> Path:
    """A private copy of the fixture curriculum that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot() -> dict:
    """Every column of every content row, to compare the database before and after."""
    db.session.expire_all()
    rows = {}
    for model in (Lesson, Quiz, QuizVersion):
        columns = [c.key for c in inspect(model).column_attrs]
        rows[model.__tablename__] = sorted(
            (tuple(repr(getattr(obj, c)) for c in columns) for obj in model.query.all()),
        )
    return rows


def load(folder: Path) -> content_loader.LoadResult:
    result = content_loader.load(folder)
    database.commit()
    return result


def make_attempt(version: QuizVersion, answers: dict, token: str = "t" * 32) -> Attempt:
    village = create_unit("village", "Thôn Nà Pàn")
    participant, _ = create_participant(
        NewIdentity("Lò Văn Tùng", "villager", village.id, "30-44", False), "test-consent"
    )
    attempt, created = submit_attempt(Submission(participant, version, answers, token, None))
    assert created
    database.commit()
    return attempt


def test_first_load_creates_lessons_quizzes_and_first_versions(ctx, folder):
    result = load(folder)
    assert result.created == ["an-toan", "gioi-han"]
    assert result.updated == result.unchanged == result.new_quiz_versions == []
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    assert [v.number for v in quiz.versions] == [1]
    assert quiz.lesson.slug == "an-toan" and quiz.training_for == []  # the file names none
    assert quiz.current_version.pass_mark == 75 and quiz.current_version.max_attempts == 0
    assert [q["id"] for q in quiz.current_version.questions] == [
        "otp",
        "dau-hieu",
        "cap-nhat",
        "ung-dung",
    ]
    assert [lesson.slug for lesson in Lesson.query.order_by(Lesson.position)] == [
        "an-toan",
        "gioi-han",
    ]


def test_loading_twice_changes_nothing_the_second_time(ctx, folder):
    load(folder)
    before = snapshot()
    versions = QuizVersion.query.count()

    result = load(folder)

    assert result.unchanged == ["an-toan", "gioi-han"]
    assert result.created == result.updated == result.new_quiz_versions == []
    assert QuizVersion.query.count() == versions == 2
    assert snapshot() == before


def test_a_new_answer_makes_version_2_and_old_attempts_keep_version_1(ctx, folder):
    load(folder)
    v1 = Quiz.query.filter_by(slug="an-toan").one().current_version
    attempt = make_attempt(v1, ALL_RIGHT)
    assert attempt.score_percent == 100 and attempt.passed
    attempt_id, v1_id = attempt.id, v1.id

    edit(folder / "01-an-toan.yaml", OTP_ANSWER, OTP_ANSWER.replace("answer: a", "answer: b"))
    result = load(folder)

    assert result.new_quiz_versions == ["an-toan v2"]
    assert result.unchanged == ["an-toan", "gioi-han"]  # the lessons themselves did not change
    db.session.expire_all()
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    assert [v.number for v in quiz.versions] == [1, 2]
    old, new = quiz.versions
    assert old.id == v1_id
    assert old.questions[0]["answer"] == "a"  # version 1 is frozen
    assert new.questions[0]["answer"] == "b"
    assert quiz.current_version is new
    assert QuizVersion.query.count() == 3  # gioi-han still has one

    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.quiz_version_id == v1_id
    assert attempt.version.number == 1
    assert (attempt.correct_count, attempt.score_percent, attempt.passed) == (4, 100, True)
    assert all(answer.is_correct for answer in attempt.answers)

    # Loading again after the change is idempotent too.
    assert load(folder).new_quiz_versions == []
    assert QuizVersion.query.count() == 3


def test_a_new_attempt_after_the_change_answers_version_2(ctx, folder):
    load(folder)
    edit(folder / "01-an-toan.yaml", OTP_ANSWER, OTP_ANSWER.replace("answer: a", "answer: b"))
    load(folder)
    v2 = Quiz.query.filter_by(slug="an-toan").one().current_version
    attempt = make_attempt(v2, ALL_RIGHT)
    assert attempt.version.number == 2
    assert attempt.correct_count == 3 and attempt.score_percent == 75


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("pass_mark: 75", "pass_mark: 80", id="pass-mark"),
        pytest.param("max_attempts: 0", "max_attempts: 3", id="max-attempts"),
        pytest.param(
            "text: Ai được biết mã OTP của bạn?", "text: Ai được biết mã OTP?", id="question-text"
        ),
        pytest.param("Bản cập nhật vá lỗi bảo mật.", "Cập nhật để vá lỗi.", id="explanation"),
        pytest.param("{id: c, text: Người bán hàng}", "{id: c, text: Người lạ}", id="choice-text"),
        pytest.param("answer: [a, b]", "answer: [a, b, c]", id="multiple-answer-set"),
        pytest.param("Who may know your OTP?", "Who can know your OTP?", id="question-translation"),
    ],
)
def test_changes_to_what_the_quiz_asks_make_a_new_version(ctx, folder, old, new):
    load(folder)
    edit(folder / "01-an-toan.yaml", old, new)
    result = load(folder)
    assert result.new_quiz_versions == ["an-toan v2"]
    assert [v.number for v in Quiz.query.filter_by(slug="an-toan").one().versions] == [1, 2]
    assert [v.number for v in Quiz.query.filter_by(slug="gioi-han").one().versions] == [1]


def test_changing_only_the_lesson_body_updates_the_lesson_without_a_new_version(ctx, folder):
    load(folder)
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    version_id, version_hash = quiz.current_version.id, quiz.current_version.content_hash
    versions = QuizVersion.query.count()

    edit(
        folder / "01-an-toan.yaml", "Không bao giờ đưa **mã OTP**", "Tuyệt đối không đưa **mã OTP**"
    )
    result = load(folder)

    assert result.updated == ["an-toan"]
    assert result.unchanged == ["gioi-han"]
    assert result.created == result.new_quiz_versions == []
    db.session.expire_all()
    lesson = Lesson.query.filter_by(slug="an-toan").one()
    assert "Tuyệt đối không đưa **mã OTP**" in lesson.body_markdown
    assert "Không bao giờ" not in lesson.body_markdown
    assert QuizVersion.query.count() == versions
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    assert [v.number for v in quiz.versions] == [1]
    assert (quiz.current_version.id, quiz.current_version.content_hash) == (
        version_id,
        version_hash,
    )


@pytest.mark.parametrize(
    ("old", "new", "column", "value"),
    [
        pytest.param("minutes: 3", "minutes: 4", "minutes", 4, id="minutes"),
        pytest.param(
            '["Nguồn thử nghiệm"]', '["Nguồn mới"]', "sources", ["Nguồn mới"], id="sources"
        ),
        pytest.param(
            "audience: [villager, student]",
            "audience: [villager]",
            "audience",
            ["villager"],
            id="audience",
        ),
        pytest.param(
            "summary: A test lesson about online safety.",
            "summary: About online safety.",
            "translations",
            None,
            id="lesson-translation",
        ),
    ],
)
def test_other_lesson_changes_update_the_lesson_only(ctx, folder, old, new, column, value):
    load(folder)
    edit(folder / "01-an-toan.yaml", old, new)
    result = load(folder)
    assert result.updated == ["an-toan"] and result.new_quiz_versions == []
    db.session.expire_all()
    lesson = Lesson.query.filter_by(slug="an-toan").one()
    if value is not None:
        assert getattr(lesson, column) == value
    else:
        assert lesson.translations["en"]["summary"] == "About online safety."
    assert QuizVersion.query.count() == 2


def test_a_broken_file_loads_nothing_and_leaves_the_database_as_before(ctx, folder):
    load(folder)
    attempt = make_attempt(Quiz.query.filter_by(slug="an-toan").one().current_version, ALL_RIGHT)
    attempt_id = attempt.id
    before = snapshot()

    # A valid change in one file (would be an update and a new version) …
    edit(folder / "01-an-toan.yaml", OTP_ANSWER, OTP_ANSWER.replace("answer: a", "answer: b"))
    edit(folder / "01-an-toan.yaml", "Không bao giờ đưa", "Đừng bao giờ đưa")
    # … a brand-new valid topic …
    new_topic = (
        (folder / "02-gioi-han.yaml").read_text(encoding="utf-8").replace("id: gioi-han", "id: moi")
    )
    (folder / "03-moi.yaml").write_text(new_topic, encoding="utf-8")
    # … and one broken file.
    edit(folder / "02-gioi-han.yaml", "pass_mark: 50", "pass_mark: 150")

    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)

    assert raised.value.errors == [
        "content/02-gioi-han.yaml: quiz.pass_mark: must be a whole number from 1 to 100"
    ]
    assert "02-gioi-han.yaml" in str(raised.value)
    assert not db.session.new and not db.session.dirty and not db.session.deleted
    database.commit()  # even committing what the failed load left behind changes nothing
    assert snapshot() == before
    assert Lesson.query.filter_by(slug="moi").one_or_none() is None
    assert "Không bao giờ đưa" in Lesson.query.filter_by(slug="an-toan").one().body_markdown
    assert QuizVersion.query.count() == 2
    assert db.session.get(Attempt, attempt_id).version.number == 1


def test_a_broken_file_in_a_fresh_database_loads_not_even_the_valid_files(ctx, folder):
    (folder / "03-hong.yaml").write_text(
        "kind: topic\nid: hong\ntitle: [chưa đóng\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)
    [error] = raised.value.errors
    assert error.startswith("content/03-hong.yaml: bad YAML: line ")
    database.commit()
    assert Lesson.query.count() == Quiz.query.count() == QuizVersion.query.count() == 0


def test_after_fixing_the_broken_file_everything_loads(ctx, folder):
    edit(folder / "02-gioi-han.yaml", "pass_mark: 50", "pass_mark: 0")
    with pytest.raises(ContentError):
        content_loader.load(folder)
    edit(folder / "02-gioi-han.yaml", "pass_mark: 0", "pass_mark: 50")
    assert load(folder).created == ["an-toan", "gioi-han"]
    assert QuizVersion.query.count() == 2


CAP_NHAT = """    - id: cap-nhat
      type: true_false
      text: Nên cập nhật phần mềm điện thoại.
      answer: true
      explanation: Bản cập nhật vá lỗi bảo mật.
"""
CAP_NHAT_AS_SINGLE = """    - id: cap-nhat
      type: single
      text: Nên cập nhật phần mềm điện thoại.
      choices:
        - {id: a, text: Nên}
        - {id: b, text: Không nên}
      answer: a
      explanation: Bản cập nhật vá lỗi bảo mật.
"""


def test_a_published_questions_type_cannot_change_and_nothing_loads(ctx, folder):
    load(folder)
    before = snapshot()
    path = folder / "01-an-toan.yaml"
    edit(path, "Không bao giờ đưa", "Đừng bao giờ đưa")  # a valid change, kept out with the rest
    edit(path, CAP_NHAT, CAP_NHAT_AS_SINGLE)
    edit(path, "      type: multiple", "      type: single")
    edit(path, "answer: [a, b]", "answer: a")
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)
    assert raised.value.errors == [
        "content/01-an-toan.yaml: quiz.questions[1].type: cannot change from multiple to single: "
        "question 'dau-hieu' was published as multiple and its answers are kept by id; add a new "
        "question (with a new id) instead",
        "content/01-an-toan.yaml: quiz.questions[2].type: cannot change from true_false to "
        "single: question 'cap-nhat' was published as true_false and its answers are kept by id; "
        "add a new question (with a new id) instead",
    ]
    database.rollback()
    assert snapshot() == before


def test_a_question_dropped_in_a_later_version_cannot_come_back_as_another_type(ctx, folder):
    load(folder)
    path = folder / "01-an-toan.yaml"
    edit(path, CAP_NHAT, "")
    assert load(folder).new_quiz_versions == ["an-toan v2"]
    anchor = "  max_attempts: 0\n  questions:\n"
    edit(path, anchor, anchor + CAP_NHAT_AS_SINGLE)
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)
    [error] = raised.value.errors
    assert error.startswith(
        "content/01-an-toan.yaml: quiz.questions[0].type: cannot change from true_false to single"
    )
    database.rollback()
    # The way out: a new question, with a new id.
    edit(path, "    - id: cap-nhat\n", "    - id: cap-nhat-moi\n")
    assert load(folder).new_quiz_versions == ["an-toan v3"]


def test_a_type_change_in_an_item_edited_in_the_browser_is_left_alone(ctx, folder):
    load(folder)
    lesson = Lesson.query.filter_by(slug="an-toan").one()
    lesson.edited_at = lesson.updated_at
    database.commit()
    edit(folder / "01-an-toan.yaml", CAP_NHAT, CAP_NHAT_AS_SINGLE)
    assert load(folder).skipped == ["an-toan"]  # not loaded, so nothing to refuse
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder, overwrite_edited=True)
    [error] = raised.value.errors
    assert "quiz.questions[2].type: cannot change from true_false to single" in error
