"""The bounded readers in services/common: YAML, CSV, XLSX and ZIP limits."""

import io
import zipfile

import pytest
import yaml
from openpyxl import Workbook

from services.common import limits, safe_tables, safe_yaml, safe_zip


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _load(text: str):
    return yaml.load(text, Loader=safe_yaml.BoundedLoader)  # noqa: S506


def test_yaml_a_repeated_plain_value_may_be_aliased():
    """PyYAML writes `&id001` / `*id001` when one date object appears twice."""
    assert _load("opens: &d 2026-06-05\ncloses: *d\n")["closes"].isoformat() == "2026-06-05"


def test_yaml_plain_documents_still_load():
    assert _load("id: a\nitems: [1, {b: c}]\n") == {"id": "a", "items": [1, {"b": "c"}]}


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",
        "a: &x {b: 1}\n",
        "a: &x 1\nb: [" + ", ".join(["*x"] * 101) + "]\n",
        "[" * 200 + "]" * 200,
        "a: " + "x" * (2 * 1024 * 1024),
    ],
    ids=["list-alias", "mapping-anchor", "many-aliases", "deep", "big"],
)
def test_yaml_refuses_collection_aliases_depth_and_size(text):
    with pytest.raises(yaml.YAMLError):
        _load(text)


def test_csv_rows_within_bounds():
    assert safe_tables.csv_rows("a;b\n1;2\n", ";") == [["a", "b"], ["1", "2"]]


@pytest.mark.parametrize(
    "text",
    ['"' + "a" * (limits.TABLE_FIELD_MAX + 1) + '"\n', "a\n" * (limits.TABLE_MAX_LINES + 1)],
    ids=["field", "lines"],
)
def test_csv_rows_refuse_past_the_bounds(text):
    with pytest.raises(limits.LimitExceeded):
        safe_tables.csv_rows(text)


def test_xlsx_rows_read_the_first_sheet():
    workbook = Workbook()
    workbook.active.append(["Họ tên", None])
    workbook.active.append(["An", 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert safe_tables.xlsx_rows(buffer.getvalue(), 10) == [["Họ tên", ""], ["An", "7"]]


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip",
        _zip({"xl/worksheets/sheet1.xml": b"<broken"}),
        _zip({"a.xml": b" " * (limits.XLSX_MAX_UNPACKED + 1)}),
    ],
    ids=["not zip", "broken workbook", "bomb"],
)
def test_xlsx_rows_refuse_malformed_workbooks(data):
    with pytest.raises(limits.LimitExceeded):
        safe_tables.xlsx_rows(data, 10)


def test_zip_entry_count_and_ratio():
    safe_zip.check_archive(_zip({"a.txt": b"hello"}))
    with pytest.raises(limits.LimitExceeded):
        safe_zip.check_archive(_zip({f"{i}": b"" for i in range(limits.ZIP_MAX_ENTRIES + 1)}))
    with pytest.raises(limits.LimitExceeded):
        safe_zip.check_archive(_zip({"z": b"\0" * (limits.ZIP_RATIO_FROM * 4)}))
