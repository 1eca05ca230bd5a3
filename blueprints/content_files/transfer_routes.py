"""Export topics and surveys as content files, and import such files (admin only)."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.common import audit_trail
from blueprints.common.downloads import download
from blueprints.common.form_errors import message_for
from blueprints.common.guards import roles_required
from blueprints.content_files import bp
from blueprints.content_files.forms import ImportForm
from blueprints.content_files.messages import IMPORT_MESSAGES
from extensions import db
from models import Lesson, Survey
from services.common.errors import WHOLE, InvalidInput
from services.content import exporter as content_export
from services.content import importer as content_import
from services.content import loader as content_loader
from services.content import media


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _page(form: ImportForm, problems: list[str] | None = None, status: int = 200):
    return render_template(
        "content_files/transfer.html",
        form=form,
        lessons=content_export.lessons(),
        surveys=content_export.surveys(),
        problems=problems,
    ), status


def _download(body: str | bytes, filename: str, mimetype: str):
    response = download(body, mimetype, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/staff/content-files/")
@roles_required("admin")
def transfer():
    """Download any item (or all) as content files; import files."""
    return _page(ImportForm(formdata=None))


@bp.get("/staff/content-files/export/<kind>/<slug>.yaml")
@roles_required("admin")
def export_one(kind: str, slug: str):
    if kind == "topic":
        lesson = db.session.scalars(db.select(Lesson).filter_by(slug=slug)).one_or_none()
        if lesson is None:
            abort(404)
        document = content_export.topic_document(lesson)
    elif kind == "survey":
        survey = db.session.scalars(db.select(Survey).filter_by(slug=slug)).one_or_none()
        if survey is None or not survey.versions:
            abort(404)
        document = content_export.survey_document(survey)
    else:
        abort(404)
    return _download(content_export.to_yaml(document), f"{slug}.yaml", "application/yaml")


@bp.get("/staff/content-files/export.zip")
@roles_required("admin")
def export_all():
    body = content_export.zip_all(_content_dir())
    return _download(body, "noi-dung-lan-toa.zip", "application/zip")


@bp.post("/staff/content-files/import")
@roles_required("admin")
def import_files():
    """Import a content file or a ZIP of them: all or nothing, with the check's messages."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, [_("Chọn một tệp .yaml hoặc .zip.")], 400)
    upload = form.file.data
    overwrite = bool(form.overwrite_edited.data)
    try:
        result = content_import.import_content(
            upload.filename or "",
            upload.read(),
            media_dir=_content_dir() / "media",
            upload_dir=Path(current_app.config["MEDIA_UPLOAD_DIR"]),
            limits=media.Limits.from_config(current_app.config),
            overwrite_edited=overwrite,
        )
    except InvalidInput as exc:
        return _page(form, [message_for(WHOLE, exc.code, IMPORT_MESSAGES, exc.params)], 400)
    except content_loader.ContentError as exc:
        return _page(form, exc.errors, 400)
    loaded = result.loaded
    audit_trail.record(
        "content_imported",
        upload.filename,
        files=len(result.files),
        created=loaded.created,
        updated=loaded.updated,
        new_versions=loaded.new_quiz_versions,
        kept_edited=loaded.skipped,
        overwrite_edited=overwrite,
    )
    flash(
        _(
            "Đã nhập %(files)d tệp: %(created)d mục mới, %(updated)d mục cập nhật, "
            "%(unchanged)d mục không đổi.",
            files=len(result.files),
            created=len(loaded.created),
            updated=len(loaded.updated),
            unchanged=len(loaded.unchanged),
        )
    )
    if loaded.new_quiz_versions:
        flash(_("Phiên bản mới: %(list)s.", list=", ".join(loaded.new_quiz_versions)))
    if loaded.skipped:
        flash(
            _(
                "Giữ nguyên vì đã sửa trên trình duyệt: %(list)s. Chọn “ghi đè” để thay bằng tệp.",
                list=", ".join(loaded.skipped),
            )
        )
    return redirect(url_for("content_files.transfer"), code=303)
