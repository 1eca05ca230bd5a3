"""Recognition: rankings of villages, classes and people for a period (hand-computed on a
constructed commune), period boundaries, officer scoping, nominating (and refusing a second
nomination of the same subject), and the nomination list as XLSX (openpyxl) and PDF
(pdftotext)."""

import datetime as dt
import io
import secrets
import unicodedata

import pytest
from helpers import pdf_text
from openpyxl import load_workbook
from sqlalchemy import func, select, update

import database
from extensions import db
from models import Attempt, AuditEvent, Participant, Quiz, Unit
from models.recognition import Nomination
from services.common import periods
from services.common.errors import InvalidInput
from services.common.periods import Period
from services.org.units import create_unit
from services.participation.attempts import Submission, record_visit, submit_attempt
from services.participation.identity import NewIdentity, create_participant
from services.reporting import recognition as service

pytest_plugins = ["staff_fixtures"]

TZ = "Asia/Ho_Chi_Minh"
H1 = periods.half_year(2026, 1)  # 06/12/2025 – 05/06/2026 in Vietnam
PERIOD = Period(H1.start, H1.end, TZ)
# Naive UTC: Vietnam is UTC+7, so the window is [2025-12-05 17:00, 2026-06-05 17:00).
FIRST_MOMENT = dt.datetime(2025, 12, 5, 17, 0)
LAST_MOMENT = dt.datetime(2026, 6, 5, 16, 59, 59)
INSIDE = dt.datetime(2026, 3, 1, 3, 0)
XSS = "<script>alert(1)</script>"


def at(days: int) -> dt.datetime:
    return INSIDE + dt.timedelta(days=days)


def quiz(slug: str) -> Quiz:
    return Quiz.query.filter_by(slug=slug).one()


def person(name: str, unit_id: int, role: str = "villager", age: str = "30-44") -> Participant:
    participant, _token = create_participant(
        NewIdentity(name, role, unit_id, age, age == "under16"), "test-consent"
    )
    return participant


def visit(participant: Participant, when: dt.datetime) -> None:
    record_visit(participant, quiz("an-toan").lesson, None, visited_at=when)
    db.session.flush()


def _answers(version, right: bool) -> dict[str, list[str]]:
    answers = {}
    for question in version.questions:
        key = question["answer"]
        if question["type"] == "true_false":
            answers[question["id"]] = [str(bool(key) if right else not bool(key)).lower()]
            continue
        keys = key if isinstance(key, list) else [key]
        wrong = [c["id"] for c in question["choices"] if c["id"] not in keys]
        answers[question["id"]] = list(keys) if right else wrong[:1]
    return answers


def attempt(participant, slug: str, right: bool, when: dt.datetime, score: int | None = None):
    """A submitted quiz (all right = passed, all wrong = failed) at `when`, optionally with
    its score overwritten (the pass flag stays)."""
    version = quiz(slug).current_version
    row, created = submit_attempt(
        Submission(participant, version, _answers(version, right), secrets.token_hex(16), None)
    )
    assert created and row.passed is right
    values = {"submitted_at": when}
    if score is not None:
        values["score_percent"] = score
    db.session.execute(update(Attempt).where(Attempt.id == row.id).values(**values))
    return row


