"""The unit tree in the browser: add, edit, import (CSV/XLSX, all or nothing), admin only."""

import io
import unicodedata

import pytest
from conftest import csrf_token
from openpyxl import Workbook

from extensions import db
from models import AuditEvent, Unit

pytest_plugins = ["staff_fixtures"]

URL = "/staff/admin/units/"
HEADER = ["Loại", "Tên", "Thuộc", "Dân số mục tiêu", "Năm"]
REFUSED = "Tệp chưa được nhập vì có lỗi:"


@pytest.fixture
def admin(staff, staff_client):
    return staff_client("admin")


def token(client) -> str:
    return csrf_token(client.get(URL).get_data(as_text=True))


def units(app) -> list[tuple]:
    """Every unit as (kind, name, parent name, population, year), sorted."""
    with app.app_context():
        return sorted(
            (
                (
                    u.kind,
                    u.name,
                    u.parent.name if u.parent else None,
                    u.target_population,
                    u.population_year,
                )
                for u in Unit.query.all()
            ),
            key=repr,
        )


def unit(app, name: str) -> Unit:
    with app.app_context():
        found = Unit.query.filter_by(name=name).one()
        db.session.expunge(found)
        return found


def add(client, **fields):
    data = {"kind": "village", "name": "Thôn Mới", "parent_id": "", "csrf_token": token(client)}
    data.update({k: str(v) for k, v in fields.items()})
    return client.post(URL, data=data)


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, filename: str, data: bytes):
    return client.post(
        URL + "import",
        data={"csrf_token": token(client), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def audits(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return AuditEvent.query.filter_by(action=action).all()


# --- the page and the add form -----------------------------------------------------------------


def test_tree_page_shows_units_indented_with_kind_population_year_and_join_code(app, staff, admin):
    page = admin.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in ("Xã Hoàng Văn Thụ", "Thôn Nà Pàn", "Trường THCS", "Lớp 7A", "Lớp 8B"):
        assert name in html
    assert staff.class_a_code in html and staff.class_b_code in html
    assert "Thêm đơn vị" in html
    # The class sits below its school, which sits below the commune.
    assert html.index("Xã Hoàng Văn Thụ") < html.index("Trường THCS") < html.index("Lớp 7A")


@pytest.mark.parametrize("who", ["teacher_a", "teacher_b", "officer"])
def test_non_admins_are_refused(app, staff, staff_client, who):
    client = staff_client(who)
    page_token = csrf_token(client.get("/staff/").get_data(as_text=True))
    before = units(app)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{staff.village}").status_code == 403
    fields = {"kind": "village", "name": "X", "parent_id": str(staff.commune)}
    assert client.post(URL, data={"csrf_token": page_token, **fields}).status_code == 403
    response = client.post(
        URL + "import",
        data={"csrf_token": page_token, "file": (io.BytesIO(b"Loai,Ten\r\nxa,X\r\n"), "u.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert units(app) == before


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_admin_adds_a_village_and_a_class(app, staff, admin):
    response = add(
        admin, kind="village", name="Thôn Khòn Pát", parent_id=staff.commune,
        target_population=250, population_year=2026,
    )  # fmt: skip
    assert response.status_code == 303
    assert "Đã thêm" in admin.get(response.headers["Location"]).get_data(as_text=True)
    response = add(admin, kind="class", name="Lớp 9C", parent_id=staff.school,
                   target_population=32, population_year=2026)  # fmt: skip
    assert response.status_code == 303
    assert ("village", "Thôn Khòn Pát", "Xã Hoàng Văn Thụ", 250, 2026) in units(app)
    klass = unit(app, "Lớp 9C")
    assert klass.join_code and klass.parent_id == staff.school
    events = audits(app, "unit_created")
    assert sorted(e.target for e in events) == ["Lớp 9C", "Thôn Khòn Pát"]


def test_admin_adds_a_commune_without_parent(app, staff, admin):
    assert add(admin, kind="commune", name="Xã Mai Pha").status_code == 303
    assert ("commune", "Xã Mai Pha", None, None, None) in units(app)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "province"}, "Loại đơn vị không hợp lệ."),
        ({"kind": "class", "parent": "commune"}, "Đơn vị cấp trên không hợp lệ"),
        ({"kind": "village", "parent": "village"}, "Đơn vị cấp trên không hợp lệ"),
        ({"kind": "village", "parent": None}, "Chọn đơn vị cấp trên."),
        ({"kind": "commune", "parent": "commune"}, "Xã là cấp cao nhất"),
        ({"target_population": -5}, "Dân số mục tiêu phải là số không âm."),
        ({"name": "T" * 201}, "Tên dài quá 200 ký tự."),
        ({"name": "   "}, "Nhập tên đơn vị."),
        ({"population_year": 1890}, "Năm từ 2000 đến 2100."),
        ({"target_population": 10, "population_year": ""}, "Nhập năm áp dụng"),
        ({"name": "thôn nà  pàn"}, "Đã có đơn vị cùng loại, cùng tên ở cấp này."),
    ],
)
def test_bad_additions_are_refused_in_vietnamese(app, staff, admin, fields, message):
    before = units(app)
    parents = {"commune": staff.commune, "village": staff.village, None: ""}
    fields = {"kind": "village", "parent": "commune", **fields}
    fields["parent_id"] = parents[fields.pop("parent")]
    response = add(admin, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert units(app) == before
    assert audits(app, "unit_created") == []


def test_unit_names_are_escaped(app, staff, admin):
    evil = '<script>alert("x")</script>'
    assert add(admin, name=evil, parent_id=staff.commune).status_code == 303
    html = admin.get(URL).get_data(as_text=True)
    assert evil not in html
    assert "&lt;script&gt;" in html
    edit_page = admin.get(f"{URL}{unit(app, evil).id}").get_data(as_text=True)
    assert evil not in edit_page


# --- editing -------------------------------------------------------------------------------------


def edit(client, unit_id, **fields):
    return client.post(f"{URL}{unit_id}", data={"csrf_token": token(client), **fields})


def test_admin_edits_name_population_year_and_parent(app, staff, admin):
    page = admin.get(f"{URL}{staff.class_a}")
    assert page.status_code == 200 and "Lớp 7A" in page.get_data(as_text=True)
    assert add(admin, kind="school", name="Trường Tiểu học",
               parent_id=staff.commune).status_code == 303  # fmt: skip
    other_school = unit(app, "Trường Tiểu học").id
    response = edit(
        admin, staff.class_a, name="Lớp 7A1", parent_id=str(other_school),
        target_population="36", population_year="2026",
    )  # fmt: skip
    assert response.status_code == 303
    moved = unit(app, "Lớp 7A1")
    assert moved.kind == "class" and moved.parent_id == other_school
    assert (moved.target_population, moved.population_year) == (36, 2026)
    assert moved.join_code == staff.class_a_code  # the permanent link survives
    (event,) = audits(app, "unit_changed")
    assert event.detail["name"] == ["Lớp 7A", "Lớp 7A1"]


@pytest.mark.parametrize(
    ("target", "fields", "message"),
    [
        ("commune", {"parent": "village"}, "Không thể đặt một đơn vị vào chính nó"),
        ("school", {"parent": "school"}, "Không thể đặt một đơn vị vào chính nó"),
        ("school", {"parent": "class_a"}, "Không thể đặt một đơn vị vào chính nó"),
        ("class_a", {"parent": "commune"}, "Đơn vị cấp trên không hợp lệ"),
        ("village", {"target_population": "-1"}, "Dân số mục tiêu phải là số không âm."),
        ("village", {"name": "N" * 201}, "Tên dài quá 200 ký tự."),
        ("village", {"parent": "missing"}, "Chọn đơn vị cấp trên."),
    ],
)
def test_bad_edits_are_refused(app, staff, admin, target, fields, message):
    before = units(app)
    ids = {"commune": staff.commune, "village": staff.village, "school": staff.school,
           "class_a": staff.class_a, "missing": 987654}  # fmt: skip
    with app.app_context():
        current = db.session.get(Unit, ids[target])
        data = {
            "name": current.name,
            "parent_id": str(current.parent_id or ""),
            "target_population": str(current.target_population or ""),
            "population_year": "2026" if current.target_population is not None else "",
        }
    if "parent" in fields:
        data["parent_id"] = str(ids[fields.pop("parent")])
    data.update(fields)
    response = edit(admin, ids[target], **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert units(app) == before
    assert audits(app, "unit_changed") == []


def test_editing_a_missing_unit_is_404(staff, admin):
    assert admin.get(f"{URL}987654").status_code == 404
    assert edit(admin, 987654, name="x").status_code == 404


# --- import --------------------------------------------------------------------------------------

NEW_ROWS = [
    HEADER,
    ["thôn", "Thôn Bản Cầu", "Xã Hoàng Văn Thụ", "420", "2026"],
    ["trường", "Trường Mầm non Hoa Sen", "Xã Hoàng Văn Thụ", "", ""],
    ["lớp", "Lớp Chồi 1", "Trường Mầm non Hoa Sen", "25", "2026"],
    ["cơ quan", "Công an xã", "Xã Hoàng Văn Thụ", "18", "2026"],
    ["doanh nghiệp", "Công ty TNHH Đá Ứng", "Xã Hoàng Văn Thụ", "1.200", "2026"],
    ["village", "Thôn Nà Pàn", "Xã Hoàng Văn Thụ", "310", "2027"],  # updates the existing one
]
EXPECTED_NEW = [
    ("agency", "Công an xã", "Xã Hoàng Văn Thụ", 18, 2026),
    ("class", "Lớp Chồi 1", "Trường Mầm non Hoa Sen", 25, 2026),
    ("enterprise", "Công ty TNHH Đá Ứng", "Xã Hoàng Văn Thụ", 1200, 2026),
    ("school", "Trường Mầm non Hoa Sen", "Xã Hoàng Văn Thụ", None, None),
    ("village", "Thôn Bản Cầu", "Xã Hoàng Văn Thụ", 420, 2026),
]


def check_imported(app, admin, response, before):
    assert response.status_code == 303, response.get_data(as_text=True)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập: 5 đơn vị mới, 1 đơn vị cập nhật." in page
    after = units(app)
    for row in EXPECTED_NEW:
        assert row in after
    assert ("village", "Thôn Nà Pàn", "Xã Hoàng Văn Thụ", 310, 2027) in after
    assert len(after) == len(before) + 5
    assert unit(app, "Lớp Chồi 1").join_code
    (event,) = audits(app, "units_imported")
    assert event.detail == {"rows": 6, "created": 5, "updated": 1}


@pytest.mark.parametrize("normal", ["NFC", "NFD"])
def test_csv_import_creates_and_updates(app, staff, admin, normal):
    before = units(app)
    text = "".join(",".join(row) + "\r\n" for row in NEW_ROWS)
    data = unicodedata.normalize(normal, text).encode("utf-8-sig")
    check_imported(app, admin, upload(admin, "don-vi.csv", data), before)
    for _kind, name, *_ in units(app):
        assert unicodedata.is_normalized("NFC", name), name


def test_xlsx_import_creates_and_updates(app, staff, admin):
    before = units(app)
    rows = [list(row) for row in NEW_ROWS]
    rows[1][3], rows[1][4] = 420, 2026  # numbers as Excel stores them
    rows[3][3] = 25.0
    check_imported(app, admin, upload(admin, "don-vi.xlsx", xlsx_bytes(rows)), before)


def test_english_kind_codes_and_alternative_headers(app, staff, admin):
    rows = [["kind", "name", "parent", "population", "year"],
            ["agency", "Trạm Y tế", "Xã Hoàng Văn Thụ", "12", "2026"]]  # fmt: skip
    assert upload(admin, "u.csv", csv_bytes(rows)).status_code == 303
    assert ("agency", "Trạm Y tế", "Xã Hoàng Văn Thụ", 12, 2026) in units(app)


def refused(response) -> str:
    assert response.status_code == 400, response.status_code
    html = response.get_data(as_text=True)
    assert REFUSED in html
    return html


def test_one_bad_row_among_good_ones_changes_nothing(app, staff, admin):
    before = units(app)
    rows = [*NEW_ROWS[:3], ["thôn", "Thôn Xấu", "Xã Hoàng Văn Thụ", "-3", "2026"], *NEW_ROWS[3:]]
    html = refused(upload(admin, "u.csv", csv_bytes(rows)))
    assert "Dòng 4: Dân số mục tiêu phải là số không âm." in html
    assert units(app) == before
    assert audits(app, "units_imported") == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["tỉnh", "Tỉnh X", "", "", ""], "Loại “tỉnh” không hợp lệ"),
        (["thôn", "Thôn Y", "Xã Không Có", "10", "2026"],
         "Không tìm thấy đơn vị cấp trên “Xã Không Có”."),
        (["lớp", "Lớp 1A", "Xã Hoàng Văn Thụ", "10", "2026"], "không thể là cấp trên"),
        (["xã", "Xã Z", "Xã Hoàng Văn Thụ", "", ""], "Xã là cấp cao nhất"),
        (["thôn", "Thôn Y", "", "", ""], "Chọn đơn vị cấp trên."),
        (["thôn", "", "Xã Hoàng Văn Thụ", "", ""], "Nhập tên đơn vị."),
        (["thôn", "T" * 201, "Xã Hoàng Văn Thụ", "", ""], "Tên dài quá 200 ký tự."),
        (["thôn", "Thôn Y", "Xã Hoàng Văn Thụ", "nhiều", "2026"], "phải là một số nguyên"),
        (["thôn", "Thôn Y", "Xã Hoàng Văn Thụ", "10", "1999"], "Năm phải là số từ 2000"),
        (["thôn", "Thôn Y", "Xã Hoàng Văn Thụ", "10", ""], "Nhập năm áp dụng"),
    ],
)  # fmt: skip
def test_bad_rows_are_named_with_their_row_number(app, staff, admin, row, message):
    before = units(app)
    rows = [HEADER, ["thôn", "Thôn Tốt", "Xã Hoàng Văn Thụ", "5", "2026"], row]
    html = refused(upload(admin, "u.csv", csv_bytes(rows)))
    assert "Dòng 3:" in html and message in html
    assert "Dòng 2:" not in html
    assert units(app) == before


def test_rows_can_refer_to_parents_defined_later_only_if_earlier(app, staff, admin):
    rows = [HEADER, ["lớp", "Lớp 1A", "Trường Tiểu học Mới", "30", "2026"],
            ["trường", "Trường Tiểu học Mới", "Xã Hoàng Văn Thụ", "", ""]]  # fmt: skip
    before = units(app)
    html = refused(upload(admin, "u.csv", csv_bytes(rows)))
    assert "Dòng 2: Không tìm thấy đơn vị cấp trên “Trường Tiểu học Mới”." in html
    assert units(app) == before


def test_duplicate_rows_are_refused(app, staff, admin):
    rows = [HEADER, ["thôn", "Thôn Mới", "Xã Hoàng Văn Thụ", "5", "2026"],
            ["thôn", "Thôn  mới", "Xã Hoàng Văn Thụ", "6", "2026"]]  # fmt: skip
    before = units(app)
    html = refused(upload(admin, "u.csv", csv_bytes(rows)))
    assert "Dòng 3: Trùng với dòng 2." in html
    assert units(app) == before


def test_same_name_under_another_parent_is_a_new_unit(app, staff, admin):
    rows = [HEADER, ["trường", "Trường THCS Số 2", "Xã Hoàng Văn Thụ", "", ""],
            ["lớp", "Lớp 7A", "Trường THCS Số 2", "30", "2026"]]  # fmt: skip
    assert upload(admin, "u.csv", csv_bytes(rows)).status_code == 303
    with app.app_context():
        assert Unit.query.filter_by(kind="class", name="Lớp 7A").count() == 2


def test_ambiguous_parent_is_refused(app, staff, admin):
    # The form refuses two siblings of the same kind and name; older data may still have them.
    assert add(admin, kind="school", name="Trường THCS", parent_id=staff.commune).status_code == 400
    with app.app_context():
        db.session.add(Unit(kind="school", name="Trường Đôi", parent_id=staff.commune))
        db.session.add(Unit(kind="school", name="Trường Đôi", parent_id=staff.commune))
        db.session.commit()
    rows = [HEADER, ["lớp", "Lớp 1", "Trường Đôi", "", ""]]
    assert "Có nhiều đơn vị tên “Trường Đôi”" in refused(upload(admin, "u.csv", csv_bytes(rows)))


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("u.csv", b"", "Tệp không có dòng nào."),
        ("u.csv", b"\r\n , \r\n", "Tệp không có dòng nào."),
        ("u.csv", "Loại,Tên\r\n".encode(), "Tệp chỉ có dòng tiêu đề"),
        ("u.csv", "Tên đầy đủ,Ghi chú\r\nA,B\r\n".encode(), "Dòng đầu phải có cột “Loại”"),
        ("u.csv", "Loai,Ten,Thuoc\r\nthôn,Thôn Đông,Xa\r\n".encode("cp1258"),
         "Tệp CSV phải lưu dạng UTF-8"),
        ("u.txt", b"Loai,Ten\r\n", "Chỉ nhận tệp .csv hoặc .xlsx."),
        ("u.xlsx", b"not a zip", "Không đọc được tệp."),
    ],
)  # fmt: skip
def test_broken_files_change_nothing(app, staff, admin, filename, data, message):
    before = units(app)
    html = refused(upload(admin, filename, data))
    assert message in html
    assert units(app) == before


def test_import_without_a_file_is_refused(app, staff, admin):
    response = admin.post(URL + "import", data={"csrf_token": token(admin)})
    assert response.status_code == 400
    assert "Chọn một tệp CSV hoặc XLSX." in response.get_data(as_text=True)


def test_import_without_csrf_is_refused(app, staff, admin):
    before = units(app)
    rows = [HEADER, ["thôn", "Thôn Mới", "Xã Hoàng Văn Thụ", "5", "2026"]]
    response = admin.post(
        URL + "import",
        data={"file": (io.BytesIO(csv_bytes(rows)), "u.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert units(app) == before


def test_xss_in_an_imported_name_is_escaped(app, staff, admin):
    evil = "<img src=x onerror=alert(1)>"
    rows = [HEADER, ["thôn", evil, "Xã Hoàng Văn Thụ", "5", "2026"]]
    assert upload(admin, "u.csv", csv_bytes(rows)).status_code == 303
    html = admin.get(URL).get_data(as_text=True)
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
