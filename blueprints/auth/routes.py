"""Login (slowed per account and address, capped per address) and logout (ends the session on
the server)."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm
from blueprints.common import audit_trail
from blueprints.common.client import client_ip
from blueprints.common.redirects import safe_next
from extensions import limiter
from services.org import audit, login_throttle
from services.org import staff as staff_service
from unit_of_work import keep_changes_on_error


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
        return redirect(url_for("staff.home"))
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
    session.clear()  # a fresh session: nothing from before login survives it
    user.session_token = staff_service.start_session(user)
    login_user(user)
    audit.record(user, "login", user.username, address)
    return redirect(safe_next(form.next.data, url_for("staff.home")), code=303)


@bp.post("/logout")
@login_required
def logout():
    """End the session on the server too: a copied cookie no longer works."""
    staff_service.end_session(current_user.session_token)
    audit_trail.record("logout", current_user.username)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
