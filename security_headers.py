"""Security headers on every response, and no caching of what staff see or download."""

from flask import Flask, request
from flask_login import current_user

# Everything is served from the app itself: stylesheets and scripts as files (no inline code,
# no style attributes), images and lesson audio from /static, /media and /uploads, the
# service worker from /sw.js and the manifest from /static. `data:` images: the empty favicon;
# `blob:` media: a recording made in the page, listened to before it is uploaded.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",  # the editor's recorder plays back what it just recorded
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"
STAFF_PREFIX = "/staff"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if _is_for_staff_only(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_for_staff_only(response) -> bool:
    """Staff pages, and any download a logged-in staff member gets (reports, posters, content
    files). Learner pages stay cacheable: the service worker keeps copies for offline use."""
    if request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/"):
        return True
    disposition = response.headers.get("Content-Disposition", "")
    return disposition.startswith("attachment") and current_user.is_authenticated
