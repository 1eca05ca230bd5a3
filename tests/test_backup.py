"""Backups (issue 13): `flask backup create` makes a checked, timestamped copy with a manifest
while the app writes; `flask backup restore` fills only an empty database and proves every
table's rows came back; retention deletes only this app's oldest backups. Runs on the suite's
engine: SQLite, or PostgreSQL when TEST_DATABASE_URL is set (the restore target is then a fresh
database made and dropped here)."""

import json
import re
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app import create_app
from extensions import db
from services.operations import errors, postgres_dumps, retention
from services.operations.backup import code_head, create_backup, restore_backup
from services.operations.files import backup_path, manifest_path, read_manifest
from services.operations.sqlite_files import database_file

MIGRATIONS = ROOT / "migrations"
QUIZ = "/quizzes/an-toan"


@pytest.fixture
def source_url(app):
    with app.app_context():
        return db.engine.url


@pytest.fixture
def dialect(source_url):
    return source_url.get_backend_name()


@pytest.fixture
def restore_target(source_url, dialect, tmp_path):
    """The URL of a new, empty database (SQLite: a file not made yet; PostgreSQL: CREATE
    DATABASE here, dropped afterwards)."""
    if dialect == "sqlite":
        yield source_url.set(database=str(tmp_path / "restored" / "lantoa.sqlite"))
        return
    name = f"lantoa_restore_{secrets.token_hex(4)}"
    admin = create_engine(source_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield source_url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _query(url, sql: str) -> list[tuple]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _count(url, table: str) -> int:
    return _query(url, f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 (a fixed name)


def _learner(app, identify, name: str):
    """A test client identified as a new participant, and its quiz form's data."""
    client = app.test_client()
    identify(client, name=name)
    page = client.get(QUIZ)
    assert page.status_code == 200
    return client, answer_form(page.get_data(as_text=True), ALL_RIGHT)


def _submit(client, data: dict, answers=None):
    """Post the quiz as a new rendering of the form (its own submission token)."""
    form = {**data, "submission_token": secrets.token_urlsafe(24)}
    if answers is not None:
        form.update({f"q_{k.replace('-', '_')}": v for k, v in answers.items()})
    return client.post(QUIZ, data=form)


@pytest.fixture
def some_data(app, content, identify):
    """Two learners with three attempts between them (units, content, visits, answers…)."""
    for name, rounds in (("Nguyễn Thị Hoa", [ALL_RIGHT, HALF_RIGHT]), ("Lò Văn Tùng", [None])):
        client, data = _learner(app, identify, name)
        for answers in rounds:
            assert _submit(client, data, answers).status_code == 303


ATTEMPT_ROWS = "SELECT public_id, number, score_percent, passed FROM attempts ORDER BY public_id"
ANSWER_ROWS = (
    "SELECT a.public_id, s.question_id, s.is_correct FROM answers s"
    " JOIN attempts a ON a.id = s.attempt_id ORDER BY a.public_id, s.question_id"
)


def test_backup_then_restore_brings_back_every_row(
    app, source_url, dialect, some_data, restore_target, tmp_path
):
    backup = create_backup(source_url, tmp_path / "backups")

    assert backup.path.parent == tmp_path / "backups"
    assert backup.path.suffix == (".sqlite" if dialect == "sqlite" else ".dump")
    assert backup.size == backup.path.stat().st_size > 0
    manifest = read_manifest(backup.path)
    assert manifest == backup.manifest
    assert manifest.revision == code_head(MIGRATIONS)
    assert manifest.counts["attempts"] == 3 and manifest.counts["answers"] == 12
    assert manifest.counts["units"] == _count(source_url, "units") == 5
    assert not list((tmp_path / "backups").glob(".*.tmp"))

    restored = restore_backup(backup.path, restore_target, MIGRATIONS)

    assert {c.table for c in restored.counts} == set(manifest.counts)
    assert all(c.backup == c.restored == manifest.counts[c.table] for c in restored.counts)
    assert restored.revision == restored.head == manifest.revision
    for sql in (ATTEMPT_ROWS, ANSWER_ROWS, "SELECT id, name, kind FROM units ORDER BY id"):
        rows = _query(source_url, sql)
        assert rows and _query(restore_target, sql) == rows
    participant = "SELECT display_name, role, age_band FROM participants ORDER BY display_name"
    assert _query(restore_target, participant) == _query(source_url, participant)


def test_restore_refuses_a_database_that_is_not_empty(
    app, source_url, some_data, restore_target, tmp_path
):
    backup = create_backup(source_url, tmp_path)
    restore_backup(backup.path, restore_target, MIGRATIONS)
    before = _count(restore_target, "attempts")

    with pytest.raises(errors.TargetNotEmpty) as refused:
        restore_backup(backup.path, restore_target, MIGRATIONS)
    assert refused.value.tables >= 28 and refused.value.rows == sum(backup.manifest.counts.values())
    assert _count(restore_target, "attempts") == before == 3
    with pytest.raises(errors.TargetNotEmpty):
        restore_backup(backup.path, source_url, MIGRATIONS)  # the live database, rows and all


def _stamp_revision(backup, dialect: str, revision: str) -> None:
    """Make a backup claim a schema revision (in the file for SQLite, the manifest for PG)."""
    if dialect == "sqlite":
        conn = sqlite3.connect(backup.path)
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()
        conn.close()
    else:
        target = manifest_path(backup.path)
        data = json.loads(target.read_text(encoding="utf-8"))
        target.write_text(json.dumps({**data, "revision": revision}), encoding="utf-8")


def test_restore_refuses_a_backup_newer_than_the_code(
    app, source_url, dialect, some_data, restore_target, tmp_path
):
    backup = create_backup(source_url, tmp_path)
    _stamp_revision(backup, dialect, "ffffffffffff")

    with pytest.raises(errors.RevisionNewer) as refused:
        restore_backup(backup.path, restore_target, MIGRATIONS)
    assert refused.value.revision == "ffffffffffff"
    assert refused.value.head == code_head(MIGRATIONS)
    engine = postgres_dumps if dialect == "postgresql" else None
    if engine is None:
        assert not database_file(restore_target).exists()
    else:
        assert engine.target_state(restore_target) == (0, 0)


def test_restore_refuses_a_file_of_another_kind(app, source_url, restore_target, tmp_path):
    stray = tmp_path / "lantoa-20261202T133000Z.csv"
    stray.write_text("not a backup", encoding="utf-8")
    with pytest.raises(errors.NotABackup):
        restore_backup(stray, restore_target, MIGRATIONS)


def _touch_backups(folder: Path, now: datetime, ages_days: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for age in ages_days:
        path = backup_path(folder, "sqlite", now - timedelta(days=age))
        path.write_bytes(b"x")
        manifest_path(path).write_text("{}", encoding="utf-8")
        made.append(path)
    return made


FOREIGN = ["notes.txt", "lantoa-old.sqlite", "other-20200101T000000Z.sqlite", "lantoa.sqlite"]


def test_retention_deletes_only_the_oldest_backups_of_this_app(tmp_path):
    now = datetime(2026, 12, 2, 13, 30, tzinfo=UTC)
    made = _touch_backups(tmp_path, now, [1, 40, 3, 20, 2])  # newest: 1, 2, 3 days old
    for name in FOREIGN:
        (tmp_path / name).write_text("keep me", encoding="utf-8")

    deleted = retention.prune(tmp_path, keep=3, now=now)

    assert deleted == [made[1], made[3]]  # 40 and 20 days old, oldest first
    for path in made:
        assert path.exists() == (path not in deleted)
        assert manifest_path(path).exists() == (path not in deleted)
    assert all((tmp_path / name).exists() for name in FOREIGN)
    assert retention.prune(tmp_path, keep=3, now=now) == []


def test_retention_by_age_and_the_default_of_fourteen(tmp_path):
    now = datetime(2026, 12, 2, 13, 30, tzinfo=UTC)
    made = _touch_backups(tmp_path / "age", now, [0, 6, 8, 30])
    assert retention.prune(tmp_path / "age", keep_days=7, now=now) == [made[3], made[2]]

    many = _touch_backups(tmp_path / "count", now, list(range(20)))
    deleted = retention.prune(tmp_path / "count", now=now)
    assert sorted(deleted) == sorted(many[14:])  # the six oldest
    assert len(list((tmp_path / "count").glob("*.sqlite"))) == retention.DEFAULT_KEEP


def test_cli_create_prints_path_and_size_and_applies_retention(app, some_data, tmp_path):
    old = _touch_backups(tmp_path, datetime.now(UTC), [10, 20, 30])
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["backup", "create", "--dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    (made,) = [p for p in tmp_path.iterdir() if p.suffix in (".sqlite", ".dump") and p not in old]
    assert f"{made} (" in result.output and "checked" in result.output
    assert re.search(r"\(\d+(\.\d)? (KB|MB), ", result.output), result.output
    assert manifest_path(made).exists()
    # Default: the newest 14 are kept; with --keep 2 the two oldest go.
    assert all(p.exists() for p in old)
    result = app.test_cli_runner().invoke(
        args=["backup", "create", "--dir", str(tmp_path), "--keep", "2"]
    )
    if result.exit_code != 0:  # the same second as the first: the name is taken
        assert "already exists" in result.output
        time.sleep(1.1)
        result = app.test_cli_runner().invoke(
            args=["backup", "create", "--dir", str(tmp_path), "--keep", "2"]
        )
    assert result.exit_code == 0, result.output
    assert f"Deleted old backup {old[2].name}" in result.output
    assert [p.exists() for p in old] == [False, False, False]
    assert made.exists() and (tmp_path / "notes.txt").exists()


def test_cli_rejects_both_retention_rules(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["backup", "create", "--dir", str(tmp_path), "--keep", "2", "--keep-days", "3"]
    )
    assert result.exit_code == 2 and "not both" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_restore_prints_the_counts_and_refuses_a_full_database(
    app, source_url, some_data, restore_target, tmp_path
):
    backup = create_backup(source_url, tmp_path)
    target_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": restore_target.render_as_string(hide_password=False),
        }
    )
    try:
        runner = target_app.test_cli_runner()
        result = runner.invoke(args=["backup", "restore", str(backup.path), "--yes"])
        assert result.exit_code == 0, result.output
        assert "every table holds the backup's rows" in result.output
        lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:-1]}
        assert lines["attempts"] == ["3", "3"] and lines["answers"] == ["12", "12"]

        again = runner.invoke(args=["backup", "restore", str(backup.path), "--yes"])
        assert again.exit_code == 1
        assert "The target database is not empty" in again.output
    finally:
        with target_app.app_context():
            db.engine.dispose()


