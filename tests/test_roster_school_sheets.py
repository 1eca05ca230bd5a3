"""Class lists as schools keep them: title rows above the header, merged cells, blank rows,
a footer ("Tổng số: 4", signatures), "Họ" and "Tên" in two columns, dates of birth, and two
pupils with the same name told apart by their date of birth (or number) on the join page.
"""

import datetime as dt
import io
import re

import pytest
from conftest import csrf_token
from openpyxl import Workbook

from models import AuditEvent, RosterEntry

pytest_plugins = ["staff_fixtures"]

AN = "Nguyễn Văn An"
# In the sheet's order; the class list shows them by given name: An, An, Dũng, Đức.
PUPILS = [
    (AN, dt.date(2013, 3, 12)),
    ("Lê Văn Đức", dt.date(2013, 7, 1)),
    (AN, dt.date(2013, 11, 5)),
    ("Phạm Minh Dũng", dt.date(2013, 1, 20)),
]


def school_xlsx(pupils=PUPILS, footer: str = "Tổng số: 4") -> bytes:
    """A sheet as a Vietnamese school writes it: three title rows (the first merged across the
    table), a blank row, the header on row 5, the pupils, a blank row, a merged footer and a
    signature block. One date of birth is a date cell, the others typed text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    sheet.merge_cells("A1:C1")
    sheet["A2"] = "TRƯỜNG THCS ĐỒNG TÂM"
    sheet["A3"] = "DANH SÁCH HỌC SINH LỚP 7A"
    sheet.merge_cells("A3:C3")
    sheet.append([])  # row 4: blank
    sheet["A5"], sheet["B5"], sheet["C5"] = "STT", "Họ và tên", "Ngày sinh"
    for number, (name, born) in enumerate(pupils, start=1):
        row = 5 + number
        sheet.cell(row, 1, number)
        sheet.cell(row, 2, name)
        sheet.cell(row, 3, born if number == 1 else born.strftime("%d/%m/%Y"))
    last = 5 + len(pupils)
    sheet.cell(last + 2, 1, footer)
    sheet.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=3)
    sheet.cell(last + 4, 3, "Giáo viên chủ nhiệm")
    sheet.cell(last + 5, 3, "(Ký, ghi rõ họ tên)")
    sheet.cell(last + 8, 3, "Nguyễn Thị Hoa")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def school_csv(sep: str = ";") -> bytes:
    lines = [
        ["TRƯỜNG THCS ĐỒNG TÂM", "", ""],
        ["DANH SÁCH HỌC SINH LỚP 7A", "", ""],
        ["", "", ""],
        ["STT", "Họ và tên", "Ngày sinh"],
    ]
    lines += [[str(i), n, b.strftime("%d/%m/%Y")] for i, (n, b) in enumerate(PUPILS, start=1)]
    lines += [["", "", ""], ["Tổng số: 4", "", ""], ["", "", "Giáo viên chủ nhiệm"]]
    return "".join(sep.join(row) + "\r\n" for row in lines).encode("utf-8-sig")


@pytest.fixture
def teacher(app, staff, staff_client):
    return staff_client("teacher_a")


@pytest.fixture
def upload(teacher, staff):
    def do(filename: str, data: bytes, unit_id: int | None = None):
        page = teacher.get("/staff/").get_data(as_text=True)
        return teacher.post(
            f"/staff/units/{unit_id or staff.class_a}/roster",
            data={"csrf_token": csrf_token(page), "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )

    return do


def stored(app, unit_id) -> list[tuple[str, dt.date | None, int]]:
    with app.app_context():
        return sorted(
            (e.name, e.date_of_birth, e.list_number)
            for e in RosterEntry.query.filter_by(unit_id=unit_id)
        )


EXPECTED = sorted((name, born, i) for i, (name, born) in enumerate(PUPILS, start=1))


def refusal(response) -> str:
    assert response.status_code == 400, response.status_code
    body = response.get_data(as_text=True)
    assert "Tệp chưa được nhập vì có lỗi:" in body
    return body


def roster_table(html: str) -> list[tuple[str, str]]:
    """(name, date of birth) in the class page's roster table, top to bottom."""
    table = re.search(r'<table class="roster">(.*?)</table>', html, re.S)
    assert table, "the class page has no roster table"
    rows = re.findall(
        r'<td class="name"><a [^>]*>(.*?)</a>.*?</td><td class="day">(.*?)</td>',
        table.group(1),
        re.S,
    )
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in rows]


