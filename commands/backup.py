"""`flask backup create` and `flask backup restore FILE`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from extensions import db
from services.operations import errors, retention
from services.operations.backup import Restored, TableCount, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Database backups: make one, restore one.")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


MESSAGES = {
    errors.DatabaseMissing: "There is no database file to back up: {path}",
    errors.ToolMissing: "{tool} is not installed; install the PostgreSQL client "
    "(apt-get install postgresql-client) and try again.",
    errors.ToolFailed: "{tool} failed:\n{detail}",
    errors.VerifyFailed: "Check failed: {detail}",
    errors.NotABackup: "{path} cannot be restored: {reason}",
    errors.TargetNotEmpty: "The target database is not empty ({tables} table(s), {rows} row(s)). "
    "Restore only into a new, empty database: create one, point DATABASE_URL at it, "
    "and run this again (do not run `flask db upgrade` first).",
    errors.RevisionNewer: "The backup's schema revision {revision} is newer than this code "
    "(head {head}). Update the code first, then restore.",
    errors.CountMismatch: "Restored row counts differ from the backup (see the table above).",
}


def _fail(exc: errors.BackupError) -> None:
    template = MESSAGES.get(type(exc))
    text = template.format(**vars(exc)) if template else str(exc)
    click.echo(f"Error: {text}", err=True)
    sys.exit(1)


def _migrations() -> Path:
    folder = Path(current_app.extensions["migrate"].directory)
    return folder if folder.is_absolute() else Path(current_app.root_path) / folder


def _print_counts(counts: list[TableCount]) -> None:
    width = max([len("table"), *(len(c.table) for c in counts)])
    click.echo(f"{'table':<{width}}  {'backup':>8}  {'restored':>8}")
    for c in counts:
        mark = "" if c.matches else "  <-- differs"
        click.echo(f"{c.table:<{width}}  {c.backup!s:>8}  {c.restored!s:>8}{mark}")


@backup_cli.command("create")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the backup (default: BACKUP_DIR).",
)
@click.option("--keep", type=click.IntRange(min=1), help="Keep the newest N backups (14).")
@click.option("--keep-days", type=click.IntRange(min=1), help="Keep the backups of D days.")
def create_command(folder, keep, keep_days):
    """Back up the database (while the app runs), check the copy, delete old backups."""
    if keep is not None and keep_days is not None:
        raise click.UsageError("Give --keep or --keep-days, not both.")
    folder = folder or Path(current_app.config["BACKUP_DIR"])
    try:
        backup = create_backup(db.engine.url, folder)
    except errors.BackupError as exc:
        _fail(exc)
    rows = sum(backup.manifest.counts.values())
    click.echo(f"{backup.path} ({_size(backup.size)}, {rows} rows, checked)")
    for path in retention.prune(folder, keep=keep, keep_days=keep_days):
        click.echo(f"Deleted old backup {path.name}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file, yes):
    """Restore FILE into the configured database, which must be empty."""
    target = db.engine.url.render_as_string(hide_password=True)
    if not yes and not click.confirm(f"Restore {file.name} into {target}?"):
        sys.exit(1)
    try:
        restored: Restored = restore_backup(file, db.engine.url, _migrations())
    except errors.CountMismatch as exc:
        _print_counts(exc.counts)
        _fail(exc)
    except errors.BackupError as exc:
        _fail(exc)
    _print_counts(restored.counts)
    click.echo(f"Restored {file.name}: every table holds the backup's rows.")
    if restored.revision != restored.head:
        click.echo(
            f"Schema revision {restored.revision}: "
            f"run `flask db upgrade` to bring it to {restored.head}."
        )
