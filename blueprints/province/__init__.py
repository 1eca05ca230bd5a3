"""The province office (Sở KH&CN): every commune side by side, read-only."""

from flask import Blueprint

bp = Blueprint("province", __name__, url_prefix="/staff/province")

from blueprints.province import communes, routes, submission_routes  # noqa: E402,F401
