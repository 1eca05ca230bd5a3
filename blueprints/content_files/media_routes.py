"""Uploading lesson images and audio (admin and teachers), and the list of uploaded files."""

from pathlib import Path

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common.client import client_ip
from blueprints.common.guards import roles_required
from blueprints.content_files import bp
from blueprints.content_files.forms import UploadForm
from services.content import media
from services.org import audit

MB = 1024 * 1024
MESSAGES = {
    "empty": _l("Tệp rỗng."),
    "svg": _l("Không nhận ảnh SVG (có thể chứa mã chạy được). Hãy lưu ảnh thành PNG hoặc JPEG."),
    "unknown_type": _l(
        "Chỉ nhận ảnh JPEG, PNG, WebP và âm thanh MP3, M4A, OGG. Nội dung tệp này không phải "
        "loại nào trong số đó (đuôi tên tệp không quyết định loại tệp)."
    ),
    "too_large": _l("Tệp quá lớn (tối đa %(limit)s MB)."),
    "too_many_pixels": _l("Ảnh quá lớn (tối đa %(limit)s triệu điểm ảnh)."),
    "unreadable": _l("Không đọc được ảnh: tệp hỏng hoặc chưa tải lên hết."),
    "too_complex": _l("Ảnh quá chi tiết, không nén được xuống 60 KB. Hãy cắt bớt ảnh rồi thử lại."),
}


def _message(exc: media.MediaError) -> str:
    params = dict(exc.params)
    if exc.code == "too_large":
        params["limit"] = f"{params['limit'] / MB:g}"
    elif exc.code == "too_many_pixels":
        params["limit"] = f"{params['limit'] / 1_000_000:g}"
    return str(MESSAGES.get(exc.code, MESSAGES["unknown_type"])) % params


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
    added = media.upload_name(media.PREFIX + request.args.get("added", ""))
    description = request.args.get("alt", "")[:200]
    return render_template(
        "content_files/media.html",
        form=form,
        files=media.uploads(_upload_dir()),
        added=media.StoredMedia(added, 0) if added else None,
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
        stored = media.store(upload.read(), _upload_dir(), _limits())
    except media.MediaError as exc:
        form.file.errors = [_message(exc)]
        return _page(form, 400)
    description = (form.description.data or "").strip()
    audit.record(
        current_user,
        "media_uploaded",
        stored.path,
        client_ip(),
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
