"""Fixtures: one app and schema per test session (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), emptied between tests; clients and small factories.

Under pytest-xdist each worker has its own session: its own SQLite file (in its own temporary
folder) or its own PostgreSQL database, TEST_DATABASE_URL's with the worker's name appended."""

# ruff: noqa: E402 (the shared helpers are registered for assert rewriting before their import)

import os
import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("helpers")

from flask_migrate import upgrade
from helpers import csrf_token, hidden  # noqa: F401 (tests also import them from here)
from sqlalchemy import create_engine, make_url, text

import database
from app import create_app
from extensions import db, limiter
from models import Lesson, Quiz, Survey, Unit
from services.content import loader as content_loader
from services.org import tenancy
from services.org.units import create_unit
from services.participation import catalog
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster

pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
FIXTURE_SURVEYS = Path(__file__).parent / "fixtures" / "surveys"
FIXTURE_RULE_SURVEYS = Path(__file__).parent / "fixtures" / "survey_rules"
FIXTURE_COURSES = Path(__file__).parent / "fixtures" / "courses"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """The URL of a database of the same server named `<database>_<worker>` (lantoa_test_gw0),
    created through the server's maintenance database `postgres` when it is missing."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if conn.execute(query, {"name": name}).scalar() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium (the `browser` fixture, directly or through `phone` or
    `desk`, or `microphone_browser`) must carry the `e2e` marker, so that `pytest -m "not e2e"`
    leaves them all out."""
    browsers = {"browser", "microphone_browser"}
    unmarked = [
        item.nodeid
        for item in items
        if browsers & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("e2e")
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests using the browser without the e2e marker: " + ", ".join(unmarked)
        )


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "BASE_URL": "https://lantoa.example",
            "VERIFY_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
    yield app


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Each test starts from an empty database (schema kept)."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    catalog._html_cache.clear()
    tenancy.forget_communes()
    limiter.reset()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def content(app):
    """The fixture curriculum loaded: lessons 'an-toan' and 'gioi-han'."""
    with app.app_context():
        content_loader.load(FIXTURE_CONTENT)
        database.commit()


# What the tests of the "trained" indicator count as training: 'an-toan' for villagers,
# 'gioi-han' for officials. The fixture files cannot say so (a training quiz needs a bank of
# 1.5× its draw, and the learner-page tests need these four-question quizzes to ask all
# four), so those tests mark the rows after the load (mark_training).
TRAINING_FIXTURES = {"an-toan": ["villager"], "gioi-han": ["official"]}


def mark_training(app) -> None:
    """Make the loaded fixture quizzes count as training (TRAINING_FIXTURES)."""
    with app.app_context():
        for slug, roles in TRAINING_FIXTURES.items():
            Quiz.query.filter_by(slug=slug).one().training_for = roles
        database.commit()


def course_folder(folder: Path) -> Path:
    """A copy of the fixture curriculum with the fixture course 'khoa-thu' (an-toan, then
    gioi-han) added, in `folder`."""
    target = folder / "quizzes"
    shutil.copytree(FIXTURE_CONTENT, target)
    for path in FIXTURE_COURSES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def course(app, tmp_path):
    """The fixture curriculum and its course 'khoa-thu' loaded."""
    with app.app_context():
        content_loader.load(course_folder(tmp_path))
        database.commit()
    return "khoa-thu"


@pytest.fixture
def surveys(app):
    """The fixture surveys loaded: 'y-kien' (named, counts as reach, all five question kinds)
    and 'an-danh' (anonymous)."""
    with app.app_context():
        content_loader.load(FIXTURE_SURVEYS)
        database.commit()


@pytest.fixture
def rule_survey(app):
    """The fixture survey 'quy-tac' loaded: exclusive choices and conditional questions
    (tests/fixtures/survey_rules/quy-tac.yaml)."""
    with app.app_context():
        content_loader.load(FIXTURE_RULE_SURVEYS)
        database.commit()


@pytest.fixture
def places(app):
    """A commune with a village, an agency, a school and a class; ids by name."""
    with app.app_context():
        commune = create_unit("commune", "Xã Hoàng Văn Thụ", target_population=1000)
        village = create_unit("village", "Thôn Nà Pàn", commune, target_population=300)
        agency = create_unit("agency", "UBND xã", commune, target_population=40)
        school = create_unit("school", "Trường THCS", commune)
        klass = create_unit("class", "Lớp 7A", school, target_population=35)
        database.commit()
        return {
            "commune": commune.id,
            "village": village.id,
            "agency": agency.id,
            "class": klass.id,
            "class_code": klass.join_code,
        }


@pytest.fixture
def make_poster(app, content, places):
    """Factory: a poster for a lesson (default), a quiz or a survey, placed in the village."""

    def make(slug="an-toan", target="lesson", unit="village"):
        with app.app_context():
            model = {"lesson": Lesson, "quiz": Quiz, "survey": Survey}[target]
            item = model.query.filter_by(slug=slug).one()
            poster = create_poster(f"Áp phích {slug}", db.session.get(Unit, places[unit]), item)
            database.commit()
            return poster.code

    return make


@pytest.fixture
def identify(app, places):
    """Factory: make the client a known participant through the real identity form."""

    def do(client, name="Nguyễn Thị Hoa", role="villager", age="30-44", unit="village", **extra):
        page = client.get("/identify")
        data = {
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "display_name": name,
            "role": role,
            "unit_id": str(places[unit]) if unit else "",
            "age_band": age,
        }
        data.update(extra)
        response = client.post("/identify", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def participant_in_db(app, places):
    """Factory: a participant created directly (returns its cookie token)."""

    def make(name="Lò Văn Tùng", role="villager", unit="village", age="30-44"):
        with app.app_context():
            unit_id = places[unit] if unit else None
            participant, token = create_participant(
                NewIdentity(name, role, unit_id, age, age == "under16"), "test-consent"
            )
            database.commit()
            return participant.id, token

    return make
