"""Uploading lesson images and audio (admin and teachers), and the list of uploaded files."""

from pathlib import Path

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.common import audit_trail
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.common.media_messages import MB, MEDIA_MESSAGES, shown_media_error
from blueprints.content_files import bp
from blueprints.content_files.forms import UploadForm
from services.common.errors import InvalidInput
from services.content import media, media_files


def _upload_dir() -> Path:
    return Path(current_app.config["MEDIA_UPLOAD_DIR"])


def _limits() -> media.Limits:
    return media.Limits.from_config(current_app.config)


@bp.url_value_preprocessor
def _request_size(endpoint, _values):
    """Uploads may be larger than other forms: raise the limit before anything (the CSRF
    check) reads the request body."""
    if request.method != "POST":
        return
    if endpoint == "content_files.library":
        request.max_content_length = _limits().request_max_bytes
    elif endpoint == "content_files.import_files":
        request.max_content_length = current_app.config["CONTENT_IMPORT_MAX_BYTES"]


def _wants_json() -> bool:
    """An editor's script asked for JSON (a plain form post gets the page)."""
    return request.accept_mimetypes.best == "application/json"


def _page(form: UploadForm, status: int = 200):
    if status >= 400 and _wants_json():
        errors = [str(e) for field in (form.file, form.description) for e in field.errors]
        return jsonify(errors=errors or [_("Yêu cầu không hợp lệ.")]), status
    added = media_files.upload_name(media_files.PREFIX + request.args.get("added", ""))
    description = request.args.get("alt", "")[:200]
    return render_template(
        "content_files/media.html",
        form=form,
        files=media_files.uploads(_upload_dir()),
        added=media_files.StoredMedia(added, 0) if added else None,
        description=description,
        audio_mb=f"{_limits().audio_max_bytes / MB:g}",
    ), status


@bp.route("/staff/media", methods=["GET", "POST"])
@roles_required("admin", "teacher")
def library():
    """Uploaded images and audio, and the form to upload one; the answer is what to paste."""
    form = UploadForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 400)
    upload = form.file.data
    try:
        stored = media_files.store(upload.read(), _upload_dir(), _limits())
    except InvalidInput as exc:
        put_errors(form, shown_media_error(exc), MEDIA_MESSAGES)
        return _page(form, 400)
    description = (form.description.data or "").strip()
    audit_trail.record(
        "media_uploaded",
        stored.path,
        original=(upload.filename or "")[:100],
        bytes=stored.size,
    )
    if _wants_json():
        return jsonify(
            path=stored.path,
            url=url_for("content_files.uploaded", name=stored.name),
            markdown=stored.markdown(description),
            kind=stored.kind,
            bytes=stored.size,
        ), 201
    return redirect(
        url_for("content_files.library", added=stored.name, alt=description or None), code=303
    )
