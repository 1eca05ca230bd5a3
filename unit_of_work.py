"""One unit of work per request: commit once when the response is a success, else roll back.

When the storage cannot take the request's writes (locked, full, read-only or unavailable:
storage_faults.py), whether at a flush during the view or at the commit, nothing of the request
is kept and it is answered with the page the view registered with on_storage_fault (the form
again, with what was typed), else a generic 503 page; a form's answer is always a 503 with
Retry-After. A page read with GET that only records a visit keeps its response.
"""

from collections.abc import Callable

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from werkzeug.wrappers import Response

import database
import storage_faults
from extensions import db
from storage_faults import Fault

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a replaced response does not pass on: it named the page (or the cookie) not given.
NOT_PASSED_ON = frozenset(
    {
        "location",
        "set-cookie",
        "content-type",
        "content-length",
        "content-disposition",
        "etag",
        "last-modified",
        "cache-control",
    }
)
CAUSES = {
    Fault.LOCKED: _l("Chưa lưu được vì hệ thống đang bận."),
    Fault.FULL: _l("Chưa lưu được vì bộ nhớ của hệ thống đã đầy."),
    Fault.READ_ONLY: _l("Chưa lưu được vì hệ thống tạm thời không ghi được dữ liệu."),
    Fault.UNAVAILABLE: _l("Chưa lưu được vì tạm thời không kết nối được tới kho dữ liệu."),
}

FaultPage = Callable[[Fault], object]


def register_unit_of_work(app: Flask) -> None:
    """Views and services only add and flush; the transaction ends here, in one place."""

    @app.after_request
    def _commit(response):
        if response.status_code >= 400 and not g.get("keep_changes_on_error"):
            database.rollback()
            return response
        try:
            database.commit()
        except DBAPIError as exc:
            fault = storage_faults.classify(exc)
            if fault is None:
                raise
            return _answer_fault(fault, exc, "commit", kept=response)
        return response

    @app.teardown_request
    def _cleanup(exc):
        if exc is not None:
            database.rollback()
        db.session.remove()


def keep_changes_on_error() -> None:
    """Commit this request's changes even though it answers 4xx (e.g. a failed-login record)."""
    g.keep_changes_on_error = True


def on_storage_fault(page: FaultPage) -> None:
    """If this request's writes meet a storage fault, answer `page(fault)` instead (made after
    the rollback, so it must not write): e.g. the form again with the answers as typed."""
    g.storage_fault_page = page


def fault_message(fault: Fault, then) -> str:
    """What happened, then what to do (`then`, e.g. press the button again later)."""
    return f"{CAUSES[fault]} {then}"


def storage_fault_answer(exc: BaseException) -> Response | None:
    """The answer to an error raised by a view, if it is a storage fault (else None)."""
    fault = storage_faults.classify(exc)
    if fault is None:
        return None
    database.rollback()
    return _answer_fault(fault, exc, "flush")


def _answer_fault(fault: Fault, exc: BaseException, where: str, kept=None) -> Response:
    current_app.logger.warning(
        "Storage fault %s at %s on %s %s (%s), nothing saved: %s",
        fault,
        where,
        request.method,
        request.endpoint,
        request.path,
        storage_faults.reason(exc),
    )
    safe = request.method in SAFE_METHODS
    response = _registered_page(fault)
    if response is None and safe and kept is not None:
        return kept  # a visit not recorded: the page itself is still right
    if response is None:
        response = _generic_page(fault)
    if not safe:
        response.status_code = 503
    if response.status_code == 503:
        response.headers["Retry-After"] = str(storage_faults.RETRY_AFTER_S[fault])
    if kept is not None:
        for name, value in kept.headers.items():
            if name.lower() not in NOT_PASSED_ON and name not in response.headers:
                response.headers[name] = value
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _registered_page(fault: Fault) -> Response | None:
    page = g.pop("storage_fault_page", None)
    if page is None:
        return None
    try:
        return current_app.make_response(page(fault))
    except Exception:  # the storage may refuse the page's reads too
        database.rollback()
        current_app.logger.warning("Storage fault %s: the page for it failed too", fault)
        return None


def _generic_page(fault: Fault) -> Response:
    page = render_template(
        "errors/error.html",
        status=503,
        title=_("Chưa lưu được"),
        message=fault_message(fault, _("Vui lòng thử lại sau ít phút.")),
    )
    return current_app.make_response((page, 503))
