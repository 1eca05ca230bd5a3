"""`flask content import FILE` and `flask content export`: content files in and out."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

import database
from blueprints.common.form_errors import message_for
from blueprints.content_files.messages import IMPORT_MESSAGES
from services.common.errors import WHOLE, InvalidInput
from services.content import exporter as content_export
from services.content import importer as content_import
from services.content import loader as content_loader
from services.content import media
from services.org import audit


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--overwrite-edited",
    is_flag=True,
    help="Also replace topics and surveys that were edited in the browser.",
)
def import_command(file: Path, overwrite_edited: bool):
    """Import a topic/survey file (.yaml) or a ZIP of them; nothing is imported on any error."""
    config = current_app.config
    try:
        result = content_import.import_content(
            file.name,
            file.read_bytes(),
            media_dir=Path(config["CONTENT_DIR"]) / "media",
            upload_dir=Path(config["MEDIA_UPLOAD_DIR"]),
            limits=media.Limits.from_config(config),
            overwrite_edited=overwrite_edited,
        )
    except InvalidInput as exc:
        database.rollback()
        with current_app.test_request_context(headers={"Accept-Language": "en"}):
            text = message_for(WHOLE, exc.code, IMPORT_MESSAGES, exc.params)
            click.echo(f"{file.name}: {text}", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    except content_loader.ContentError as exc:
        database.rollback()
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo("Nothing was imported: fix the errors above first.", err=True)
        sys.exit(1)
    loaded = result.loaded
    audit.record_command(
        "content_imported",
        file.name,
        files=len(result.files),
        created=loaded.created,
        updated=loaded.updated,
        new_versions=loaded.new_quiz_versions,
        kept_edited=loaded.skipped,
    )
    database.commit()
    click.echo(
        f"Imported {len(result.files)} file(s): {len(loaded.created)} new, "
        f"{len(loaded.updated)} updated, {len(loaded.unchanged)} unchanged; new versions: "
        f"{', '.join(loaded.new_quiz_versions) or 'none'}."
    )
    if loaded.skipped:
        click.echo(
            f"Kept as edited in the browser: {', '.join(loaded.skipped)} "
            "(--overwrite-edited replaces them with the files)."
        )


@click.command("export")
@with_appcontext
@click.argument("slug", required=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(slug: str | None, out: Path):
    """Write one topic or survey (SLUG) as a .yaml file, or everything as a ZIP."""
    if slug is None:
        out.write_bytes(content_export.zip_all(Path(current_app.config["CONTENT_DIR"])))
        click.echo(f"Wrote {out}.")
        return
    document = next((d for d in content_export.documents() if d["id"] == slug), None)
    if document is None:
        click.echo(f"No topic or survey {slug!r}.", err=True)
        sys.exit(1)
    out.write_text(content_export.to_yaml(document), encoding="utf-8")
    click.echo(f"Wrote {out}.")