def test_password_never_reaches_the_command_line(source_url):
    url = source_url.set(
        drivername="postgresql+psycopg", username="lantoa", password="s3cr:t@x", database="d"
    )
    conninfo, env = postgres_dumps._libpq(url)
    assert "s3cr" not in conninfo and conninfo.startswith("postgresql://lantoa@")
    assert env["PGPASSWORD"] == "s3cr:t@x"


def test_a_missing_postgresql_client_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(postgres_dumps, "PG_BIN_DIRS", str(tmp_path / "none" / "*"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(errors.ToolMissing) as missing:
        postgres_dumps.tool("pg_dump")
    assert missing.value.tool == "pg_dump"


# --- a backup taken while learners submit --------------------------------------------------


class SubmitLoad:
    """Learners submitting quiz attempts from their own threads until told to stop."""

    def __init__(self, learners):
        self.learners = learners
        self.stop = threading.Event()
        self.statuses: list[int] = []
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._run, args=(lr,)) for lr in learners]

    def _run(self, learner):
        client, data = learner
        try:
            while not self.stop.is_set():
                self.statuses.append(_submit(client, data).status_code)
        except BaseException as exc:
            self.errors.append(exc)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in self.threads), "a submit never finished"


def _wait_for(url, table: str, at_least: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while (count := _count(url, table)) < at_least:
        assert time.monotonic() < deadline, f"{table}: {count} rows, waited for {at_least}"
        time.sleep(0.02)
    return count


def test_a_backup_taken_during_a_submit_load_restores_consistent(
    app, source_url, dialect, content, identify, restore_target, tmp_path
):
    learners = [_learner(app, identify, f"Người học {i}") for i in range(4)]
    with SubmitLoad(learners) as load:
        _wait_for(source_url, "attempts", 8)
        committed = {row[0] for row in _query(source_url, "SELECT public_id FROM attempts")}
        backup = create_backup(source_url, tmp_path)
        # The load went on after the backup: it ran beside the copy, not before it.
        _wait_for(source_url, "attempts", _count(source_url, "attempts") + 4)
    assert not load.errors, load.errors
    assert set(load.statuses) == {303}
    final = {row[0] for row in _query(source_url, "SELECT public_id FROM attempts")}

    restored = restore_backup(backup.path, restore_target, MIGRATIONS)
    assert all(c.matches for c in restored.counts)

    if dialect == "sqlite":
        path = database_file(restore_target)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    else:
        unchecked = "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"
        assert _query(restore_target, unchecked) == [(0,)]
    orphans = (
        "SELECT count(*) FROM answers s LEFT JOIN attempts a ON a.id = s.attempt_id"
        " WHERE a.id IS NULL"
    )
    assert _query(restore_target, orphans) == [(0,)]

    kept = {row[0] for row in _query(restore_target, "SELECT public_id FROM attempts")}
    assert committed <= kept <= final
    assert len(kept) < len(final)  # attempts committed after the copy are not in it
    partial = (
        "SELECT a.public_id, a.question_count, count(s.id) FROM attempts a"
        " LEFT JOIN answers s ON s.attempt_id = a.id"
        " GROUP BY a.public_id, a.question_count HAVING count(s.id) <> a.question_count"
    )
    assert _query(restore_target, partial) == []
    assert _count(restore_target, "answers") == 4 * len(kept)
