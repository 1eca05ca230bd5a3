"""Files in and out of the content: uploaded lesson media (/staff/media, served at /uploads/),
and topics and surveys exported and imported as content files (/staff/content-files/)."""

from flask import Blueprint

bp = Blueprint("content_files", __name__)

from blueprints.content_files import media_routes, public, transfer_routes  # noqa: E402,F401
