"""The indicators dashboard: who may see it and which units, the period chosen (named window,
year, date range, bad input), the inline SVG charts, escaping, and the figures it shows for a
hand-computed commune."""

import datetime as dt
import io
import re
import secrets
from urllib.parse import urlsplit

import pytest
from conftest import mark_training
from helpers import by_first_cell
from helpers import tables as page_tables
from openpyxl import load_workbook

import database
from extensions import db
from models import Participant, Quiz, Unit
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation import attempts as participation
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster
from services.render import charts as chart_svg
from services.reporting import targets


@pytest.fixture
def content(content, app):
    """The fixture quizzes, counting as training (conftest.TRAINING_FIXTURES)."""
    mark_training(app)


pytest_plugins = ["staff_fixtures"]

URL = "/staff/indicators/"
MARCH_10 = dt.datetime(2026, 3, 10, 3, 0)  # a Tuesday, 10:00 in Vietnam: 2026-H1
JULY_1 = dt.datetime(2026, 7, 1, 3, 0)  # 2026-H2
SCRIPT = "<script>alert(1)</script>"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


# --- reading the page -----------------------------------------------------------------------------


def tables(html: str) -> tuple[list[list[str]], dict[str, list[str]]]:
    """The targets table (rows without the header) and the units table by unit name."""
    target_table, unit_table = page_tables(html)
    return target_table[1:], by_first_cell(unit_table)


def charts(html: str) -> list[str]:
    return SVG.findall(html)


def page(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


# --- building rows --------------------------------------------------------------------------------


def person(name: str, role: str, unit_id: int | None) -> Participant:
    participant, _token = create_participant(
        NewIdentity(name, role, unit_id, "30-44", False), "test-consent"
    )
    return participant


def visit(participant: Participant, at: dt.datetime, poster_id: int | None = None) -> None:
    lesson = Quiz.query.filter_by(slug="an-toan").one().lesson
    participation.record_visit(participant, lesson, poster_id, visited_at=at)
    db.session.flush()


def passes(participant: Participant, at: dt.datetime) -> None:
    """All four answers of the 'an-toan' quiz (training for villagers) right."""
    version = Quiz.query.filter_by(slug="an-toan").one().current_version
    answers = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}
    attempt, _ = participation.submit_attempt(
        participation.Submission(participant, version, answers, secrets.token_hex(16), None, at)
    )
    assert attempt.passed


@pytest.fixture
def second_village(app, staff) -> int:
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        village = create_unit("village", "Thôn Khòn Pần", commune, target_population=200)
        database.commit()
        return village.id


@pytest.fixture
def activity(app, content, staff, second_village):
    """In 2026-H1: three villagers of Nà Pàn (one trained), a student of 7A, an official of
    the UBND, two villagers of Khòn Pần; in 2026-H2 one more villager of Nà Pàn."""
    with app.app_context():
        for n in range(3):
            villager = person(f"Dân Nà Pàn {n}", "villager", staff.village)
            visit(villager, MARCH_10)
            if n == 0:
                passes(villager, MARCH_10)
        visit(person("Học sinh 7A", "student", staff.class_a), MARCH_10)
        agency = Unit.query.filter_by(name="UBND xã").one()
        visit(person("Công chức", "official", agency.id), MARCH_10)
        for n in range(2):
            visit(person(f"Dân Khòn Pần {n}", "villager", second_village), MARCH_10)
        visit(person("Dân kỳ sau", "villager", staff.village), JULY_1)
        database.commit()


# --- who may see it -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, staff):
    response = client.get(URL + "?period=2026-H1")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/staff/login"


@pytest.mark.parametrize("who", ["teacher_a", "teacher_b"])
def test_teachers_are_refused(staff_client, who):
    response = staff_client(who).get(URL)
    assert response.status_code == 403
    assert "Bạn không có quyền xem trang này." in response.get_data(as_text=True)


ALL_UNITS = [
    "Xã Hoàng Văn Thụ",
    "Thôn Nà Pàn",
    "Thôn Khòn Pần",
    "UBND xã",
    "Trường THCS",
    "Lớp 7A",
    "Lớp 8B",
]


