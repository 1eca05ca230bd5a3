"""The half-year report to Sở KH&CN: saved with frozen figures, printed as PDF and XLSX annex."""

import datetime as dt
import io

from conftest import csrf_token
from helpers import pdf_text
from openpyxl import load_workbook
from pypdf import PdfReader

import database
from extensions import db
from models import Activity, HalfYearReport, Lesson, Unit
from services.org.units import create_unit
from services.participation.attempts import record_visit
from services.participation.identity import NewIdentity, create_participant
from services.reporting.targets import seed_plan_targets

pytest_plugins = ["staff_fixtures"]

H1_2026_VISIT = dt.datetime(2026, 3, 10, 3, 0)  # 10:00 in Vietnam, inside 2026-H1


def _world(app, staff, villages=3):
    """Villagers who opened a lesson in 2026-H1, activities, and the plan's targets."""
    from models import Lesson

    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        village_ids = [staff.village]
        for i in range(villages - 1):
            village_ids.append(
                create_unit("village", f"Thôn Mới {i + 1}", commune, target_population=100 + i).id
            )
        lesson = Lesson.query.first()
        for n, village_id in enumerate(village_ids):
            for k in range(n + 1):
                person, _token = create_participant(
                    NewIdentity(f"Người {n}-{k}", "villager", village_id, "30-44", False), "v1"
                )
                record_visit(person, lesson, None, visited_at=H1_2026_VISIT)
        db.session.flush()
        db.session.add_all(
            [
                Activity(unit_id=staff.village, kind="loudspeaker", held_on=dt.date(2026, 2, 1),
                         title="Phát thanh NQ57", count=12, people_reached=900),
                Activity(unit_id=staff.village, kind="meeting", held_on=dt.date(2026, 4, 2),
                         title="Hội nghị thôn", count=1, people_reached=60),
                Activity(unit_id=staff.village, kind="meeting", held_on=dt.date(2026, 7, 2),
                         title="Ngoài kỳ", count=1, people_reached=999),
            ]
        )  # fmt: skip
        seed_plan_targets()
        database.commit()
        return village_ids


def _save_report(client, **extra):
    page = client.get("/staff/half-year/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "period_key": "2026-H1",
        "number": "125/BC-UBND",
        "report_date": "2026-06-05",
        "results_text": "Các thôn đã tích cực tuyên truyền.",
        "difficulties": "Sóng điện thoại yếu ở thôn vùng cao.",
        "proposals": "Đề nghị hỗ trợ loa truyền thanh.",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nông Văn Thắng",
        "recipients": "- Sở Khoa học và Công nghệ tỉnh Lạng Sơn;\n- Lưu: VT, VHXH.",
        **extra,
    }
    response = client.post("/staff/half-year/", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def _pdf_pages(body: bytes) -> list[str]:
    count = len(PdfReader(io.BytesIO(body)).pages)
    return [pdf_text(body, page=number, layout=True) for number in range(1, count + 1)]


def test_report_pdf_has_the_administrative_layout_and_the_figures(
    app, content, staff, staff_client
):
    _world(app, staff, villages=3)
    client = staff_client("admin")
    location = _save_report(client)
    report_id = int(location.rstrip("/").rsplit("/", 1)[-1])
    pdf = client.get(f"/staff/half-year/{report_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "\n".join(_pdf_pages(pdf.data))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/BC-UBND",
        "ngày 05 tháng 6 năm 2026",
        "BÁO CÁO",
        "6 tháng đầu năm 2026",
        "Kính gửi: Sở Khoa học và Công nghệ tỉnh Lạng Sơn.",
        "từ ngày 06/12/2025 đến ngày 05/06/2026",
        "Phát thanh trên hệ thống loa",
        "Sóng điện thoại yếu",
        "Nơi nhận:",
        "Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "Nông Văn Thắng",
        "Thôn Nà Pàn",
        "Thôn Mới 1",
        "Thôn Mới 2",
    ):
        assert expected in text, expected
    assert "Ngoài kỳ" not in text and "999" not in text  # activity outside the period


def test_page_numbers_start_on_page_two(app, content, staff, staff_client):
    _world(app, staff, villages=40)  # enough rows for several pages
    client = staff_client("admin")
    report_id = int(_save_report(client).rstrip("/").rsplit("/", 1)[-1])
    pages = _pdf_pages(client.get(f"/staff/half-year/{report_id}.pdf").data)
    assert len(pages) >= 2
    assert pages[0].strip().splitlines()[0].strip() != "1"
    assert pages[1].strip().splitlines()[0].strip() == "2"


def test_annex_has_the_same_numbers_and_reprint_is_identical(app, content, staff, staff_client):
    village_ids = _world(app, staff, villages=3)
    client = staff_client("admin")
    report_id = int(_save_report(client).rstrip("/").rsplit("/", 1)[-1])
    first = client.get(f"/staff/half-year/{report_id}.pdf").data
    workbook = load_workbook(
        io.BytesIO(client.get(f"/staff/half-year/{report_id}-phu-luc.xlsx").data)
    )
    sheet = workbook.worksheets[0]
    rows = {row[0].strip(): row for row in sheet.iter_rows(min_row=2, values_only=True)}
    # Thôn Nà Pàn: 1 person reached of 300; Thôn Mới 1: 2 of 100; Thôn Mới 2: 3 of 101.
    assert rows["Thôn Nà Pàn"][2:5] == (300, 1, 0.3)
    assert rows["Thôn Mới 1"][2:5] == (100, 2, 2.0)
    assert rows["Thôn Mới 2"][2:5] == (101, 3, 3.0)
    activities = {r[0]: r for r in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert activities["Phát thanh trên hệ thống loa"][1:] == (12, 900, 0, 0)  # no evidence
    # New data after saving does not change the printed report...
    with app.app_context():
        person, _ = create_participant(
            NewIdentity("Người mới", "villager", village_ids[0], "30-44", False), "v1"
        )
        record_visit(person, Lesson.query.first(), None, visited_at=H1_2026_VISIT)
        db.session.flush()
        database.commit()
    again = client.get(f"/staff/half-year/{report_id}.pdf").data
    assert _pdf_pages(first) == _pdf_pages(again)
    # ...until the office asks for the figures to be refreshed.
    page = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "number": "125/BC-UBND",
        "report_date": "2026-06-05",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "recipients": "- Lưu: VT, VHXH.",
        "refresh": "y",
    }
    assert client.post(f"/staff/half-year/{report_id}", data=data).status_code == 303
    with app.app_context():
        units = db.session.get(HalfYearReport, report_id).snapshot["units"]
        assert {u["name"]: u["reached"] for u in units}["Thôn Nà Pàn"] == 2


def test_bad_report_input_is_refused_in_vietnamese(app, content, staff, staff_client):
    client = staff_client("admin")
    page = client.get("/staff/half-year/").get_data(as_text=True)
    response = client.post(
        "/staff/half-year/",
        data={"csrf_token": csrf_token(page), "period_key": "2026-H9", "number": ""},
    )
    assert response.status_code == 400
    assert "Chọn kỳ báo cáo" in response.get_data(as_text=True)
    with app.app_context():
        assert HalfYearReport.query.count() == 0
