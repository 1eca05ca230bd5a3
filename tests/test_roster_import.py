"""Class roster import: CSV in the encodings Excel and others write, XLSX, and broken files.

A file with any bad row changes nothing; every rejected row is reported with its number.
"""

import io
import re
import unicodedata
import zipfile
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token
from openpyxl import Workbook

from extensions import db
from models import AuditEvent, Participant, RosterEntry
from services.org.roster import short_name

pytest_plugins = ["staff_fixtures"]

NAMES = ["Nguyễn Thị Ánh Hồng", "Đặng Quốc Việt", "Lò Văn Sỹ", "Hoàng Thị Ửng"]
ENCODING_MESSAGE = "Tệp CSV phải lưu dạng UTF-8"
NO_HEADER = "Không tìm thấy dòng tiêu đề có cột “Họ và tên”"
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "".join(sep.join(row) + "\r\n" for row in rows)


def roster_rows(names=NAMES, numbers=True) -> list[list[str]]:
    if numbers:
        return [["STT", "Họ và tên"]] + [[str(i), n] for i, n in enumerate(names, start=1)]
    return [["Họ và tên"]] + [[n] for n in names]


def xlsx_bytes(rows: list[list], as_text: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if as_text:  # what a teacher typing into Excel gets: text cells, even for "=…"
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258, as old Vietnamese Excel saves "CSV": base letters plus combining tones."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            keep = "".join(m for m in marks if m not in TONE_MARKS)
            tones = "".join(m for m in marks if m in TONE_MARKS)
            out += unicodedata.normalize("NFC", base + keep).encode("cp1258")
            out += tones.encode("cp1258")
    return bytes(out)


@pytest.fixture
def teacher(app, staff, staff_client):
    """Teacher A's logged-in client."""
    return staff_client("teacher_a")


@pytest.fixture
def upload(teacher, staff):
    """upload(filename, bytes) → the response to the real roster form, for class 7A."""

    def do(filename: str, data: bytes, unit_id: int | None = None):
        unit_id = unit_id or staff.class_a
        page = teacher.get("/staff/").get_data(as_text=True)
        return teacher.post(
            f"/staff/units/{unit_id}/roster",
            data={"csrf_token": csrf_token(page), "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )

    return do


def roster(app, unit_id) -> list[tuple[str, str | None]]:
    with app.app_context():
        return sorted(
            (e.name, e.student_number) for e in RosterEntry.query.filter_by(unit_id=unit_id)
        )


def imported_ok(response, teacher, count: int) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Đã nhập {count} học sinh vào danh sách lớp." in page
    return page


def refused(response) -> str:
    assert response.status_code == 400, response.status_code
    body = response.get_data(as_text=True)
    assert "Tệp chưa được nhập vì có lỗi:" in body
    return body


EXPECTED = sorted((n, str(i)) for i, n in enumerate(NAMES, start=1))

# --- files that import -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16 (BOM, little endian)"),
        pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), id="utf-16 big endian"),
        pytest.param(lambda t: unicodedata.normalize("NFD", t).encode("utf-8"), id="NFD"),
    ],
)
def test_csv_rosters_import(app, staff, teacher, upload, encode):
    response = upload("danh-sach.csv", encode(csv_text(roster_rows())))
    page = imported_ok(response, teacher, len(NAMES))
    assert roster(app, staff.class_a) == EXPECTED  # stored NFC
    for name in NAMES:
        assert name in page  # listed as not yet joined
    with app.app_context():
        event = AuditEvent.query.filter_by(action="roster_imported").one()
        assert event.detail == {"rows": len(NAMES)}


def test_semicolon_separated_csv_imports(app, staff, teacher, upload):
    data = csv_text(roster_rows(), sep=";").encode("utf-8-sig")
    imported_ok(upload("ds.csv", data), teacher, len(NAMES))
    assert roster(app, staff.class_a) == EXPECTED


def test_quoted_csv_cells_with_commas_and_semicolons(app, staff, teacher, upload):
    data = 'Họ và tên,Mã học sinh\r\n"Nguyễn Văn A, con",HS1\r\n"Lê Thị B; út",HS2\r\n'
    imported_ok(upload("ds.csv", data.encode("utf-8")), teacher, 2)
    assert roster(app, staff.class_a) == [("Lê Thị B; út", "HS2"), ("Nguyễn Văn A, con", "HS1")]


