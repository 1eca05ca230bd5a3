"""Staff fixtures: an admin, teacher A (class 7A), teacher B (class 8B), a village officer,
and a helper that logs a test client in through the real /staff/login form.

Register in a test module with `pytest_plugins = ["staff_fixtures"]` and use the fixtures
(importing this module from a test module would stop pytest rewriting its asserts).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token, hidden

import database
from extensions import db
from models import Unit
from services.org import passwords
from services.org import staff as staff_service
from services.org.units import create_unit

PASSWORD = "mat-khau-dai-va-kho-doan"


@dataclass(frozen=True)
class Staff:
    """Ids of the staff world: accounts, their units, and who may see what."""

    admin: int
    teacher_a: int
    teacher_b: int
    officer: int
    school: int
    class_a: int
    class_a_code: str
    class_b: int
    class_b_code: str
    village: int
    commune: int
    password: str = PASSWORD

    USERNAMES = {
        "admin": "admin.xa",
        "teacher_a": "co.hoa",
        "teacher_b": "thay.binh",
        "officer": "truong.thon",
    }

    def username(self, who: str) -> str:
        return self.USERNAMES[who]


@pytest.fixture(scope="session")
def _password_hash() -> str:
    """One real argon2id hash of PASSWORD (hashing costs ~0.2 s: not four times per test)."""
    return passwords.hash_password(PASSWORD)


@pytest.fixture
def staff(app, places, monkeypatch, _password_hash) -> Staff:
    """The conftest places plus class 8B in the same school, and four staff accounts."""
    real_hash = passwords.hash_password
    with monkeypatch.context() as patch, app.app_context():
        patch.setattr(
            passwords,
            "hash_password",
            lambda password: _password_hash if password == PASSWORD else real_hash(password),
        )
        class_a = db.session.get(Unit, places["class"])
        school = class_a.parent
        class_b = create_unit("class", "Lớp 8B", school, target_population=30)
        village = db.session.get(Unit, places["village"])
        names = Staff.USERNAMES
        admin = staff_service.create_staff(names["admin"], "Phòng VH-XH", PASSWORD, "admin")
        teacher_a = staff_service.create_staff(
            names["teacher_a"], "Cô Nguyễn Thị Hoa", PASSWORD, "teacher"
        )
        teacher_a.classes.append(class_a)
        teacher_b = staff_service.create_staff(
            names["teacher_b"], "Thầy Lường Văn Bình", PASSWORD, "teacher"
        )
        teacher_b.classes.append(class_b)
        officer = staff_service.create_staff(
            names["officer"], "Ông Hoàng Văn Pàn", PASSWORD, "officer", village
        )
        database.commit()
        ids = Staff(
            admin=admin.id,
            teacher_a=teacher_a.id,
            teacher_b=teacher_b.id,
            officer=officer.id,
            school=school.id,
            class_a=class_a.id,
            class_a_code=class_a.join_code,
            class_b=class_b.id,
            class_b_code=class_b.join_code,
            village=village.id,
            commune=places["commune"],
        )
    return ids


def login_form_data(client, username: str, password: str, next_url: str | None = None) -> dict:
    """The login form as the browser would send it (CSRF token and hidden `next` included)."""
    page = client.get("/staff/login" + (f"?next={next_url}" if next_url else ""))
    html = page.get_data(as_text=True)
    return {
        "csrf_token": csrf_token(html),
        "next": hidden(html, "next"),
        "username": username,
        "password": password,
    }


def do_login(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    """Log a test client in through the real form; returns the POST's response."""
    return client.post("/staff/login", data=login_form_data(client, username, password, next_url))


@pytest.fixture
def try_login(app):
    """try_login(client, username, password=PASSWORD, next_url=None) → the POST's response."""
    return do_login


@pytest.fixture
def staff_token(app):
    """staff_token(client): a CSRF token for a logged-in staff client."""
    return staff_page_token


@pytest.fixture
def login(app, staff):
    """login(client, "teacher_a") logs the client in as that staff member (asserts success)."""

    def do(client, who: str, password: str = PASSWORD):
        username = staff.username(who) if who in Staff.USERNAMES else who
        response = do_login(client, username, password)
        assert response.status_code == 303, response.get_data(as_text=True)
        # The province office lands on its communes, everyone else on their staff page.
        assert urlsplit(response.headers["Location"]).path in ("/staff/", "/staff/province/")
        return response

    return do


@pytest.fixture
def staff_client(app, login):
    """staff_client("teacher_a"): a fresh test client already logged in as that person."""

    def make(who: str):
        client = app.test_client()
        login(client, who)
        return client

    return make


def staff_page_token(client) -> str:
    """A CSRF token for a logged-in staff client (the logout form is on every staff page)."""
    return csrf_token(client.get("/staff/").get_data(as_text=True))
