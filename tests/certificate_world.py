"""The certificates of the staff-page tests (tests/test_certificate_desk.py,
tests/test_e2e_certificate_desk.py): class 7A (teacher A) with three pupils who passed and one
who did not, class 8B (teacher B) with one, and one villager (the village officer's)."""

from gradebook_world import attempt
from helpers import ALL_RIGHT, HALF_RIGHT

import database
from extensions import db
from models import Certificate, Participant
from services.participation import certificates
from services.participation.identity import NewIdentity, create_participant

CLASS_A_PASSED = ("Nguyễn Thị Ánh Hồng", "Đặng Quốc Việt", "Lò Văn Sỹ")
CLASS_A_FAILED = "Hà Thị Mai"
CLASS_B_PASSED = "Hoàng Văn Ngoài"
VILLAGER = "Nông Thị Bản"
MISSPELT = "Lò Văn Sĩ"  # how Sỹ's name was first typed (corrected by the tests)


def _pass(name: str, unit_id: int, age: str, answers=ALL_RIGHT) -> int:
    person, _ = create_participant(NewIdentity(name, "student", unit_id, age, False), "test")
    made = attempt(person, "an-toan", answers)
    certificates.issue_when_signed(made, "HVT", "Asia/Ho_Chi_Minh")
    return person.id


def build(app, staff) -> dict[str, int]:
    """The world above; the participant id of each name."""
    with app.app_context():
        ids = {}
        for name in CLASS_A_PASSED:
            ids[name] = _pass(MISSPELT if name == "Lò Văn Sỹ" else name, staff.class_a, "16-29")
        ids[CLASS_A_FAILED] = _pass(CLASS_A_FAILED, staff.class_a, "16-29", HALF_RIGHT)
        ids[CLASS_B_PASSED] = _pass(CLASS_B_PASSED, staff.class_b, "16-29")
        ids[VILLAGER] = _pass(VILLAGER, staff.village, "30-44")
        database.commit()
        return ids


def certificate_of(app, participant_id: int, current: bool = True) -> dict:
    """A participant's (current) certificate as plain data."""
    with app.app_context():
        query = Certificate.query.filter_by(participant_id=participant_id)
        if current:
            query = query.filter(Certificate.replaced_by_id.is_(None))
        found = query.one()
        return {
            "id": found.id,
            "serial": found.serial,
            "code": found.verification_code,
            "holder": found.holder_name,
            "revoked": found.is_revoked,
            "replaced_by_id": found.replaced_by_id,
        }


def rename_participant(app, participant_id: int, name: str) -> None:
    """The name corrected on the roster (as roster.correct does to a pupil who joined)."""
    with app.app_context():
        db.session.get(Participant, participant_id).display_name = name
        database.commit()