def test_name_column_is_found_whatever_its_place_and_case(app, staff, teacher, upload):
    rows = [
        ["Ghi chú", "HỌ VÀ TÊN", "Mã học sinh"],
        ["", "Lương Thị Mai", "07"],
        ["x", "Vi Văn Hải", ""],
    ]
    imported_ok(upload("DS.CSV", csv_text(rows).encode("utf-8")), teacher, 2)
    assert roster(app, staff.class_a) == [("Lương Thị Mai", "07"), ("Vi Văn Hải", None)]


def test_names_only_csv_imports(app, staff, teacher, upload):
    imported_ok(upload("ds.csv", csv_text(roster_rows(numbers=False)).encode()), teacher, 4)
    assert roster(app, staff.class_a) == sorted((n, None) for n in NAMES)


def test_xlsx_roster_imports(app, staff, teacher, upload):
    rows = [["STT", "Họ và tên"]] + [[i, n] for i, n in enumerate(NAMES, start=1)]
    imported_ok(upload("Danh sách lớp 7A.xlsx", xlsx_bytes(rows)), teacher, len(NAMES))
    assert roster(app, staff.class_a) == EXPECTED


def test_blank_lines_and_padding_are_ignored(app, staff, teacher, upload):
    data = "Họ và tên\r\n\r\n  Lò   Văn Sỹ  \r\n,\r\nĐặng Quốc Việt\r\n\r\n"
    imported_ok(upload("ds.csv", data.encode()), teacher, 2)
    assert roster(app, staff.class_a) == [("Lò Văn Sỹ", None), ("Đặng Quốc Việt", None)]


def test_a_new_import_replaces_the_roster(app, staff, teacher, upload):
    imported_ok(upload("a.csv", csv_text(roster_rows()).encode()), teacher, 4)
    imported_ok(upload("b.csv", csv_text(roster_rows(NAMES[:2])).encode()), teacher, 2)
    assert roster(app, staff.class_a) == sorted((n, str(i)) for i, n in enumerate(NAMES[:2], 1))


# --- files with bad rows: reported, nothing changed --------------------------------------------


@pytest.fixture
def existing(app, staff, teacher, upload):
    """Class 7A already has a roster (what a bad file must leave alone)."""
    imported_ok(upload("cu.csv", csv_text(roster_rows()).encode()), teacher, len(NAMES))
    return roster(app, staff.class_a)


def test_bad_rows_are_reported_with_their_numbers_and_nothing_changes(app, staff, upload, existing):
    rows = [
        ["Mã học sinh", "Họ và tên"],
        ["1", "Trần Văn Mới"],  # row 2: fine
        ["2", ""],  # row 3: missing name
        ["3", "A" * 81],  # row 4: too long
        ["4", "Trần Văn Mới"],  # row 5: fine, other number
        ["1", "Trần Văn Mới"],  # row 6: duplicate of row 2
        ["X" * 21, "Lê Văn Số"],  # row 7: number too long
    ]
    body = refused(upload("moi.csv", csv_text(rows).encode()))
    assert "Dòng 3: Thiếu họ tên." in body
    assert "Dòng 4: Họ tên dài quá 80 ký tự." in body
    assert "Dòng 6: Trùng với một dòng phía trên." in body
    assert "Dòng 7: Mã học sinh dài quá 20 ký tự." in body
    assert "Dòng 2:" not in body and "Dòng 5:" not in body
    assert roster(app, staff.class_a) == existing
    with app.app_context():
        assert AuditEvent.query.filter_by(action="roster_imported").count() == 1


def test_row_numbers_are_the_files_own_line_numbers(app, staff, upload, existing):
    """A teacher looks for "row 4" in Excel: blank lines above it still count."""
    data = "Họ và tên,Mã học sinh\r\nLò Văn An,1\r\n\r\n,2\r\n"  # row 3 blank, row 4 no name
    body = refused(upload("ds.csv", data.encode()))
    assert "Dòng 4: Thiếu họ tên." in body, re.findall(r"Dòng \d+:[^<]*", body)
    assert roster(app, staff.class_a) == existing


def test_xlsx_row_numbers_are_the_sheets_own_row_numbers(app, staff, upload, existing):
    rows = [["Họ và tên", "Mã học sinh"], ["Lò Văn An", "1"], [None, None], [None, "2"]]
    body = refused(upload("ds.xlsx", xlsx_bytes(rows)))
    assert "Dòng 4: Thiếu họ tên." in body, re.findall(r"Dòng \d+:[^<]*", body)
    assert roster(app, staff.class_a) == existing


