"""Two app servers behind one proxy share nothing but the database and the limit store.

Two real gunicorn servers on different ports, both on the test database (PostgreSQL in the
PostgreSQL run) and one real Redis server as RATELIMIT_STORAGE_URI: the per-address login cap,
the growing wait after wrong passwords and a staff session all hold whichever server answers.
The same cap with in-memory counters is shown to fail, so the shared store is what holds it.
"""

import contextlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
import requests

from bench.harness import Server, app_env, free_port

pytest_plugins = ["staff_fixtures"]

ADDRESS_CAP = 6  # wrong logins per address per minute, across the deployment
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def limit_store(tmp_path_factory):
    """A throw-away Redis server on loopback; yields its URI."""
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed by scripts/system-packages.sh"
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _servers(app, tmp_path: Path, storage_uri: str) -> list[Server]:
    env = app_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        "two-servers-secret-key-0123456789abcdef",
        RATELIMIT_STORAGE_URI=storage_uri,
        LOGIN_RATE_LIMIT_IP=f"{ADDRESS_CAP} per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="100 per minute",
        BASE_URL="http://127.0.0.1",
        COOKIE_SECURE="0",
        TRUSTED_PROXY_COUNT="1",  # as behind the one reverse proxy: X-Forwarded-For is the client
    )
    return [
        Server("app:create_app()", env, workers=1, log_dir=tmp_path, name=name)
        for name in ("first", "second")
    ]


@contextlib.contextmanager
def running(servers: list[Server]):
    try:
        for server in servers:
            server.start(ready_path="/staff/login")
        yield servers
    finally:
        for server in servers:
            server.stop()


def _client(address: str) -> requests.Session:
    """A browser at `address`, as the reverse proxy in front of both servers reports it."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def _login(session: requests.Session, server: Server, username: str, password: str):
    page = session.get(f"{server.base_url}/staff/login", timeout=10)
    token = CSRF_RE.search(page.text).group(1)
    return session.post(
        f"{server.base_url}/staff/login",
        data={"csrf_token": token, "username": username, "password": password, "next": ""},
        allow_redirects=False,
        timeout=10,
    )


def _wrong_logins(servers: list[Server], count: int) -> list[int]:
    """`count` wrong passwords from one address, alternating servers, each for another name
    (so that only the per-address cap can stop them, not the per-account wait)."""
    session = _client("10.0.0.7")
    return [
        _login(session, servers[n % 2], f"nguoi.la.{n}", "sai-mat-khau").status_code
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def shared_servers(app, tmp_path_factory, limit_store):
    """The two servers on the shared Redis store, for the whole module (they keep no state)."""
    with running(_servers(app, tmp_path_factory.mktemp("logs"), limit_store)) as servers:
        yield servers


@pytest.fixture
def store(limit_store):
    """The limit store, emptied: each test starts with no counts."""
    redis.Redis.from_url(limit_store).flushall()
    return limit_store


def test_the_login_cap_per_address_holds_across_servers(staff, store, shared_servers):
    statuses = _wrong_logins(shared_servers, ADDRESS_CAP + 2)
    assert statuses == [401] * ADDRESS_CAP + [429, 429]  # 401: the form again, with its message


def test_with_counters_in_memory_each_server_would_count_alone(app, staff, tmp_path):
    with running(_servers(app, tmp_path, "memory://")) as servers:
        statuses = _wrong_logins(servers, ADDRESS_CAP + 2)
    # Half the attempts on each server: nobody is stopped, the deployment allows twice the cap.
    assert statuses == [401] * (ADDRESS_CAP + 2)


def test_the_wait_after_wrong_passwords_and_a_session_hold_across_servers(
    app, staff, store, shared_servers
):
    first, second = shared_servers
    guesser = _client("10.0.0.8")
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_DELAY"]):
        assert _login(guesser, first, staff.username("officer"), "sai").status_code == 401
    # The next attempt, on the other server, waits, even with the right password.
    held = _login(guesser, second, staff.username("officer"), staff.password)
    assert held.status_code == 429
    assert "Hãy thử lại sau" in held.text and int(held.headers["Retry-After"]) > 0

    # A staff member logged in on one server is logged in on the other.
    teacher = _client("10.0.0.9")
    done = _login(teacher, first, staff.username("teacher_a"), staff.password)
    assert done.status_code in (302, 303), done.text[:500]
    home = teacher.get(f"{second.base_url}/staff/", allow_redirects=False, timeout=10)
    assert home.status_code == 200 and "Cô Nguyễn Thị Hoa" in home.text
    # Logged out on the second, refused on the first.
    token = CSRF_RE.search(home.text).group(1)
    teacher.post(f"{second.base_url}/staff/logout", data={"csrf_token": token}, timeout=10)
    again = teacher.get(f"{first.base_url}/staff/", allow_redirects=False, timeout=10)
    assert again.status_code in (302, 303) and "/staff/login" in again.headers["Location"]
