"""The layout of a class list as schools keep it: where its header is, which column holds what,
and where the pupils end.

A school's sheet starts with title rows ("PHÒNG GD&ĐT …", "TRƯỜNG THCS …", "DANH SÁCH HỌC SINH
LỚP 7A", often merged across the table), then the header (STT, Họ và tên — or "Họ"/"Họ và tên
đệm" and "Tên" in two columns, sometimes under one merged "Họ và tên" —, Ngày sinh, Mã học
sinh), the pupils, and a footer ("Tổng số: 35", the place and date, "Giáo viên chủ nhiệm",
signatures). Headers are recognised with or without diacritics, in any case. A merged cell's
value is in its top-left cell (openpyxl leaves the others empty), which is where each column's
header and each pupil's name are read from.
"""

import datetime as dt
import re
from dataclasses import dataclass

from services.common.errors import WHOLE, InvalidInput
from services.common.text import clean_line, fold

HEADER_SEARCH = 30  # non-blank rows above the header at most (titles, the school's name)

FULL_NAME = {
    "ho va ten", "ho ten", "ho va ten hoc sinh", "ho ten hoc sinh", "name", "full name",
}  # fmt: skip
FAMILY = {
    "ho", "ho dem", "ho va dem", "ho va ten dem", "ho ten dem", "ho va chu dem", "ho lot",
    "family name", "surname",
}  # fmt: skip
GIVEN = {"ten", "given name", "first name"}
LIST_NUMBER = {"stt", "so thu tu", "tt", "so tt"}
CODE = {
    "ma hoc sinh", "ma hs", "ma", "ma so", "ma so hoc sinh", "student number", "number",
}  # fmt: skip
BIRTH = {
    "ngay sinh", "ngay thang nam sinh", "ngay sinh dd mm yyyy", "date of birth", "birth date",
}  # fmt: skip
# The first words of a footer row: totals, the place and date line, signatures.
FOOTER_START = re.compile(
    r"^(tong so|tong cong|cong(?= \d| *$)|si so|danh sach (nay )?(co|gom)|nguoi lap|giao vien|gvcn|"
    r"hieu truong|pho hieu truong|xac nhan|ky ten|ky ghi ro|ky va ghi ro)\b"
)
FOOTER_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")

BIRTH_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
BIRTH_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
OLDEST_BIRTH_YEAR = 1900


def header_key(cell: str) -> str:
    """A header cell as compared: no diacritics, lower case, words only ("Họ và tên:" → "ho va
    ten", "NGÀY SINH" → "ngay sinh")."""
    text = fold(cell)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@dataclass
class Columns:
    """Where each thing is on a row (0-based columns), from the header on `line`."""

    line: int
    name: int | None = None  # the full name in one column
    family: int | None = None  # "Họ" / "Họ và tên đệm", joined with …
    given: int | None = None  # … "Tên"
    list_number: int | None = None  # STT
    code: int | None = None  # Mã học sinh
    birth: int | None = None
    header: tuple[str, ...] = ()  # the header row's own text, cased as compared

    @property
    def has_name(self) -> bool:
        return self.name is not None or (self.family is not None and self.given is not None)

    @staticmethod
    def cell(row: list[str], column: int | None) -> str:
        return clean_line(row[column]) if column is not None and column < len(row) else ""

    def full_name(self, row: list[str]) -> str:
        if self.name is not None:
            return self.cell(row, self.name)
        return clean_line(f"{self.cell(row, self.family)} {self.cell(row, self.given)}")

    def number(self, row: list[str]) -> str:
        """The pupil's number as the school gives it: the student code, else the STT."""
        return self.cell(row, self.code if self.code is not None else self.list_number)

    def stt(self, row: list[str]) -> str:
        return self.cell(row, self.list_number)

    def birth_text(self, row: list[str]) -> str:
        return self.cell(row, self.birth)

    def is_pupil(self, row: list[str]) -> bool:
        """Anything in the columns that make a pupil (a row with only other columns filled,
        such as the second line of a two-line header, is not one)."""
        used = (self.name, self.family, self.given, self.list_number, self.code, self.birth)
        return any(self.cell(row, column) for column in used)

    def repeats_header(self, row: list[str]) -> bool:
        """The header again, as printed at the top of every page."""
        column = self.name if self.name is not None else self.given
        shown = self.cell(row, column).casefold()
        return bool(self.header) and shown == self.cell(list(self.header), column)


