"""Fixtures: one app and schema per test session (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), emptied between tests; clients and small factories."""

import os
import re
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

import database
from app import create_app
from extensions import db, limiter
from models import Lesson, Quiz, Survey, Unit
from services.content import loader as content_loader
from services.org.units import create_unit
from services.participation import catalog
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster

pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
FIXTURE_SURVEYS = Path(__file__).parent / "fixtures" / "surveys"
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


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


@pytest.fixture
def surveys(app):
    """The fixture surveys loaded: 'y-kien' (named, counts as reach, all five question kinds)
    and 'an-danh' (anonymous)."""
    with app.app_context():
        content_loader.load(FIXTURE_SURVEYS)
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


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"page has no hidden field {name}"
    return match.group(1)


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
