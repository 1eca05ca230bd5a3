"""Error pages in Vietnamese: a clear message and the right 4xx, never a stack trace."""

import csv
import gzip
import zipfile
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import yaml
from flask import Flask, Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug import exceptions as werkzeug_exceptions
from werkzeug.exceptions import HTTPException

import database
import unit_of_work
from services.common.limits import LimitExceeded
from services.org.tenancy import ReadOnlyScope

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại thông tin."),
    403: _l("Bạn không có quyền xem trang này."),
    404: _l("Không tìm thấy trang này. Hãy kiểm tra lại đường dẫn hoặc mã QR."),
    405: _l("Thao tác này không được hỗ trợ."),
    409: _l("Thao tác này đã được thực hiện trước đó."),
    413: _l("Dữ liệu gửi lên quá lớn."),
    429: _l("Bạn thao tác quá nhanh. Vui lòng đợi một chút rồi thử lại."),
    # The request's changes were rolled back: say only that it was not done.
    500: _l("Hệ thống gặp sự cố nên chưa làm được việc bạn vừa yêu cầu. Vui lòng thử lại sau."),
}
TITLES = {
    400: _l("Thông tin chưa đúng"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Không được phép"),
    409: _l("Đã thực hiện"),
    413: _l("Dữ liệu quá lớn"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Có lỗi xảy ra"),
}
# Werkzeug's built-in descriptions are English; only our own aborts carry a Vietnamese one.
WERKZEUG_DESCRIPTIONS = {
    getattr(cls, "description", None)
    for cls in vars(werkzeug_exceptions).values()
    if isinstance(cls, type) and issubclass(cls, HTTPException)
}

# Parser and database errors that mean "this input is malformed or out of range" when they
# escape a view: the last line of defence answers a 400 and logs a warning, not a traceback.
MALFORMED_INPUT = (
    RecursionError, OverflowError, UnicodeError, csv.Error, zipfile.BadZipFile, yaml.YAMLError,
    ParseError, ExpatError, LimitExceeded, DataError,
)  # fmt: skip


def _page(status: int, message=None):
    code = status if status in MESSAGES else (500 if status >= 500 else 400)
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES[code],
            message=message or MESSAGES[code],
        ),
        status,
    )


def compress_refusal(response: Response) -> Response:
    """Gzip a 4xx/5xx page as Flask-Compress does a 2xx one (it leaves refusals alone): an
    error page, or a form sent back with its errors, weighs what the learner pages weigh."""
    config = current_app.config
    if (
        response.status_code < 400
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.mimetype not in config["COMPRESS_MIMETYPES"]
        or request.accept_encodings["gzip"] <= 0
    ):
        return response
    body = response.get_data()
    if len(body) >= config["COMPRESS_MIN_SIZE"]:
        response.set_data(gzip.compress(body, compresslevel=config["COMPRESS_LEVEL"]))
        response.headers["Content-Encoding"] = "gzip"
    return response


def _read_only(_exc):
    """A change refused by the scope (an account that only reads the communes' data)."""
    database.rollback()
    return _page(403, _l("Tài khoản này chỉ được xem, không được thay đổi dữ liệu của xã."))


def register_error_handlers(app: Flask) -> None:
    # Runs before Flask-Compress's own hook (registered first, so run last), which then sees
    # the Content-Encoding and only adds Vary.
    app.after_request(compress_refusal)

    @app.before_request
    def _reject_nul_in_path():
        """A path with a NUL byte names nothing (and PostgreSQL refuses NUL in text)."""
        if "\x00" in request.path:
            abort(404)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(
            400, _l("Phiên làm việc đã hết hạn. Vui lòng quay lại, tải lại trang và thử lại.")
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        # Werkzeug's and Flask-Limiter's descriptions are English: show ours instead.
        own = exc.description if exc.description not in WERKZEUG_DESCRIPTIONS else None
        if exc.code == 429:
            own = None
        response = _page(exc.code, own)
        if exc.code == 405:
            response = (
                response[0],
                response[1],
                {"Allow": exc.get_response().headers.get("Allow", "")},
            )
        return response

    def _malformed(exc: Exception):
        database.rollback()
        app.logger.warning(
            "Refused malformed input on %s %s: %s: %.200s",
            request.method,
            request.path,
            type(exc).__name__,
            exc,
        )
        return _page(400)

    for kind in MALFORMED_INPUT:
        app.register_error_handler(kind, _malformed)
    app.register_error_handler(ReadOnlyScope, _read_only)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        database.rollback()
        fault_page = unit_of_work.storage_fault_answer(exc)  # locked, full…: not a bug
        if fault_page is not None:
            return fault_page
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _page(500)
