"""Database engine tuning and the single place where a unit of work is committed."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

from extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15000


def configure_engine(engine: Engine) -> None:
    """Make SQLite safe for concurrent writers: WAL, busy timeout and BEGIN IMMEDIATE.

    pysqlite opens transactions lazily and DEFERRED; a request that reads and then writes
    can then fail with "database is locked" instead of waiting. Taking the write lock at BEGIN
    makes writers queue behind the busy timeout, so nothing is lost or doubled.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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
