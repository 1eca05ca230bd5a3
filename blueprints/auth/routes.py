"""Login (throttled per account and per address) and logout (ends the session on the server)."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm
from blueprints.common.client import client_ip
from blueprints.common.redirects import safe_next
from extensions import limiter
from services.org import audit
from services.org import staff as staff_service
from unit_of_work import keep_changes_on_error


def _username_key() -> str:
    return "login-user:" + staff_service.normalize_username(request.form.get("username", ""))[:60]


def _per_account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _per_ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_per_ip_limit, methods=["POST"])
@limiter.limit(_per_account_limit, key_func=_username_key, methods=["POST"])
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
    user = staff_service.authenticate(form.username.data, form.password.data)
    if user is None:
        audit.record(
            None, "login_failed", staff_service.normalize_username(form.username.data), client_ip()
        )
        form.password.errors = [_("Tên đăng nhập hoặc mật khẩu không đúng.")]
        keep_changes_on_error()  # failed logins are what the audit log is for
        return render_template("auth/login.html", form=form), 401
    session.clear()  # a fresh session: nothing from before login survives it
    user.session_token = staff_service.start_session(user)
    login_user(user)
    audit.record(user, "login", user.username, client_ip())
    return redirect(safe_next(form.next.data, url_for("staff.home")), code=303)


@bp.post("/logout")
@login_required
def logout():
    """End the session on the server too: a copied cookie no longer works."""
    staff_service.end_session(current_user.session_token)
    audit.record(current_user, "logout", current_user.username, client_ip())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
