"""Production hardening: the trusted-proxy setting, the per-worker limit warning, login
slowing per (account, address), the staff session's absolute lifetime, security headers and
the gunicorn config."""

import importlib.util
import logging
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import gunicorn.http.wsgi
import pytest
from conftest import csrf_token
from flask import Flask, request

import database
from deployment import trust_forwarded_headers, warn_if_limits_are_per_worker
from models import AuditEvent, LoginFailure, StaffSession
from models.base import utcnow
from services.org import login_throttle
from services.org import staff as staff_service

pytest_plugins = ["staff_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-dai-va-kho-doan"  # staff_fixtures' password
WRONG_PASSWORD = "sai-mat-khau-roi"
SLOWED = "Bạn đã nhập sai nhiều lần"


def post_login(app, username, password, address="127.0.0.1", headers=None):
    """A login POST from `address` (a fresh client: its own cookie and CSRF token)."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    page = client.get("/staff/login", environ_base=environ, headers=headers)
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "username": username,
        "password": password,
    }
    return client.post("/staff/login", data=data, environ_base=environ, headers=headers)


def audited_addresses(app, action="login_failed") -> list[str]:
    with app.app_context():
        return [e.ip for e in AuditEvent.query.filter_by(action=action).order_by(AuditEvent.id)]


@pytest.fixture
def config(app):
    """config(KEY=value, ...) changes the app's settings for one test."""
    saved = {}

    def set_(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value

    yield set_
    app.config.update(saved)


# --- trusted proxy -----------------------------------------------------------------------------


def test_a_forged_forwarded_for_is_ignored_by_default(app, staff):
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    forged = {"X-Forwarded-For": "203.0.113.99"}
    assert post_login(app, "co.hoa", WRONG_PASSWORD, "10.1.1.1", forged).status_code == 401
    assert audited_addresses(app) == ["10.1.1.1"]


def _address_app(count: int) -> Flask:
    probe = Flask("probe")
    probe.config["TRUSTED_PROXY_COUNT"] = count
    trust_forwarded_headers(probe)

    @probe.get("/")
    def who():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return probe


PROXIED = {
    "X-Forwarded-For": "198.51.100.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "lantoa.example",
}


def test_behind_one_trusted_proxy_the_client_address_is_the_forwarded_one():
    client = _address_app(1).test_client()
    answer = client.get("/", headers=PROXIED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "198.51.100.7 https lantoa.example"


def test_behind_one_proxy_an_address_the_client_added_itself_is_not_believed():
    client = _address_app(1).test_client()
    headers = {"X-Forwarded-For": "203.0.113.99, 198.51.100.7"}  # forged, then the proxy's
    answer = client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True).split()[0] == "198.51.100.7"


def test_without_a_trusted_proxy_forwarded_headers_change_nothing():
    client = _address_app(0).test_client()
    answer = client.get("/", headers=PROXIED, environ_base={"REMOTE_ADDR": "10.2.2.2"})
    assert answer.get_data(as_text=True) == "10.2.2.2 http localhost"


PRODUCTION_APP = """
import logging, sys
logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(levelname)s %(message)s")
from werkzeug.middleware.proxy_fix import ProxyFix
from app import create_app
app = create_app({"TESTING": False, "SECRET_KEY": "k" * 64, "TRUSTED_PROXY_COUNT": 1,
                  "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
                  "RATELIMIT_STORAGE_URI": "memory://"})
print("proxyfix", isinstance(app.wsgi_app, ProxyFix))
"""


def test_create_app_wraps_for_the_proxy_and_warns_about_memory_limits(tmp_path):
    """A production-like app in its own process (the extensions are process-wide singletons)."""
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_APP, str(tmp_path / "p.sqlite")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "proxyfix True" in done.stdout
    assert re.search(r"WARNING Rate limits are kept in memory.*number of workers", done.stdout)


# --- in-memory rate limits ---------------------------------------------------------------------


@pytest.mark.parametrize("uri", [None, "", "memory://"])
def test_memory_limit_storage_outside_testing_is_warned_about(caplog, uri):
    probe = Flask("probe")
    probe.config["RATELIMIT_STORAGE_URI"] = uri
    with caplog.at_level(logging.WARNING):
        warn_if_limits_are_per_worker(probe)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "multiplied by the number of workers" in text
    assert "redis://" in text and "memcached://" in text and "limits[redis]" in text


@pytest.mark.parametrize(
    "settings",
    [
        {"RATELIMIT_STORAGE_URI": "redis://localhost:6379/0"},
        {"RATELIMIT_STORAGE_URI": "memory://", "TESTING": True},
        {"RATELIMIT_STORAGE_URI": "memory://", "DEBUG": True},
    ],
)
def test_shared_storage_or_debug_or_testing_gives_no_warning(caplog, settings):
    probe = Flask("probe")
    probe.config.update(settings)
    with caplog.at_level(logging.WARNING):
        warn_if_limits_are_per_worker(probe)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- login: slowed per (account, address), never locking the owner out -------------------------


def test_many_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app, staff):
    """With the default settings: an attacker who knows the user name keeps failing."""
    for _ in range(12):
        assert post_login(app, "co.hoa", WRONG_PASSWORD, "203.0.113.5").status_code in (401, 429)
    assert post_login(app, "co.hoa", PASSWORD, "10.0.0.7").status_code == 303


def test_the_attacker_is_slowed_and_the_wait_grows(app, staff, config, monkeypatch):
    config(
        LOGIN_FAILURES_BEFORE_DELAY=3,
        LOGIN_DELAY_SECONDS=30,
        LOGIN_DELAY_MAX_SECONDS=900,
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
        LOGIN_RATE_LIMIT_IP="1000 per minute",
    )
    attacker = "203.0.113.5"
    for _ in range(3):
        assert post_login(app, "co.hoa", WRONG_PASSWORD, attacker).status_code == 401
    slowed = post_login(app, "co.hoa", PASSWORD, attacker)  # even the right password waits
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) >= 30  # Flask-Limiter may name its own, later
    assert f"{SLOWED}. Hãy thử lại sau 30 giây." in slowed.get_data(as_text=True)
    # The owner, from their own address, logs in at once; other names from the attacker too.
    assert post_login(app, "co.hoa", PASSWORD, "10.0.0.7").status_code == 303
    assert post_login(app, "thay.binh", PASSWORD, attacker).status_code == 303
    # Once the wait is over the attacker may try once more, and then waits twice as long.
    later = utcnow() + timedelta(seconds=31)
    monkeypatch.setattr(login_throttle, "utcnow", lambda: later)
    assert post_login(app, "co.hoa", WRONG_PASSWORD, attacker).status_code == 401
    again = post_login(app, "co.hoa", WRONG_PASSWORD, attacker)
    assert again.status_code == 429
    assert "Hãy thử lại sau 60 giây." in again.get_data(as_text=True)


