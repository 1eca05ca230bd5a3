"""The class report: per student, per quiz, item analysis, date filters, and the CSV, XLSX
and PDF downloads (reopened with csv, openpyxl and pdftotext), and a query count that does
not grow with the class."""

import csv
import datetime as dt
import io
import secrets
import unicodedata

import pytest
from helpers import ALL_RIGHT, HALF_RIGHT, by_first_cell, pdf_text, tables, take_quiz
from openpyxl import load_workbook
from sqlalchemy import event, update

import database
from config import Config
from extensions import db
from models import Attempt, AuditEvent, Participant, Quiz, Visit
from models.base import utcnow
from services.common.vietnamese import local_datetime
from services.participation import attempts as participation
from services.participation import certificates
from services.participation.identity import NewIdentity, create_participant, hash_token

pytest_plugins = ["staff_fixtures"]

HOA = "Nguyễn Thị Ánh Hồng"
VIET = "Đặng Quốc Việt"
SY = "Lò Văn Sỹ"
DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]
BOM = b"\xef\xbb\xbf"

# S1 gets the first question wrong with "c" and still passes (75%).
HOA_ANSWERS = {**ALL_RIGHT, "otp": "c"}
# S3: "b" for the first question, "false" for the third: 50%.
SY_ANSWERS = {"otp": "b", "dau-hieu": ["a", "b"], "cap-nhat": "false", "ung-dung": "a"}


# --- building a class through the real learner pages -------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    return local_datetime(moment, Config.TIMEZONE)


@pytest.fixture
def student(app, staff, identify):
    """student(name) → a test client that joined class 7A through /c/<code> as `name`."""

    def join(name: str):
        client = app.test_client()
        assert client.get(f"/c/{staff.class_a_code}").status_code == 302
        identify(client, name=name, age="16-29")
        return client

    return join


@pytest.fixture
def klass(app, content, staff, student, identify):
    """Class 7A: three students with lessons, attempts and certificates; someone elsewhere."""
    hoa = student(HOA)
    hoa.get("/lessons/an-toan")
    hoa.get("/lessons/an-toan")  # opened twice: one lesson
    take_quiz(hoa, HOA_ANSWERS, "an-toan")  # 75%, passed, certificate

    viet = student(unicodedata.normalize("NFD", VIET))  # typed decomposed, stored NFC
    viet.get("/lessons/an-toan")
    viet.get("/lessons/gioi-han")
    take_quiz(viet, HALF_RIGHT, "an-toan")  # 50%
    take_quiz(viet, {"q1": "false", "q2": "true", "q3": "false", "q4": "true"}, "gioi-han")  # 25%
    take_quiz(viet, {"q1": "true", "q2": "true", "q3": "true", "q4": "true"}, "gioi-han", 2)  # 75%

    sy = student(SY)
    take_quiz(sy, SY_ANSWERS, "an-toan")  # 50%

    # A villager who passed: not in the class report.
    outsider = app.test_client()
    identify(outsider, name="Hoàng Văn Ngoài", unit="village")
    take_quiz(outsider, ALL_RIGHT, "an-toan")
    with app.app_context():
        return {p.display_name: p.id for p in Participant.query.all()}


