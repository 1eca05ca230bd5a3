"""The teacher's gradebook: every pupil of the roster (joined or not) × every quiz the class
took or was given, filters that work without JavaScript, one pupil's attempts with their
answers as they saw them, the CSV/XLSX/PDF downloads, and a statement count that does not
grow with the class."""

import csv
import datetime as dt
import io

import pytest
from gradebook_world import HONG, MAI, SY, VIET, attempt, build_class
from helpers import ALL_RIGHT, HALF_RIGHT, pdf_text, tables
from openpyxl import load_workbook
from sqlalchemy import delete, event

import database
from extensions import db
from models import Answer, Attempt, AuditEvent, Lesson, Participant, Quiz, RosterEntry, Unit
from models.base import utcnow
from services.common.vietnamese import local_date
from services.org import roster
from services.participation import assignments
from services.participation.identity import NewIdentity, create_participant

pytest_plugins = ["staff_fixtures"]


@pytest.fixture
def klass(app, content, staff):
    return build_class(app, staff)


def gradebook(client, unit_id: int, query: str = "", status: int = 200) -> str:
    response = client.get(f"/staff/units/{unit_id}/gradebook{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def grid(html: str) -> dict[str, list[str]]:
    """The gradebook table's rows by pupil name (its second cell)."""
    table = tables(html)[0]
    return {row[1]: row[2:] for row in table[1:]}


def today() -> str:
    return local_date(utcnow(), "Asia/Ho_Chi_Minh").strftime("%d/%m/%Y")


# --- the grid ----------------------------------------------------------------------------------


def test_every_roster_pupil_and_every_quiz_the_class_took(app, staff, klass, staff_client):
    html = gradebook(staff_client("teacher_a"), staff.class_a)
    header = tables(html)[0][0]
    assert header[:2] == ["STT", "Họ và tên"]
    assert header[2:] == ["An toàn trên mạng", "Bài có giới hạn lượt"]
    rows = grid(html)
    # Vietnamese class-list order: by given name, then family name (Hồng, Mai, Sỹ, Việt).
    assert list(rows) == [HONG, MAI, SY + " chưa vào lớp", VIET]
    assert rows[HONG][0] == f"75% Đạt 1 lượt · {today()}"
    assert rows[HONG][1] == "chưa làm"
    assert rows[VIET][0] == f"50% Chưa đạt 1 lượt · {today()}"
    assert rows[VIET][1] == f"75% Đạt 2 lượt · {today()}"
    assert rows[MAI] == ["chưa làm", "chưa làm"]
    assert rows[SY + " chưa vào lớp"] == ["—", "—"]
    assert "Hoàng Văn Ngoài" not in html
    # A summary a teacher reads at a glance.
    assert "4 học sinh: 3 đã vào lớp, 1 chưa vào lớp" in html


def test_a_quiz_given_to_the_class_but_not_taken_has_its_column(app, staff, content, staff_client):
    with app.app_context():
        unit = db.session.get(Unit, staff.class_a)
        lesson = Lesson.query.filter_by(slug="gioi-han").one()
        assignments.create(unit, lesson, None, dt.date(2026, 12, 20), None)
        database.commit()
    html = gradebook(staff_client("teacher_a"), staff.class_a)
    assert tables(html)[0][0][2:] == ["Bài có giới hạn lượt"]


def test_filter_not_joined(app, staff, klass, staff_client):
    html = gradebook(staff_client("teacher_a"), staff.class_a, "?show=not_joined")
    assert list(grid(html)) == [SY + " chưa vào lớp"]


def test_filter_not_done_any_quiz_and_one_quiz(app, staff, klass, staff_client):
    client = staff_client("teacher_a")
    html = gradebook(client, staff.class_a, "?show=not_done")
    assert list(grid(html)) == [HONG, MAI]  # each misses at least one quiz
    with app.app_context():
        quiz_id = Quiz.query.filter_by(slug="an-toan").one().id
    html = gradebook(client, staff.class_a, f"?show=not_done&quiz={quiz_id}")
    assert list(grid(html)) == [MAI]
    html = gradebook(client, staff.class_a, f"?quiz={quiz_id}")  # one quiz's column only
    assert tables(html)[0][0][2:] == ["An toàn trên mạng"]


def test_the_filter_form_works_without_javascript(app, staff, klass, staff_client):
    html = gradebook(staff_client("teacher_a"), staff.class_a)
    assert '<form method="get"' in html
    assert 'name="show"' in html and 'value="not_done"' in html and 'name="quiz"' in html
    assert "<script" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("query", ["?show=everyone", "?quiz=abc", "?quiz=987654"])
def test_bad_filters_are_a_400_in_vietnamese(app, staff, klass, staff_client, query):
    html = gradebook(staff_client("teacher_a"), staff.class_a, query, status=400)
    assert "Bộ lọc không hợp lệ" in html


def test_only_a_class_has_a_gradebook(app, staff, staff_client):
    gradebook(staff_client("admin"), staff.village, status=404)


def test_other_teachers_are_refused(app, staff, klass, staff_client):
    client = staff_client("teacher_b")
    gradebook(client, staff.class_a, status=403)
    assert client.get(f"/staff/units/{staff.class_a}/gradebook.xlsx").status_code == 403
    pid = klass[HONG]
    assert client.get(f"/staff/units/{staff.class_a}/gradebook/{pid}").status_code == 403


def test_the_class_page_links_to_the_gradebook(app, staff, klass, staff_client):
    html = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    assert f'href="/staff/units/{staff.class_a}/gradebook"' in html


# --- one pupil's attempts ----------------------------------------------------------------------


def pupil_page(client, unit_id: int, pid: int, status: int = 200) -> str:
    response = client.get(f"/staff/units/{unit_id}/gradebook/{pid}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_grid_links_each_joined_pupil_to_their_attempts(app, staff, klass, staff_client):
    html = gradebook(staff_client("teacher_a"), staff.class_a)
    assert f'href="/staff/units/{staff.class_a}/gradebook/{klass[HONG]}"' in html


def test_a_pupils_attempts_show_their_answers(app, staff, klass, staff_client):
    html = pupil_page(staff_client("teacher_a"), staff.class_a, klass[HONG])
    assert HONG in html
    assert "An toàn trên mạng" in html and "Lần 1" in html and "75%" in html
    assert "Ai được biết mã OTP của bạn?" in html
    # What she ticked, and whether it was right; the key beside it.
    otp = html.split("Ai được biết mã OTP của bạn?", 1)[1].split("</li>\n</ol>", 1)[0]
    assert "Người bán hàng" in otp and "em chọn" in otp
    assert "Chỉ mình bạn" in otp and "đáp án đúng" in otp
    assert "Sai" in otp


def test_the_version_she_answered_is_shown_after_the_quiz_changes(app, staff, klass, staff_client):
    with app.app_context():
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        old = quiz.current_version
        definition = {**old.definition}
        questions = [dict(q) for q in definition["questions"]]
        questions[0]["text"] = "Câu hỏi đã sửa về OTP?"
        definition["questions"] = questions
        db.session.add(
            type(old)(
                quiz_id=quiz.id,
                number=old.number + 1,
                content_hash="changed",
                pass_mark=old.pass_mark,
                max_attempts=old.max_attempts,
                definition=definition,
            )
        )
        database.commit()
    html = pupil_page(staff_client("teacher_a"), staff.class_a, klass[HONG])
    assert "Ai được biết mã OTP của bạn?" in html
    assert "Câu hỏi đã sửa về OTP?" not in html


def test_only_the_questions_an_attempt_asked_are_shown(app, staff, klass, staff_client):
    """A quiz drawing a subset per attempt: the questions without an answer were not asked."""
    with app.app_context():
        attempt = Attempt.query.filter_by(participant_id=klass[HONG]).one()
        db.session.execute(
            delete(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == "ung-dung")
        )
        database.commit()
    html = pupil_page(staff_client("teacher_a"), staff.class_a, klass[HONG])
    assert "Ai được biết mã OTP của bạn?" in html
    assert "Cài ứng dụng ở đâu?" not in html


def test_a_pupil_of_another_class_is_not_found_here(app, staff, klass, staff_client):
    with app.app_context():
        other = db.session.execute(
            db.select(Attempt.participant_id).where(Attempt.unit_id == staff.class_b)
        ).scalar_one()
    pupil_page(staff_client("admin"), staff.class_a, other, status=404)


# --- downloads -----------------------------------------------------------------------------


def download(client, unit_id: int, fmt: str, query: str = ""):
    response = client.get(f"/staff/units/{unit_id}/gradebook.{fmt}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_xlsx_has_the_grid(app, staff, klass, staff_client):
    response = download(staff_client("teacher_a"), staff.class_a, "xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["STT", "Họ và tên", "Tình trạng"]
    assert rows[0][3:7] == [
        "An toàn trên mạng: điểm cao nhất (%)",
        "An toàn trên mạng: số lượt",
        "An toàn trên mạng: đạt",
        "An toàn trên mạng: ngày",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name[HONG][2:7] == ["Đã vào lớp", 75, 1, "Đạt", today()]
    assert by_name[HONG][7] == "Chưa làm"
    assert by_name[SY][2] == "Chưa vào lớp"
    assert by_name[MAI][3] == "Chưa làm"
    assert [row[1] for row in rows[1:]] == [HONG, MAI, SY, VIET]


def test_csv_follows_the_filter(app, staff, klass, staff_client):
    response = download(staff_client("teacher_a"), staff.class_a, "csv", "?show=not_joined")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [SY]


def test_pdf_is_a_landscape_sheet_a_teacher_signs(app, staff, klass, staff_client):
    response = download(staff_client("teacher_a"), staff.class_a, "pdf")
    text = " ".join(pdf_text(response.data).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BẢNG ĐIỂM" in text
    assert "Lớp 7A" in text and "Trường THCS" in text
    assert "Cô Nguyễn Thị Hoa" in text
    assert "GIÁO VIÊN (Ký, ghi rõ họ tên)" in text
    assert HONG in text and "chưa vào lớp" in text
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape


def test_downloads_are_audited(app, staff, klass, staff_client):
    client = staff_client("teacher_a")
    for fmt in ("csv", "xlsx", "pdf"):
        download(client, staff.class_a, fmt)
    with app.app_context():
        events = AuditEvent.query.filter_by(action="gradebook_exported").all()
        assert sorted(e.detail["format"] for e in events) == ["csv", "pdf", "xlsx"]


# --- a constant number of statements ------------------------------------------------------------


def _fill(app, unit_id: int, size: int) -> None:
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        roster.replace_roster(
            unit, [roster.RosterRow(n, f"Học sinh {n:02d}", None) for n in range(1, size + 2)]
        )
        for n in range(1, size + 1):
            person, _ = create_participant(
                NewIdentity(f"Học sinh {n:02d}", "student", unit_id, "16-29", False), "test"
            )
            entry = RosterEntry.query.filter_by(unit_id=unit_id, name=f"Học sinh {n:02d}").one()
            roster.claim(entry.id, unit, person.id)
            attempt(person, "an-toan", ALL_RIGHT if n % 2 else HALF_RIGHT)
            attempt(person, "gioi-han", {"q1": "true", "q2": "false", "q3": "true", "q4": "true"})
        database.commit()


def _statements(app, client, url: str) -> int:
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


@pytest.mark.parametrize("suffix", ["", ".csv", ".xlsx", ".pdf"])
def test_gradebook_statements_do_not_grow_from_5_to_40_pupils(
    app, content, staff, staff_client, suffix
):
    _fill(app, staff.class_a, 5)
    _fill(app, staff.class_b, 40)
    admin = staff_client("admin")
    small = _statements(app, admin, f"/staff/units/{staff.class_a}/gradebook{suffix}")
    large = _statements(app, admin, f"/staff/units/{staff.class_b}/gradebook{suffix}")
    assert small == large, (small, large)
    assert small < 25, small


def test_pupil_page_statements_do_not_grow_with_attempts(app, content, staff, staff_client):
    _fill(app, staff.class_a, 2)
    with app.app_context():
        pid = Attempt.query.filter_by(unit_id=staff.class_a).first().participant_id
    admin = staff_client("admin")
    url = f"/staff/units/{staff.class_a}/gradebook/{pid}"
    before = _statements(app, admin, url)
    with app.app_context():
        person = db.session.get(Participant, pid)
        attempt(person, "an-toan", ALL_RIGHT)
        attempt(person, "an-toan", HALF_RIGHT)
        database.commit()
    assert _statements(app, admin, url) == before
