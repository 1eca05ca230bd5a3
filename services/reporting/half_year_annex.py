"""The XLSX annex of a half-year report: per-unit figures, targets and activities, as saved,
each sheet under its title row ("Phụ lục I: … (kèm theo Báo cáo số …/BC-UBND ngày …)")."""

import io

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font

from models import HalfYearReport
from services.common.vietnamese import table_date
from services.common.vocabulary import (
    ACTIVITY_KIND_LABELS,
    INDICATOR_LABELS,
    UNIT_KIND_LABELS,
    vietnamese,
    vietnamese_label,
)
from services.org.settings import commune_settings
from services.render import exports

TARGET_HEADERS = ["Chỉ tiêu", "Năm", "Mục tiêu (%)", "Tử số", "Mẫu số", "Thực hiện (%)"]
ACTIVITY_HEADERS = ["Hình thức", "Số lượng", "Số người được tiếp cận", "Ảnh minh chứng", "Biên bản"]
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMERALS = ("I", "II", "III")
DECIMAL = "0.0"  # one decimal, shown with the reader's decimal sign (a comma in Vietnamese)


def sheets(snap: dict) -> list[exports.Sheet]:
    """The annex's three sheets from a report's snapshot."""
    indicator = vietnamese(INDICATOR_LABELS)
    unit_headers = ["Đơn vị", "Loại", "Số người cần tiếp cận"]
    unit_headers += [indicator["reached"], "Tỉ lệ (%)", indicator["trained"], "Tỉ lệ (%)"]
    units = [
        [
            ("  " * u["depth"]) + u["name"],
            vietnamese_label(UNIT_KIND_LABELS, u["kind"]),
            u["population"],
            u["reached"],
            u["reached_percent"],
            u["trained"],
            u["trained_percent"],
        ]
        for u in snap["units"]
    ]
    targets = [
        [
            t["description"],
            t["year"],
            t["target_percent"],
            t["numerator"],
            t["denominator"],
            t["actual_percent"],
        ]
        for t in snap["targets"]
    ]
    done = [
        [
            vietnamese_label(ACTIVITY_KIND_LABELS, a["kind"]),
            a["count"],
            a["people_reached"],
            a.get("photos"),  # empty in a report saved before evidence was counted
            a.get("minutes"),
        ]
        for a in snap["activities"]
    ]
    return [
        exports.Sheet("Số liệu theo đơn vị", unit_headers, units),
        exports.Sheet("Chỉ tiêu", TARGET_HEADERS, targets),
        exports.Sheet("Hoạt động truyền thông", ACTIVITY_HEADERS, done),
    ]


def title(report: HalfYearReport) -> str:
    """What the annex is attached to: 'kèm theo Báo cáo số 125/BC-UBND ngày 05/06/2026 của
    UBND xã …'."""
    return (
        f"kèm theo Báo cáo số {report.number} ngày {table_date(report.report_date)} "
        f"của {commune_settings(report.commune_id).issuer_short}"
    )


def xlsx(snap: dict, attached_to: str | None = None) -> bytes:
    """The annex as an XLSX workbook; with `attached_to` (see title) each sheet opens with
    its title row "Phụ lục I: <sheet> (<attached_to>)" above the column headers."""
    annex = sheets(snap)
    body = exports.xlsx_bytes(annex)
    if attached_to is None:
        return body
    workbook = load_workbook(io.BytesIO(body))
    for numeral, sheet, ws in zip(NUMERALS, annex, workbook.worksheets, strict=True):
        ws.insert_rows(1)
        ws["A1"] = f"Phụ lục {numeral}: {sheet.title} ({attached_to})"
        ws["A1"].font = Font(bold=True)
        ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(sheet.headers))
        ws.row_dimensions[1].height = 36
        ws.freeze_panes = "A3"
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = DECIMAL
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
