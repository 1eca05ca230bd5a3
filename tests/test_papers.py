"""Issue 14, papers a clerk can send and pages as light as promised: error pages compressed,
/p/CODE/ and /c/CODE/ with a trailing slash, recognition ties, and the half-year report (its
last page, header, decimal commas, signer capacity, date and period rules, XLSX annex)."""

import datetime as dt
import gzip
import html
import io
import re
import sqlite3
import unicodedata

import pytest
from conftest import csrf_token
from helpers import pdf_text
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.exc import OperationalError
from test_half_year import _save_report, _world
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from extensions import db
from models import HalfYearReport
from services.common.vocabulary import VOCABULARIES
from services.org.settings import commune_settings
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

CODE_WORDS = {code for vocab in VOCABULARIES.values() for code in vocab if len(code) > 2}


def _report_id(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def _last_page_lines(body: bytes) -> list[str]:
    count = len(PdfReader(io.BytesIO(body)).pages)
    return [line.strip() for line in pdf_text(body, page=count).splitlines() if line.strip()]


@pytest.mark.parametrize("paragraphs", [20, 26])  # today these left the signature alone
def test_the_closing_paragraph_stays_with_the_recipients_and_signature(
    app, content, staff, staff_client, paragraphs
):
    _world(app, staff, villages=3)
    client = staff_client("admin")
    text = "\n".join(
        f"Ý kiến thứ {i}: sóng điện thoại yếu ở thôn vùng cao, cần hỗ trợ thêm."
        for i in range(paragraphs)
    )
    report_id = _report_id(_save_report(client, difficulties=text))
    body = client.get(f"/staff/half-year/{report_id}.pdf").data
    assert len(PdfReader(io.BytesIO(body)).pages) >= 2
    last = "\n".join(_last_page_lines(body))
    assert "Trên đây là báo cáo kết quả thực hiện" in last  # body text, not the signature alone
    assert "Nơi nhận:" in last and "Nông Văn Thắng" in last


def _bold_runs(body: bytes) -> list[tuple[str, bool]]:
    """(text, is bold) of every text run of the first page, as pypdf sees them."""
    runs = []

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font:
            runs.append((unicodedata.normalize("NFC", text.strip()), "Bold" in font["/BaseFont"]))

    PdfReader(io.BytesIO(body)).pages[0].extract_text(visitor_text=visit)
    return runs


def test_the_issuing_body_is_bold_on_both_lines(app, content, staff, staff_client):
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    runs = _bold_runs(client.get(f"/staff/half-year/{report_id}.pdf").data)
    with app.app_context():
        issuer = commune_settings().issuer_unit.upper()
    first = [bold for text, bold in runs if text == "ỦY BAN NHÂN DÂN"]
    second = [bold for text, bold in runs if text == issuer]
    assert first and second, runs[:8]
    assert first[0] and second[0]


def test_the_report_prints_decimal_commas(app, content, staff, staff_client):
    _world(app, staff, villages=3)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    text = pdf_text(client.get(f"/staff/half-year/{report_id}.pdf").data)
    assert "0,3%" in text  # Thôn Nà Pàn: 1 of 300
    assert not re.search(r"\d\.\d+ ?%", text), re.findall(r".{20}\d\.\d+ ?%", text)


def _signature(body: bytes) -> list[str]:
    lines = _last_page_lines(body)
    start = next(i for i, line in enumerate(lines) if line.endswith("ỦY BAN NHÂN DÂN"))
    return [line.split("  ")[-1].strip() for line in lines[start : start + 4]]


def test_a_deputy_signs_for_the_chairman_under_the_committee(app, content, staff, staff_client):
    client = staff_client("admin")
    deputy = _report_id(_save_report(client, signer_capacity="deputy"))
    body = client.get(f"/staff/half-year/{deputy}.pdf").data
    lines = [line.split("  ")[-1].strip() for line in _last_page_lines(body)]
    at = lines.index("TM. ỦY BAN NHÂN DÂN")
    assert lines[at : at + 3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    with app.app_context():
        assert db.session.get(HalfYearReport, deputy).signer_capacity == "deputy"
    page = client.get(f"/staff/half-year/{deputy}").get_data(as_text=True)
    assert re.search(r'value="deputy"[^>]*checked|checked[^>]*value="deputy"', page)


def test_the_chairman_signs_for_the_committee(app, content, staff, staff_client):
    client = staff_client("admin")
    chairman = _report_id(_save_report(client, signer_capacity="chairman", period_key="2025-H2",
                                       report_date="2025-12-05"))  # fmt: skip
    lines = [
        line.split("  ")[-1].strip()
        for line in _last_page_lines(client.get(f"/staff/half-year/{chairman}.pdf").data)
    ]
    at = lines.index("TM. ỦY BAN NHÂN DÂN")
    assert lines[at : at + 2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert "KT. CHỦ TỊCH" not in lines and "PHÓ CHỦ TỊCH" not in lines


def _post_new(client, **changes):
    page = client.get("/staff/half-year/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "period_key": "2026-H1",
        "number": "125/BC-UBND",
        "report_date": "2026-06-05",
        "signer_capacity": "chairman",
        "signer_name": "Nông Văn Thắng",
        "recipients": "- Lưu: VT, VHXH.",
        **changes,
    }
    return client.post("/staff/half-year/", data=data)


@pytest.mark.parametrize("day", ["2025-12-05", "2026-08-05", "2027-01-01"])
def test_a_report_date_outside_the_period_is_refused(app, content, staff, staff_client, day):
    response = _post_new(staff_client("admin"), report_date=day)
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Ngày báo cáo phải từ 06/12/2025 đến 04/08/2026" in page
    with app.app_context():
        assert HalfYearReport.query.count() == 0


@pytest.mark.parametrize("day", ["2025-12-06", "2026-08-04"])
def test_a_report_date_within_the_period_and_its_grace_is_taken(
    app, content, staff, staff_client, day
):
    assert _post_new(staff_client("admin"), report_date=day).status_code == 303


def test_an_edit_refuses_a_date_outside_the_period(app, content, staff, staff_client):
    client = staff_client("admin")
    report_id = _report_id(_post_new(client).headers["Location"])
    page = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "number": "125/BC-UBND", "report_date": "2024-01-01",
            "signer_capacity": "chairman", "recipients": "- Lưu: VT."}  # fmt: skip
    response = client.post(f"/staff/half-year/{report_id}", data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(HalfYearReport, report_id).report_date == dt.date(2026, 6, 5)


def test_a_second_report_for_a_period_opens_the_first(app, content, staff, staff_client):
    client = staff_client("admin")
    first = _post_new(client).headers["Location"]
    again = _post_new(client, number="130/BC-UBND")
    assert again.status_code == 303 and again.headers["Location"] == first
    page = html.unescape(client.get(first).get_data(as_text=True))
    assert "Kỳ 6 tháng đầu năm 2026 đã có báo cáo số 125/BC-UBND" in page
    with app.app_context():
        assert [r.number for r in HalfYearReport.query] == ["125/BC-UBND"]


def test_the_annex_has_its_title_row_and_only_vietnamese_labels(app, content, staff, staff_client):
    _world(app, staff, villages=3)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    workbook = load_workbook(
        io.BytesIO(client.get(f"/staff/half-year/{report_id}-phu-luc.xlsx").data)
    )
    assert len(workbook.worksheets) == 3
    for sheet in workbook.worksheets:
        title = sheet["A1"].value
        assert title.startswith("Phụ lục"), title
        assert "kèm theo Báo cáo số 125/BC-UBND ngày 05/06/2026" in title, title
        headers = [c.value for c in sheet[2]]
        assert headers[0] and all(isinstance(h, str) for h in headers), headers
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.value.strip() not in CODE_WORDS, (sheet.title, cell.value)
                if isinstance(cell.value, float):
                    assert cell.number_format == "0.0", (sheet.title, cell.coordinate)
    units = workbook.worksheets[0]
    kinds = {row[1] for row in units.iter_rows(min_row=3, values_only=True)}
    assert "Thôn" in kinds and "village" not in kinds
