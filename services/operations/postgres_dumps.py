"""PostgreSQL backups: `pg_dump --format=custom` from one snapshot, restored by pg_restore.

The rows are counted in the same exported snapshot that pg_dump reads, so the manifest's
counts are exactly what the dump holds. The password never reaches a command line: it goes
through PGPASSWORD.
"""

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import URL, create_engine, text
from sqlalchemy.pool import NullPool

from services.operations.errors import NotABackup, ToolFailed, ToolMissing, VerifyFailed
from services.operations.files import Manifest
from services.operations.inventory import revision, table_counts

PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


def _version(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder))


def tool(name: str) -> str:
    """The newest installed `name` (Debian's /usr/lib/postgresql/N/bin, then PATH)."""
    for folder in sorted(glob.glob(PG_BIN_DIRS), key=_version, reverse=True):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(name)
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # URL.set() ignores None, so build the URL afresh without the password.
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False), env


def _run(name: str, args: list[str], env: dict[str, str]) -> str:
    # A fixed program and an argument list, no shell; the password stays in the environment.
    proc = subprocess.run([tool(name), *args], env=env, capture_output=True, text=True)  # noqa: S603
    if proc.returncode != 0:
        raise ToolFailed(name, proc.stderr.strip()[-2000:])
    return proc.stdout


def _engine(url: URL):
    return create_engine(url, poolclass=NullPool)


def dump(url: URL, temp: Path) -> tuple[dict[str, int], str | None]:
    """pg_dump the database at `url` into `temp` and list it back; its counts and revision."""
    conninfo, env = _libpq(url)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts, rev = table_counts(conn), revision(conn)
                _run(
                    "pg_dump",
                    [
                        "--format=custom",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        f"--file={temp}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                )
    finally:
        engine.dispose()
    listing = _run("pg_restore", ["--list", str(temp)], env)
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    if tables != len(counts):
        raise VerifyFailed(f"the dump lists data for {tables} tables, not {len(counts)}")
    return counts, rev


def contents(file: Path, manifest: Manifest | None) -> tuple[dict[str, int], str | None]:
    """What a dump holds, from the manifest written beside it."""
    if manifest is None:
        raise NotABackup(str(file), "no manifest (.json) beside the dump")
    return manifest.counts, manifest.revision


def target_state(url: URL) -> tuple[int, int]:
    """(tables in any user schema, rows in the default schema) of the database at `url`."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables"
                    " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
            rows = sum(table_counts(conn).values()) if tables else 0
    finally:
        engine.dispose()
    return tables, rows


def restore(file: Path, url: URL) -> None:
    """pg_restore a dump into the (empty) database at `url`, all or nothing."""
    conninfo, env = _libpq(url)
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(file),
        ],
        env,
    )
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            unchecked = conn.execute(
                text("SELECT count(*) FROM pg_constraint WHERE NOT convalidated")
            ).scalar_one()
    finally:
        engine.dispose()
    if unchecked:
        raise VerifyFailed(f"{unchecked} constraint(s) restored without being checked")


def counts(url: URL) -> dict[str, int]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return table_counts(conn)
    finally:
        engine.dispose()
