"""What a person reads in a response (a page, a CSV, an XLSX, a PDF), and the code words and
machine times in it (issue 16).

The code words are not typed here: they are read from the code's own enumerations (every
vocabulary of services/common/vocabulary.py, the upper-case tuples and dicts of the models and
of the domain modules below, every `column IN ('a', 'b')` check of the schema), so a code added
later is scanned too. Any snake_case token is a code word as well.
"""

import csv
import importlib
import io
import pkgutil
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from openpyxl import load_workbook
from sqlalchemy import CheckConstraint

import models
from extensions import db
from services.common import vocabulary

# The modules whose upper-case tuples, sets and dict keys are codes of the domain.
CODE_MODULES = (
    "services.common.vocabulary",
    "services.content.schema",
    "services.content.survey_schema",
    "services.participation.posters",
    "services.reporting.indicators",
    "services.org.audit",
    *(f"models.{m.name}" for m in pkgutil.iter_modules(models.__path__)),
)
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
# Codes that are also words a Vietnamese text uses, each with why it may be read.
VIETNAMESE_WORDS = {
    "to": "Vietnamese for big (the audit detail key 'to' is read through its label)",
    "vi": "a family name (Vi Văn Bảo) and a syllable (vi phạm); the language code is not shown",
    "tay": "Vietnamese for hand (the language is written Tày)",
    "link": "a loanword readers use (đường link); the activity field reads as Đường dẫn",
}
# Words run together with '.', '@' or '-' stay one token: 'admin.xa' is a user name, not
# the role 'admin'; 'an-toan' is a slug.
TOKEN = re.compile(r"\w[\w.@-]*\w|\w")
MACHINE_TIMES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"), "ISO date and time"),
    (re.compile(r"\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)\b"), "UTC offset"),
    (re.compile(r"\b(?:UTC|GMT)\b"), "UTC"),
    (re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])"), "ISO date (not dd/mm/yyyy)"),
)


def _codes_in(value) -> set[str]:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, tuple | list | set | frozenset):
        return {v for v in value if isinstance(v, str)}
    return set()


def _schema_codes() -> set[str]:
    """The values of every `column IN ('a', 'b', …)` check in the schema."""
    found = set()
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                for group in re.findall(r"IN \(([^)]*)\)", str(constraint.sqltext)):
                    found |= set(re.findall(r"'([^']*)'", group))
    return found


def code_words() -> frozenset[str]:
    """Every code of the domain's enumerations that looks like a word."""
    found = _schema_codes()
    for name in CODE_MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.isupper():
                found |= _codes_in(value)
    for labels in vocabulary.VOCABULARIES.values():
        found |= set(labels)
    return frozenset(
        word for word in found if IDENTIFIER.fullmatch(word) and word not in VIETNAMESE_WORDS
    )


@dataclass(frozen=True)
class Finding:
    url: str
    where: str  # "text", "title attribute", "sheet 'Lớp' B3", "csv row 1 column 2", "pdf"
    word: str
    context: str

    def __str__(self) -> str:
        return f"{self.url} [{self.where}] {self.word!r} in …{self.context}…"


class Scanner:
    """Finds code words (on Vietnamese pages, as the code spells them: 'officer', not the
    'Official' of "Zalo Official Account"; on English pages only snake_case, since the English
    labels are the code words' own English), machine times, and `utc_times`: known stored
    times written as they read in UTC, on a page that should show them local."""

    def __init__(self, words: frozenset[str], vietnamese: bool, utc_times=frozenset()):
        self.words = words
        self.vietnamese = vietnamese
        self.utc_times = utc_times

    def scan(self, url: str, where: str, text: str) -> list[Finding]:
        found = []
        for match in TOKEN.finditer(text):
            token = match.group().strip(".-@")
            if SNAKE_CASE.fullmatch(token) or (self.vietnamese and token in self.words):
                found.append(Finding(url, where, token, _around(text, match)))
        for utc in self.utc_times:
            start = text.find(utc)
            if start >= 0:
                match = re.compile(re.escape(utc)).search(text, start)
                found.append(Finding(url, where, f"UTC time: {utc}", _around(text, match)))
        for pattern, what in MACHINE_TIMES:
            for match in pattern.finditer(text):
                found.append(Finding(url, where, f"{what}: {match.group()}", _around(text, match)))
        return found


def _around(text: str, match: re.Match) -> str:
    start, end = match.span()
    return " ".join(text[max(0, start - 40) : end + 40].split())


# --- what a person reads -----------------------------------------------------------------------

READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
BUTTON_INPUTS = {"submit", "button", "reset"}
NOT_SHOWN = {"script", "style", "template"}


class _VisibleText(HTMLParser):
    """Text nodes (outside script and style) and the attributes people read: titles, labels,
    alternative texts, placeholders, and the values of button inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []  # (where, text)
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_SHOWN:
            self._hidden_depth += 1
        attributes = dict(attrs)
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.parts.append((f"{name} attribute of <{tag}>", attributes[name]))
        button = tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS
        if button and attributes.get("value"):
            self.parts.append(("value of a button", attributes["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_SHOWN:
            self._hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in NOT_SHOWN and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.parts.append(("text", data))


def html_parts(html: str) -> list[tuple[str, str]]:
    """(where, text) for everything a reader sees or hears of a page."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    # Neighbouring text nodes read as one line, so that "Vai trò: " + "officer" keeps context.
    merged: list[tuple[str, str]] = []
    for where, text in parser.parts:
        if where == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + " " + text)
        else:
            merged.append((where, text))
    return merged


def csv_parts(body: bytes) -> list[tuple[str, str]]:
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    return [
        (f"csv row {r} column {c}", cell)
        for r, row in enumerate(rows, 1)
        for c, cell in enumerate(row, 1)
        if cell
    ]


ISO_FORMAT = re.compile(r"y{2,4}-m{1,2}-d{1,2}|y{2,4}/m{1,2}/d{1,2}", re.IGNORECASE)


def xlsx_parts(body: bytes) -> list[tuple[str, str]]:
    """Sheet names, string cells, and the display format of date cells (an XLSX date written
    without one shows as yyyy-mm-dd)."""
    book = load_workbook(io.BytesIO(body))
    parts = []
    for sheet in book.worksheets:
        parts.append((f"sheet name {sheet.title!r}", sheet.title))
        for row in sheet.iter_rows():
            for cell in row:
                where = f"sheet {sheet.title!r} {cell.coordinate}"
                if isinstance(cell.value, str) and cell.value:
                    parts.append((where, cell.value))
                elif getattr(cell, "is_date", False) and ISO_FORMAT.search(
                    cell.number_format or ""
                ):
                    parts.append((where, f"{cell.value:%Y-%m-%d} (as {cell.number_format})"))
    return parts
