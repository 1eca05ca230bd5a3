"""Uploaded files for everyone (learner pages show them): /uploads/<hash>.<ext>.

The name is the content's hash, so a file never changes: cached for a year. Served with its
type fixed by the name, never sniffed, in a sandbox, and audio as an attachment (the page's
<audio> player still plays it; opening the link downloads it rather than rendering anything).
"""

from pathlib import Path

from flask import abort, current_app, send_from_directory

from blueprints.content_files import bp
from services.content import media, media_files

YEAR = 365 * 86400


@bp.get("/uploads/<name>")
def uploaded(name: str):
    if not media.NAME.match(name):
        abort(404)
    stored = media_files.StoredMedia(name, 0)
    response = send_from_directory(
        Path(current_app.config["MEDIA_UPLOAD_DIR"]),
        name,
        mimetype=stored.content_type,
        max_age=YEAR,
        conditional=True,
    )
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    disposition = "attachment" if stored.kind == "audio" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
