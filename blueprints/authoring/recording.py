"""A lesson's audio recorded in the editor (or chosen as a file), per language, with who read
it: checked and stored like any upload (services/content/media.py), then set in the draft."""

from pathlib import Path

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.authoring import bp
from blueprints.authoring.forms import RecordingForm
from blueprints.authoring.routes import AUTHORS, editable, editor_page
from blueprints.common.client import client_ip
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.common.media_messages import MEDIA_MESSAGES, shown_media_error
from services.common import vocabulary
from services.common.errors import InvalidInput
from services.content import authoring, media, media_files

ENDPOINT = "authoring.record_audio"
LANGUAGES = {code: vocabulary.LANGUAGE_LABELS[code] for code in ("vi", "tay", "nun")}


def _limits() -> media.Limits:
    return media.Limits.from_config(current_app.config)


@bp.url_value_preprocessor
def _request_size(endpoint, _values):
    """A recording may be larger than other forms: raise the limit before anything (the CSRF
    check) reads the request body."""
    if endpoint == ENDPOINT and request.method == "POST":
        request.max_content_length = _limits().audio_max_bytes + 64 * 1024


def _wants_json() -> bool:
    """The page's recorder script asked for JSON (a plain form post gets the editor)."""
    return request.accept_mimetypes.best == "application/json"


def _refused(item: authoring.Item, form: RecordingForm):
    if _wants_json():
        errors = [str(e) for field in (form.language, form.reader, form.file) for e in field.errors]
        return jsonify(errors=errors or [_("Yêu cầu không hợp lệ.")]), 400
    lang = form.language.data if form.language.data in LANGUAGES else None
    return editor_page(item, item.data(), status=400, recording=form, recording_lang=lang)


@bp.post("/topic/<slug>/audio")
@roles_required(*AUTHORS)
def record_audio(slug: str):
    """Store one recording and make it the lesson's audio in its language (in the draft)."""
    found = editable("topic", slug)
    form = RecordingForm()
    if not form.validate_on_submit():
        return _refused(found, form)
    upload_dir = Path(current_app.config["MEDIA_UPLOAD_DIR"])
    try:
        name, payload = media.prepare_audio(form.file.data.read(), _limits())
    except InvalidInput as exc:
        put_errors(form, shown_media_error(exc), MEDIA_MESSAGES)
        return _refused(found, form)
    stored = media_files.write(upload_dir, name, payload)
    lang, reader = form.language.data, form.reader.data
    authoring.record_audio(found, lang, stored.path, reader, current_user, stored.size, client_ip())
    if _wants_json():
        return jsonify(
            path=stored.path,
            url=url_for("content_files.uploaded", name=stored.name),
            language=lang,
            reader=reader,
            bytes=stored.size,
            size=media_files.human_size(stored.size),
        ), 201
    flash(
        _(
            "Đã lưu bản ghi âm %(language)s (giọng đọc: %(reader)s) vào bản nháp. Người học nghe "
            "được sau khi xuất bản.",
            language=LANGUAGES[lang],
            reader=reader,
        )
    )
    return redirect(url_for("authoring.edit", kind="topic", slug=slug, _anchor="ghi-am"), code=303)
