"""Binding staff sessions to Flask-Login: the cookie holds a token the server can end."""

from datetime import timedelta

from flask import Flask, current_app
from flask_login import current_user

from extensions import login_manager
from services.org import staff as staff_service


def current_staff():
    """The logged-in staff user (or an anonymous user object)."""
    return current_user


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str):
        max_age = timedelta(hours=current_app.config["STAFF_SESSION_MAX_HOURS"])
        user = staff_service.load_session(token, max_age)
        if user is not None:
            user.session_token = token
        return user
