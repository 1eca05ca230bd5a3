"""Tabular exports: CSV (UTF-8 with BOM, for Excel) and XLSX, both formula-safe.

Every export goes through here, and each is written row by row: a sheet's rows may be a list or
a generator read once (rows fetched from the database in batches), so a table of a province
never sits whole in memory. CSV comes out in chunks as the rows arrive; XLSX is written by
XlsxWriter in constant-memory mode (each row goes to disk as soon as the next begins) into a
spooled temporary file, which is then sent. XlsxWriter rather than openpyxl's write-only mode:
it writes the same workbook about twice as fast (bench/survey_results.py prints both).
"""

import csv
import datetime as dt
import decimal
import io
import itertools
import math
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500  # CSV rows per piece of a streamed response
WIDTH_SAMPLE = 500  # rows read to fit an XLSX column's width
SPOOL_BYTES = 8 * 1024 * 1024  # an XLSX file bigger than this is spooled to disk
READ_BYTES = 64 * 1024
HEADER_FORMAT = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#0B5A8A",
    "pattern": 1,
    "valign": "vcenter",
    "text_wrap": True,
}
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Text stays text: never a formula, a link or a number because of how it looks.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


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
    rows: Iterable[list]  # a list, or a generator that is read once


def csv_chunks(sheet: Sheet) -> Iterator[bytes]:
    """One table as CSV, UTF-8 with BOM so that Excel shows Vietnamese correctly, in pieces
    of ROWS_PER_CHUNK rows as its rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(h) for h in sheet.headers])
    for count, row in enumerate(sheet.rows, start=1):
        writer.writerow(["" if v is None else _cell(v) for v in row])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail.encode("utf-8")


def csv_bytes(sheet: Sheet) -> bytes:
    """One table as CSV in one piece (small tables)."""
    return b"".join(csv_chunks(sheet))


def _widths(headers: list[str], sample: list[list]) -> list[float]:
    """Each column fitted to its header and the first rows' text, between 8 and 60."""
    widths = []
    for index, header in enumerate(headers):
        values = [str(header)] + [str(row[index] or "") for row in sample]
        widths.append(min(60, max(8, max(len(v) for v in values) + 2)))
    return widths


def _xlsx_text(value: str) -> str:
    """A text as `_xlsx_cell` makes it, with a carriage return read as an XML reader reads it
    back (a line feed; XlsxWriter would otherwise escape it). The common case, a printable
    text, skips the regular expression."""
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = neutralise(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _write_row(worksheet, number: int, row: list) -> None:
    """One row, each value by its type (None and empty text leave the cell empty)."""
    for column, raw in enumerate(row):
        if raw is None:
            continue
        value = _xlsx_text(raw) if type(raw) is str else _xlsx_cell(raw)
        if isinstance(value, str):
            if value:
                worksheet.write_string(number, column, value)
        elif isinstance(value, bool):
            worksheet.write_boolean(number, column, value)
        elif isinstance(value, int | float | decimal.Decimal):
            if math.isfinite(value):  # NaN and infinity have no cell: left empty
                worksheet.write_number(number, column, value)
        else:
            worksheet.write_string(number, column, neutralise(str(value)))


def write_xlsx(sheets: list[Sheet], target: BinaryIO) -> None:
    """A workbook with a styled, frozen header row and fitted column widths per sheet,
    written to `target` one row at a time."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    header = workbook.add_format(HEADER_FORMAT)
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title[:31])
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        for column, width in enumerate(_widths(sheet.headers, sample)):
            worksheet.set_column(column, column, width)
        worksheet.freeze_panes(1, 0)
        for column, title in enumerate(sheet.headers):
            worksheet.write_string(0, column, _xlsx_cell(str(title)), header)
        for number, row in enumerate(itertools.chain(sample, rows), start=1):
            _write_row(worksheet, number, row)
    workbook.close()


def xlsx_file(sheets: list[Sheet]) -> BinaryIO:
    """The workbook in a temporary file (in memory while small), positioned at its start;
    the caller closes it."""
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (caller closes)
    try:
        write_xlsx(sheets, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """The workbook in one piece (small tables)."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


def file_chunks(source: BinaryIO) -> Iterator[bytes]:
    """A file's bytes in pieces, closing it at the end (or when the reader stops)."""
    try:
        while block := source.read(READ_BYTES):
            yield block
    finally:
        source.close()


MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chunks(sheets: list[Sheet], fmt: str) -> Iterator[bytes]:
    """The export's bytes in pieces: a CSV of the first sheet, made as it is read, or the
    XLSX workbook of every sheet (written whole first: a zip ends with its index)."""
    if fmt == "csv":
        return csv_chunks(sheets[0])
    if fmt == "xlsx":
        return file_chunks(xlsx_file(sheets))
    raise ValueError(f"unknown export format {fmt!r}")