@pytest.fixture
def world(app, staff, content):
    """Villages Nà Pàn, Khòn Pần and Bản Áng (10 people each), Trống (no population);
    classes 7A (5 students) and 8B (10 students). Hand-computed figures for 2026-H1:

    village   participants  rate  passed  pass rate  avg best
    Bản Áng   3             30%   2       2/3        (100+80+0)/3 = 60
    Khòn Pần  3             30%   2       2/3        (100+100)/2 = 100   (one never tried)
    Nà Pàn    3             30%   1       1/3        (100+50)/2 = 75
    Trống     0             —     0       —          —
    → Bản Áng and Khòn Pần tie on rate and pass rate: by name. Nà Pàn's lower pass rate
      puts it third; Trống has no rate and comes last. Visits outside the window don't count.

    class  participants  rate       passed
    7A     1             1/5 = 20%  1 (100%)
    8B     2             2/10 = 20% 1 (50%)   → 7A first on pass rate

    people (distinct quizzes passed, average of best per quiz, last first pass):
    Bình (Khòn Pần)  2 quizzes, 100      → 1st
    Chi  (Bản Áng)   1, 100, at(1)       → 2nd (same count and average as An, passed earlier)
    An   (Nà Pàn)    1, 100, at(2)       → 3rd (passed again at(9): the first pass counts)
    Em   (7A, <16)   1, 100, at(3)       → 4th
    Duyên (Khòn Pần) 1, 100, at(6)       → 5th
    Hà   (8B)        1, 90, at(4)        → 6th (a lower average beats an earlier pass)
    Dũng (Bản Áng)   1, (80 + 0)/2 = 40  → 7th (also failed gioi-han)
    Gia  (Nà Pàn)    failed only         → not ranked; Khải passed only outside → not ranked
    """
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        na_pan = db.session.get(Unit, staff.village)
        na_pan.target_population = 10
        khon_pan = create_unit("village", "Thôn Khòn Pần", commune, target_population=10)
        ban_ang = create_unit("village", "Thôn Bản Áng", commune, target_population=10)
        empty = create_unit("village", "Thôn Trống", commune, target_population=0)
        class_a = db.session.get(Unit, staff.class_a)
        class_a.target_population = 5
        class_b = db.session.get(Unit, staff.class_b)
        class_b.target_population = 10
        db.session.flush()

        an = person("Hoàng Văn An", na_pan.id)
        visit(an, FIRST_MOMENT)  # the first moment of the window counts
        attempt(an, "an-toan", False, at(0))
        attempt(an, "an-toan", True, at(2))
        attempt(an, "an-toan", True, at(9))
        gia = person("Lục Thị Gia", na_pan.id)
        visit(gia, at(0))
        attempt(gia, "an-toan", False, at(0), score=50)
        third = person("Vi Văn Ba", na_pan.id)
        visit(third, LAST_MOMENT)  # the last moment of the window counts
        outside = person("Nông Văn Khải", na_pan.id)
        visit(outside, FIRST_MOMENT - dt.timedelta(seconds=1))
        visit(outside, LAST_MOMENT + dt.timedelta(seconds=1))
        attempt(outside, "an-toan", True, LAST_MOMENT + dt.timedelta(seconds=1))

        binh = person("Hà Thị Bình", khon_pan.id)
        visit(binh, at(0))
        attempt(binh, "an-toan", True, at(0))
        attempt(binh, "gioi-han", True, at(5))
        cuong = person("Lăng Văn Cường", khon_pan.id)
        visit(cuong, at(0))
        duyen = person("Đàm Thị Duyên", khon_pan.id)
        visit(duyen, at(0))
        attempt(duyen, "an-toan", True, at(6))

        chi = person("Triệu Thị Chi", ban_ang.id)
        visit(chi, at(0))
        attempt(chi, "an-toan", True, at(1))
        dung = person("Dương Văn Dũng", ban_ang.id)
        visit(dung, at(0))
        attempt(dung, "an-toan", True, at(1), score=80)
        attempt(dung, "gioi-han", False, at(1))
        someone = person("Mã Văn Sơn", ban_ang.id)
        visit(someone, at(0))
        attempt(someone, "gioi-han", False, at(0))

        em = person(f"Lò Thị Em {XSS}", class_a.id, "student", "under16")
        visit(em, at(0))
        attempt(em, "an-toan", True, at(3))
        ha = person("Hoàng Thị Hà", class_b.id, "student", "16-29")
        visit(ha, at(0))
        attempt(ha, "an-toan", True, at(4), score=90)
        hung = person("Nông Văn Hùng", class_b.id, "student", "16-29")
        visit(hung, at(0))
        database.commit()
        return {
            "na_pan": na_pan.id,
            "khon_pan": khon_pan.id,
            "ban_ang": ban_ang.id,
            "empty": empty.id,
            "class_a": class_a.id,
            "class_b": class_b.id,
            "an": an.id,
            "binh": binh.id,
            "chi": chi.id,
            "dung": dung.id,
            "duyen": duyen.id,
            "em": em.id,
            "ha": ha.id,
        }


# --- pure ---------------------------------------------------------------------------------------


