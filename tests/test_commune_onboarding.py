"""Onboarding a commune in one go (`flask communes add`): its unit under the province, its
units from a CSV/XLSX sheet, its first admin and a poster per village and class; a refusal
writes nothing. Also `flask communes list` and `flask communes check`."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import database
from extensions import db
from models import AuditEvent, Commune, Poster, StaffUser, Unit
from services.org import passwords

HEADER = ["Loại", "Tên", "Thuộc", "Dân số mục tiêu", "Năm"]
ROWS = [
    ["Thôn", "Thôn Khuổi Phục", "", "320", "2026"],
    ["Thôn", "Thôn Nà Làng", "", "280", "2026"],
    ["Trường", "Trường THCS Tân Văn", "", "", ""],
    ["Lớp", "Lớp 6A", "Trường THCS Tân Văn", "32", "2026"],
    ["Lớp", "Lớp 6B", "Trường THCS Tân Văn", "30", "2026"],
    ["Cơ quan", "UBND xã Tân Văn", "", "25", "2026"],
]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def write_csv(path, rows):
    path.write_text("".join(",".join(row) + "\r\n" for row in rows), encoding="utf-8-sig")
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def add(runner, sheet, code="tan-van", name="Xã Tân Văn", prefix="TV", admin="qtv-tanvan"):
    return runner.invoke(
        args=[
            "communes",
            "add",
            "--code",
            code,
            "--name",
            name,
            "--serial-prefix",
            prefix,
            "--units",
            str(sheet),
            "--admin",
            admin,
        ]
    )


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def check_added(app, result):
    assert result.exit_code == 0, result.output
    (password,) = re.findall(r"Mật khẩu \(chỉ hiện một lần.*\): (\S+)", result.stdout)
    assert "6 đơn vị, 4 áp phích" in result.stdout
    with app.app_context():
        commune = db.session.scalars(select(Commune).where(Commune.code == "tan-van")).one()
        unit = commune.unit
        assert (unit.name, unit.kind, commune.serial_prefix) == ("Xã Tân Văn", "commune", "TV")
        assert unit.parent is not None and unit.parent.kind == "province"
        mine = Unit.query.filter(Unit.commune_id == unit.id).all()
        assert sorted((u.kind, u.name, u.target_population) for u in mine) == [
            ("agency", "UBND xã Tân Văn", 25),
            ("class", "Lớp 6A", 32),
            ("class", "Lớp 6B", 30),
            ("commune", "Xã Tân Văn", None),
            ("school", "Trường THCS Tân Văn", None),
            ("village", "Thôn Khuổi Phục", 320),
            ("village", "Thôn Nà Làng", 280),
        ]
        villages = {u.name: u for u in mine}
        assert villages["Lớp 6A"].parent.name == "Trường THCS Tân Văn"
        assert villages["Lớp 6A"].join_code
        assert villages["Thôn Nà Làng"].parent_id == unit.id
        admin = StaffUser.query.filter_by(username="qtv-tanvan").one()
        assert (admin.role, admin.commune_id, admin.must_change_password) == (
            "admin",
            unit.id,
            True,
        )
        assert passwords.verify_password(admin.password_hash, password)
        placed = Poster.query.filter(Poster.commune_id == unit.id).all()
        assert sorted(p.unit.name for p in placed) == [
            "Lớp 6A",
            "Lớp 6B",
            "Thôn Khuổi Phục",
            "Thôn Nà Làng",
        ]
        assert {p.lesson.slug for p in placed} == {"an-toan"}
        events = AuditEvent.query.filter(AuditEvent.commune_id == unit.id).all()
        assert {e.action for e in events} == {"commune_added", "staff_created"}
        added = next(e for e in events if e.action == "commune_added")
        assert added.detail == {"serial_prefix": "TV", "created": 6, "posters": 4}
        assert all("password" not in str(e.detail) for e in events)


def test_add_a_commune_from_a_csv(app, content, places, runner, tmp_path):
    result = add(runner, write_csv(tmp_path / "tan-van.csv", [HEADER, *ROWS]))
    check_added(app, result)
    with app.app_context():
        # the commune already there is not touched
        first = db.session.get(Unit, places["commune"])
        assert Unit.query.filter(Unit.commune_id == first.id).count() == 5


def test_add_a_commune_from_an_xlsx_with_title_rows(app, content, places, runner, tmp_path):
    title = [["DANH SÁCH ĐƠN VỊ XÃ TÂN VĂN"], ["Kèm theo Kế hoạch số 12/KH-UBND"], []]
    rows = [[int(c) if c.isdigit() else c for c in row] for row in ROWS]
    check_added(app, add(runner, write_xlsx(tmp_path / "tan-van.xlsx", [*title, HEADER, *rows])))


def test_a_class_may_be_named_like_another_communes_class(app, content, places, runner, tmp_path):
    # "Lớp 7A" and "Trường THCS" exist in the first commune: the sheet's parents are its own
    rows = [HEADER, ["Trường", "Trường THCS", "", "", ""], ["Lớp", "Lớp 7A", "Trường THCS", "", ""]]
    result = add(runner, write_csv(tmp_path / "u.csv", rows))
    assert result.exit_code == 0, result.output
    with app.app_context():
        klass = Unit.query.filter_by(name="Lớp 7A").order_by(Unit.id.desc()).first()
        assert klass.parent.commune_id == klass.commune_id != places["commune"]


REFUSALS = [
    ({"code": "hvt"}, None, "Mã xã “hvt” đã có."),
    ({"code": "Tân Văn"}, None, "Mã xã chỉ gồm chữ thường không dấu"),
    ({"prefix": "HVT"}, None, "Tiền tố số hiệu “HVT” đã được dùng cho xã khác."),
    ({"admin": "admin"}, None, "Tên đăng nhập này đã có người dùng."),
    ({"name": "xã hoàng văn thụ"}, None, "Đã có một xã cùng tên."),
    ({}, [HEADER, ["Thôn", "Thôn A", "Trường X", "", ""]], "Dòng 2: Không tìm thấy"),
    ({}, [HEADER, ["Làng", "Thôn A", "", "", ""]], "Dòng 2: Loại “Làng” không hợp lệ"),
    ({}, [HEADER, ["Xã", "Xã Khác", "", "", ""]], "Dòng 2: “Xã Khác” là một xã khác"),
    ({}, [HEADER, ["Thôn", "Thôn A", "", "-5", "2026"]], "Dòng 2: Dân số mục tiêu phải là số"),
    ({}, [["Tên", "Dân số"], ["Thôn A", "3"]], "Dòng đầu phải có cột “Loại” và cột “Tên”."),
]


@pytest.mark.parametrize(("options", "rows", "message"), REFUSALS)
def test_refusals_are_in_vietnamese_and_write_nothing(
    app, content, places, runner, tmp_path, options, rows, message
):
    with app.app_context():
        database.commit()
        # the first commune: code "hvt" and prefix HVT, and an admin named "admin"
        commune = db.session.get(Commune, places["commune"])
        commune.code, commune.serial_prefix = "hvt", "HVT"
        db.session.add(
            StaffUser(username="admin", display_name="Quản trị", password_hash="x", role="admin")
        )
        database.commit()
    before = row_counts(app)
    result = add(runner, write_csv(tmp_path / "u.csv", rows or [HEADER, *ROWS]), **options)
    assert result.exit_code == 1
    assert "Không thêm được xã:" in result.stderr
    assert message in result.stderr
    assert row_counts(app) == before


def test_a_file_that_is_not_a_sheet_is_refused(app, content, places, runner, tmp_path):
    before = row_counts(app)
    path = tmp_path / "u.txt"
    path.write_text("Loại,Tên\r\nThôn,Thôn A\r\n", encoding="utf-8")
    result = add(runner, path)
    assert result.exit_code == 1
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in result.stderr
    broken = tmp_path / "u.xlsx"
    broken.write_bytes(b"not a zip")
    result = add(runner, broken)
    assert result.exit_code == 1
    assert "Không đọc được tệp." in result.stderr
    assert row_counts(app) == before


def test_without_a_lesson_for_the_posters_nothing_is_added(app, places, runner, tmp_path):
    before = row_counts(app)
    result = add(runner, write_csv(tmp_path / "u.csv", [HEADER, *ROWS]))
    assert result.exit_code == 1
    assert "Chưa có bài học nào để in áp phích" in result.stderr
    assert row_counts(app) == before


def test_list_shows_code_name_prefix_units_and_people(
    app, content, places, participant_in_db, runner, tmp_path
):
    participant_in_db("Lò Văn Tùng")
    assert add(runner, write_csv(tmp_path / "u.csv", [HEADER, *ROWS])).exit_code == 0
    with app.app_context():
        first = db.session.get(Commune, places["commune"])
        code, prefix = first.code, first.serial_prefix
    result = runner.invoke(args=["communes", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "code\tname\tprefix\tunits\tpeople"
    assert f"{code}\tXã Hoàng Văn Thụ\t{prefix}\t5\t1" in lines
    assert "tan-van\tXã Tân Văn\tTV\t7\t0" in lines


def test_check_passes_and_finds_a_unit_of_another_commune(app, content, places, runner, tmp_path):
    assert add(runner, write_csv(tmp_path / "u.csv", [HEADER, *ROWS])).exit_code == 0
    result = runner.invoke(args=["communes", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK")
    with app.app_context():
        agency = Unit.query.filter_by(name="UBND xã Tân Văn").one()
        agency.commune_id = places["commune"]  # wrong: its parent is Xã Tân Văn
        database.commit()
    result = runner.invoke(args=["communes", "check"])
    assert result.exit_code == 1
    assert "units: 1 dòng khác xã với đơn vị của nó" in result.stderr
