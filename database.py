"""Database engine tuning and the single place where a unit of work is committed."""

import sqlite3
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15000  # the default of the SQLITE_BUSY_TIMEOUT_MS setting
STATISTICS_EVERY_S = 600.0
ANALYSIS_LIMIT = 1000  # rows sampled per index: enough for the planner, cheap on big tables


WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def configure_engine(engine: Engine) -> None:
    """Make SQLite safe and fast for concurrent requests.

    WAL lets readers run beside one writer. Reads run outside any transaction; the first
    write of a unit of work opens it with BEGIN IMMEDIATE, which takes the write lock (waiting
    behind the busy timeout) so a write can never fail half-way on a stale read snapshot.
    Read-then-write races are settled by unique constraints, not by a long transaction, and
    the write lock is held only from the first write to the commit.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # autocommit; we open transactions ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _keep_statistics_fresh(dbapi_connection, record):
        # The query planner needs table statistics to pick the covering indexes. A sampled
        # ANALYZE (analysis_limit) costs milliseconds, so refresh them every few minutes.
        # Never inside a transaction (a checkin after an error may still hold one).
        last = record.info.get("analyzed_at", 0.0)
        if time.monotonic() - last > STATISTICS_EVERY_S and not dbapi_connection.in_transaction:
            record.info["analyzed_at"] = time.monotonic()
            refresh_statistics(dbapi_connection)

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_on_first_write(connection, cursor, statement, parameters, context, executemany):
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.in_transaction:
            return
        if statement.lstrip()[:9].upper().startswith(WRITE_PREFIXES):
            cursor.execute("BEGIN IMMEDIATE")


def busy_timeout_ms() -> int:
    """How long a writer waits for the write lock before its request fails as locked: the
    app's SQLITE_BUSY_TIMEOUT_MS setting, read when a connection opens."""
    if not has_app_context():
        return SQLITE_BUSY_TIMEOUT_MS
    return int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS))


def refresh_statistics(dbapi_connection) -> None:
    """Sampled ANALYZE on a raw SQLite connection; a busy database simply tries again later."""
    try:
        # Take the write lock first, as every writer here does, so this waits its turn.
        dbapi_connection.execute("BEGIN IMMEDIATE")
        dbapi_connection.execute("ANALYZE")
        dbapi_connection.execute("COMMIT")
    except sqlite3.Error:
        if dbapi_connection.in_transaction:
            dbapi_connection.execute("ROLLBACK")


def commit() -> None:
    """Commit the current unit of work; the only caller of session.commit() in the app."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def rollback() -> None:
    """Abandon the current unit of work."""
    db.session.rollback()
