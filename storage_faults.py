"""Which database errors mean the storage cannot take a write right now (SQLite and PostgreSQL).

A storage fault is not a bug: the same request succeeds once the lock is released, the disk has
room, the file is writable again or the server is back. Everything else is left unclassified.
"""

import enum
import sqlite3

from sqlalchemy.exc import DBAPIError


class Fault(enum.StrEnum):
    LOCKED = "locked"  # another writer held the lock past the busy / lock timeout
    FULL = "full"  # the disk or the database's size limit is full
    READ_ONLY = "read_only"  # the file or the server refuses writes
    UNAVAILABLE = "unavailable"  # the file cannot be opened, the server is gone


# Seconds a client should wait before sending the same request again.
RETRY_AFTER_S = {
    Fault.LOCKED: 30,
    Fault.FULL: 300,
    Fault.READ_ONLY: 300,
    Fault.UNAVAILABLE: 120,
}

# SQLite primary result codes (Python 3.11+ names them on the exception), then the messages
# for errors made without a code.
SQLITE_CODES = {
    "SQLITE_BUSY": Fault.LOCKED,
    "SQLITE_LOCKED": Fault.LOCKED,
    "SQLITE_FULL": Fault.FULL,
    "SQLITE_READONLY": Fault.READ_ONLY,
    "SQLITE_CANTOPEN": Fault.UNAVAILABLE,
    "SQLITE_IOERR": Fault.UNAVAILABLE,
}
SQLITE_MESSAGES = (
    ("database is locked", Fault.LOCKED),
    ("database table is locked", Fault.LOCKED),
    ("database or disk is full", Fault.FULL),
    ("readonly database", Fault.READ_ONLY),
    ("unable to open database file", Fault.UNAVAILABLE),
    ("disk i/o error", Fault.UNAVAILABLE),
)
# PostgreSQL SQLSTATEs: exact codes first, then whole classes.
PG_STATES = {
    "55P03": Fault.LOCKED,  # lock_not_available (lock_timeout)
    "40P01": Fault.LOCKED,  # deadlock_detected
    "57014": Fault.LOCKED,  # query_canceled (statement_timeout)
    "53100": Fault.FULL,  # disk_full
    "25006": Fault.READ_ONLY,  # read_only_sql_transaction (standby, read-only default)
    "57P01": Fault.UNAVAILABLE,  # admin_shutdown
    "57P02": Fault.UNAVAILABLE,  # crash_shutdown
    "57P03": Fault.UNAVAILABLE,  # cannot_connect_now
    "53300": Fault.UNAVAILABLE,  # too_many_connections
}
PG_CLASSES = {
    "08": Fault.UNAVAILABLE,  # connection exception
    "58": Fault.UNAVAILABLE,  # system error (I/O)
}


def classify(exc: BaseException) -> Fault | None:
    """The storage fault behind `exc` (a SQLAlchemy error, or the driver's own), if any."""
    seen = 0
    while exc is not None and seen < 5:
        fault = _driver_fault(exc.orig if isinstance(exc, DBAPIError) else exc)
        if fault is None and isinstance(exc, DBAPIError) and exc.connection_invalidated:
            fault = Fault.UNAVAILABLE
        if fault is not None:
            return fault
        exc, seen = exc.__cause__, seen + 1
    return None


def _driver_fault(error: BaseException | None) -> Fault | None:
    if isinstance(error, sqlite3.Error):
        return _sqlite_fault(error)
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):
        return PG_STATES.get(state) or PG_CLASSES.get(state[:2])
    if type(error).__module__.startswith("psycopg") and type(error).__name__ == "OperationalError":
        return Fault.UNAVAILABLE  # no SQLSTATE: the connection failed or was lost
    return None


def _sqlite_fault(error: sqlite3.Error) -> Fault | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    if primary in SQLITE_CODES:
        return SQLITE_CODES[primary]
    message = str(error).lower()
    return next((fault for text, fault in SQLITE_MESSAGES if text in message), None)


def reason(exc: BaseException) -> str:
    """The driver's own message, one line, for the operator's log."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    return " ".join(str(error).split())[:200]
