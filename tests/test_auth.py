"""Staff login and logout: audit, disabled accounts, create-admin, hashing, sessions,
cookie flags, throttling and open redirects."""

import json
import re
from urllib.parse import quote, urlsplit

import pytest
from conftest import csrf_token, hidden

import database
from extensions import db
from models import AuditEvent, StaffSession, StaffUser
from services.org import staff as staff_service

pytest_plugins = ["staff_fixtures"]

PASSWORD = "mat-khau-dai-va-kho-doan"  # staff_fixtures' password
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
TOO_FAST = "Bạn thao tác quá nhanh"


def staff_user(username: str) -> StaffUser | None:
    return StaffUser.query.filter_by(username=username).one_or_none()


@pytest.fixture
def do_login(try_login):
    return try_login


@pytest.fixture
def staff_page_token(staff_token):
    return staff_token


def location_path(response) -> str:
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), response.headers["Location"]
    return parts.path


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = AuditEvent.query.filter_by(action=action).order_by(AuditEvent.id).all()
        db.session.expunge_all()
        return found


# --- logging in --------------------------------------------------------------------------------


def test_login_opens_the_staff_home_and_is_audited(app, client, staff, do_login):
    response = do_login(client, "co.hoa")
    assert response.status_code == 303
    assert location_path(response) == "/staff/"
    home = client.get("/staff/")
    assert home.status_code == 200
    assert "Cô Nguyễn Thị Hoa" in home.get_data(as_text=True)
    logins = events(app, "login")
    assert len(logins) == 1
    assert logins[0].staff_id == staff.teacher_a and logins[0].target == "co.hoa"
    with app.app_context():
        assert db.session.get(StaffUser, staff.teacher_a).last_login_at is not None
        assert StaffSession.query.filter_by(staff_id=staff.teacher_a).count() == 1


def test_username_is_case_insensitive_and_trimmed(client, staff, do_login):
    assert do_login(client, "  CO.Hoa ").status_code == 303


def test_wrong_password_is_refused_in_vietnamese_and_audited(app, client, staff, do_login):
    response = do_login(client, "co.hoa", "sai-mat-khau-roi")
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    # The 401 rolls the request back, except the audit row, which must be committed.
    failed = events(app, "login_failed")
    assert len(failed) == 1
    assert failed[0].target == "co.hoa" and failed[0].staff_id is None
    assert "sai-mat-khau-roi" not in json.dumps(failed[0].detail, ensure_ascii=False)
    assert events(app, "login") == []


def test_unknown_username_gets_the_same_answer(app, client, staff, do_login):
    response = do_login(client, "khong.co.ai", PASSWORD)
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert [e.target for e in events(app, "login_failed")] == ["khong.co.ai"]