def test_rank_units_orders_by_rate_then_pass_rate_then_name_and_no_population_last():
    rows = [
        service.UnitRank(1, "Thôn Ơ", "village", None, 0, participants=5, passed=5),
        service.UnitRank(2, "Thôn B", "village", None, 10, participants=3, passed=1),
        service.UnitRank(3, "Thôn Â", "village", None, 10, participants=3, passed=2),
        service.UnitRank(4, "Thôn A", "village", None, 20, participants=6, passed=4),
        service.UnitRank(5, "Thôn C", "village", None, 10, participants=4, passed=0),
    ]
    ranked = service.rank_units(rows)
    assert [r.unit_id for r in ranked] == [5, 4, 3, 2, 1]
    # Thôn A (6/20, 4/6) and Thôn Â (3/10, 2/3) tie on both rates: one rank (issue 14).
    assert [r.rank for r in ranked] == [1, 2, 2, 4, 5]
    assert ranked[0].rate == 0.4 and ranked[0].pass_rate == 0.0
    assert ranked[-1].rate is None and ranked[-1].pass_rate == 1.0


# --- SQL rankings -------------------------------------------------------------------------------


def test_village_and_class_rankings_match_the_hand_computed_figures(app, world):
    with app.app_context():
        rankings = service.unit_rankings(PERIOD, None)
    villages = [
        (r.unit_id, r.participants, r.population, r.rate, r.passed, r.average_best)
        for r in rankings["village"]
    ]
    assert [v[0] for v in villages] == [
        world["ban_ang"],
        world["khon_pan"],
        world["na_pan"],
        world["empty"],
    ]
    ban_ang, khon_pan, na_pan, empty = villages
    assert ban_ang[1:] == (3, 10, 0.3, 2, 60.0)
    assert khon_pan[1:] == (3, 10, 0.3, 2, 100.0)
    assert na_pan[1:] == (3, 10, 0.3, 1, 75.0)
    assert empty[1:] == (0, 0, None, 0, None)
    # Nine distinct villagers took part in the window, and the numerators add up to it.
    assert sum(v[1] for v in villages) == 9
    classes = [(r.unit_id, r.participants, r.rate, r.passed) for r in rankings["class"]]
    assert classes == [(world["class_a"], 1, 0.2, 1), (world["class_b"], 2, 0.2, 1)]


def test_people_ranking_by_quizzes_passed_average_and_earliest_last_pass(app, world):
    with app.app_context():
        people = service.person_ranking(PERIOD, None)
    got = [(p.participant_id, p.quizzes_passed, round(p.average_score, 1)) for p in people]
    assert got == [
        (world["binh"], 2, 100.0),
        (world["chi"], 1, 100.0),
        (world["an"], 1, 100.0),
        (world["em"], 1, 100.0),
        (world["duyen"], 1, 100.0),
        (world["ha"], 1, 90.0),
        (world["dung"], 1, 40.0),
    ]
    assert [p.rank for p in people] == [1, 2, 3, 4, 5, 6, 7]
    an = people[2]
    assert an.last_pass == at(2)  # the first pass of the quiz, not the repeat at(9)
    assert [p.is_child for p in people] == [False, False, False, True, False, False, False]


def test_period_boundaries_are_vietnamese_days(app, world):
    with app.app_context():
        h2_2025 = periods.half_year(2025, 2)  # ends 05/12/2025 23:59 in Vietnam
        before = service.unit_rankings(Period(h2_2025.start, h2_2025.end, TZ), None)
        h2_2026 = periods.half_year(2026, 2)
        after = service.unit_rankings(Period(h2_2026.start, h2_2026.end, TZ), None)
        later_people = service.person_ranking(Period(h2_2026.start, h2_2026.end, TZ), None)
    na_pan = world["na_pan"]
    assert {r.unit_id: r.participants for r in before["village"]}[na_pan] == 1  # Khải
    assert {r.unit_id: r.participants for r in after["village"]}[na_pan] == 1  # Khải
    assert [p.name for p in later_people] == ["Nông Văn Khải"]


def test_top_limit(app, world):
    with app.app_context():
        assert len(service.person_ranking(PERIOD, None, limit=2)) == 2


# --- the page -----------------------------------------------------------------------------------


