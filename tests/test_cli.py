"""The command line: `flask content check`, `flask content load` and `flask seed-demo`."""

import re
import shutil
from pathlib import Path

import pytest
from flask.cli import FlaskGroup

from models import Lesson, Poster, Quiz, QuizVersion, Unit
from services.common.codes import ALPHABET
from services.demo import CLASSES, POSTER_LESSONS, POSTER_SURVEYS, VILLAGES

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
BUNDLED = Path(__file__).resolve().parent.parent / "quizzes"
CODE_CHARS = f"[{ALPHABET}]"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def broken_folder(tmp_path) -> Path:
    """The fixture curriculum with one valid file and one broken answer key."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    path = folder / "02-gioi-han.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("answer: false", "answer: sai"), encoding="utf-8")
    return folder


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return Lesson.query.count(), Quiz.query.count(), QuizVersion.query.count()


def test_check_ok_on_the_fixture_folder(runner):
    result = runner.invoke(args=["content", "check", "--dir", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK")
    assert "OK: 2 topics, 8 questions;" in result.stdout
    assert result.stderr == ""


def test_check_defaults_to_the_configured_content_dir(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "OK: 2 topics" in result.stdout


def test_check_fails_with_file_and_field_on_a_broken_folder(runner, broken_folder):
    result = runner.invoke(args=["content", "check", "--dir", str(broken_folder)])
    assert result.exit_code == 1
    assert (
        "content/02-gioi-han.yaml: quiz.questions[1].answer: must be true or false" in result.stderr
    )
    assert "1 error(s)" in result.stderr
    assert "OK" not in result.stdout


def test_check_reports_every_error_of_every_file(runner, broken_folder):
    first = broken_folder / "01-an-toan.yaml"
    first.write_text(
        first.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 0"), encoding="utf-8"
    )
    result = runner.invoke(args=["content", "check", "--dir", str(broken_folder)])
    assert result.exit_code == 1
    assert (
        "content/01-an-toan.yaml: quiz.pass_mark: must be a whole number from 1 to 100"
        in result.stderr
    )
    assert "content/02-gioi-han.yaml: quiz.questions[1].answer:" in result.stderr
    assert "2 error(s)" in result.stderr


def test_check_fails_on_an_empty_folder(runner, tmp_path):
    result = runner.invoke(args=["content", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "no topic files" in result.stderr


def test_load_on_a_broken_folder_exits_1_and_loads_nothing(app, runner, broken_folder):
    result = runner.invoke(args=["content", "load", "--dir", str(broken_folder)])
    assert result.exit_code == 1
    assert (
        "content/02-gioi-han.yaml: quiz.questions[1].answer: must be true or false" in result.stderr
    )
    assert "Nothing was loaded" in result.stderr
    assert counts(app) == (0, 0, 0)  # not even the valid 01-an-toan.yaml


def test_load_on_a_broken_folder_keeps_what_was_loaded_before(app, runner, broken_folder):
    assert runner.invoke(args=["content", "load", "--dir", str(FIXTURE_CONTENT)]).exit_code == 0
    first = broken_folder / "01-an-toan.yaml"
    first.write_text(
        first.read_text(encoding="utf-8").replace("Không bao giờ", "Đừng"), encoding="utf-8"
    )
    result = runner.invoke(args=["content", "load", "--dir", str(broken_folder)])
    assert result.exit_code == 1
    assert counts(app) == (2, 2, 2)
    with app.app_context():
        assert "Không bao giờ" in Lesson.query.filter_by(slug="an-toan").one().body_markdown


def test_load_twice_is_idempotent(app, runner):
    first = runner.invoke(args=["content", "load", "--dir", str(FIXTURE_CONTENT)])
    assert first.exit_code == 0, first.output
    assert "Loaded: 2 new, 0 updated, 0 unchanged; new quiz versions: none." in first.stdout
    assert counts(app) == (2, 2, 2)

    second = runner.invoke(args=["content", "load", "--dir", str(FIXTURE_CONTENT)])
    assert second.exit_code == 0, second.output
    assert "Loaded: 0 new, 0 updated, 2 unchanged; new quiz versions: none." in second.stdout
    assert counts(app) == (2, 2, 2)


def test_load_reports_a_new_quiz_version(app, runner, tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    assert runner.invoke(args=["content", "load", "--dir", str(folder)]).exit_code == 0
    path = folder / "02-gioi-han.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("pass_mark: 50", "pass_mark: 75"), encoding="utf-8"
    )
    result = runner.invoke(args=["content", "load", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "new quiz versions: gioi-han v2." in result.stdout
    assert counts(app) == (2, 2, 3)


@pytest.fixture(params=["app.cli", "flask"])
def seed(request, app, runner):
    """Run `seed-demo` through app.test_cli_runner() on app.cli (as for every other command
    here) and through the real `flask` entry point (FlaskGroup), which pushes an app context."""
    if request.param == "app.cli":
        return lambda: runner.invoke(args=["seed-demo"])
    flask_cli = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    return lambda: runner.invoke(cli=flask_cli, args=["seed-demo"])


def _sample_state(app):
    with app.app_context():
        units = {(u.kind, u.name, u.join_code) for u in Unit.query.all()}
        posters = {(p.code, p.label) for p in Poster.query.all()}
        return units, posters


def test_seed_demo_creates_marked_sample_data_once(app, runner, seed):
    loaded = runner.invoke(args=["content", "load", "--dir", str(BUNDLED)])
    assert loaded.exit_code == 0, loaded.output

    result = seed()
    assert result.exit_code == 0, result.output or repr(result.exception)
    assert "Sample data created." in result.stdout

    with app.app_context():
        units = Unit.query.all()
        assert units and all(u.is_sample for u in units)
        assert all("(mẫu)" in u.name for u in units)
        assert {u.kind for u in units} >= {"commune", "village", "school", "class", "agency"}
        assert sum(u.kind == "village" for u in units) == len(VILLAGES)

        classes = [u for u in units if u.kind == "class"]
        assert len(classes) == len(CLASSES)
        for klass in classes:
            assert re.fullmatch(f"{CODE_CHARS}{{8}}", klass.join_code), klass.join_code
            assert f"https://lantoa.example/c/{klass.join_code}" in result.stdout
        assert all(u.join_code is None for u in units if u.kind != "class")
        assert len({k.join_code for k in classes}) == len(classes)

        posters = Poster.query.all()
        # Each poster lesson hangs in every village, and its quiz at the agency; each survey
        # in every village and at the agency.
        per_item = len(VILLAGES) + 1
        assert len(posters) == (len(POSTER_LESSONS) + len(POSTER_SURVEYS)) * per_item
        for poster in posters:
            assert poster.is_sample
            assert re.fullmatch(f"{CODE_CHARS}{{7}}", poster.code), poster.code
            assert f"https://lantoa.example/p/{poster.code}" in result.stdout
            assert [poster.lesson, poster.quiz, poster.survey].count(None) == 2
            assert "(mẫu)" in poster.unit.name
        assert len({p.code for p in posters}) == len(posters)
        assert {(p.lesson or p.quiz or p.survey).slug for p in posters} == set(
            POSTER_LESSONS + POSTER_SURVEYS
        )

    before = _sample_state(app)
    again = seed()
    assert again.exit_code == 0, again.output or repr(again.exception)
    assert "Sample data already present." in again.stdout
    assert _sample_state(app) == before
    # The second run still lists the existing links.
    for code in re.findall(r"/c/(\w+)", result.stdout) + re.findall(r"/p/(\w+)", result.stdout):
        assert code in again.stdout


def test_seed_demo_without_content_creates_units_but_no_posters(app, seed):
    result = seed()
    assert result.exit_code == 0, result.output or repr(result.exception)
    with app.app_context():
        assert Unit.query.filter_by(kind="class").count() == len(CLASSES)
        assert Poster.query.count() == 0