def test_empty_form_is_a_400_with_vietnamese_messages(client, staff):
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post("/staff/login", data={"csrf_token": token})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Nhập tên đăng nhập." in body and "Nhập mật khẩu." in body


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/staff/login", data={"username": "co.hoa", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_disabled_account_cannot_log_in_and_its_open_sessions_stop(
    app, client, staff, staff_client, do_login
):
    teacher = staff_client("teacher_a")
    assert teacher.get("/staff/").status_code == 200
    # The admin disables the account through the real form.
    admin = staff_client("admin")
    page = admin.get(f"/staff/admin/users/{staff.teacher_a}").get_data(as_text=True)
    response = admin.post(
        f"/staff/admin/users/{staff.teacher_a}",
        data={
            "csrf_token": csrf_token(page),
            "username": "co.hoa",
            "display_name": "Cô Nguyễn Thị Hoa",
            "role": "teacher",
            "unit_id": "",
            "class_ids": [str(staff.class_a)],
            # "active" left unticked
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(StaffUser, staff.teacher_a).active is False
        assert StaffSession.query.filter_by(staff_id=staff.teacher_a, ended_at=None).count() == 0
    # The session that was open is refused now.
    stale = teacher.get("/staff/")
    assert stale.status_code == 302 and location_path(stale) == "/staff/login"
    # And the right password no longer logs in.
    again = do_login(client, "co.hoa", PASSWORD)
    assert again.status_code == 401
    assert WRONG in again.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_disabling_through_the_service_also_stops_a_live_session(app, staff, staff_client):
    teacher = staff_client("teacher_b")
    with app.app_context():
        staff_service.set_active(db.session.get(StaffUser, staff.teacher_b), False)
        database.commit()
    assert teacher.get("/staff/").status_code == 302


# --- flask create-admin ------------------------------------------------------------------------


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_there_is_no_default_account(app, client, do_login):
    with app.app_context():
        assert StaffUser.query.count() == 0
    for username, password in [("admin", "admin"), ("admin", "password"), ("root", "root")]:
        assert do_login(client, username, password).status_code == 401


def test_create_admin_generate_prints_a_password_that_works(app, client, runner, do_login):
    result = runner.invoke(args=["create-admin", "quan.tri", "--generate"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Password \(shown once\): (\S+)", result.output)
    assert match, result.output
    password = match.group(1)
    assert len(password) >= 10
    response = do_login(client, "quan.tri", password)
    assert response.status_code == 303
    assert client.get("/staff/admin/users").status_code == 200
    with app.app_context():
        user = staff_user("quan.tri")
        assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
        for event in AuditEvent.query.all():
            assert password not in json.dumps(event.detail, ensure_ascii=False)
            assert password not in (event.target or "")


def test_create_admin_prompts_for_the_password(app, client, runner, do_login):
    result = runner.invoke(
        args=["create-admin", "quan.tri"], input="mat-khau-cua-xa\nmat-khau-cua-xa\n"
    )
    assert result.exit_code == 0, result.output
    assert "mat-khau-cua-xa" not in result.output  # hidden input, never echoed
    assert do_login(client, "quan.tri", "mat-khau-cua-xa").status_code == 303


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-admin", "quan.tri"], input="ngan\nngan\n")
    assert result.exit_code != 0
    with app.app_context():
        assert StaffUser.query.count() == 0


def test_create_admin_refuses_mismatched_confirmation(app, runner):
    result = runner.invoke(
        args=["create-admin", "quan.tri"], input="mat-khau-cua-xa\nmat-khau-khac-a\n"
    )
    assert result.exit_code != 0
    with app.app_context():
        assert StaffUser.query.count() == 0


# --- password storage --------------------------------------------------------------------------


def test_passwords_are_argon2id_and_never_in_the_audit_log(
    app, client, staff, staff_client, do_login
):
    do_login(client, "co.hoa", "mot-mat-khau-sai")
    staff_client("teacher_a")
    admin = staff_client("admin")
    page = admin.get(f"/staff/admin/users/{staff.teacher_b}").get_data(as_text=True)
    reset = admin.post(
        f"/staff/admin/users/{staff.teacher_b}",
        data={
            "csrf_token": csrf_token(page),
            "display_name": "Thầy Lường Văn Bình",
            "role": "teacher",
            "unit_id": "",
            "class_ids": [str(staff.class_b)],
            "active": "y",
            "reset_password": "y",
        },
    )
    assert reset.status_code == 200
    new_password = re.search(r"\b([a-z2-9]{4}(?:-[a-z2-9]{4}){3})\b", reset.get_data(as_text=True))
    assert new_password, "the new password is shown once"
    with app.app_context():
        users = StaffUser.query.all()
        assert users and all(u.password_hash.startswith("$argon2id$") for u in users)
        assert all(PASSWORD not in u.password_hash for u in users)
        logged = [
            json.dumps([e.action, e.target, e.detail], ensure_ascii=False)
            for e in AuditEvent.query.all()
        ]
    assert any("staff_password_reset" in line for line in logged)
    for line in logged:
        for secret in (PASSWORD, "mot-mat-khau-sai", new_password.group(1), "$argon2"):
            assert secret not in line


# --- the session -------------------------------------------------------------------------------


def test_login_starts_a_new_session(app, client, staff, do_login):
    client.get("/staff/login")
    with client.session_transaction() as sess:
        sess["planted"] = "truoc-khi-dang-nhap"
    before = client.get_cookie("session").value
    assert do_login(client, "co.hoa").status_code == 303
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_logout_ends_the_session_on_the_server(app, client, staff, do_login, staff_page_token):
    assert do_login(client, "co.hoa").status_code == 303
    saved = client.get_cookie("session").value
    response = client.post("/staff/logout", data={"csrf_token": staff_page_token(client)})
    assert response.status_code == 303 and location_path(response) == "/staff/login"
    assert client.get("/staff/").status_code == 302
    assert events(app, "logout")[0].staff_id == staff.teacher_a

    replay = app.test_client()
    replay.set_cookie("session", saved)
    refused = replay.get("/staff/")
    assert refused.status_code == 302
    assert location_path(refused) == "/staff/login"
    assert replay.get(f"/staff/units/{staff.class_a}/report").status_code == 302


def test_a_copied_cookie_works_until_logout(app, client, staff, do_login):
    """The control for the test above: the replay is refused because of the logout."""
    assert do_login(client, "co.hoa").status_code == 303
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/staff/").status_code == 200


def test_logout_needs_a_csrf_token(client, staff, do_login):
    assert do_login(client, "co.hoa").status_code == 303
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200


def test_logging_in_elsewhere_does_not_end_other_sessions(
    app, staff, staff_client, staff_page_token
):
    first = staff_client("teacher_a")
    second = staff_client("teacher_a")
    second.post("/staff/logout", data={"csrf_token": staff_page_token(second)})
    assert first.get("/staff/").status_code == 200
    assert second.get("/staff/").status_code == 302


def _session_cookie_header(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_http_only_and_same_site_lax(client, staff, do_login):
    header = _session_cookie_header(do_login(client, "co.hoa"))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_session_cookie_is_secure_when_configured(app, client, staff):
    previous = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        page = client.get("/staff/login", base_url="https://localhost")
        data = {
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "username": "co.hoa",
            "password": PASSWORD,
        }
        response = client.post(
            "/staff/login",
            data=data,
            base_url="https://localhost",
            headers={"Referer": "https://localhost/staff/login"},  # CSRF checks it over HTTPS
        )
        assert response.status_code == 303
        header = _session_cookie_header(response)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    finally:
        app.config["SESSION_COOKIE_SECURE"] = previous


# --- throttling --------------------------------------------------------------------------------


def test_login_is_throttled_per_account(app, staff, do_login):
    previous = app.config["LOGIN_RATE_LIMIT_ACCOUNT"]
    app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = "3 per minute"
    try:
        client = app.test_client()
        for _ in range(3):
            assert do_login(client, "co.hoa", "sai-mat-khau-roi").status_code == 401
        blocked = do_login(client, "co.hoa", "sai-mat-khau-roi")
        assert blocked.status_code == 429
        body = blocked.get_data(as_text=True)
        assert TOO_FAST in body and "<html" in body.lower()
        assert "per 1 minute" not in body  # Flask-Limiter's English text is not the message
        # Even the right password waits: guessing cannot go on at any speed.
        assert do_login(client, "co.hoa", PASSWORD).status_code == 429
        # Another account from the same address is not locked out.
        assert do_login(client, "thay.binh", "sai-mat-khau-roi").status_code == 401
        assert do_login(client, "thay.binh", PASSWORD).status_code == 303
    finally:
        app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = previous


def test_login_is_throttled_per_address(app, staff, do_login):
    previous = app.config["LOGIN_RATE_LIMIT_IP"]
    app.config["LOGIN_RATE_LIMIT_IP"] = "3 per minute"
    try:
        client = app.test_client()
        for username in ("mot.nguoi", "hai.nguoi", "ba.nguoi"):
            assert do_login(client, username, "sai-mat-khau-roi").status_code == 401
        blocked = do_login(client, "bon.nguoi", "sai-mat-khau-roi")
        assert blocked.status_code == 429
        assert TOO_FAST in blocked.get_data(as_text=True)
        # Another address is still served.
        other = app.test_client()
        page = other.get("/staff/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        response = other.post(
            "/staff/login",
            data={
                "csrf_token": csrf_token(page.get_data(as_text=True)),
                "username": "bon.nguoi",
                "password": "sai-mat-khau-roi",
            },
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert response.status_code == 401
    finally:
        app.config["LOGIN_RATE_LIMIT_IP"] = previous


def test_viewing_the_login_page_is_not_throttled(app, client, staff):
    previous = app.config["LOGIN_RATE_LIMIT_IP"]
    app.config["LOGIN_RATE_LIMIT_IP"] = "3 per minute"
    try:
        for _ in range(6):
            assert client.get("/staff/login").status_code == 200
    finally:
        app.config["LOGIN_RATE_LIMIT_IP"] = previous


# --- next --------------------------------------------------------------------------------------

EVIL = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "///evil.example",
    "https:/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
]


@pytest.mark.parametrize("target", EVIL)
def test_next_from_the_query_string_never_leaves_the_site(client, staff, target):
    page = client.get(f"/staff/login?next={quote(target, safe='')}")
    html = page.get_data(as_text=True)
    assert hidden(html, "next") == ""
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_token(html),
            "next": hidden(html, "next"),
            "username": "co.hoa",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert "evil" not in response.headers["Location"]
    assert location_path(response) == "/staff/"


@pytest.mark.parametrize("target", EVIL)
def test_next_posted_directly_never_leaves_the_site(client, staff, target):
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": "co.hoa", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 303
    assert "evil" not in response.headers["Location"]
    assert location_path(response) == "/staff/"


def test_next_inside_the_site_is_followed(client, staff):
    target = f"/staff/units/{staff.class_a}/report"
    page = client.get(f"/staff/login?next={quote(target, safe='')}")
    html = page.get_data(as_text=True)
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_token(html),
            "next": hidden(html, "next"),
            "username": "co.hoa",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert location_path(response) == target


def test_a_protected_page_sends_to_login_and_back(client, staff):
    target = f"/staff/units/{staff.class_a}"
    first = client.get(target)
    assert first.status_code == 302 and location_path(first) == "/staff/login"
    back = client.get(first.headers["Location"])
    html = back.get_data(as_text=True)
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_token(html),
            "next": hidden(html, "next"),
            "username": "co.hoa",
            "password": PASSWORD,
        },
    )
    assert location_path(response) == target