def test_admin_sees_every_unit(staff_client, activity):
    html = page(staff_client("admin"), "?period=2026-H1")
    _targets, units = tables(html)
    assert set(units) == set(ALL_UNITS)
    assert units["Thôn Khòn Pần"][:2] == ["200", "2 (1%)"]


def test_an_officer_sees_only_their_villages_subtree(staff_client, activity):
    html = page(staff_client("officer"), "?period=2026-H1")
    _targets, units = tables(html)
    assert list(units) == ["Thôn Nà Pàn"]
    assert units["Thôn Nà Pàn"][:3] == ["300", "3 (1%)", "1 (0,3%)"]
    main = html.split("<footer")[0]  # the footer names the commune's People's Committee
    for other in [*ALL_UNITS[2:], "Xã Hoàng Văn Thụ"]:
        assert other not in main, other
    village_chart, timeline_chart, _funnel = charts(html)
    assert "Thôn Nà Pàn" in village_chart and ">1%<" in village_chart
    # Only the village's three people were active in the week of 9 March.
    assert "09/03: 3</title>" in timeline_chart


# --- the period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, label, reached",
    [
        ("?period=2026-H1", "6 tháng đầu năm 2026: 06/12/2025 – 05/06/2026", "3 (1%)"),
        ("?period=2026-H2", "6 tháng cuối năm 2026: 06/06/2026 – 05/12/2026", "1 (0,3%)"),
        ("?period=2026", "Năm 2026: 01/01/2026 – 31/12/2026", "4 (1,3%)"),
        ("?period=2025-H2", "6 tháng cuối năm 2025: 06/06/2025 – 05/12/2025", "0 (0%)"),
        ("?from=2026-03-01&to=2026-03-31", "01/03/2026 – 31/03/2026", "3 (1%)"),
        ("?from=2026-03-10&to=2026-03-10", "10/03/2026 – 10/03/2026", "3 (1%)"),
        ("?from=2026-03-11&to=2026-06-30", "11/03/2026 – 30/06/2026", "0 (0%)"),
        ("?from=2026-04-01", "01/04/2026 – …", "1 (0,3%)"),
        ("?to=2026-03-31", "… – 31/03/2026", "3 (1%)"),
        ("?period=2026-H2&from=2026-03-01&to=2026-03-31", "01/03/2026 – 31/03/2026", "3 (1%)"),
    ],
)
def test_periods_and_date_ranges(staff_client, activity, query, label, reached):
    html = page(staff_client("admin"), query)
    assert f"<strong>{label}</strong>" in html
    _targets, units = tables(html)
    assert units["Thôn Nà Pàn"][1] == reached


def test_the_current_window_by_default(staff_client, staff):
    html = page(staff_client("admin"))
    match = re.search(
        r"<strong>6 tháng (đầu|cuối) năm (\d{4}): (\d\d/\d\d/\d{4}) – (\d\d/\d\d/\d{4})</strong>",
        html,
    )
    assert match, "no half-year label"
    half, year, start, end = match.groups()
    assert start[:5] in ("06/12", "06/06") and end[:5] in ("05/06", "05/12")
    key = f"{year}-H{1 if half == 'đầu' else 2}"
    assert f'href="/staff/indicators/?period={key}"' in html  # the links to recent windows
    assert f">{key}<" not in html  # the key is for addresses; people read the name


