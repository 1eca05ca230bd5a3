"""The province office's pages (/staff/province/): every commune side by side against its
targets (the province's defaults, a commune's own over them), sortable without script, who
is behind, the total; the drill-down to one commune; the compiled summary as XLSX (a sheet
per indicator, a row per commune) and as the Sở's administrative report (PDF); and the
province office reads only: its sole writes are its own audit events."""

import datetime as dt
import io
import unicodedata

import openpyxl
import pypdf
import pytest
from conftest import mark_training
from helpers import by_first_cell, tables
from sqlalchemy import func, inspect, select
from test_indicators import attempt, person, visit

import database
from extensions import db
from models import AuditEvent, Participant, StaffUser, Target
from services.common import periods
from services.common.periods import Period
from services.org import read_only
from services.org import staff as staff_service
from services.org.units import create_unit
from services.reporting.province import province_figures

pytest_plugins = ["staff_fixtures"]

TZ = "Asia/Ho_Chi_Minh"
PERIOD = "2026-H1"  # 6/12/2025 – 5/6/2026: over, so a target's whole share is due
AT = dt.datetime(2026, 3, 1, 3, 0)  # naive UTC, inside the period
PAGES = (
    f"/staff/province/?period={PERIOD}",
    "/staff/province/communes/{commune}?period=" + PERIOD,
    f"/staff/province/summary.xlsx?period={PERIOD}",
    f"/staff/province/summary.pdf?period={PERIOD}",
)


@pytest.fixture
def province(app, staff, content):
    """Two communes: Hoàng Văn Thụ (1,000 people, 2 reached, behind the province's 50%)
    and Bản Péo (100 people, 4 reached and 2 trained, meeting its own 1%); a province
    officer."""
    mark_training(app)
    with app.app_context():
        other = create_unit("commune", "Xã Bản Péo", target_population=100)
        hamlet = create_unit("village", "Thôn Péo", other, target_population=100)
        database.commit()
        for n in range(2):
            visit(person(f"Người A{n}", "villager", staff.village), AT)
        for n in range(4):
            who = person(f"Người B{n}", "villager", hamlet.id)
            visit(who, AT)
            if n < 2:
                attempt(who, "an-toan", True, AT)
        db.session.add_all(
            [
                Target(indicator="reached", year=2026, roles=[], target_percent=50,
                       description="Người dân được tiếp cận", commune_id=None),
                Target(indicator="reached", year=2026, roles=[], target_percent=1,
                       description="Xã Bản Péo tự đặt", commune_id=other.id),
            ]
        )  # fmt: skip
        officer = staff_service.create_staff(
            "so.khcn", "Sở Khoa học và Công nghệ", staff.password, "province_officer"
        )
        database.commit()
        return {"a": staff.commune, "b": other.id, "hamlet": hamlet.id, "officer": officer.id}


@pytest.fixture
def office(app, province, login):
    client = app.test_client()
    login(client, "so.khcn")
    return client


def _board_rows(html: str) -> dict[str, list[str]]:
    return by_first_cell(tables(html)[0])


