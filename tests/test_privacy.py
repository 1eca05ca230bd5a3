"""A student's data on request: export everything (JSON, CSV), delete everything (logged),
and `flask purge-expired` for data past the retention period."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from conftest import csrf_token, hidden
from helpers import ALL_RIGHT, HALF_RIGHT, take_quiz

import database
from extensions import db
from models import (
    Answer,
    Attempt,
    AuditEvent,
    Certificate,
    Consent,
    Participant,
    RosterEntry,
    Scan,
    SurveyResponse,
    Visit,
)
from models.base import utcnow
from services.participation.identity import hash_token

pytest_plugins = ["staff_fixtures"]

CHILD = "Hoàng Thị Mỹ Duyên"
OTHER = "Vi Văn Khánh"


def answer_survey(client, slug: str, answers: dict) -> None:
    html = client.get(f"/surveys/{slug}").get_data(as_text=True)
    data = {name: hidden(html, name) for name in ("submission_token", "version")}
    data["csrf_token"] = csrf_token(html)
    data.update(answers)
    response = client.post(f"/surveys/{slug}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.fixture
def child(app, staff, make_poster, identify, surveys):
    """A pupil under 16 of class 7A: came by a poster, picked her roster name, opened the
    lesson, passed the quiz, holds a certificate and answered a named and an anonymous survey.
    Also a classmate, to be left alone."""
    with app.app_context():
        entry = RosterEntry(unit_id=staff.class_a, name=CHILD, student_number="12", list_number=1)
        db.session.add(entry)
        database.commit()
        entry_id = entry.id
    code = make_poster()
    client = app.test_client()
    client.get(f"/p/{code}")
    client.get(f"/c/{staff.class_a_code}")
    identify(
        client,
        name="",
        age="under16",
        guardian_consent="y",
        roster_entry=str(entry_id),
        list_number="1",
    )
    client.get("/lessons/an-toan")
    take_quiz(client, HALF_RIGHT, "an-toan")
    take_quiz(client, ALL_RIGHT, "an-toan", 2)
    answer_survey(client, "y-kien", {"s_da_nghe": "roi", "s_hieu": "4", "s_gop_y": "Hay"})
    answer_survey(client, "an-danh", {"s_thanh_toan": "chua"})

    classmate = app.test_client()
    classmate.get(f"/c/{staff.class_a_code}")
    identify(classmate, name=OTHER, age="under16", guardian_consent="y")
    classmate.get("/lessons/an-toan")
    take_quiz(classmate, ALL_RIGHT, "an-toan")

    with app.app_context():
        person = Participant.query.filter_by(display_name=CHILD).one()
        other = Participant.query.filter_by(display_name=OTHER).one()
        certificate = Certificate.query.filter_by(participant_id=person.id).one()
        assert Scan.query.filter_by(participant_id=person.id).count() == 1
        assert db.session.get(RosterEntry, entry_id).participant_id == person.id
        return {
            "id": person.id,
            "other": other.id,
            "client": client,
            "code": certificate.verification_code,
            "serial": certificate.serial,
            "entry": entry_id,
            "poster": code,
        }


def counts_for(participant_id: int) -> dict[str, int]:
    attempts = Attempt.query.filter_by(participant_id=participant_id)
    return {
        "participant": Participant.query.filter_by(id=participant_id).count(),
        "attempts": attempts.count(),
        "answers": Answer.query.filter(
            Answer.attempt_id.in_([a.id for a in attempts.all()])
        ).count(),
        "consents": Consent.query.filter_by(participant_id=participant_id).count(),
        "certificates": Certificate.query.filter_by(participant_id=participant_id).count(),
        "visits": Visit.query.filter_by(participant_id=participant_id).count(),
        "scans": Scan.query.filter_by(participant_id=participant_id).count(),
        "survey_responses": SurveyResponse.query.filter_by(participant_id=participant_id).count(),
    }


# --- export ------------------------------------------------------------------------------------


def test_json_export_holds_everything_recorded(app, child, staff_client):
    response = staff_client("teacher_a").get(f"/staff/people/{child['id']}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["participant"]["display_name"] == CHILD
    assert data["participant"]["unit"] == "Lớp 7A"
    assert data["participant"]["age_band"] == "under16"
    assert [c["kind"] for c in data["consents"]] == ["guardian"]
    assert data["consents"][0]["text_version"] == app.config["CONSENT_TEXT_VERSION"]
    assert [
        (a["quiz"], a["number"], a["score_percent"], a["passed"]) for a in data["attempts"]
    ] == [
        ("an-toan", 1, 50, False),
        ("an-toan", 2, 100, True),
    ]
    assert data["attempts"][0]["answers"]["otp"] == ["b"]
    assert {v["kind"] for v in data["visits"]} == {"lesson", "quiz", "survey"}
    # The named survey's answers are hers; the anonymous one is linked to no one.
    [named] = data["survey_responses"]
    assert named["survey"] == "y-kien"
    assert named["answers"]["gop-y"]["text"] == "Hay"
    assert named["answers"]["hieu"]["choices"] == ["4"]
    assert [c["serial"] for c in data["certificates"]] == [child["serial"]]
    assert OTHER not in response.get_data(as_text=True)


def test_csv_export_holds_the_same(app, child, staff_client):
    response = staff_client("teacher_a").get(f"/staff/people/{child['id']}/export.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Phần", "Mục", "Thông tin", "Nội dung"]
    sections = {row[0] for row in rows[1:]}
    assert {"Người tham gia", "Đồng ý", "Lượt xem", "Lượt làm bài", "Giấy chứng nhận"} <= sections
    assert ["Người tham gia", "", "Họ và tên", CHILD] in rows
    assert ["Người tham gia", "", "Vai trò", "Học sinh"] in rows
    scores = [row[3] for row in rows if row[0] == "Lượt làm bài" and row[2] == "Điểm (%)"]
    assert scores == ["50", "100"]
    assert ["Đồng ý", "1", "Loại", "Cha mẹ hoặc người giám hộ đồng ý"] in rows
    # Times in the commune's time, as dd/mm/yyyy HH:MM; no field name, no ISO time.
    times = [row[3] for row in rows if row[2] == "Nộp lúc"]
    assert times and all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", t) for t in times)
    assert "score_percent" not in response.data.decode() and "T" not in "".join(times)


def test_exports_are_audited_without_their_content(app, child, staff_client):
    teacher = staff_client("teacher_a")
    teacher.get(f"/staff/people/{child['id']}/export.json")
    teacher.get(f"/staff/people/{child['id']}/export.csv")
    with app.app_context():
        events = AuditEvent.query.filter_by(action="person_exported").order_by(AuditEvent.id)
        assert [(e.target, e.detail) for e in events] == [
            (f"participant {child['id']}", {"format": "json"}),
            (f"participant {child['id']}", {"format": "csv"}),
        ]
        for e in AuditEvent.query.all():
            text = json.dumps([e.target, e.detail], ensure_ascii=False)
            assert CHILD not in text and child["serial"] not in text


def test_the_export_of_a_formula_name_is_neutralised(app, staff, staff_client):
    with app.app_context():
        person = Participant(
            token_hash=hash_token("x" * 30),
            display_name='=HYPERLINK("http://x")',
            role="student",
            unit_id=staff.class_a,
            age_band="16-29",
        )
        db.session.add(person)
        database.commit()
        pid = person.id
    body = staff_client("teacher_a").get(f"/staff/people/{pid}/export.csv").data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert ["Người tham gia", "", "Họ và tên", '\'=HYPERLINK("http://x")'] in rows


# --- delete ------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(app, child, staff_client):
    teacher = staff_client("teacher_a")
    page = teacher.get(f"/staff/people/{child['id']}/delete")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert CHILD in html and "Gõ XÓA để xác nhận" in html
    with app.app_context():
        assert counts_for(child["id"])["attempts"] == 2
    for typed in ("", "xoa", "XOA", "delete", "XÓA HẾT"):
        response = teacher.post(
            f"/staff/people/{child['id']}/delete",
            data={"csrf_token": csrf_token(html), "confirm": typed},
        )
        assert response.status_code == 400, typed
    with app.app_context():
        assert counts_for(child["id"])["participant"] == 1
        assert counts_for(child["id"])["certificates"] == 1


def test_delete_removes_everything_and_is_logged(app, child, staff_client):
    with app.app_context():
        before = counts_for(child["id"])
        other_before = counts_for(child["other"])
        scans = Scan.query.count()
    # Visits: the lesson, the quiz twice, the named survey opened and answered (the anonymous
    # survey records none).
    assert before == {
        "participant": 1,
        "attempts": 2,
        "answers": 8,
        "consents": 1,
        "certificates": 1,
        "visits": 5,
        "scans": 1,
        "survey_responses": 1,
    }
    # The certificate is valid before.
    assert app.test_client().get(f"/v/{child['code']}").status_code == 200

    teacher = staff_client("teacher_a")
    html = teacher.get(f"/staff/people/{child['id']}/delete").get_data(as_text=True)
    response = teacher.post(
        f"/staff/people/{child['id']}/delete",
        data={"csrf_token": csrf_token(html), "confirm": " xóa "},
    )
    assert response.status_code == 303
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã xóa toàn bộ dữ liệu của người học này." in page
    assert CHILD in page  # back on the roster, not joined: the name is free again

    with app.app_context():
        assert counts_for(child["id"]) == dict.fromkeys(before, 0)
        assert counts_for(child["other"]) == other_before
        # Scans stay counted for the poster but no longer point at anyone.
        assert Scan.query.count() == scans
        assert db.session.get(RosterEntry, child["entry"]).participant_id is None
        event = AuditEvent.query.filter_by(action="person_deleted").one()
        assert event.target == f"participant {child['id']}"
        assert event.detail == {
            "certificates": 1,
            "answers": 8,
            "attempts": 2,
            "visits": 5,
            "survey_responses": 1,
            "consents": 1,
        }
        for e in AuditEvent.query.all():
            text = json.dumps([e.target, e.detail], ensure_ascii=False)
            assert CHILD not in text and child["serial"] not in text

    verify = app.test_client().get(f"/v/{child['code']}")
    assert verify.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in verify.get_data(as_text=True)
    # The child's phone is no longer recognised.
    assert child["client"].get("/lessons/an-toan").status_code == 302
    assert teacher.get(f"/staff/people/{child['id']}/export.json").status_code == 404


def test_another_teacher_cannot_delete(app, child, staff_client):
    teacher_b = staff_client("teacher_b")
    own = staff_client("teacher_a")
    html = own.get(f"/staff/people/{child['id']}/delete").get_data(as_text=True)
    token = csrf_token(teacher_b.get("/staff/").get_data(as_text=True))
    response = teacher_b.post(
        f"/staff/people/{child['id']}/delete", data={"csrf_token": token, "confirm": "XÓA"}
    )
    assert response.status_code == 403
    assert html  # the page exists for the right teacher
    with app.app_context():
        assert counts_for(child["id"])["participant"] == 1


# --- flask purge-expired -----------------------------------------------------------------------


def _age(app, participant_id: int, days: int, seen: bool = True) -> None:
    """Move a participant's attempts, visits, scans (and last visit if `seen`) back."""
    then = utcnow() - dt.timedelta(days=days)
    with app.app_context():
        db.session.execute(
            db.update(Attempt)
            .where(Attempt.participant_id == participant_id)
            .values(submitted_at=then)
        )
        db.session.execute(
            db.update(Visit).where(Visit.participant_id == participant_id).values(visited_at=then)
        )
        db.session.execute(
            db.update(Scan).where(Scan.participant_id == participant_id).values(scanned_at=then)
        )
        db.session.execute(
            db.update(Certificate)
            .where(Certificate.participant_id == participant_id)
            .values(issued_at=then)
        )
        if seen:
            db.session.execute(
                db.update(Participant)
                .where(Participant.id == participant_id)
                .values(last_seen_at=then, created_at=then)
            )
        database.commit()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_purge_expired_deletes_old_data_and_keeps_newer(app, child, runner):
    _age(app, child["id"], 40)
    with app.app_context():
        other_before = counts_for(child["other"])
    result = runner.invoke(args=["purge-expired", "--days", "30", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Deleted:" in result.output
    with app.app_context():
        assert counts_for(child["id"]) == dict.fromkeys(other_before, 0)
        assert counts_for(child["other"]) == other_before
        assert Scan.query.count() == 0  # the only scan was 40 days old
        assert db.session.get(RosterEntry, child["entry"]).participant_id is None
        event = AuditEvent.query.filter_by(action="purge_expired").one()
        assert event.detail["participants"] == 1 and event.detail["attempts"] == 2
        assert CHILD not in json.dumps([event.target, event.detail], ensure_ascii=False)
    assert app.test_client().get(f"/v/{child['code']}").status_code == 404


def test_purge_keeps_a_recent_learner_but_drops_their_old_attempts(app, child, runner):
    """Seen yesterday, but the attempts were 40 days ago: the attempts go, the person stays."""
    _age(app, child["id"], 40, seen=False)
    result = runner.invoke(args=["purge-expired", "--days", "30", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        left = counts_for(child["id"])
        assert left["participant"] == 1 and left["consents"] == 1
        assert left["attempts"] == 0 and left["answers"] == 0 and left["visits"] == 0
        assert left["certificates"] == 0


def test_purge_with_the_default_retention_keeps_forty_day_old_data(app, child, runner):
    _age(app, child["id"], 40)
    assert app.config["RETENTION_DAYS"] >= 3 * 365
    result = runner.invoke(args=["purge-expired", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert counts_for(child["id"])["attempts"] == 2


def test_purge_asks_before_deleting(app, child, runner):
    _age(app, child["id"], 40)
    result = runner.invoke(args=["purge-expired", "--days", "30"], input="n\n")
    assert result.exit_code != 0
    with app.app_context():
        assert counts_for(child["id"])["attempts"] == 2
        assert AuditEvent.query.filter_by(action="purge_expired").count() == 0


def test_purge_prints_counts(app, child, runner):
    _age(app, child["id"], 40)
    output = runner.invoke(args=["purge-expired", "--days", "30", "--yes"]).output
    numbers = dict(re.findall(r"(\w+) (\d+)", output.split("Deleted:", 1)[1]))
    assert numbers["attempts"] == "2" and numbers["participants"] == "1"


def test_the_admin_can_export_and_delete_a_person_without_a_unit(
    app, staff, staff_client, participant_in_db
):
    """A data request can come from anyone: the admin (who sees everything) can answer it."""
    pid, _token = participant_in_db("Người Không Đơn Vị", unit=None)
    admin = staff_client("admin")
    assert admin.get(f"/staff/people/{pid}/export.json").status_code == 200
    page = admin.get(f"/staff/people/{pid}/delete")
    assert page.status_code == 200
    response = admin.post(
        f"/staff/people/{pid}/delete",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "confirm": "XÓA"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Participant, pid) is None
    # Teachers and officers still may not.
    assert staff_client("teacher_a").get(f"/staff/people/{pid}/export.json").status_code in (
        403,
        404,
    )


def test_purge_drops_old_survey_responses_named_and_anonymous(app, child, runner):
    with app.app_context():
        assert SurveyResponse.query.count() == 2
        db.session.execute(
            db.update(SurveyResponse).values(submitted_on=dt.date.today() - dt.timedelta(days=40))
        )
        database.commit()
    result = runner.invoke(args=["purge-expired", "--days", "30", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert SurveyResponse.query.count() == 0
        assert (
            AuditEvent.query.filter_by(action="purge_expired").one().detail["survey_responses"] == 2
        )