@pytest.mark.parametrize(
    "query, message",
    [
        ("?period=2026-H3", "Kỳ báo cáo không hợp lệ"),
        ("?period=abc", "Kỳ báo cáo không hợp lệ"),
        ("?period=2026-h1", "Kỳ báo cáo không hợp lệ"),
        ("?from=2026-13-01", "Ngày không hợp lệ"),
        ("?to=h%C3%B4m-nay", "Ngày không hợp lệ"),
        ("?from=2026-02-30&to=2026-03-01", "Ngày không hợp lệ"),
        ("?from=2026-06-05&to=2026-06-04", "Ngày bắt đầu phải trước ngày kết thúc."),
    ],
)
def test_bad_periods_and_dates_are_refused_in_vietnamese(staff_client, staff, query, message):
    response = staff_client("admin").get(URL + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Thông tin chưa đúng" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("?period=9999", "Kỳ báo cáo không hợp lệ"),
        ("?to=9999-12-31", "Ngày không hợp lệ"),
        ("?from=0001-01-01", "Ngày không hợp lệ"),
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_refused_not_a_crash(
    staff_client, staff, query, message
):
    # 31/12/9999 has no next day and 01/01/0001 00:00 in Vietnam is still year 0 in UTC.
    response = staff_client("admin").get(URL + query)
    assert response.status_code == 400, response.status_code
    assert message in response.get_data(as_text=True)


# --- the charts -----------------------------------------------------------------------------------


def test_the_page_has_three_inline_svg_charts(app, staff_client, activity, staff):
    with app.app_context():
        lesson = Quiz.query.filter_by(slug="an-toan").one().lesson
        poster = create_poster("Áp phích nhà văn hóa", db.session.get(Unit, staff.village), lesson)
        reader = person("Người đọc áp phích", "villager", staff.village)
        for scan in (
            participation.record_scan(poster, reader),
            participation.record_scan(poster, None),
        ):
            scan.scanned_at = MARCH_10  # the funnel counts the period's scans only
        participation.record_scan(poster, None)  # today: outside 2026-H1, not counted
        visit(reader, MARCH_10, poster.id)
        database.commit()
    html = page(staff_client("admin"), "?period=2026-H1")
    assert "<script" not in html.lower()  # nothing needs JavaScript
    village_chart, timeline_chart, funnel_chart = charts(html)
    for chart in (village_chart, timeline_chart, funnel_chart):
        assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    # Villages only, each with its share: Nà Pàn 4/300 ≈ 1%, Khòn Pần 2/200 = 1%.
    assert "Thôn Nà Pàn" in village_chart and "Thôn Khòn Pần" in village_chart
    assert "UBND xã" not in village_chart and "Lớp 7A" not in village_chart
    # The week of Monday 9 March: 4 + 1 + 1 + 2 people.
    assert "09/03: 8</title>" in timeline_chart
    for step in ("Lượt quét (2)", "Số người (1)", "Mở bài học (1)", "Đạt (0)"):
        assert step in funnel_chart, step


def test_the_page_works_with_no_data_at_all(app, client, try_login):
    password = "mot-mat-khau-du-dai-cho-quan-tri"
    with app.app_context():
        staff_service.create_staff("admin.trong", "Văn phòng", password, "admin")
        database.commit()
        assert Unit.query.count() == 0
    assert try_login(client, "admin.trong", password).status_code == 303
    for query in ("", "?period=2026-H1", "?period=2026", "?from=2026-01-01&to=2026-01-31"):
        html = page(client, query)
        assert len(charts(html)) == 3
        assert "Chưa có chỉ tiêu cho năm này." in html
        _targets, units = tables(html)
        assert units == {}


def test_a_village_name_is_escaped_inside_the_svg(app, staff_client, staff):
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        create_unit("village", SCRIPT, commune, target_population=10)
        database.commit()
    html = page(staff_client("admin"), "?period=2026-H1")
    assert SCRIPT not in html
    assert "<script" not in html.lower()
    village_chart = charts(html)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in village_chart
    _targets, units = tables(html)
    assert SCRIPT in units  # the parser unescapes: the table shows the name as typed


# --- the figures shown ----------------------------------------------------------------------------


def test_figures_match_a_hand_computed_commune(app, staff_client, content, staff):
    with app.app_context():
        targets.seed_plan_targets()
        for n in range(3):
            villager = person(f"Dân {n}", "villager", staff.village)
            visit(villager, MARCH_10)
            visit(villager, MARCH_10 + dt.timedelta(days=1))  # twice: still one person
            if n == 0:
                passes(villager, MARCH_10)
        visit(person("Học sinh", "student", staff.class_a), MARCH_10)
        agency = Unit.query.filter_by(name="UBND xã").one()
        visit(person("Công chức", "official", agency.id), MARCH_10)
        visit(person("Dân kỳ sau", "villager", staff.village), JULY_1)
        database.commit()
    html = page(staff_client("admin"), "?period=2026-H1")
    target_rows, units = tables(html)
    # No 2026 targets: the 2025 one (100% of officials reached) applies; 1 of the 40 UBND staff.
    assert target_rows == [
        [targets.REACHED_57, "2025", "100%", "1/40 (2,5%)", "còn thiếu 39 người", "Chậm"],
    ]
    # [population, reached, trained, target, status]
    assert units == {
        # Its declared 1000 (the one population rule); 5 reached, 1 trained.
        "Xã Hoàng Văn Thụ": ["1000", "5 (0,5%)", "1 (0,1%)", "", ""],
        "Thôn Nà Pàn": ["300", "3 (1%)", "1 (0,3%)", "", ""],
        "UBND xã": ["40", "1 (2,5%)", "0 (0%)", "100%", "Chậm"],
        "Trường THCS": ["65", "1 (1,5%)", "0 (0%)", "", ""],  # nothing declared: 35 + 30
        "Lớp 7A": ["35", "1 (2,9%)", "0 (0%)", "", ""],
        "Lớp 8B": ["30", "0 (0%)", "0 (0%)", "", ""],
    }


def test_a_unit_without_population_shows_counts_without_a_share(app, staff_client, content, staff):
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        new = create_unit("village", "Thôn mới lập", commune, target_population=0)
        visit(person("Dân thôn mới", "villager", new.id), MARCH_10)
        database.commit()
    html = page(staff_client("admin"), "?period=2026-H1")
    _targets, units = tables(html)
    assert units["Thôn mới lập"][:3] == ["0", "1", "0"]
    assert units["Xã Hoàng Văn Thụ"][:2] == ["1000", "1 (0,1%)"]
    assert ">—<" in charts(html)[0]  # the village chart has no share to draw for it


# --- a dashboard people read --------------------------------------------------------------------


def test_charts_use_the_pages_sans_serif_face_and_a_target_line_only_with_its_legend(app):
    with app.test_request_context():
        _charts_read_as_promised()


def _charts_read_as_promised():
    with_target = str(chart_svg.progress_bars([("Thôn Nà Pàn", 0.4, 80)]))
    assert 'font-family="Noto Sans' in with_target and 'serif"' not in with_target.split(",")[0]
    assert "<line" in with_target and "chỉ tiêu" in with_target
    without = str(chart_svg.progress_bars([("Thôn Nà Pàn", 0.4, None)]))
    assert "<line" not in without and "chỉ tiêu" not in without  # no legend for a missing line
    assert 'font-family="Liberation Serif' in str(
        chart_svg.progress_bars([("A", 0.1, 50)], font=chart_svg.SERIF)
    )


def test_the_dashboard_takes_and_shows_days_as_dd_mm_yyyy_and_exports_xlsx(
    app, staff, staff_client
):
    admin = staff_client("admin")
    page = admin.get("/staff/indicators/?from=01/03/2026&to=31/03/2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "01/03/2026 – 31/03/2026" in html
    assert 'value="01/03/2026"' in html and 'placeholder="ngày/tháng/năm"' in html
    assert 'type="date"' not in html
    assert admin.get("/staff/indicators/?from=31/02/2026").status_code == 400
    response = admin.get("/staff/indicators/export.xlsx?from=01/03/2026&to=31/03/2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Kỳ", "Chỉ tiêu", "Theo đơn vị", "Theo tuần"]
    weeks = [row[0].value for row in book["Theo tuần"].iter_rows(min_row=2)]
    assert weeks[0] == "23/02/2026" and weeks[-1] == "30/03/2026" and len(weeks) == 6
    units = [[c.value for c in row] for row in book["Theo đơn vị"].iter_rows()]
    assert units[0][:3] == ["Đơn vị", "Loại", "Số người cần tiếp cận"]
    assert "village" not in str(units) and "reached" not in str(units)