def test_the_right_password_clears_the_count(app, staff, config):
    config(LOGIN_FAILURES_BEFORE_DELAY=3, LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute")
    for _ in range(2):
        assert post_login(app, "co.hoa", WRONG_PASSWORD).status_code == 401
    assert post_login(app, "co.hoa", PASSWORD).status_code == 303
    with app.app_context():
        assert LoginFailure.query.count() == 0
    for _ in range(2):
        assert post_login(app, "co.hoa", WRONG_PASSWORD).status_code == 401
    assert post_login(app, "co.hoa", PASSWORD).status_code == 303


def test_failures_are_counted_in_the_database_per_pair(app, ctx):
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        login_throttle.record_failure("co.hoa", address)
    database.commit()
    counts = {f.address: f.failures for f in LoginFailure.query.filter_by(username="co.hoa")}
    assert counts == {"10.0.0.1": 2, "10.0.0.2": 1}


def test_a_day_old_run_of_failures_is_forgotten(app, ctx, monkeypatch):
    delay = login_throttle.Delay(after=1, seconds=5, most=900)
    login_throttle.record_failure("co.hoa", "10.0.0.1")
    database.commit()
    assert login_throttle.seconds_to_wait("co.hoa", "10.0.0.1", delay) == 5
    tomorrow = utcnow() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(login_throttle, "utcnow", lambda: tomorrow)
    assert login_throttle.seconds_to_wait("co.hoa", "10.0.0.1", delay) == 0
    login_throttle.record_failure("co.hoa", "10.0.0.9")  # sweeps the stale rows
    database.commit()
    assert [f.address for f in LoginFailure.query] == ["10.0.0.9"]


def test_the_delay_doubles_up_to_its_maximum():
    delay = login_throttle.Delay(after=5, seconds=5, most=900)
    waits = [delay.for_failures(n) for n in (0, 4, 5, 6, 7, 12, 100)]
    assert waits == [0, 0, 5, 10, 20, 640, 900]


# --- staff session: an absolute lifetime -------------------------------------------------------


def _age_sessions(app, by: timedelta) -> None:
    with app.app_context():
        for found in StaffSession.query:
            found.created_at -= by
        database.commit()


def test_a_busy_session_still_ends_twelve_hours_after_login(app, staff, staff_client, monkeypatch):
    assert app.config["STAFF_SESSION_MAX_HOURS"] == 12
    client = staff_client("teacher_a")
    _age_sessions(app, timedelta(hours=11, minutes=58))
    assert client.get("/staff/").status_code == 200  # used every few minutes, still fine
    in_three_minutes = utcnow() + timedelta(minutes=3)
    monkeypatch.setattr(staff_service, "utcnow", lambda: in_three_minutes)
    refused = client.get("/staff/")
    assert refused.status_code == 302 and "/staff/login" in refused.headers["Location"]


def test_a_session_begun_thirteen_hours_ago_is_refused(app, staff, staff_client):
    client = staff_client("officer")
    assert client.get("/staff/").status_code == 200
    _age_sessions(app, timedelta(hours=13))
    assert client.get("/staff/").status_code == 302


def test_the_session_lifetime_is_a_setting(app, staff, staff_client, config):
    config(STAFF_SESSION_MAX_HOURS=1)
    client = staff_client("admin")
    _age_sessions(app, timedelta(minutes=61))
    assert client.get("/staff/").status_code == 302


# --- headers -----------------------------------------------------------------------------------

CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def assert_security_headers(response) -> None:
    policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    for directive in CSP:
        assert directive in policy
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_learner_pages_carry_the_headers_and_stay_cacheable(client, content, identify):
    identify(client)
    for path in ("/", "/lessons/an-toan", "/offline", "/sw.js", "/static/css/app.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert "Strict-Transport-Security" not in response.headers


def test_staff_pages_and_exports_are_never_stored(app, client, staff, content, staff_client):
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"
    teacher = staff_client("teacher_a")
    for path in (
        "/staff/",
        f"/staff/units/{staff.class_a}/report",
        f"/staff/units/{staff.class_a}/report.csv",
        f"/staff/units/{staff.class_a}/report.xlsx",
    ):
        response = teacher.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_a_poster_download_is_not_stored_for_staff_only(app, client, staff, make_poster, login):
    code = make_poster()
    assert "no-store" not in client.get(f"/posters/{code}/qr.svg").headers.get("Cache-Control", "")
    login(client, "admin")
    assert client.get(f"/posters/{code}/qr.svg").headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(app, client, config):
    assert "Strict-Transport-Security" not in client.get("/").headers
    config(SESSION_COOKIE_SECURE=True)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_templates_have_no_style_attributes_and_no_inline_scripts():
    """What the policy forbids: `style="…"`, `<style>`, `<script>` without src, `on…=`
    handlers. PDF templates are rendered by WeasyPrint on the server, never by a browser."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path.parent.name == "pdf":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\sstyle=", r"<style", r"<script(?![^>]*\ssrc=)", r"\son[a-z]+=\""):
            found += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert found == []


# --- gunicorn ----------------------------------------------------------------------------------


def _gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy/gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gunicorn_config_loads_with_the_expected_settings(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    conf = _gunicorn_config()
    assert conf.wsgi_app == "app:create_app()"
    assert conf.workers >= 2 and conf.timeout > 0
    assert conf.graceful_timeout > 0
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests
    assert conf.preload_app is False
    assert conf.forwarded_allow_ips == "127.0.0.1"
    assert gunicorn.http.wsgi.SERVER == "lantoa"
    assert "gunicorn" not in gunicorn.http.wsgi.SERVER_SOFTWARE


def test_without_a_proxy_gunicorn_trusts_no_forwarded_headers(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    assert _gunicorn_config().forwarded_allow_ips == ""


def test_systemd_stops_the_whole_group_after_the_graceful_timeout():
    unit = (ROOT / "deploy/lantoa.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0] != "#"
    )
    assert settings["KillMode"] in ("mixed", "control-group")
    assert settings["Restart"] == "on-failure"
    assert settings["EnvironmentFile"].startswith("/etc/")
    assert int(settings["TimeoutStopSec"]) > _gunicorn_config().graceful_timeout
    assert "deploy/gunicorn.conf.py" in settings["ExecStart"]
