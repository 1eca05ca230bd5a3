"""Login (slowed per account and address, capped per address) and logout (ends the session on
the server)."""

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm, PasswordChangeForm, SecondFactorForm
from blueprints.common import audit_trail
from blueprints.common.client import client_ip
from blueprints.common.form_errors import put_errors
from blueprints.common.redirects import safe_next
from extensions import db, limiter
from models import StaffUser
from services.common import totp
from services.common.errors import InvalidInput
from services.org import audit, login_throttle, settings, tenancy
from services.org import staff as staff_service
from services.org.settings import commune_settings
from services.render.qr import qr_svg
from unit_of_work import keep_changes_on_error

PENDING = "second_factor_pending"
PENDING_SETUP = "second_factor_setup"  # the key the app is being set up with
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5
TOTP_ISSUER = "Lan Tỏa"
PASSWORD_MESSAGES = {
    ("current", "wrong"): _l("Mật khẩu hiện tại không đúng."),
    ("repeat", "mismatch"): _l("Hai lần nhập mật khẩu mới không giống nhau."),
    ("password", "unchanged"): _l("Mật khẩu mới phải khác mật khẩu hiện tại."),
    ("password", "too_short"): _l("Mật khẩu mới cần ít nhất %(n)d ký tự."),
}


def _typed_username() -> str:
    return staff_service.normalize_username(request.form.get("username", ""))[:60]


def _account_and_address_key() -> str:
    """Per (user name, address): a stranger's guesses never count against the owner's own."""
    return f"login-user:{_typed_username()}|{client_ip()}"


def _per_account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _per_ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


def _delay() -> login_throttle.Delay:
    config = current_app.config
    return login_throttle.Delay(
        after=config["LOGIN_FAILURES_BEFORE_DELAY"],
        seconds=config["LOGIN_DELAY_SECONDS"],
        most=config["LOGIN_DELAY_MAX_SECONDS"],
    )


def _wait_page(form: LoginForm, seconds: int):
    form.password.errors = [
        _("Bạn đã nhập sai nhiều lần. Hãy thử lại sau %(seconds)d giây.", seconds=seconds)
    ]
    page = render_template("auth/login.html", form=form)
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_per_ip_limit, methods=["POST"])
@limiter.limit(_per_account_limit, key_func=_account_and_address_key, methods=["POST"])
def login():
    """Staff login; a new session each time."""
    if current_user.is_authenticated:
        return redirect(_home(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if not form.validate_on_submit():
        return render_template(
            "auth/login.html", form=form
        ), 400 if request.method == "POST" else 200
    username, address = staff_service.normalize_username(form.username.data), client_ip()
    wait = login_throttle.seconds_to_wait(username, address, _delay())
    if wait:
        return _wait_page(form, wait)
    user = staff_service.authenticate(form.username.data, form.password.data)
    if user is None:
        audit.record(None, "login_failed", username, address)
        login_throttle.record_failure(username, address)
        form.password.errors = [_("Tên đăng nhập hoặc mật khẩu không đúng.")]
        keep_changes_on_error()  # failed logins are what the audit log is for
        return render_template("auth/login.html", form=form), 401
    login_throttle.forget(username, address)
    next_url = safe_next(form.next.data, _home(user))
    if staff_service.needs_second_factor(user):
        session.clear()
        session[PENDING] = {"user": user.id, "at": time.time(), "next": next_url, "failures": 0}
        return redirect(url_for("auth.second_factor"), code=303)
    return _complete_login(user, next_url)


def _home(user: StaffUser) -> str:
    """Where a login lands: the province office on its communes, anyone else on their page."""
    return url_for("province.dashboard") if user.is_province else url_for("staff.home")


def _complete_login(user: StaffUser, next_url: str):
    """A fresh session (nothing from before login survives it); a handed-over password is
    changed first."""
    session.clear()
    user.session_token = staff_service.start_session(user)
    login_user(user)
    audit.record(user, "login", user.username, client_ip())
    if user.must_change_password:
        return redirect(url_for("auth.change_password"), code=303)
    return redirect(next_url, code=303)


def _pending_user() -> StaffUser | None:
    """The account whose password was right, waiting for its code (a few minutes at most)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = staff_service.pending_account(pending.get("user"))
    if user is None or not user.active:
        return None
    tenancy.enter(db.session, tenancy.scope_of_staff(user))  # the page speaks for its commune
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_per_ip_limit, methods=["POST"])
def second_factor():
    """The second step of a login: a code from the authenticator app; the first time, the
    app is set up from a QR code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
        return redirect(url_for("auth.login"), code=303)
    form = SecondFactorForm()
    enrolling = not user.totp_secret
    secret = session.setdefault(PENDING_SETUP, totp.new_secret()) if enrolling else None
    if form.validate_on_submit():
        try:
            if enrolling:
                staff_service.enroll_second_factor(user, secret, form.code.data)
                audit.record(user, "second_factor_enrolled", user.username, client_ip())
            else:
                staff_service.check_second_factor(user, form.code.data)
        except InvalidInput:
            return _wrong_code(user, form, secret)
        return _complete_login(user, session[PENDING]["next"])
    status = 400 if form.is_submitted() else 200
    return _code_page(user, form, secret), status


def _wrong_code(user: StaffUser, form: SecondFactorForm, secret: str | None):
    pending = session[PENDING]
    pending["failures"] = pending.get("failures", 0) + 1
    session[PENDING] = pending
    audit.record(None, "second_factor_failed", user.username, client_ip())
    keep_changes_on_error()  # failed codes are what the audit log is for
    if pending["failures"] >= MAX_CODE_FAILURES:
        session.clear()
        flash(_("Nhập sai mã quá nhiều lần. Hãy đăng nhập lại từ đầu."))
        return redirect(url_for("auth.login"), code=303)
    form.code.errors = [_("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng.")]
    return _code_page(user, form, secret), 401


def _code_page(user: StaffUser, form: SecondFactorForm, secret: str | None):
    # Not logged in yet: the page speaks for the account's own commune.
    settings.use_commune(user.commune_id)
    setup = None
    if secret is not None:
        address = totp.provisioning_uri(secret, user.username, TOTP_ISSUER)
        setup = {"qr": qr_svg(address), "secret": totp.grouped(secret)}
    return render_template(
        "auth/second_factor.html",
        form=form,
        setup=setup,
        issuer=commune_settings(user.commune_id).issuer_short,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (and a handed-over one, which must be changed)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            staff_service.change_own_password(
                user, form.current.data, form.password.data, form.repeat.data
            )
        except InvalidInput as exc:
            put_errors(form, exc, PASSWORD_MESSAGES)
            return render_template("auth/password.html", form=form), 400
        audit.record(user, "password_changed", user.username, client_ip())
        session.clear()  # every other session ended with the change; this one starts afresh
        user.session_token = staff_service.start_session(user)
        login_user(user)
        flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."))
        return redirect(url_for("staff.home"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End the session on the server too: a copied cookie no longer works."""
    staff_service.end_session(current_user.session_token)
    audit_trail.record("logout", current_user.username)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