def test_admin_page_shows_rules_rankings_and_marks_children(app, world, staff_client):
    response = staff_client("admin").get("/staff/recognition/?period=2026-H1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Cách xếp hạng" in html and "tỉ lệ tham gia" in html
    assert html.index("Thôn Bản Áng") < html.index("Thôn Khòn Pần") < html.index("Thôn Trống")
    assert "Hà Thị Bình" in html and "Lò Thị Em" in html and "(dưới 16 tuổi)" in html
    assert XSS not in html and "&lt;script&gt;" in html
    assert "Đề nghị khen thưởng" in html


def test_officer_sees_only_their_subtree(app, world, staff_client):
    html = staff_client("officer").get("/staff/recognition/?period=2026-H1").get_data(as_text=True)
    assert "Thôn Nà Pàn" in html and "Hoàng Văn An" in html
    for other in ("Thôn Khòn Pần", "Thôn Bản Áng", "Hà Thị Bình", "Lớp 7A", "Lò Thị Em"):
        assert other not in html
    assert "Đề nghị khen thưởng</button>" not in html  # only the admin nominates


def test_teachers_are_refused_and_officers_cannot_nominate_or_export(app, world, staff_client):
    teacher = staff_client("teacher_a")
    assert teacher.get("/staff/recognition/").status_code == 403
    assert teacher.get("/staff/recognition/nominations.xlsx?period=2026-H1").status_code == 403
    officer = staff_client("officer")
    assert officer.get("/staff/recognition/nominations.pdf?period=2026-H1").status_code == 403
    token = _token(officer)
    response = officer.post("/staff/recognition/nominate", data=_nomination(token, "village", 1))
    assert response.status_code == 403


def test_bad_period_is_a_vietnamese_400(app, world, staff_client):
    response = staff_client("admin").get("/staff/recognition/?period=2026-H3")
    assert response.status_code == 400
    assert "Kỳ không hợp lệ" in response.get_data(as_text=True)


# --- nominating ---------------------------------------------------------------------------------


def _token(client) -> str:
    from conftest import csrf_token

    return csrf_token(client.get("/staff/").get_data(as_text=True))


def _nomination(token, kind, subject_id, reason="Tham gia tích cực", period="2026-H1") -> dict:
    return {
        "csrf_token": token,
        "period_key": period,
        "subject_kind": kind,
        "subject_id": str(subject_id),
        "reason": reason,
    }


def _count(app, **filters) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Nomination.id)).filter_by(**filters))


