"""A teacher corrects a pupil's name, removes a pupil or moves one to another class of theirs:
the roster entry and, when the pupil joined, their participant (attempts kept); only for the
teacher's own classes; every change in the audit log."""

import datetime as dt
import io
import re
import secrets

import pytest
from conftest import csrf_token

import database
from extensions import db
from models import Attempt, AuditEvent, Participant, Quiz, RosterEntry, StaffUser, Unit
from services.common.vocabulary import AUDIT_ACTION_LABELS, AUDIT_DETAIL_LABELS
from services.org.units import create_unit
from services.participation.attempts import Submission, submit_attempt

pytest_plugins = ["staff_fixtures"]

ROSTER = (
    "STT;Họ và tên;Ngày sinh\r\n"
    "1;Nguyễn Văn An;12/03/2013\r\n"
    "2;Lò Thị Bình;01/02/2013\r\n"
    "3;Nguyễn Văn An;05/11/2013\r\n"
)


@pytest.fixture
def teacher(app, staff, staff_client):
    return staff_client("teacher_a")


@pytest.fixture
def class_7b(app, staff) -> int:
    """A second class of teacher A, in the same school."""
    with app.app_context():
        school = db.session.get(Unit, staff.class_a).parent
        klass = create_unit("class", "Lớp 7B", school, target_population=30)
        teacher = db.session.get(StaffUser, staff.teacher_a)
        teacher.classes.append(klass)
        database.commit()
        return klass.id


@pytest.fixture
def entries(app, staff, teacher) -> dict[tuple[str, int], int]:
    """Class 7A's roster imported by teacher A: (name, list number) → entry id."""
    page = teacher.get("/staff/").get_data(as_text=True)
    response = teacher.post(
        f"/staff/units/{staff.class_a}/roster",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(ROSTER.encode()), "ds.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        return {(e.name, e.list_number): e.id for e in RosterEntry.query.all()}


@pytest.fixture
def joined(app, staff, entries, content) -> int:
    """The second An (list number 3) joined and has one attempt; their participant id."""
    pupil = app.test_client()
    html = pupil.get(pupil.get(f"/c/{staff.class_a_code}").headers["Location"]).get_data(
        as_text=True
    )
    entry = entries[("Nguyễn Văn An", 3)]
    response = pupil.post(
        "/identify",
        data={
            "csrf_token": csrf_token(html),
            "roster_entry": str(entry),
            "list_number": "3",
            "age_band": "under16",
            "guardian_consent": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(RosterEntry, entry).participant
        _attempt_for(person)
        database.commit()
        return person.id


def _attempt_for(person: Participant) -> None:
    """One attempt at the fixture quiz, through the real service."""
    version = Quiz.query.filter_by(slug="an-toan").one().current_version
    answers = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}
    submit_attempt(Submission(person, version, answers, secrets.token_hex(16), None))


def post(client, url: str, **data):
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return AuditEvent.query.filter_by(action=action).all()


# --- the page ----------------------------------------------------------------------------------


def test_class_page_links_each_pupil_to_their_page(app, staff, teacher, entries):
    page = teacher.get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    for entry_id in entries.values():
        assert f'href="/staff/roster/{entry_id}"' in page


def test_pupil_page_shows_the_forms(app, staff, teacher, entries, class_7b):
    page = teacher.get(f"/staff/roster/{entries[('Lò Thị Bình', 2)]}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Lò Thị Bình"' in html and 'value="01/02/2013"' in html
    assert "Lớp 7B" in html  # a class to move to
    assert "Lớp 8B" not in html  # another teacher's class is not offered


# --- correct a name ----------------------------------------------------------------------------


def test_a_name_is_corrected_on_the_roster_and_on_the_joined_pupil(app, teacher, entries, joined):
    entry = entries[("Nguyễn Văn An", 3)]
    response = post(
        teacher, f"/staff/roster/{entry}", name="  Nguyễn  Văn Ân ", date_of_birth="05/11/2013"
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RosterEntry, entry).name == "Nguyễn Văn Ân"
        assert db.session.get(Participant, joined).display_name == "Nguyễn Văn Ân"
        assert Attempt.query.filter_by(participant_id=joined).count() == 1
    (event,) = events(app, "roster_entry_changed")
    assert event.detail == {
        "list_number": 3,
        "name_corrected": True,
        "birth_date_corrected": False,
        "joined": True,
    }
    assert "Nguyễn Văn An" not in str(event.detail)  # names stay out of the log's details


def test_a_date_of_birth_is_corrected_or_cleared(app, teacher, entries):
    entry = entries[("Lò Thị Bình", 2)]
    assert post(teacher, f"/staff/roster/{entry}", name="Lò Thị Bình", date_of_birth="2/1/2013")
    with app.app_context():
        assert db.session.get(RosterEntry, entry).date_of_birth == dt.date(2013, 1, 2)
    post(teacher, f"/staff/roster/{entry}", name="Lò Thị Bình", date_of_birth="")
    with app.app_context():
        assert db.session.get(RosterEntry, entry).date_of_birth is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "date_of_birth": ""}, "Nhập họ và tên."),
        ({"name": "A" * 81, "date_of_birth": ""}, "Họ tên dài quá 80 ký tự."),
        ({"name": "Lò Thị Bình", "date_of_birth": "31/02/2013"}, "Ngày sinh không hợp lệ"),
        (
            {"name": "Nguyễn Văn An", "date_of_birth": "12/03/2013"},
            "Lớp đã có một học sinh cùng họ tên và ngày sinh.",
        ),
    ],
    ids=["empty", "too long", "not a day", "same as another pupil"],
)
def test_bad_corrections_are_refused_in_vietnamese(app, teacher, entries, data, message):
    entry = entries[("Lò Thị Bình", 2)]
    response = post(teacher, f"/staff/roster/{entry}", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RosterEntry, entry).name == "Lò Thị Bình"
    assert events(app, "roster_entry_changed") == []