def report_html(client, unit_id: int, query: str = "") -> str:
    response = client.get(f"/staff/units/{unit_id}/report{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the HTML report ---------------------------------------------------------------------------


def test_per_student_rows(app, staff, klass, staff_client):
    html = report_html(staff_client("teacher_a"), staff.class_a)
    people = by_first_cell(tables(html)[0])
    today = _local(utcnow()).strftime("%d/%m/%Y")  # the commune's day, not UTC's
    # lessons opened, quizzes attempted, passed, best score, last activity, certificates
    assert people == {
        HOA: ["1", "1", "1", "75%", today, "1"],
        VIET: ["2", "2", "1", "75%", today, "1"],
        SY: ["0", "1", "0", "50%", today, "0"],
    }
    assert "Hoàng Văn Ngoài" not in html


def test_per_quiz_pass_rate_and_average(app, staff, klass, staff_client):
    html = report_html(staff_client("teacher_a"), staff.class_a)
    assert (
        "An toàn trên mạng</strong> — 3 người làm, 3 lượt, tỉ lệ đạt 33%, điểm trung bình 58,3%"
    ) in html
    assert (
        "Bài có giới hạn lượt</strong> — 1 người làm, 2 lượt, tỉ lệ đạt 100%, điểm trung bình 50%"
    ) in html


def test_item_analysis_for_a_constructed_case(app, staff, klass, staff_client):
    html = report_html(staff_client("teacher_a"), staff.class_a)
    items = tables(html)[1]
    assert items[0] == ["Câu", "Nội dung", "Tỉ lệ sai", "Đáp án sai hay chọn nhất"]
    assert items[1:] == [
        # Everyone got question 1 wrong; "b" twice, "c" once.
        ["1", "Ai được biết mã OTP của bạn?", "100%", "Công an xã gọi điện (2)"],
        ["2", "Dấu hiệu lừa đảo là gì?", "33%", "Giục chuyển tiền gấp (1)"],
        ["3", "Nên cập nhật phần mềm điện thoại.", "33%", "Sai (1)"],
        ["4", "Cài ứng dụng ở đâu?", "0%", "—"],
    ]


def test_the_village_officer_sees_the_villages_report(app, staff, klass, staff_client):
    html = report_html(staff_client("officer"), staff.village)
    people = by_first_cell(tables(html)[0])
    assert list(people) == ["Hoàng Văn Ngoài"]
    assert people["Hoàng Văn Ngoài"][1:4] == ["1", "1", "100%"]


def test_a_class_without_activity_reports_nothing_yet(app, staff, klass, staff_client):
    html = report_html(staff_client("teacher_b"), staff.class_b)
    assert "Chưa có người học." in html
    assert "Chưa có bài làm nào trong khoảng thời gian này." in html


# --- date filters ------------------------------------------------------------------------------


def _move_back(app, participant_id: int, days: int) -> None:
    """Sy's attempts and visits happened `days` ago."""
    then = utcnow() - dt.timedelta(days=days)
    with app.app_context():
        db.session.execute(
            update(Attempt)
            .where(Attempt.participant_id == participant_id)
            .values(submitted_at=then)
        )
        db.session.execute(
            update(Visit).where(Visit.participant_id == participant_id).values(visited_at=then)
        )
        database.commit()


def _iso(days_ago: int) -> str:
    """The commune's day `days_ago` days back, as the date filters take it (after 17:00 UTC
    Vietnam is already on the next day)."""
    return _local(utcnow() - dt.timedelta(days=days_ago)).date().isoformat()


def test_date_filters_include_and_exclude_attempts(app, staff, klass, staff_client):
    _move_back(app, klass[SY], 40)
    teacher = staff_client("teacher_a")

    recent = report_html(teacher, staff.class_a, f"?from={_iso(10)}")
    people = by_first_cell(tables(recent)[0])
    assert people[SY][1:4] == ["0", "0", ""]  # his attempt is before the period
    assert "3 người làm" not in recent and "2 người làm, 2 lượt" in recent
    # The form keeps the filter, shown as Vietnamese write a day.
    shown = dt.date.fromisoformat(_iso(10)).strftime("%d/%m/%Y")
    assert f'value="{shown}"' in recent

    old = report_html(teacher, staff.class_a, f"?to={_iso(20)}")
    people = by_first_cell(tables(old)[0])
    assert people[SY][1:4] == ["1", "0", "50%"]
    assert people[HOA][1:4] == ["0", "0", ""]
    assert "1 người làm, 1 lượt, tỉ lệ đạt 0%, điểm trung bình 50%" in old

    window = report_html(teacher, staff.class_a, f"?from={_iso(41)}&to={_iso(39)}")
    assert by_first_cell(tables(window)[0])[SY][1] == "1"
    both = report_html(teacher, staff.class_a, f"?from={_iso(50)}&to={_iso(0)}")
    assert "3 người làm, 3 lượt" in both


def test_the_last_day_of_the_period_is_included(app, staff, klass, staff_client):
    _move_back(app, klass[SY], 3)
    html = report_html(staff_client("teacher_a"), staff.class_a, f"?from={_iso(3)}&to={_iso(3)}")
    assert by_first_cell(tables(html)[0])[SY][1] == "1"


def test_dates_are_days_in_vietnam(app, staff, klass, staff_client):
    """06:30 in Hanoi on 10 March is 23:30 UTC on 9 March: it belongs to 10 March."""
    with app.app_context():
        db.session.execute(
            update(Attempt)
            .where(Attempt.participant_id == klass[SY])
            .values(submitted_at=dt.datetime(2026, 3, 9, 23, 30))
        )
        database.commit()
    html = report_html(staff_client("teacher_a"), staff.class_a, "?from=2026-03-10&to=2026-03-10")
    assert by_first_cell(tables(html)[0])[SY][1] == "1"


@pytest.mark.parametrize(
    "query",
    ["?from=2026-02-30", "?from=hôm-qua", "?to=31/06/2026", "?from=2026-13-01", "?to=99999-01-01"],
)
@pytest.mark.parametrize("suffix", ["", ".csv", ".xlsx", ".pdf"])
def test_bad_dates_are_a_400_in_vietnamese(app, staff, klass, staff_client, query, suffix):
    response = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/report{suffix}{query}")
    assert response.status_code == 400
    assert "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 05/06/2026." in response.get_data(
        as_text=True
    )


def test_a_period_ending_before_it_starts_is_a_400(app, staff, klass, staff_client):
    response = staff_client("teacher_a").get(
        f"/staff/units/{staff.class_a}/report?from=2026-06-05&to=2026-06-01"
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu phải trước ngày kết thúc." in response.get_data(as_text=True)


def test_an_unknown_csv_table_is_a_400(app, staff, klass, staff_client):
    response = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/report.csv?table=x")
    assert response.status_code == 400


# --- CSV ---------------------------------------------------------------------------------------


@pytest.fixture
def dangerous(app, staff):
    """Students of class 7A whose names a spreadsheet would run (stored as given)."""
    with app.app_context():
        for name in DANGEROUS:
            db.session.add(
                Participant(
                    token_hash=hash_token(secrets.token_urlsafe(16)),
                    display_name=name,
                    role="student",
                    unit_id=staff.class_a,
                    age_band="16-29",
                )
            )
        database.commit()


def download(client, unit_id: int, fmt: str, query: str = ""):
    response = client.get(f"/staff/units/{unit_id}/report.{fmt}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode("utf-8"), newline="")))


def test_csv_has_a_bom_and_vietnamese_names_in_nfc(app, staff, klass, staff_client):
    response = download(staff_client("teacher_a"), staff.class_a, "csv", "?table=people")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('-people.csv"')
    rows = read_csv(response.data)
    assert rows[0][:3] == ["Họ và tên", "Đơn vị", "Bài học đã mở"]
    names = [row[0] for row in rows[1:]]
    assert names == sorted([HOA, VIET, SY]) or set(names) == {HOA, VIET, SY}
    for name in names:
        assert unicodedata.is_normalized("NFC", name)
    row = {r[0]: r for r in rows[1:]}[VIET]
    assert row[1:6] == ["Lớp 7A", "2", "2", "1", "75"]
    assert row[7] == "1"


def test_csv_quizzes_and_items_tables(app, staff, klass, staff_client):
    teacher = staff_client("teacher_a")
    quizzes = read_csv(download(teacher, staff.class_a, "csv", "?table=quizzes").data)
    assert quizzes[1] == ["An toàn trên mạng", "3", "3", "1", "33.3", "58.3"]
    items = read_csv(download(teacher, staff.class_a, "csv", "?table=items").data)
    first = items[1]
    # quiz, version, question, text, answered, wrong %, top wrong answer, times, right %,
    # ticks per choice, combinations (multiple choice only)
    assert first[:3] == ["An toàn trên mạng", "1", "1"]
    assert first[4:9] == ["3", "100.0", "Công an xã gọi điện", "2", "0.0"]
    assert first[9] == "Chỉ mình bạn: 0; Công an xã gọi điện: 2; Người bán hàng: 1"
    assert first[10] == ""


def test_csv_respects_the_date_filter(app, staff, klass, staff_client):
    _move_back(app, klass[SY], 40)
    rows = read_csv(
        download(staff_client("teacher_a"), staff.class_a, "csv", f"?from={_iso(10)}").data
    )
    assert {r[0]: r for r in rows[1:]}[SY][3] == "0"


def test_csv_neutralises_formulas(app, staff, klass, dangerous, staff_client):
    rows = read_csv(download(staff_client("teacher_a"), staff.class_a, "csv").data)
    names = [row[0] for row in rows[1:]]
    for name in DANGEROUS:
        assert "'" + name in names, (name, names)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# --- XLSX --------------------------------------------------------------------------------------


def open_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body))


def test_xlsx_is_styled_and_formula_free(app, staff, klass, dangerous, staff_client):
    response = download(staff_client("teacher_a"), staff.class_a, "xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = open_xlsx(response.data)
    assert workbook.sheetnames == ["Người học", "Bài kiểm tra", "Phân tích câu hỏi"]
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(cell.font.b for cell in ws[1] if cell.value), ws.title
        widths = [
            ws.column_dimensions[letter].width
            for letter in (cell.column_letter for cell in ws[1] if cell.value)
        ]
        assert all(w and w >= 8 for w in widths), (ws.title, widths)
        assert any(w != 13 for w in widths)  # set, not openpyxl's default
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    people = workbook["Người học"]
    names = [row[0].value for row in people.iter_rows(min_row=2)]
    for name in (HOA, VIET, SY):
        assert name in names
    for name in DANGEROUS:
        # XML turns a stored carriage return into a line feed when read back.
        assert "'" + name in names or "'" + name.replace("\r", "\n") in names, (name, names)
    row = next(r for r in people.iter_rows(min_row=2, values_only=True) if r[0] == HOA)
    assert row[1:6] == ("Lớp 7A", 1, 1, 1, 75)
    items = workbook["Phân tích câu hỏi"]
    first = next(items.iter_rows(min_row=2, values_only=True))
    assert first[6] == "Công an xã gọi điện" and first[5] == 100


def test_wide_columns_fit_long_names(app, staff, staff_client):
    with app.app_context():
        long_name = "Nguyễn Thị Phương Thảo Hoàng Anh Minh Châu"
        create_participant(NewIdentity(long_name, "student", staff.class_a, "16-29", False), "t")
        database.commit()
    workbook = open_xlsx(download(staff_client("teacher_a"), staff.class_a, "xlsx").data)
    assert workbook["Người học"].column_dimensions["A"].width >= 40


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_has_the_administrative_header_and_the_names(app, staff, klass, staff_client, tmp_path):
    response = download(staff_client("teacher_a"), staff.class_a, "pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "BÁO CÁO KẾT QUẢ THAM GIA HỌC TẬP" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Lớp 7A" in text
    flat = " ".join(text.split())
    for name in (HOA, VIET, SY):
        assert name in flat, name
    assert "Hoàng Văn Ngoài" not in flat


def test_pdf_period_line_follows_the_filter(app, staff, klass, staff_client, tmp_path):
    body = download(
        staff_client("teacher_a"), staff.class_a, "pdf", "?from=2026-01-01&to=2026-01-31"
    ).data
    assert "từ 01/01/2026 đến 31/01/2026" in " ".join(pdf_text(body).split())


def test_downloads_are_audited_without_their_content(app, staff, klass, staff_client):
    teacher = staff_client("teacher_a")
    for fmt in ("csv", "xlsx"):
        download(teacher, staff.class_a, fmt)
    with app.app_context():
        events = AuditEvent.query.filter_by(action="report_exported").order_by(AuditEvent.id)
        assert [e.detail for e in events] == [{"format": "csv"}, {"format": "xlsx"}]
        for e in AuditEvent.query.all():
            assert HOA not in str(e.detail) and HOA not in (e.target or "")


# --- the number of queries does not grow with the class ----------------------------------------


def _right_answers(version) -> dict[str, list[str]]:
    answers = {}
    for question in version.questions:
        key = question["answer"]
        if question["type"] == "true_false":
            answers[question["id"]] = [str(key).lower()]
        else:
            answers[question["id"]] = list(key) if isinstance(key, list) else [key]
    return answers


def _fill_class(app, unit_id: int, size: int) -> None:
    """`size` students, each with a lesson, two quizzes, answers and a certificate."""
    with app.app_context():
        quizzes = Quiz.query.order_by(Quiz.slug).all()
        for n in range(size):
            person, _ = create_participant(
                NewIdentity(f"Học sinh {n:02d}", "student", unit_id, "16-29", False), "test"
            )
            for quiz in quizzes:
                participation.record_visit(person, quiz.lesson, None)
                participation.record_visit(person, quiz, None)
                version = quiz.current_version
                attempt, _ = participation.submit_attempt(
                    participation.Submission(
                        person, version, _right_answers(version), secrets.token_hex(16), None
                    )
                )
                certificates.issue_for_attempt(attempt, "HVT", app.config["TIMEZONE"])
        database.commit()


def _queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert response.status_code == 200, response.status_code
    return count


@pytest.mark.parametrize("suffix", ["", ".csv?table=people", ".csv?table=items", ".xlsx", ".pdf"])
def test_report_queries_do_not_grow_with_the_class(app, content, staff, staff_client, suffix):
    _fill_class(app, staff.class_a, 3)
    _fill_class(app, staff.class_b, 30)
    with app.app_context():
        assert Attempt.query.filter(Attempt.unit_id == staff.class_b).count() == 60
    admin = staff_client("admin")
    small = _queries(app, admin, f"/staff/units/{staff.class_a}/report{suffix}")
    large = _queries(app, admin, f"/staff/units/{staff.class_b}/report{suffix}")
    assert small == large, (small, large)
    assert 5 < small < 40, small
