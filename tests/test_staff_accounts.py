"""Staff accounts in the browser: change one's own password; a password an admin hands over
works once; an admin can require a second factor (a TOTP code from any authenticator app)."""

import re
from urllib.parse import urlsplit

import pytest
from helpers import csrf_token

import database
from extensions import db
from models import AuditEvent, StaffUser
from services.common import totp

pytest_plugins = ["staff_fixtures"]

PASSWORD = "mat-khau-dai-va-kho-doan"  # staff_fixtures' password
NEW_PASSWORD = "mot-mat-khau-moi-rat-dai"


def path_of(response) -> str:
    return urlsplit(response.headers["Location"]).path


def text(response) -> str:
    return response.get_data(as_text=True)


def change(client, current, new, repeat=None):
    page = text(client.get("/staff/password"))
    return client.post(
        "/staff/password",
        data={"csrf_token": csrf_token(page), "current": current, "password": new,
              "repeat": new if repeat is None else repeat},
    )  # fmt: skip


def user(app, username) -> StaffUser:
    with app.app_context():
        found = StaffUser.query.filter_by(username=username).one()
        return found


# --- one's own password ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("sai-mat-khau-roi", NEW_PASSWORD, None, "Mật khẩu hiện tại không đúng."),
        (PASSWORD, NEW_PASSWORD, "khac-hoan-toan-nhe", "Hai lần nhập mật khẩu mới không giống"),
        (PASSWORD, "ngan", None, "Mật khẩu mới cần ít nhất 10 ký tự."),
        (PASSWORD, PASSWORD, None, "Mật khẩu mới phải khác mật khẩu hiện tại."),
    ],
)
def test_a_refused_change_says_why_in_vietnamese_and_changes_nothing(
    app, staff, staff_client, try_login, current, new, repeat, message
):
    teacher = staff_client("teacher_a")
    refused = change(teacher, current, new, repeat)
    assert refused.status_code == 400
    assert message in text(refused)
    assert try_login(app.test_client(), staff.username("teacher_a")).status_code == 303


def test_changing_ones_password_ends_other_sessions_and_keeps_this_one(
    app, staff, staff_client, try_login
):
    other_device = staff_client("teacher_a")
    teacher = staff_client("teacher_a")
    done = change(teacher, PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303 and path_of(done) == "/staff/"
    assert "Đã đổi mật khẩu" in text(teacher.get("/staff/"))
    assert teacher.get("/staff/").status_code == 200  # still logged in here
    assert other_device.get("/staff/").status_code == 302  # logged out elsewhere
    name = staff.username("teacher_a")
    assert try_login(app.test_client(), name, PASSWORD).status_code == 401
    assert try_login(app.test_client(), name, NEW_PASSWORD).status_code == 303
    with app.app_context():
        assert AuditEvent.query.filter_by(action="password_changed").count() == 1


# --- a handed-over password works once ---------------------------------------------------------


def _reset_by_admin(app, staff, staff_client, who="teacher_b") -> str:
    admin = staff_client("admin")
    user_id = getattr(staff, who)
    page = text(admin.get(f"/staff/admin/users/{user_id}"))
    with app.app_context():
        account = db.session.get(StaffUser, user_id)
        class_ids = [str(c.id) for c in account.classes]
        form = {"csrf_token": csrf_token(page), "display_name": account.display_name,
                "role": account.role, "unit_id": str(account.unit_id or ""),
                "class_ids": class_ids, "active": "y", "reset_password": "y"}  # fmt: skip
    shown = admin.post(f"/staff/admin/users/{user_id}", data=form)
    assert shown.status_code == 200
    return re.search(r"\b([a-z2-9]{4}(?:-[a-z2-9]{4}){3})\b", text(shown)).group(1)


def test_a_reset_password_must_be_replaced_at_the_next_login(app, staff, staff_client, try_login):
    handed = _reset_by_admin(app, staff, staff_client)
    client = app.test_client()
    name = staff.username("teacher_b")
    logged = try_login(client, name, handed)
    assert logged.status_code == 303 and path_of(logged) == "/staff/password"
    page = client.get("/staff/password")
    assert "chỉ dùng được một lần" in text(page)
    for elsewhere in ("/staff/", f"/staff/units/{staff.class_b}", "/staff/posters"):
        response = client.get(elsewhere)
        assert response.status_code == 303 and path_of(response) == "/staff/password", elsewhere
    assert change(client, handed, NEW_PASSWORD).status_code == 303
    assert client.get("/staff/").status_code == 200
    assert try_login(app.test_client(), name, handed).status_code == 401  # once only
    with app.app_context():
        assert not db.session.get(StaffUser, staff.teacher_b).must_change_password


# --- second factor -----------------------------------------------------------------------------


def _require_second_factor(app, staff, who="admin"):
    with app.app_context():
        account = db.session.get(StaffUser, getattr(staff, who))
        account.second_factor_required = True
        database.commit()


def _secret_on(page: str) -> str:
    match = re.search(r'<strong class="code">([A-Z2-7 ]+)</strong>', page)
    assert match, "the setup page shows the key"
    return match.group(1).replace(" ", "")


def _send_code(client, code):
    page = text(client.get("/staff/login/code"))
    return client.post("/staff/login/code", data={"csrf_token": csrf_token(page), "code": code})


def test_a_required_second_factor_is_set_up_at_the_next_login_then_asked_every_time(
    app, staff, try_login
):
    _require_second_factor(app, staff)
    client = app.test_client()
    first = try_login(client, staff.username("admin"))
    assert first.status_code == 303 and path_of(first) == "/staff/login/code"
    assert client.get("/staff/").status_code == 302  # not logged in yet
    setup = text(client.get("/staff/login/code"))
    assert "<svg" in setup and "ứng dụng xác thực" in setup
    secret = _secret_on(setup)
    wrong = _send_code(client, "000000" if totp.code_at(secret, totp.current_step()) != "000000"
                       else "111111")  # fmt: skip
    assert wrong.status_code == 401 and "Mã không đúng" in text(wrong)
    done = _send_code(client, totp.code_at(secret, totp.current_step()))
    assert done.status_code == 303 and path_of(done) == "/staff/"
    assert client.get("/staff/admin/users").status_code == 200
    with app.app_context():
        assert db.session.get(StaffUser, staff.admin).totp_secret == secret

    again = app.test_client()
    assert path_of(try_login(again, staff.username("admin"))) == "/staff/login/code"
    assert "<svg" not in text(again.get("/staff/login/code"))  # enrolled: only the code
    used = totp.code_at(secret, totp.current_step())
    assert _send_code(again, used).status_code == 401  # the code just used, refused
    assert _send_code(again, totp.code_at(secret, totp.current_step() + 1)).status_code == 303


def test_five_wrong_codes_send_back_to_the_login(app, staff, try_login):
    _require_second_factor(app, staff, "officer")
    client = app.test_client()
    try_login(client, staff.username("officer"))
    for _ in range(4):
        assert _send_code(client, "12345x").status_code in (400, 401)
    last = _send_code(client, "999999")
    assert last.status_code == 303 and path_of(last) == "/staff/login"
    assert path_of(client.get("/staff/login/code")) == "/staff/login"
    with app.app_context():
        assert AuditEvent.query.filter_by(action="second_factor_failed").count() >= 4


def test_accounts_without_a_second_factor_log_in_as_before(app, staff, try_login):
    response = try_login(app.test_client(), staff.username("teacher_a"))
    assert response.status_code == 303 and path_of(response) == "/staff/"
