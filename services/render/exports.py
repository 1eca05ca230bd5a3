"""Tabular exports: CSV (UTF-8 with BOM, for Excel) and XLSX, both formula-safe."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return round(value, 1)
    return neutralise(value)


def _xlsx_cell(value):
    """As `_cell`, without the control characters an XLSX file cannot hold (removed first, so
    that a text hidden behind one is still neutralised)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return _cell(value)


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]


def csv_bytes(sheet: Sheet) -> bytes:
    """One table as CSV, UTF-8 with BOM so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with a styled, frozen header row and fitted column widths per sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0B5A8A")
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        ws.append([_xlsx_cell(str(h)) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in sheet.rows:
            ws.append([_xlsx_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for index, header in enumerate(sheet.headers, start=1):
            values = [str(header)] + [str(r[index - 1] or "") for r in sheet.rows[:500]]
            width = min(60, max(8, max(len(v) for v in values) + 2))
            ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
