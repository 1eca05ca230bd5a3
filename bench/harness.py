"""Shared plumbing for the benchmarks: a free port, a prepared database, a gunicorn server.

Nothing here runs at import. Every process started is stopped by `Server.stop()` (or by
leaving the `with` block), and callers remove their temporary directories themselves.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
POSTER_RE = re.compile(r"^\s*poster\s+\S*/p/(\S+)\s+(.*)$")


def tool(name: str) -> str:
    """A program from the project's venv, else the one next to this interpreter."""
    for folder in (VENV_BIN, Path(sys.executable).parent):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    return name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of the machine's CPU in use (by anything) over `seconds`; None off Linux."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # all, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return 1 - (idle1 - idle0) / total if total else None


def app_env(database_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_APP="app:create_app",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


@dataclass
class PreparedApp:
    """What `prepare_lantoa` set up: the environment and the sample posters by target."""

    env: dict[str, str]
    posters: list[tuple[str, str]] = field(default_factory=list)  # (code, label)

    def lesson_poster(self) -> str:
        """A poster that leads to a lesson (the sample agency posters lead to quizzes)."""
        for code, label in self.posters:
            if "Nhà văn hóa" in label:
                return code
        if not self.posters:
            raise RuntimeError("seed-demo created no poster")
        return self.posters[0][0]


def prepare_lantoa(database_url: str, secret_key: str, log=print) -> PreparedApp:
    """`flask db upgrade`, `flask content load`, `flask seed-demo`, as scripts/run-demo.sh."""
    env = app_env(database_url, secret_key)
    flask = tool("flask")
    for args in (["db", "upgrade"], ["content", "load"], ["seed-demo"]):
        started = time.perf_counter()
        done = subprocess.run(
            [flask, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        log(f"  flask {' '.join(args):<14} ok ({time.perf_counter() - started:.1f} s)")
    posters = []
    for line in done.stdout.splitlines():  # the seed-demo output lists the poster links
        match = POSTER_RE.match(line)
        if match:
            posters.append((match.group(1), match.group(2)))
    return PreparedApp(env=env, posters=posters)


class Server:
    """A gunicorn server on 127.0.0.1, in its own process group so that it stops cleanly."""

    def __init__(
        self,
        app_spec: str,
        env: dict[str, str],
        workers: int,
        log_dir: Path,
        name: str,
        cwd: Path = ROOT,
        extra_args: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"{name}-gunicorn.log"
        self.args = [
            tool("gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--backlog",
            "2048",
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "warning",
            *extra_args,
            app_spec,
        ]
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str = "/", timeout: float = 30.0) -> Server:
        self.process = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + ready_path, timeout=2) as resp:
                    resp.read()
                return self
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; {self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), then SIGKILL to our own group."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def inprocess_app(database_url: str, **config):
    """`create_app` on `database_url`, migrated, with the bundled quizzes/ content loaded.

    For benchmarks that drive the app in this process (services, Flask's test client). The
    app package is imported here, not at module import, so that importing harness stays cheap.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import secrets

    from flask_migrate import upgrade

    import database
    from app import create_app
    from services.content import loader as content_loader

    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "CONTENT_DIR": str(ROOT / "quizzes"),
    }
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        content_loader.load(Path(app.config["CONTENT_DIR"]))
        database.commit()
    return app


def median_ms(samples: list[float]) -> float:
    """Median of durations in seconds, in milliseconds."""
    ordered = sorted(samples)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle] * 1000
    return (ordered[middle - 1] + ordered[middle]) / 2 * 1000
