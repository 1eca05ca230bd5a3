"""The learner's pages: poster and class links, identity, lessons, quizzes and results."""

from urllib.parse import quote

from flask import Blueprint

bp = Blueprint("learn", __name__)


def _without_slash(adapter, code: str) -> str:
    """The printed link itself, query kept: where /p/<code>/ and /c/<code>/ lead (relative to
    the app's root, so that a deployment under a path prefix keeps it)."""
    kind = adapter.path_info.lstrip("/").split("/", 1)[0]
    path = f"{kind}/{quote(code, safe='')}"
    query = adapter.query_args if isinstance(adapter.query_args, str) else ""
    return f"{path}?{query}" if query else path


# A printed link typed or shortened with a trailing slash goes to the link itself (the scan is
# counted there; a browser that keeps this permanent redirect still lands on the counted URL).
bp.add_url_rule("/p/<code>/", endpoint="poster_slash", redirect_to=_without_slash)
bp.add_url_rule("/c/<code>/", endpoint="class_slash", redirect_to=_without_slash)

from blueprints.learn import device, offline, quiz_questions, routes, stamps, surveys, visible  # noqa: E402,F401  (routes attach themselves to bp)
