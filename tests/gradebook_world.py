"""The class of the gradebook tests (tests/test_gradebook.py, tests/test_e2e_gradebook.py):
class 7A with a roster of three, two of them joined, one pupil who joined without the roster,
their attempts, and a pupil of class 8B who must never show in 7A's gradebook."""

import secrets

from helpers import ALL_RIGHT, HALF_RIGHT

import database
from extensions import db
from models import Attempt, Participant, Quiz, RosterEntry, Unit
from services.org import roster
from services.participation import attempts as participation
from services.participation.identity import NewIdentity, create_participant

HONG = "Nguyễn Thị Ánh Hồng"  # on the roster, joined, passed an-toan (75%)
VIET = "Đặng Quốc Việt"  # on the roster, joined, an-toan 50%, gioi-han twice
SY = "Lò Văn Sỹ"  # on the roster, never joined
MAI = "Hà Thị Mai"  # joined without a roster entry, did nothing
HONG_ANSWERS = {**ALL_RIGHT, "otp": "c"}


def answers_of(raw: dict) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in raw.items()}


def attempt(person, slug: str, raw: dict) -> Attempt:
    quiz = Quiz.query.filter_by(slug=slug).one()
    made, _ = participation.submit_attempt(
        participation.Submission(
            person, quiz.current_version, answers_of(raw), secrets.token_hex(16), None
        )
    )
    return made


def build_class(app, staff) -> dict[str, int]:
    """Class 7A: a roster of three (two joined), one pupil who joined without the roster."""
    with app.app_context():
        unit = db.session.get(Unit, staff.class_a)
        roster.replace_roster(
            unit, [roster.RosterRow(i, name, None) for i, name in enumerate((HONG, VIET, SY), 1)]
        )
        ids = {}
        for name in (HONG, VIET, MAI):
            person, _ = create_participant(
                NewIdentity(name, "student", unit.id, "16-29", False), "test"
            )
            ids[name] = person.id
            entry = RosterEntry.query.filter_by(unit_id=unit.id, name=name).one_or_none()
            if entry is not None:
                roster.claim(entry.id, unit, person.id)
        people = {name: db.session.get(Participant, pid) for name, pid in ids.items()}
        attempt(people[HONG], "an-toan", HONG_ANSWERS)
        attempt(people[VIET], "an-toan", HALF_RIGHT)
        attempt(
            people[VIET], "gioi-han", {"q1": "false", "q2": "true", "q3": "false", "q4": "true"}
        )
        attempt(people[VIET], "gioi-han", {"q1": "true", "q2": "true", "q3": "true", "q4": "true"})
        # Someone in class 8B: never in 7A's gradebook.
        other, _ = create_participant(
            NewIdentity("Hoàng Văn Ngoài", "student", staff.class_b, "16-29", False), "test"
        )
        attempt(other, "an-toan", ALL_RIGHT)
        database.commit()
        return ids