def test_duplicate_names_with_different_numbers_are_two_students(app, staff, teacher, upload):
    data = csv_text([["Họ và tên", "Mã học sinh"], ["Lò Văn Sỹ", "1"], ["Lò Văn Sỹ", "2"]])
    imported_ok(upload("ds.csv", data.encode()), teacher, 2)


def test_duplicates_differing_only_in_unicode_form_or_spaces_are_caught(app, staff, upload):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Hồng")
    data = csv_text([["Họ và tên"], ["Nguyễn Thị Ánh Hồng"], [nfd], ["Nguyễn  Thị Ánh Hồng "]])
    body = refused(upload("ds.csv", data.encode()))
    assert "Dòng 3: Trùng với một dòng phía trên." in body
    assert "Dòng 4: Trùng với một dòng phía trên." in body


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["Tên học sinh lớp 7A"], ["Lò Văn Sỹ"]], NO_HEADER),
        ([["STT", "Ngày sinh"], ["1", "2012-01-01"]], NO_HEADER),
        ([["Lò Văn Sỹ"], ["Đặng Quốc Việt"]], NO_HEADER),
    ],
    ids=["other header", "no name column", "no header row"],
)
def test_wrong_columns_are_refused(app, staff, upload, existing, rows, message):
    body = refused(upload("ds.csv", csv_text(rows).encode()))
    assert message in body
    assert roster(app, staff.class_a) == existing


@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b",,,\r\n,,\r\n", b";;;\r\n;;\r\n", b"\xff\xfe"],
    ids=["zero bytes", "only a BOM", "blank lines", "only commas", "only semicolons", "utf-16 BOM"],
)
def test_empty_file_is_refused(app, staff, upload, existing, data):
    body = refused(upload("ds.csv", data))
    assert "Tệp không có dòng nào." in body
    assert roster(app, staff.class_a) == existing


def test_header_only_file_is_refused(app, staff, upload, existing):
    """A file with the header and no students must not wipe the roster silently."""
    response = upload("ds.csv", "Họ và tên\r\n".encode())
    assert response.status_code == 400
    assert roster(app, staff.class_a) == existing


def test_empty_xlsx_is_refused(app, staff, upload, existing):
    body = refused(upload("ds.xlsx", xlsx_bytes([])))
    assert "Tệp không có dòng nào." in body
    assert roster(app, staff.class_a) == existing


def test_latin1_csv_gets_the_encoding_message(app, staff, upload, existing):
    data = "Họ và tên\r\nJosé Müller\r\n".encode().replace(
        "José Müller".encode(), "José Müller".encode("latin-1")
    )
    body = refused(upload("ds.csv", data))
    assert ENCODING_MESSAGE in body
    assert roster(app, staff.class_a) == existing


def test_windows_1258_csv_gets_the_encoding_message(app, staff, upload, existing):
    data = cp1258(csv_text(roster_rows()))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("cp1258").startswith("STT,H")
    body = refused(upload("ds.csv", data))
    assert ENCODING_MESSAGE in body
    assert roster(app, staff.class_a) == existing


def test_mixed_encodings_in_one_file_get_the_encoding_message(app, staff, upload, existing):
    data = "Họ và tên\r\nĐặng Quốc Việt\r\n".encode() + cp1258("Lò Văn Sỹ\r\n")
    body = refused(upload("ds.csv", data))
    assert ENCODING_MESSAGE in body
    assert roster(app, staff.class_a) == existing


def test_ten_thousand_rows_are_refused(app, staff, upload, existing):
    rows = [["Họ và tên"]] + [[f"Học sinh số {i}"] for i in range(10_000)]
    data = csv_text(rows).encode()
    assert len(data) < 1024 * 1024  # under MAX_CONTENT_LENGTH: the roster check must refuse it
    body = refused(upload("ds.csv", data))
    assert "quá dài" in body
    assert "Danh sách quá dài (tối đa 300 học sinh)." in body
    assert roster(app, staff.class_a) == existing


def test_ten_thousand_rows_in_xlsx_are_refused(app, staff, upload, existing):
    rows = [["Họ và tên"]] + [[f"Học sinh số {i}"] for i in range(10_000)]
    body = refused(upload("ds.xlsx", xlsx_bytes(rows)))
    assert "quá dài" in body
    assert roster(app, staff.class_a) == existing