def test_nominate_refuses_a_duplicate_then_remove(app, world, staff_client):
    admin = staff_client("admin")
    token = _token(admin)
    data = _nomination(token, "village", world["ban_ang"])
    response = admin.post("/staff/recognition/nominate", data=data)
    assert response.status_code == 303
    assert _count(app, period_key="2026-H1", unit_id=world["ban_ang"]) == 1

    again = admin.post("/staff/recognition/nominate", data={**data, "reason": "Lần nữa"})
    assert again.status_code == 409
    assert "đã được đề nghị khen thưởng trong kỳ này" in again.get_data(as_text=True)
    assert _count(app, unit_id=world["ban_ang"]) == 1
    # The same village may be nominated for another period.
    other = admin.post("/staff/recognition/nominate", data={**data, "period_key": "2026-H2"})
    assert other.status_code == 303
    person = admin.post("/staff/recognition/nominate", data=_nomination(token, "participant", 999))
    assert person.status_code == 400
    assert "Không tìm thấy đối tượng" in person.get_data(as_text=True)
    wrong_kind = _nomination(token, "class", world["ban_ang"])  # a village is not a class
    assert admin.post("/staff/recognition/nominate", data=wrong_kind).status_code == 400
    no_reason = _nomination(token, "class", world["class_a"], reason="  ")
    assert admin.post("/staff/recognition/nominate", data=no_reason).status_code == 400
    assert _count(app) == 2

    page = admin.get("/staff/recognition/?period=2026-H1").get_data(as_text=True)
    assert "Đã đề nghị" in page
    with app.app_context():
        nomination_id = db.session.scalar(
            select(Nomination.id).filter_by(period_key="2026-H1", unit_id=world["ban_ang"])
        )
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("nomination_added") == 2
    assert admin.post(f"/staff/recognition/nominations/{nomination_id}/remove").status_code == 400
    removed = admin.post(
        f"/staff/recognition/nominations/{nomination_id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert _count(app, period_key="2026-H1") == 0
    missing = admin.post("/staff/recognition/nominations/987654/remove", data={"csrf_token": token})
    assert missing.status_code == 404
    with app.app_context():
        assert "nomination_removed" in db.session.scalars(select(AuditEvent.action)).all()


def test_the_service_refuses_a_duplicate_without_touching_the_database(app, world, staff):
    from models import StaffUser

    with app.app_context():
        admin = db.session.get(StaffUser, staff.admin)
        service.nominate("2026-H1", "participant", world["an"], "Đạt sớm", admin)
        with pytest.raises(InvalidInput) as refused:
            service.nominate("2026-H1", "participant", world["an"], "Lại", admin)
        assert refused.value.code == "duplicate"
        with pytest.raises(InvalidInput) as bad_period:
            service.nominate("2026-H9", "participant", world["an"], "x", admin)
        assert bad_period.value.code == "period"
        database.commit()
    assert _count(app, participant_id=world["an"]) == 1


# --- the nomination list ------------------------------------------------------------------------


@pytest.fixture
def nominated(app, world, staff_client):
    """The admin nominates Bản Áng, class 7A, Bình, the child Em and a name typed as NFD."""
    with app.app_context():
        nfd = person("Đàm Văn Tuấn", world["khon_pan"])
        nfd.display_name = unicodedata.normalize("NFD", "Nguyễn Thị Ngọc Ánh")
        database.commit()
        nfd_id = nfd.id
    admin = staff_client("admin")
    token = _token(admin)
    for kind, subject in (
        ("village", world["ban_ang"]),
        ("class", world["class_a"]),
        ("participant", world["binh"]),
        ("participant", world["em"]),
        ("participant", nfd_id),
    ):
        reason = f"Thành tích {XSS}" if subject == world["em"] else "Tham gia tích cực"
        response = admin.post(
            "/staff/recognition/nominate", data=_nomination(token, kind, subject, reason)
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    return admin


def test_xlsx_nomination_list(app, nominated):
    response = nominated.get("/staff/recognition/nominations.xlsx?period=2026-H1")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "de-nghi-khen-thuong-2026-H1.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["STT", "Đối tượng", "Tên tập thể / Họ và tên"]
    names = [row[2] for row in rows[1:]]
    assert names[:2] == ["Thôn Bản Áng", "Lớp 7A"]
    assert "Hà Thị Bình" in names
    assert f"Lò Thị Em {XSS} (dưới 16 tuổi)" in names
    assert "Nguyễn Thị Ngọc Ánh" in names  # stored NFD, exported NFC
    assert all(unicodedata.is_normalized("NFC", str(v)) for row in rows for v in row if v)
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Thôn Bản Áng"][4] == "Tham gia 3/10 người (30,0%), 2 người đạt"
    assert by_name["Hà Thị Bình"][4] == "Đạt 2 bài kiểm tra, điểm trung bình 100,0"
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "nominations_exported")
        ).one()
        assert event.detail == {"period": "2026-H1", "format": "xlsx"}


def test_pdf_nomination_list(app, nominated, tmp_path):
    response = nominated.get("/staff/recognition/nominations.pdf?period=2026-H1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "từ ngày 06/12/2025 đến ngày 05/06/2026" in flat
    for name in ("Thôn Bản Áng", "Lớp 7A", "Hà Thị Bình", "Nguyễn Thị Ngọc Ánh"):
        assert name in flat, name
    assert "(dưới 16 tuổi)" in flat
    assert "<script>" in flat  # printed as text, not run or dropped


def test_empty_list_and_unknown_format(app, world, staff_client, tmp_path):
    admin = staff_client("admin")
    response = admin.get("/staff/recognition/nominations.pdf?period=2026-H2")
    assert response.status_code == 200
    assert "Chưa có đề nghị nào" in pdf_text(response.data)
    assert admin.get("/staff/recognition/nominations.csv?period=2026-H1").status_code == 404
    assert admin.get("/staff/recognition/nominations.xlsx?period=abc").status_code == 400


def test_rankings_are_a_fixed_number_of_aggregate_queries(app, world):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            service.unit_rankings(PERIOD, None)
            service.person_ranking(PERIOD, None)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 4  # units, participants, results per unit, people
