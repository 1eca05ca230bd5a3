"""Exports written row by row hold what the whole-workbook exports held: the same cells, the
styled and frozen header, fitted widths; CSV in pieces with its BOM and neutralised formulas.

`_old_xlsx` is the export as it was built before streaming (openpyxl's normal Workbook, every
row in memory), kept here as the reference the streamed files are compared with.
"""

import csv
import datetime as dt
import decimal
import io

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from test_survey_results import FORMULA, named  # noqa: F401 (the fixture)

from blueprints.survey_results.tables import responses_sheet
from models import Survey
from services.common.periods import Period
from services.render import exports
from services.reporting import survey_results

pytest_plugins = ["staff_fixtures"]


def _old_xlsx(sheets: list[exports.Sheet]) -> bytes:
    """The workbook as xlsx_bytes made it before exports were streamed."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        ws.append([exports._xlsx_cell(str(h)) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="0B5A8A")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in sheet.rows:
            ws.append([exports._xlsx_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for index, header in enumerate(sheet.headers, start=1):
            values = [str(header)] + [str(r[index - 1] or "") for r in sheet.rows[:500]]
            width = min(60, max(8, max(len(v) for v in values) + 2))
            ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(body: bytes) -> dict[str, list[list]]:
    """Every sheet's values, an empty text read as an empty cell."""
    workbook = load_workbook(io.BytesIO(body))
    return {
        ws.title: [["" if c.value is None else c.value for c in row] for row in ws.iter_rows()]
        for ws in workbook.worksheets
    }


SAMPLE = [
    ["Thôn Nà Pàn", "Lò Văn Một", dt.datetime(2026, 3, 2, 8, 0), 4, 2.345, True, None],
    ["=1+1", "@SUM(A1)", dt.date(2026, 6, 5), 0, decimal.Decimal("1.5"), False, ""],
    ["\rCR", "a\x0bb", "-3", -7, 1e6, None, "Đặng Quốc Việt — rất dài " * 4],
]


def _sheets() -> list[exports.Sheet]:
    rows = SAMPLE * 300  # 900 rows: past the width sample and several CSV pieces
    return [
        exports.Sheet("Người học", ["Tên", "Người", "Khi", "Số", "Điểm", "Đạt", "Ghi chú"], rows),
        exports.Sheet("Trống", ["Một cột"], []),
    ]


def test_the_streamed_workbook_has_the_old_workbooks_cells_and_look():
    sheets = _sheets()
    old = load_workbook(io.BytesIO(_old_xlsx(sheets)))
    # Rows as a generator, read once, as the big exports give them.
    streamed = [exports.Sheet(s.title, s.headers, (row for row in s.rows)) for s in sheets]
    body = exports.xlsx_bytes(streamed)
    assert _cells(body) == _cells(_old_xlsx(sheets))
    new = load_workbook(io.BytesIO(body))
    assert new.sheetnames == old.sheetnames
    for was, now in zip(old.worksheets, new.worksheets, strict=True):
        assert now.freeze_panes == was.freeze_panes == "A2"
        for before, after in zip(was[1], now[1], strict=True):
            assert after.font.b and after.font.color.rgb.endswith("FFFFFF")
            assert after.fill.fgColor.rgb.endswith("0B5A8A")
            assert after.alignment.wrap_text and after.alignment.vertical == "center"
            letter = before.column_letter
            # XlsxWriter adds the cell padding Excel shows (a width of 10 characters is
            # stored as 10.71); openpyxl stored the bare number.
            wanted = was.column_dimensions[letter].width
            assert 0 <= now.column_dimensions[letter].width - wanted < 1, letter
        assert not any(c.data_type == "f" for row in now.iter_rows() for c in row)


def test_csv_comes_in_pieces_with_the_bom_and_neutralised_formulas():
    sheet = _sheets()[0]
    pieces = list(exports.csv_chunks(exports.Sheet(sheet.title, sheet.headers, iter(sheet.rows))))
    assert len(pieces) > 1 and pieces[0].startswith(b"\xef\xbb\xbf")
    assert not any(piece.startswith(b"\xef\xbb\xbf") for piece in pieces[1:])
    body = b"".join(pieces)
    assert body == exports.csv_bytes(sheet)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 901
    assert rows[1][:3] == ["Thôn Nà Pàn", "Lò Văn Một", "02/03/2026 08:00"]
    assert rows[2][:3] == ["'=1+1", "'@SUM(A1)", "05/06/2026"]
    assert rows[3][2] == "'-3"


def test_the_survey_export_streamed_matches_the_old_workbook(app, named, staff_client):  # noqa: F811
    """The named survey's XLSX from the page, against the old builder over the same rows."""
    admin = staff_client("admin")
    response = admin.get("/staff/surveys/y-kien/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    with app.test_request_context():
        survey = Survey.query.filter_by(slug="y-kien").one()
        sheet = responses_sheet(survey, survey_results.export_table(survey, None, Period()))
        old = _old_xlsx([exports.Sheet(sheet.title, sheet.headers, list(sheet.rows))])
    assert _cells(response.data) == _cells(old)
    values = [v for row in _cells(response.data)["Khảo sát"] for v in row]
    assert "'" + FORMULA in values
