"""What the learner's phone asks of the pages: data-saver mode, remembered in a cookie and
switched from the footer, and in-app browsers (Zalo, Facebook…) where downloads and offline
saving may fail. Both are read on the server, so they work without JavaScript."""

import re

from flask import abort, redirect, request, url_for

from blueprints.common.redirects import safe_next
from blueprints.learn import bp

SAVER_COOKIE = "lt_saver"
SAVER_STATES = {"on": True, "off": False}
# In-app browsers by a token of their user agent, most specific first (Messenger and Instagram
# also carry Facebook's tokens).
IN_APP_BROWSERS = (
    (re.compile(r"MessengerForiOS|Orca-Android|\bMessenger\b"), "Messenger"),
    (re.compile(r"Instagram"), "Instagram"),
    (re.compile(r"FBAN|FBAV|FB_IAB|FB4A"), "Facebook"),
    (re.compile(r"Zalo", re.IGNORECASE), "Zalo"),
    (re.compile(r"musical_ly|TikTok|BytedanceWebview|trill_", re.IGNORECASE), "TikTok"),
)


@bp.app_template_global()
def data_saver() -> bool:
    """True when this device chose data-saver mode (images load only on tap)."""
    return request.cookies.get(SAVER_COOKIE) == "1"


@bp.app_template_global()
def in_app_browser() -> str | None:
    """The app whose built-in browser shows the page ("Zalo", "Facebook"…), or None."""
    agent = request.user_agent.string or ""
    for pattern, name in IN_APP_BROWSERS:
        if pattern.search(agent):
            return name
    return None


@bp.get("/data-saver/<state>")
def data_saver_switch(state: str):
    """The footer's data-saver switch: a year-long cookie on this device, no server state."""
    if state not in SAVER_STATES:
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("learn.home")))
    if SAVER_STATES[state]:
        response.set_cookie(SAVER_COOKIE, "1", max_age=365 * 86400, samesite="Lax")
    else:
        response.delete_cookie(SAVER_COOKIE, samesite="Lax")
    return response
