"""`flask content check` and `flask content load`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

import database
from services.content import loader as content_loader
from services.org import audit

content_cli = AppGroup("content", help="Validate and load the curriculum in quizzes/.")


def _content_dir(path: str | None) -> Path:
    return Path(path or current_app.config["CONTENT_DIR"])


@content_cli.command("check")
@click.option("--dir", "path", help="Folder of topic files (default: quizzes/).")
def check_command(path):
    """Validate every topic file; print errors naming file and field; exit 1 on any error.

    Valid files are also compared with what this installation has published, as `content
    load` would compare them (a question's type, a survey's anonymity once answered)."""
    result = content_loader.check(_content_dir(path))
    errors = result.errors or _published_conflicts(result.topics)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        click.echo(f"{len(errors)} error(s); nothing is valid until they are fixed.", err=True)
        sys.exit(1)
    topics = [t.data for t in result.topics if t.data["kind"] == "topic"]
    surveys = [t.data for t in result.topics if t.data["kind"] == "survey"]
    courses = sum(t.data["kind"] == "course" for t in result.topics)
    questions = sum(len(t["quiz"]["questions"]) for t in topics)
    click.echo(
        f"OK: {len(topics)} topics, {questions} questions; {len(surveys)} surveys, "
        f"{sum(len(s['questions']) for s in surveys)} survey questions; {courses} courses."
    )


def _published_conflicts(topics: list) -> list[str]:
    """content_loader.conflicts, or nothing (with a note) when there is no database to read."""
    try:
        return content_loader.conflicts(topics)
    except SQLAlchemyError:
        database.rollback()
        click.echo("Note: no database to compare with; only the files were checked.", err=True)
        return []


@content_cli.command("load")
@click.option("--dir", "path", help="Folder of topic files (default: quizzes/).")
@click.option(
    "--overwrite-edited",
    is_flag=True,
    help="Also replace items the office changed in the browser (kept as they are by default).",
)
def load_command(path, overwrite_edited):
    """Load the curriculum idempotently; old quiz versions stay for the attempts that used them.

    Items changed in the browser are left alone unless --overwrite-edited is given."""
    try:
        result = content_loader.load(_content_dir(path), overwrite_edited=overwrite_edited)
    except content_loader.ContentError as exc:
        database.rollback()
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo("Nothing was loaded: fix the errors above first.", err=True)
        sys.exit(1)
    if result.created or result.updated or result.new_quiz_versions:
        _record_load(path, result, overwrite_edited)
    database.commit()
    _report_load(result)


def _record_load(path, result, overwrite_edited: bool) -> None:
    audit.record_command(
        "content_loaded",
        Path(_content_dir(path)).name,
        created=result.created,
        updated=result.updated,
        new_versions=result.new_quiz_versions,
        kept_edited=result.skipped,
        overwrite_edited=overwrite_edited,
    )


def _report_load(result) -> None:
    click.echo(
        f"Loaded: {len(result.created)} new, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged; new quiz versions: "
        f"{', '.join(result.new_quiz_versions) or 'none'}."
    )
    if result.skipped:
        click.echo(
            f"Kept as edited in the browser ({len(result.skipped)}): {', '.join(result.skipped)}."
            " Use --overwrite-edited to replace them with the files."
        )
