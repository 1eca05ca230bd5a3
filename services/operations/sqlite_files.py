"""SQLite backups: a copy by the online backup API, consistent while the app writes (WAL)."""

import sqlite3
from pathlib import Path

from sqlalchemy import URL, create_engine
from sqlalchemy.pool import NullPool

from services.operations.errors import DatabaseMissing, VerifyFailed
from services.operations.inventory import revision, table_counts

BUSY_TIMEOUT_S = 15.0


def database_file(url: URL) -> Path:
    """The file a SQLite URL names (an in-memory database has none)."""
    if not url.database or url.database == ":memory:":
        raise DatabaseMissing(str(url.database))
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    """A plain connection that waits its turn behind the app's writers."""
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)


def _copy(source: Path, target: Path) -> None:
    """Copy `source` into `target` in one step: one read snapshot of the whole database,
    taken beside the app's writers (WAL lets them go on); `target` becomes one plain file."""
    src = _connect(source)
    try:
        dst = _connect(target)
        try:
            src.backup(dst)  # pages=-1: every page in a single step, so nothing restarts
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def check(path: Path) -> None:
    """PRAGMA integrity_check and foreign_key_check on a database file."""
    conn = _connect(path)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    if integrity != ["ok"]:
        raise VerifyFailed("; ".join(integrity[:5]))
    if broken:
        raise VerifyFailed(f"{len(broken)} row(s) break a foreign key, e.g. in {broken[0][0]}")


def _contents_of(path: Path) -> tuple[dict[str, int], str | None]:
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return table_counts(conn), revision(conn)
    finally:
        engine.dispose()


def dump(url: URL, temp: Path) -> tuple[dict[str, int], str | None]:
    """Back up the database at `url` into `temp`, check it; its row counts and revision."""
    source = database_file(url)
    if not source.is_file():
        raise DatabaseMissing(str(source))
    _copy(source, temp)
    check(temp)
    return _contents_of(temp)


def contents(file: Path, manifest) -> tuple[dict[str, int], str | None]:
    """What a backup file holds, read from the file itself."""
    return _contents_of(file)


def target_state(url: URL) -> tuple[int, int]:
    """(tables, rows) in the database at `url`; (0, 0) when the file does not exist yet."""
    path = database_file(url)
    if not path.exists() or path.stat().st_size == 0:
        return 0, 0
    counts, _ = _contents_of(path)
    return len(counts), sum(counts.values())


def restore(file: Path, url: URL) -> None:
    """Copy a backup into the (empty) database at `url` and check the result."""
    target = database_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(file, target)
    check(target)


def counts(url: URL) -> dict[str, int]:
    return _contents_of(database_file(url))[0]