# --- the sheet imports -------------------------------------------------------------------------


def test_title_rows_merged_cells_blank_rows_and_footer_are_skipped(app, staff, teacher, upload):
    response = upload("Danh sách lớp 7A.xlsx", school_xlsx())
    assert response.status_code == 303, response.get_data(as_text=True)
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 4 học sinh vào danh sách lớp." in page
    assert stored(app, staff.class_a) == EXPECTED
    with app.app_context():
        assert AuditEvent.query.filter_by(action="roster_imported").one().detail == {"rows": 4}


def test_class_page_lists_names_in_vietnamese_order_with_namesakes_told_apart(
    app, staff, teacher, upload
):
    upload("ds.xlsx", school_xlsx())
    page = teacher.get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    # The two An are told apart by their date of birth (dd/mm/yyyy) in the next column.
    assert roster_table(page) == [
        (AN, "12/03/2013"),
        (AN, "05/11/2013"),
        ("Phạm Minh Dũng", "20/01/2013"),
        ("Lê Văn Đức", "01/07/2013"),
    ]


def test_semicolon_csv_with_bom_and_title_rows_imports(app, staff, upload):
    response = upload("ds.csv", school_csv())
    assert response.status_code == 303, response.get_data(as_text=True)
    assert stored(app, staff.class_a) == EXPECTED


def test_header_without_diacritics_in_capitals_is_found(app, staff, upload):
    data = "Truong THCS Dong Tam\r\n\r\nSTT,HO VA TEN,NGAY SINH\r\n1,Lò Văn Sỹ,2013-02-01\r\n"
    assert upload("ds.csv", data.encode()).status_code == 303
    assert stored(app, staff.class_a) == [("Lò Văn Sỹ", dt.date(2013, 2, 1), 1)]


def test_family_and_given_names_in_two_columns_are_joined(app, staff, upload):
    data = (
        "DANH SÁCH LỚP 7A;;;\r\n"
        "STT;Họ và tên đệm;Tên;Ngày tháng năm sinh\r\n"
        "1;Nguyễn Thị Ánh;Hồng;03/04/2013\r\n"
        "2;Đặng Quốc;Việt;\r\n"
    )
    assert upload("ds.csv", data.encode("utf-8-sig")).status_code == 303
    assert stored(app, staff.class_a) == [
        ("Nguyễn Thị Ánh Hồng", dt.date(2013, 4, 3), 1),
        ("Đặng Quốc Việt", None, 2),
    ]