def _assign(columns: Columns, keys: list[str]) -> None:
    """Fill the columns from header keys, the leftmost match of each kind winning."""
    for index, key in enumerate(keys):
        for kind, names in (
            ("name", FULL_NAME),
            ("family", FAMILY),
            ("given", GIVEN),
            ("list_number", LIST_NUMBER),
            ("code", CODE),
            ("birth", BIRTH),
        ):
            if key in names and getattr(columns, kind) is None:
                setattr(columns, kind, index)


def columns_of(line: int, row: list[str]) -> Columns | None:
    """The columns if this row is a header: a full-name column, or "Họ" and "Tên"; a lone
    "Tên" column holds the full name."""
    columns = Columns(line, header=tuple(clean_line(cell).casefold() for cell in row))
    _assign(columns, [header_key(cell) for cell in row])
    if columns.family is not None and columns.given is not None:
        columns.name = None
    elif columns.name is None and columns.given is not None:
        columns.name, columns.given = columns.given, None
    return columns if columns.has_name else None


def _sub_header(columns: Columns, row: list[str]) -> bool:
    """A second header line ("Họ đệm" | "Tên" under a merged "Họ và tên"): taken into the
    columns; False when the row is not one."""
    sub = Columns(columns.line)
    _assign(sub, [header_key(cell) for cell in row])
    if sub.family is None or sub.given is None:
        return False
    columns.name, columns.family, columns.given = None, sub.family, sub.given
    columns.header = tuple(clean_line(cell).casefold() for cell in row)
    for kind in ("list_number", "code", "birth"):
        if getattr(columns, kind) is None:
            setattr(columns, kind, getattr(sub, kind))
    return True


def is_footer(row: list[str]) -> bool:
    first = next((header_key(cell) for cell in row if clean_line(cell)), "")
    return bool(FOOTER_START.match(first) or FOOTER_DATE.search(first))


def layout(numbered: list[tuple[int, list[str]]]) -> tuple[Columns, list[tuple[int, list[str]]]]:
    """The header's columns and the pupils' rows (each with its line in the file): title rows
    above the header, blank rows, repeated headers and everything from the footer on left out.

    InvalidInput (whole file): "empty" (no rows at all), "no_name_column" (no header in the
    first HEADER_SEARCH rows), "no_rows" (a header but no pupil).
    """
    if not numbered:
        raise InvalidInput.of(WHOLE, "empty")
    found = next(
        (
            (index, columns)
            for index, (line, row) in enumerate(numbered[:HEADER_SEARCH])
            if (columns := columns_of(line, row)) is not None
        ),
        None,
    )
    if found is None:
        raise InvalidInput.of(WHOLE, "no_name_column")
    index, columns = found
    start = index + 1
    if start < len(numbered) and _sub_header(columns, numbered[start][1]):
        start += 1
    pupils = []
    for line, row in numbered[start:]:
        if is_footer(row):
            break
        if columns.is_pupil(row) and not columns.repeats_header(row):
            pupils.append((line, row))
    if not pupils:
        raise InvalidInput.of(WHOLE, "no_rows")
    return columns, pupils


def parse_birth_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date of birth as a list writes it: 12/03/2013, 12-3-2013, 12.03.2013 or 2013-03-12
    (an Excel date cell); None when empty. ValueError when it is not a past day."""
    text = clean_line(text)
    if not text:
        return None
    if match := BIRTH_DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := BIRTH_ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError("not a date")
    born = dt.date(year, month, day)  # ValueError for 31/02
    if born.year < OLDEST_BIRTH_YEAR or born > (today or dt.date.today()):
        raise ValueError("not a plausible date of birth")
    return born