def test_the_dashboard_shows_every_commune_against_its_targets(office, province):
    response = office.get(f"/staff/province/?period={PERIOD}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _board_rows(html)
    assert list(rows) == ["Xã Bản Péo", "Xã Hoàng Văn Thụ", "Toàn tỉnh"]
    peo, hvt, total = rows["Xã Bản Péo"], rows["Xã Hoàng Văn Thụ"], rows["Toàn tỉnh"]
    # Cells: behind, population, reached, its target, its progress, trained, target, progress.
    assert peo[1:4] == ["100", "4 (4%)", "1% cần đạt 1%"]  # its own target over the province's
    assert hvt[1:4] == ["1000", "2 (0,2%)", "50% cần đạt 50%"]  # the province's default
    assert peo[5] == "2 (2%)" and hvt[5] == "0 (0%)"
    assert total[1:3] == ["1100", "6 (0,5%)"] and total[5] == "2 (0,2%)"
    # Who is behind is marked, and only them; the half-year report column is there.
    assert hvt[0] == "Chậm" and peo[0] == "—" and total[0] == "1 xã chậm"
    assert hvt[4] == "Chậm" and peo[4] == "Đạt"
    assert peo[7] == hvt[7] == "Chưa có chỉ tiêu"
    assert html.count('class="is-behind"') == 1
    assert "Số xã chậm tiến độ: 1" in html
    assert "Báo cáo 6 tháng" in html
    # No code word on the page.
    for word in ("reached", "trained", "province_officer", "behind", "no_target"):
        assert f">{word}<" not in html and f" {word} " not in html.split("<main", 1)[-1]


def test_the_dashboard_reads_the_aggregate_and_not_the_attempts(app, office, province):
    """The page is the aggregate's figures: the same numbers as province_figures."""
    with app.app_context():
        named = periods.parse(PERIOD)
        figures = province_figures(Period(named.start, named.end, TZ))
    rows = _board_rows(office.get(f"/staff/province/?period={PERIOD}").get_data(as_text=True))
    for f in figures:
        assert rows[f.name][1] == str(f.population)
        assert rows[f.name][2].split()[0] == str(f.reached)
        assert rows[f.name][5].split()[0] == str(f.trained)


@pytest.mark.parametrize(
    ("sort", "direction", "first"),
    [
        ("name", "asc", "Xã Bản Péo"),
        ("name", "desc", "Xã Hoàng Văn Thụ"),
        ("population", "desc", "Xã Hoàng Văn Thụ"),
        ("population", "asc", "Xã Bản Péo"),
        ("reached_share", "desc", "Xã Bản Péo"),
        ("reached_share", "asc", "Xã Hoàng Văn Thụ"),
        ("trained_share", "desc", "Xã Bản Péo"),
        ("reached_target", "asc", "Xã Hoàng Văn Thụ"),  # behind first
        ("behind", "asc", "Xã Hoàng Văn Thụ"),
        ("behind", "desc", "Xã Bản Péo"),
    ],
)
def test_the_dashboard_sorts_by_any_column(office, province, sort, direction, first):
    url = f"/staff/province/?period={PERIOD}&sort={sort}&dir={direction}"
    rows = list(_board_rows(office.get(url).get_data(as_text=True)))
    assert rows[0] == first and rows[-1] == "Toàn tỉnh"


def test_the_sort_links_work_without_script(office, province):
    html = office.get(f"/staff/province/?period={PERIOD}").get_data(as_text=True)
    assert f'href="/staff/province/?period={PERIOD}&amp;sort=population&amp;dir=desc"' in html
    assert f'href="/staff/province/?period={PERIOD}&amp;sort=name&amp;dir=desc"' in html
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2026-H3", "Kỳ báo cáo không hợp lệ"),
        ("period=xyz", "Kỳ báo cáo không hợp lệ"),
        ("sort=password_hash", "Không sắp xếp được theo cột này."),
        ("dir=sideways", "Không sắp xếp được theo cột này."),
    ],
)
def test_bad_arguments_are_a_clear_400(office, province, query, message):
    response = office.get(f"/staff/province/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_default_period_is_the_current_half_year(app, office, province):
    with app.app_context():
        from models.base import utcnow
        from services.common.vietnamese import local_date

        today = local_date(utcnow(), TZ)
    named = periods.containing(today)
    html = office.get("/staff/province/").get_data(as_text=True)
    assert f"{named.start:%d/%m/%Y} – {named.end:%d/%m/%Y}" in html


def test_the_drill_down_shows_one_communes_units(office, province):
    response = office.get(f"/staff/province/communes/{province['b']}?period={PERIOD}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = by_first_cell(tables(html)[0])
    assert rows["Xã Bản Péo"] == ["Xã", "100", "4 (4%)", "2 (2%)"]
    assert rows["Thôn Péo"] == ["Thôn", "100", "4 (4%)", "2 (2%)"]
    assert "Thôn Nà Pàn" not in html  # the other commune's village
    other = office.get(f"/staff/province/communes/{province['a']}?period={PERIOD}")
    assert by_first_cell(tables(other.get_data(as_text=True))[0])["Thôn Nà Pàn"][2] == "2 (0,7%)"


def test_the_drill_down_of_what_is_not_a_commune_is_not_found(office, province):
    assert office.get(f"/staff/province/communes/{province['hamlet']}").status_code == 404
    assert office.get("/staff/province/communes/987654").status_code == 404


@pytest.mark.parametrize("who", ["admin", "officer", "teacher_a"])
def test_commune_staff_are_refused_every_province_page(app, province, login, who):
    client = app.test_client()
    login(client, who)
    for page in PAGES:
        assert client.get(page.format(commune=province["b"])).status_code == 403, page


def test_the_summary_workbook_has_a_sheet_per_indicator_and_a_row_per_commune(
    app, office, province
):
    response = office.get(f"/staff/province/summary.xlsx?period={PERIOD}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames[:2] == ["Được tiếp cận", "Được tập huấn"]
    with app.app_context():
        named = periods.parse(PERIOD)
        figures = province_figures(Period(named.start, named.end, TZ))
    for sheet, attribute in (("Được tiếp cận", "reached"), ("Được tập huấn", "trained")):
        rows = [list(row) for row in book[sheet].iter_rows(values_only=True)]
        assert rows[0][:4] == ["Xã", "Số người cần tiếp cận", "Số người", "Tỉ lệ (%)"]
        communes = {row[0]: row for row in rows[1:-1]}
        assert set(communes) == {f.name for f in figures}
        for f in figures:
            assert communes[f.name][1:3] == [f.population, getattr(f, attribute)]
        assert rows[-1][:3] == [
            "Toàn tỉnh",
            sum(f.population for f in figures),
            sum(getattr(f, attribute) for f in figures),
        ]
    reached = {row[0]: row for row in book["Được tiếp cận"].iter_rows(values_only=True)}
    assert reached["Xã Bản Péo"][3:] == (4, 1, 1, "Đạt")
    assert reached["Xã Hoàng Văn Thụ"][3:] == (0.2, 50, 50, "Chậm")


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_the_summary_pdf_is_the_sos_report_to_the_peoples_committee(office, province):
    response = office.get(f"/staff/province/summary.pdf?period={PERIOD}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = _pdf_text(response.data)
    for part in (
        "UBND TỈNH LẠNG SƠN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SKHCN",
        "Lạng Sơn, ngày",
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn.",
        "6 tháng đầu năm 2026",
        "Nơi nhận:",
        "Lưu: VT.",
        "GIÁM ĐỐC",
    ):
        assert part in text, part
    # The figures: each commune's row and the province's total.
    assert "1 Xã Bản Péo 100 4 4% 1% 2 2%" in text
    assert "2 Xã Hoàng Văn Thụ 1.000 2 0,2% 50% 0 0%" in text
    assert "Toàn tỉnh 1.100 6 0,5% 50% 2 0,2%" in text
    assert "Có 1 xã chậm tiến độ: Xã Hoàng Văn Thụ." in text


def test_every_export_is_audited_with_the_communes_read(app, office, province):
    office.get(f"/staff/province/summary.xlsx?period={PERIOD}")
    office.get(f"/staff/province/summary.pdf?period={PERIOD}")
    with app.app_context():
        events = AuditEvent.query.filter_by(action="province_summary_exported").all()
        assert [(e.staff_id, e.target, e.detail["format"]) for e in events] == [
            (province["officer"], PERIOD, "xlsx"),
            (province["officer"], PERIOD, "pdf"),
        ]
        assert all(e.detail["communes"] == sorted([province["a"], province["b"]]) for e in events)
        assert all(e.commune_id is None for e in events)  # the province's own events


def _row_counts() -> dict[str, int]:
    tables_ = inspect(db.engine).get_table_names()
    return {
        name: db.session.execute(select(func.count()).select_from(db.table(name))).scalar()
        for name in tables_
        if name != "alembic_version"
    }


def test_the_province_office_writes_nothing_but_its_audit_events(app, office, province, staff):
    with app.app_context():
        before = _row_counts()
        officer_row = db.session.get(StaffUser, province["officer"]).last_login_at
    for page in PAGES:
        assert office.get(page.format(commune=province["b"])).status_code == 200, page
    # A commune page's form: refused before it acts.
    token_page = office.get("/staff/province/").get_data(as_text=True)
    from conftest import csrf_token

    token = csrf_token(token_page)
    for url in (
        "/staff/admin/users/new",
        f"/staff/units/{staff.class_a}/roster",
        "/staff/half-year/",
    ):
        assert office.post(url, data={"csrf_token": token}).status_code == 403, url
    with app.app_context():
        after = _row_counts()
        assert after.pop("audit_events") == before.pop("audit_events") + 2  # the two downloads
        assert after == before
        assert db.session.get(StaffUser, province["officer"]).last_login_at == officer_row


def test_a_read_only_unit_of_work_refuses_any_other_row(app, province, staff):
    with app.app_context():
        read_only.enter(db.session, province["officer"])
        db.session.add(AuditEvent(staff_id=province["officer"], action="login", detail={}))
        db.session.flush()  # its own audit event: kept
        db.session.add(
            Participant(display_name="Không được ghi", role="villager", unit_id=staff.village)
        )
        with pytest.raises(read_only.WriteRefused):
            db.session.flush()
        db.session.rollback()
    with app.app_context():
        admin = db.session.get(StaffUser, staff.admin)
        read_only.enter(db.session, province["officer"])
        admin.display_name = "Đổi tên"
        with pytest.raises(read_only.WriteRefused):
            db.session.flush()
        db.session.rollback()