def test_merged_name_header_over_ho_and_ten_sub_headers(app, staff, upload):
    """ "Họ và tên" merged over two columns, with "Họ đệm" and "Tên" on the row below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "DANH SÁCH HỌC SINH LỚP 7A"
    sheet.merge_cells("A1:D1")
    sheet["A2"], sheet["B2"], sheet["D2"] = "STT", "Họ và tên", "Mã học sinh"
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:D3")
    sheet["B3"], sheet["C3"] = "Họ đệm", "Tên"
    sheet.append([1, "Hoàng Thị", "Ửng", "HS07"])
    sheet.append([2, "Vi Văn", "Hải", "HS08"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload("ds.xlsx", buffer.getvalue()).status_code == 303
    with app.app_context():
        assert sorted(
            (e.name, e.student_number, e.list_number)
            for e in RosterEntry.query.filter_by(unit_id=staff.class_a)
        ) == [("Hoàng Thị Ửng", "HS07", 1), ("Vi Văn Hải", "HS08", 2)]


def test_two_namesakes_without_a_date_or_number_are_refused(app, staff, upload):
    data = f"Họ và tên\r\n{AN}\r\n{AN}\r\n".encode()
    body = refusal(upload("ds.csv", data))
    assert "Dòng 3: Trùng với một dòng phía trên." in body
    assert "hãy thêm cột “Ngày sinh” hoặc “Mã học sinh” để phân biệt." in body


def test_a_date_of_birth_that_is_not_a_day_is_refused_with_its_row(app, staff, upload):
    data = "STT;Họ và tên;Ngày sinh\r\n1;Lò Văn Sỹ;31/02/2013\r\n2;Vi Văn Hải;12/13/2013\r\n"
    body = refusal(upload("ds.csv", data.encode()))
    assert "Dòng 2: Ngày sinh không hợp lệ" in body
    assert "Dòng 3: Ngày sinh không hợp lệ" in body
    assert stored(app, staff.class_a) == []


# --- refusals ----------------------------------------------------------------------------------


def test_a_sheet_without_a_header_row_is_refused(app, staff, upload):
    data = "TRƯỜNG THCS ĐỒNG TÂM\r\nDANH SÁCH LỚP 7A\r\nLò Văn Sỹ\r\n"
    body = refusal(upload("ds.csv", data.encode()))
    assert "Không tìm thấy dòng tiêu đề có cột “Họ và tên”" in body


def test_a_sheet_with_title_and_footer_but_no_pupils_is_refused(app, staff, upload):
    body = refusal(upload("ds.xlsx", school_xlsx(pupils=[], footer="Tổng số: 0")))
    assert "Tệp chỉ có dòng tiêu đề, chưa có học sinh nào." in body


def test_too_many_pupils_below_title_rows_are_refused(app, staff, upload):
    many = [(f"Học Sinh Số{i}", dt.date(2013, 1, 1 + i % 28)) for i in range(301)]
    body = refusal(upload("ds.xlsx", school_xlsx(pupils=many)))
    assert "Danh sách quá dài (tối đa 300 học sinh)." in body
    assert stored(app, staff.class_a) == []


def test_three_hundred_pupils_below_title_rows_import(app, staff, upload):
    many = [(f"Học Sinh Số{i}", dt.date(2013, 1, 1 + i % 28)) for i in range(300)]
    assert upload("ds.xlsx", school_xlsx(pupils=many)).status_code == 303
    assert len(stored(app, staff.class_a)) == 300


# --- the join page -----------------------------------------------------------------------------


def join_page(app, staff) -> tuple:
    pupil = app.test_client()
    joined = pupil.get(f"/c/{staff.class_a_code}")
    return pupil, pupil.get(joined.headers["Location"]).get_data(as_text=True)


def offered(html: str) -> dict[str, str]:
    select = re.search(
        r'<select id="roster_entry" name="roster_entry"[^>]*>(.*?)</select>', html, re.S
    )
    assert select, "the join page offers no names"
    return {
        label: value
        for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select[1])
    }


def test_join_page_tells_the_two_an_apart_by_day_and_month_only(app, staff, upload):
    upload("ds.xlsx", school_xlsx())
    _pupil, html = join_page(app, staff)
    assert list(offered(html)) == [
        "An N. V. (sinh 12/03)",
        "An N. V. (sinh 05/11)",
        "Dũng P. M.",
        "Đức L. V.",
    ]
    assert "Có bạn trùng tên: hãy chọn tên có đúng ngày và tháng sinh của em." in html
    # Anyone holding the class link sees this page: no full name, no year of birth.
    assert AN not in html and "2013" not in html


def test_a_pupil_picks_the_right_an(app, staff, upload):
    upload("ds.xlsx", school_xlsx())
    pupil, html = join_page(app, staff)
    response = pupil.post(
        "/identify",
        data={
            "csrf_token": csrf_token(html),
            "roster_entry": offered(html)["An N. V. (sinh 05/11)"],
            "list_number": "3",
            "age_band": "under16",
            "guardian_consent": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        claimed = RosterEntry.query.filter(RosterEntry.participant_id.isnot(None)).one()
        assert claimed.date_of_birth == dt.date(2013, 11, 5)
    _other, html = join_page(app, staff)
    assert "An N. V." in offered(html)  # the other An, now alone: no date needed


def test_namesakes_without_dates_are_told_apart_by_a_student_code(app, staff, upload):
    data = f"Họ và tên,Mã học sinh\r\n{AN},HS14\r\n{AN},HS15\r\n".encode()
    assert upload("ds.csv", data).status_code == 303
    _pupil, html = join_page(app, staff)
    assert sorted(offered(html)) == ["An N. V. (mã HS14)", "An N. V. (mã HS15)"]


def test_namesakes_told_apart_by_the_list_number_only_are_numbered_by_order(app, staff, upload):
    """The list number is what a pupil types to prove the name is theirs: never shown."""
    data = f"STT,Họ và tên\r\n1,{AN}\r\n2,{AN}\r\n".encode()
    assert upload("ds.csv", data).status_code == 303
    _pupil, html = join_page(app, staff)
    assert sorted(offered(html)) == ["An N. V. (1)", "An N. V. (2)"]