def test_a_file_over_the_upload_limit_is_refused_in_vietnamese(app, staff, upload, existing):
    data = ("Họ và tên\r\n" + "Lò Văn Sỹ\r\n" * 200_000).encode()
    response = upload("ds.csv", data)
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn." in response.get_data(as_text=True)
    assert roster(app, staff.class_a) == existing


def zip_bomb(member: str = "xl/worksheets/sheet1.xml", megabytes: int = 30) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                handle.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_renamed_xlsx_is_refused(app, staff, upload, existing):
    data = zip_bomb()
    assert len(data) < 200 * 1024  # small on the wire, 30 MB unpacked
    response = upload("danh-sach.xlsx", data)
    body = refused(response)
    assert "Không đọc được tệp." in body
    assert roster(app, staff.class_a) == existing


def test_zip_bomb_made_of_many_members_is_refused(app, staff, upload, existing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(25):
            archive.writestr(f"xl/media/image{i}.bin", b"\0" * (1024 * 1024))
    body = refused(upload("ds.xlsx", buffer.getvalue()))
    assert "Không đọc được tệp." in body
    assert roster(app, staff.class_a) == existing


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("ds.xlsx", b"this is not a zip file"),
        ("ds.xlsx", csv_text(roster_rows()).encode()),
        ("ds.xlsx", xlsx_bytes(roster_rows())[:300]),
    ],
    ids=["not a zip", "csv renamed xlsx", "truncated zip"],
)
def test_unreadable_xlsx_is_refused(app, staff, upload, existing, filename, data):
    body = refused(upload(filename, data))
    assert "Không đọc được tệp." in body
    assert roster(app, staff.class_a) == existing