# --- move --------------------------------------------------------------------------------------


def test_a_joined_pupil_moves_with_their_attempts(app, staff, teacher, entries, joined, class_7b):
    entry = entries[("Nguyễn Văn An", 3)]
    response = post(teacher, f"/staff/roster/{entry}/move", unit_id=str(class_7b))
    assert response.status_code == 303
    with app.app_context():
        moved = db.session.get(RosterEntry, entry)
        assert moved.unit_id == class_7b and moved.list_number == 1  # first on 7B's list
        assert db.session.get(Participant, joined).unit_id == class_7b
        assert Attempt.query.filter_by(participant_id=joined).count() == 1
    (event,) = events(app, "roster_entry_moved")
    assert event.detail == {"from_class": "Lớp 7A", "to_class": "Lớp 7B", "joined": True}
    page = teacher.get(f"/staff/units/{class_7b}").get_data(as_text=True)
    assert "Nguyễn Văn An" in page


def test_moving_to_another_teachers_class_is_refused(app, staff, teacher, entries):
    entry = entries[("Lò Thị Bình", 2)]
    response = post(teacher, f"/staff/roster/{entry}/move", unit_id=str(staff.class_b))
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(RosterEntry, entry).unit_id == staff.class_a


@pytest.mark.parametrize("target", ["", "abc", "987654", "same", "village"])
def test_moving_nowhere_sensible_is_refused(app, staff, teacher, entries, target):
    entry = entries[("Lò Thị Bình", 2)]
    unit_id = {"same": str(staff.class_a), "village": str(staff.village)}.get(target, target)
    response = post(teacher, f"/staff/roster/{entry}/move", unit_id=unit_id)
    assert response.status_code in (400, 403)
    if response.status_code == 400:
        assert "Chọn lớp" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RosterEntry, entry).unit_id == staff.class_a


# --- remove ------------------------------------------------------------------------------------


def test_removing_a_joined_pupil_keeps_their_attempts(app, staff, teacher, entries, joined):
    entry = entries[("Nguyễn Văn An", 3)]
    response = post(teacher, f"/staff/roster/{entry}/remove", confirm="y")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(RosterEntry, entry) is None
        person = db.session.get(Participant, joined)
        assert person.unit_id == db.session.get(Unit, staff.class_a).parent_id  # the school
        assert Attempt.query.filter_by(participant_id=joined).count() == 1
    (event,) = events(app, "roster_entry_removed")
    assert event.detail == {"list_number": 3, "joined": True}


def test_removing_needs_the_confirmation(app, teacher, entries):
    entry = entries[("Lò Thị Bình", 2)]
    assert post(teacher, f"/staff/roster/{entry}/remove").status_code == 400
    with app.app_context():
        assert db.session.get(RosterEntry, entry) is not None


# --- another teacher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("GET", "", {}),
        ("POST", "", {"name": "Kẻ Lạ", "date_of_birth": ""}),
        ("POST", "/move", {"unit_id": "0"}),
        ("POST", "/remove", {"confirm": "y"}),
    ],
    ids=["page", "rename", "move", "remove"],
)
def test_another_teacher_is_refused(
    app, staff, staff_client, entries, class_7b, method, suffix, data
):
    other = staff_client("teacher_b")
    entry = entries[("Lò Thị Bình", 2)]
    url = f"/staff/roster/{entry}{suffix}"
    if method == "POST" and suffix == "/move":
        data = {"unit_id": str(staff.class_b)}
    response = other.get(url) if method == "GET" else post(other, url, **data)
    assert response.status_code == 403
    assert "Lò Thị Bình" not in response.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(RosterEntry, entry)
        assert (kept.name, kept.unit_id) == ("Lò Thị Bình", staff.class_a)
    for action in ("roster_entry_changed", "roster_entry_moved", "roster_entry_removed"):
        assert events(app, action) == []


def test_an_officer_is_refused(app, staff_client, entries):
    officer = staff_client("officer")
    assert officer.get(f"/staff/roster/{entries[('Lò Thị Bình', 2)]}").status_code == 403


def test_a_missing_pupil_is_not_found(teacher, entries):
    assert teacher.get("/staff/roster/987654").status_code == 404


def test_new_audit_actions_and_details_have_vietnamese_labels():
    for action in ("roster_entry_changed", "roster_entry_moved", "roster_entry_removed"):
        assert action in AUDIT_ACTION_LABELS
    for key in (
        "name_corrected",
        "birth_date_corrected",
        "from_class",
        "to_class",
        "joined",
        "list_number",
    ):
        assert key in AUDIT_DETAIL_LABELS


def test_the_audit_log_reads_in_vietnamese(app, staff, staff_client, teacher, entries, class_7b):
    post(teacher, f"/staff/roster/{entries[('Lò Thị Bình', 2)]}/move", unit_id=str(class_7b))
    admin = staff_client("admin")
    page = admin.get("/staff/admin/audit").get_data(as_text=True)
    assert "Chuyển học sinh sang lớp khác" in page
    shown = re.sub(r'value="[^"]*"', "", page)  # the action filter's option values are codes
    assert "roster_entry_moved" not in shown
    assert "Từ lớp: Lớp 7A; Sang lớp: Lớp 7B" in page


def test_a_data_request_export_carries_the_date_of_birth(app, teacher, joined):
    data = teacher.get(f"/staff/people/{joined}/export.json").get_json()
    assert data["roster_entries"][0]["date_of_birth"] == "2013-11-05"
