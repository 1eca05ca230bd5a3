"""Make a backup of the app's database and restore one into an empty database."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import URL, make_url

from services.operations import postgres_dumps, sqlite_files
from services.operations.errors import (
    BackupError,
    CountMismatch,
    NotABackup,
    RevisionNewer,
    TargetNotEmpty,
    VerifyFailed,
)
from services.operations.files import (
    Manifest,
    backup_path,
    dialect_of,
    read_manifest,
    temp_path,
    write_manifest,
)

ENGINES = {"sqlite": sqlite_files, "postgresql": postgres_dumps}


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    manifest: Manifest


@dataclass(frozen=True)
class TableCount:
    table: str
    backup: int | None
    restored: int | None

    @property
    def matches(self) -> bool:
        return self.backup == self.restored


@dataclass(frozen=True)
class Restored:
    counts: list[TableCount]
    revision: str
    head: str | None


def _engine_for(url: URL):
    dialect = url.get_backend_name()
    if dialect not in ENGINES:
        raise BackupError(f"no backups for {dialect} databases")
    return dialect, ENGINES[dialect]


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_backup(database_url: str | URL, folder: Path, now: datetime | None = None) -> Backup:
    """Back up the database into `folder` under a UTC-timestamped name, checked and with its
    manifest beside it. The file appears under its name only once it is complete."""
    url = make_url(database_url)
    dialect, engine = _engine_for(url)
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    folder.mkdir(parents=True, exist_ok=True)
    path = backup_path(folder, dialect, when)
    if path.exists():
        raise BackupError(f"{path} already exists")
    temp = temp_path(path)
    temp.unlink(missing_ok=True)
    try:
        counts, revision = engine.dump(url, temp)
        if not counts:
            raise VerifyFailed("the copy holds no tables (is DATABASE_URL the app's database?)")
        manifest = Manifest(dialect, when.isoformat(), revision, counts)
        write_manifest(path, manifest)
        os.replace(temp, path)
        _sync_folder(folder)
    finally:
        temp.unlink(missing_ok=True)
    return Backup(path, path.stat().st_size, manifest)


def code_head(migrations: Path) -> str | None:
    """The newest schema revision this code knows."""
    return ScriptDirectory(str(migrations)).get_current_head()


def check_revision(revision: str, migrations: Path) -> str | None:
    """Refuse a revision the code does not know (made by newer code); returns the code's head."""
    script = ScriptDirectory(str(migrations))
    try:
        script.get_revision(revision)
    except CommandError as exc:
        raise RevisionNewer(revision, script.get_current_head()) from exc
    return script.get_current_head()


def _expected(file: Path, engine) -> tuple[dict[str, int], str]:
    manifest = read_manifest(file)
    counts, revision = engine.contents(file, manifest)
    if manifest is not None and manifest.counts != counts:
        raise VerifyFailed(f"{file.name} does not hold the rows its manifest lists")
    if revision is None:
        raise NotABackup(str(file), "no schema revision (alembic_version) in it")
    return counts, revision


def restore_backup(file: Path, database_url: str | URL, migrations: Path) -> Restored:
    """Restore `file` into the empty database at `database_url` and compare every table's rows
    with the backup's. Raises CountMismatch (with the counts) when any table differs."""
    url = make_url(database_url)
    dialect, engine = _engine_for(url)
    kind = dialect_of(file)
    if kind != dialect:
        raise NotABackup(str(file), f"not a {dialect} backup: {file.name}")
    expected, revision = _expected(file, engine)
    head = check_revision(revision, migrations)
    tables, rows = engine.target_state(url)
    if tables:
        raise TargetNotEmpty(tables, rows)
    engine.restore(file, url)
    restored = engine.counts(url)
    counts = [
        TableCount(table, expected.get(table), restored.get(table))
        for table in sorted(expected.keys() | restored.keys())
    ]
    if not all(c.matches for c in counts):
        raise CountMismatch(counts)
    return Restored(counts, revision, head)