def test_a_zip_that_is_not_a_workbook_is_refused(app, staff, upload, existing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    body = refused(upload("ds.xlsx", buffer.getvalue()))
    assert "Không đọc được tệp." in body
    assert roster(app, staff.class_a) == existing


@pytest.mark.parametrize("filename", ["ds.txt", "ds.xls", "ds.csv.exe", "ds", "ds.ods"])
def test_other_file_types_are_refused(app, staff, upload, existing, filename):
    body = refused(upload(filename, csv_text(roster_rows()).encode()))
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in body
    assert roster(app, staff.class_a) == existing


def test_no_file_chosen(app, staff, teacher, existing):
    page = teacher.get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    response = teacher.post(
        f"/staff/units/{staff.class_a}/roster", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert "Chọn một tệp CSV hoặc XLSX." in teacher.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert roster(app, staff.class_a) == existing


def test_roster_upload_needs_a_csrf_token(app, staff, teacher, existing):
    response = teacher.post(
        f"/staff/units/{staff.class_a}/roster",
        data={"file": (io.BytesIO(csv_text(roster_rows(["Kẻ Lạ"])).encode()), "ds.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert roster(app, staff.class_a) == existing


def test_another_teachers_class_is_refused(app, staff, upload):
    response = upload("ds.csv", csv_text(roster_rows()).encode(), unit_id=staff.class_b)
    assert response.status_code == 403
    assert roster(app, staff.class_b) == []


# --- formulas are text -------------------------------------------------------------------------

FORMULAS = ["=1+1", '=HYPERLINK("http://x","Bấm")', "+84912345678", "-Tên", "@SUM(A1)"]


def test_formulas_in_csv_cells_are_stored_as_text(app, staff, teacher, upload):
    rows = [["Họ và tên"]] + [[f'"{f.replace(chr(34), chr(34) * 2)}"'] for f in FORMULAS]
    imported_ok(upload("ds.csv", csv_text(rows).encode()), teacher, len(FORMULAS))
    assert roster(app, staff.class_a) == sorted((f, None) for f in FORMULAS)


def test_formulas_in_xlsx_text_cells_are_stored_as_text(app, staff, teacher, upload):
    rows = [["Họ và tên"]] + [[f] for f in FORMULAS]
    imported_ok(upload("ds.xlsx", xlsx_bytes(rows, as_text=True)), teacher, len(FORMULAS))
    assert roster(app, staff.class_a) == sorted((f, None) for f in FORMULAS)


def test_formula_cells_in_xlsx_are_never_evaluated(app, staff, teacher, upload):
    """A real formula cell (=1+1) is not computed into "2": kept as its text or refused."""
    rows = [["Họ và tên"], ["=1+1"], ["Lò Văn Sỹ"]]
    response = upload("ds.xlsx", xlsx_bytes(rows, as_text=False))
    assert response.status_code in (303, 400), response.status_code
    names = [name for name, _ in roster(app, staff.class_a)]
    assert "2" not in names
    if response.status_code == 303:
        assert sorted(names) == ["=1+1", "Lò Văn Sỹ"], "the formula row was silently dropped"
    else:
        assert "Dòng 2:" in response.get_data(as_text=True)
        assert names == []


def test_formula_names_shown_on_the_class_page_are_escaped(app, staff, teacher, upload):
    rows = [["Họ và tên"], ["<script>alert(1)</script>"]]
    page = imported_ok(upload("ds.csv", csv_text(rows).encode()), teacher, 1)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# --- students then pick their name -------------------------------------------------------------


def identify_page(app, staff) -> tuple:
    student = app.test_client()
    joined = student.get(f"/c/{staff.class_a_code.lower()}")
    assert joined.status_code == 302
    page = student.get(joined.headers["Location"])
    assert page.status_code == 200
    return student, page.get_data(as_text=True)


def offered_names(html: str) -> list[str]:
    select = re.search(r'<select id="roster_entry" name="roster_entry">(.*?)</select>', html, re.S)
    assert select, "the identify page offers no roster names"
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select.group(1))


def test_joining_students_are_offered_the_roster_names(app, staff, teacher, upload):
    imported_ok(upload("ds.csv", csv_text(roster_rows()).encode("utf-8-sig")), teacher, 4)
    student, html = identify_page(app, staff)
    assert "Lớp 7A" in html
    # Anyone holding the class link sees the list: short names only, never full names.
    assert sorted(offered_names(html)) == sorted(short_name(n) for n in NAMES)
    assert not any(name in html for name in NAMES)

    entry = re.search(r'<option value="(\d+)"[^>]*>Việt Đ. Q.</option>', html).group(1)
    response = student.post(
        "/identify",
        data={
            "csrf_token": csrf_token(html),
            "roster_entry": entry,
            "list_number": "2",  # STT in the file
            "age_band": "16-29",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert urlsplit(response.headers["Location"]).path == "/"
    with app.app_context():
        person = Participant.query.one()
        assert person.display_name == "Đặng Quốc Việt" and person.unit_id == staff.class_a
        assert db.session.get(RosterEntry, int(entry)).participant_id == person.id

    # The next student no longer sees the name taken.
    _other, html = identify_page(app, staff)
    assert sorted(offered_names(html)) == sorted(
        short_name(n) for n in NAMES if n != "Đặng Quốc Việt"
    )
    # And the teacher sees the student in the class.
    page = teacher.get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    assert "Người học (1)" in page


def test_a_roster_name_of_another_class_cannot_be_claimed(app, staff, teacher, upload):
    imported_ok(upload("ds.csv", csv_text(roster_rows()).encode()), teacher, 4)
    with app.app_context():
        entry = RosterEntry.query.filter_by(name="Lò Văn Sỹ").one().id
    intruder = app.test_client()
    joined = intruder.get(f"/c/{staff.class_b_code}")
    html = intruder.get(joined.headers["Location"]).get_data(as_text=True)
    response = intruder.post(
        "/identify",
        data={"csrf_token": csrf_token(html), "roster_entry": str(entry), "age_band": "16-29"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(RosterEntry, entry).participant_id is None
        assert Participant.query.count() == 0


def test_reimport_keeps_names_students_already_picked(app, staff, teacher, upload):
    imported_ok(upload("ds.csv", csv_text(roster_rows()).encode()), teacher, 4)
    student, html = identify_page(app, staff)
    entry = re.search(r'<option value="(\d+)"[^>]*>Sỹ L. V.</option>', html).group(1)
    student.post(
        "/identify",
        data={
            "csrf_token": csrf_token(html),
            "roster_entry": entry,
            "list_number": "3",
            "age_band": "16-29",
        },
    )
    imported_ok(upload("ds.csv", csv_text(roster_rows(NAMES[:1])).encode()), teacher, 1)
    with app.app_context():
        assert db.session.get(RosterEntry, int(entry)).participant_id is not None
