"""Certificate serials come from a counter per (prefix, year), never from a count: deleting a
holder (a parent's request, the retention purge) never blocks or repeats a later serial, and a
class passing at once gets one distinct serial each (issue 13)."""

import datetime as dt
import os
import queue
import threading
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from helpers import ALL_RIGHT, answer_form

import database
from app import create_app
from extensions import db
from models import Certificate, Participant, Quiz
from models.base import utcnow
from services.common.vietnamese import local_date
from services.content import loader as content_loader
from services.participation import certificates, privacy
from services.participation.attempts import Submission, submit_attempt
from services.participation.identity import NewIdentity, create_participant

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PREVIOUS_REVISION = "4e9e0956e20c"  # the head before certificate_serial_counters
OLD = 1000  # ids of the rows written at the previous revision (clear of the sequences)
CLASS_SIZE = 40
CONCURRENT = 16


def _serials(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Certificate.serial)))


def _stem(app) -> str:
    year = local_date(utcnow(), app.config["TIMEZONE"]).year  # the year certificates count in
    return f"{app.config['CERTIFICATE_SERIAL_PREFIX']}-{year}-"


def _learner(app, participant_in_db, name: str):
    """A test client carrying a participant's cookie, and the participant's id."""
    pid, token = participant_in_db(name)
    client = app.test_client()
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    return client, pid


def _quiz_form(client) -> dict:
    page = client.get("/quizzes/an-toan")
    assert page.status_code == 200
    return answer_form(page.get_data(as_text=True), ALL_RIGHT)


def _pass(client) -> None:
    response = client.post("/quizzes/an-toan", data=_quiz_form(client))
    assert response.status_code == 303, response.status_code


def _serial_of(app, pid: int) -> str:
    with app.app_context():
        return Certificate.query.filter_by(participant_id=pid).one().serial


def _erase(app, pid: int) -> None:
    """What the staff page does on a parent's request."""
    with app.app_context():
        privacy.delete_participant(db.session.get(Participant, pid))
        database.commit()


def _purge(app, pid: int) -> None:
    """The retention purge, for a participant not seen for a year."""
    with app.app_context():
        person = db.session.get(Participant, pid)
        person.last_seen_at = utcnow() - dt.timedelta(days=365)
        database.commit()
        counts = privacy.purge_expired(utcnow() - dt.timedelta(days=30))
        database.commit()
        assert counts["participants"] == 1 and counts["certificates"] == 1


@pytest.mark.parametrize("remove", [_erase, _purge], ids=["erased", "purged"])
@pytest.mark.parametrize("which", [0, 1], ids=["first-holder", "last-holder"])
def test_a_pass_after_a_holder_is_deleted_gets_a_new_serial(
    app, content, participant_in_db, remove, which
):
    learners = [_learner(app, participant_in_db, f"Người học {n}") for n in range(3)]
    for client, _pid in learners[:2]:
        _pass(client)
    issued = [_serial_of(app, pid) for _client, pid in learners[:2]]
    stem = _stem(app)
    assert issued == [f"{stem}000001", f"{stem}000002"]

    remove(app, learners[which][1])
    third_client, third = learners[2]
    _pass(third_client)

    serial = _serial_of(app, third)
    assert serial == f"{stem}000003"  # neither the survivor's nor the deleted one's
    assert serial not in issued
    assert len(_serials(app)) == 2


def test_serials_continue_after_a_pass_deleted_and_another_issued(app, content, participant_in_db):
    """Deleting repeatedly never makes the counter go down."""
    stem = _stem(app)
    seen = []
    for n in range(4):
        client, pid = _learner(app, participant_in_db, f"Học viên {n}")
        _pass(client)
        seen.append(_serial_of(app, pid))
        _erase(app, pid)
    assert seen == [f"{stem}{n:06d}" for n in range(1, 5)]
    assert _serials(app) == []


def _class_of(app, participant_in_db, size: int) -> list[tuple]:
    """`size` learners, each with the quiz form already open (client, participant id, form)."""
    learners = []
    for n in range(size):
        client, pid = _learner(app, participant_in_db, f"Học sinh {n:02d}")
        learners.append((client, pid, _quiz_form(client)))
    return learners


def _submit_together(learners: list[tuple], workers: int) -> tuple[list, list]:
    """POST every learner's form from `workers` threads, all released at the same moment."""
    jobs = queue.Queue()
    for learner in learners:
        jobs.put(learner)
    barrier = threading.Barrier(workers)
    statuses, errors = [], []

    def work():
        barrier.wait(timeout=30)
        while True:
            try:
                client, _pid, form = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                statuses.append(client.post("/quizzes/an-toan", data=form).status_code)
            except BaseException as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a submit never finished"
    return statuses, errors


def test_a_class_of_40_passing_at_once_gets_40_distinct_serials(app, content, participant_in_db):
    learners = _class_of(app, participant_in_db, CLASS_SIZE)
    statuses, errors = _submit_together(learners, CONCURRENT)
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:2]}"
    assert Counter(statuses) == {303: CLASS_SIZE}
    serials = _serials(app)
    assert len(serials) == CLASS_SIZE
    stem = _stem(app)
    assert serials == [f"{stem}{n:06d}" for n in range(1, CLASS_SIZE + 1)]
    with app.app_context():
        holders = set(db.session.scalars(sa.select(Certificate.participant_id)))
    assert holders == {pid for _client, pid, _form in learners}


# --- the migration -----------------------------------------------------------------------------


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of its own: a SQLite file, or a new PostgreSQL database beside the
    test one when TEST_DATABASE_URL is set."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.sqlite'}"
        return
    server = sa.make_url(url)
    name = "lantoa_serials_migration"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _old_certificates(conn, serials: list[str]) -> None:
    """Certificates as the previous revision stored them (raw rows: that schema is fixed)."""
    now = dt.datetime(2026, 5, 4, 3, 0)
    quiz = sa.table(
        "quizzes",
        *map(sa.column, ("id", "slug", "title", "position")),
        sa.column("training_for", sa.JSON),
    )
    conn.execute(
        sa.insert(quiz).values(id=OLD, slug="cu", title="Bài cũ", position=1, training_for=[])
    )
    version = sa.table(
        "quiz_versions",
        *map(sa.column, ("id", "quiz_id", "number", "content_hash", "pass_mark", "max_attempts")),
        sa.column("definition", sa.JSON),
        sa.column("created_at", sa.DateTime),
    )
    conn.execute(
        sa.insert(version).values(
            id=OLD,
            quiz_id=OLD,
            number=1,
            content_hash="0" * 64,
            pass_mark=80,
            max_attempts=0,
            definition={"questions": []},
            created_at=now,
        )
    )
    for n, serial in enumerate(serials, start=OLD):
        _old_holder(conn, n, serial, now)


def _old_holder(conn, n: int, serial: str, now: dt.datetime) -> None:
    person = sa.table(
        "participants",
        *map(sa.column, ("id", "token_hash", "display_name", "role", "age_band")),
        sa.column("created_at", sa.DateTime),
        sa.column("last_seen_at", sa.DateTime),
    )
    attempt = sa.table(
        "attempts",
        *map(sa.column, ("id", "public_id", "participant_id", "quiz_id", "quiz_version_id")),
        *map(sa.column, ("number", "submission_token", "correct_count", "question_count")),
        sa.column("score_percent"),
        sa.column("passed", sa.Boolean),
        sa.column("submitted_at", sa.DateTime),
    )
    certificate = sa.table(
        "certificates",
        *map(sa.column, ("id", "serial", "verification_code", "participant_id", "quiz_id")),
        *map(sa.column, ("attempt_id", "holder_name", "achievement", "score_percent")),
        sa.column("holder_is_minor", sa.Boolean),
        sa.column("issued_at", sa.DateTime),
    )
    conn.execute(
        sa.insert(person).values(
            id=n,
            token_hash=f"{n:064d}",
            display_name=f"Người {n}",
            role="villager",
            age_band="30-44",
            created_at=now,
            last_seen_at=now,
        )
    )
    conn.execute(
        sa.insert(attempt).values(
            id=n,
            public_id=f"old{n}",
            participant_id=n,
            quiz_id=OLD,
            quiz_version_id=OLD,
            number=1,
            submission_token=f"tok{n}",
            correct_count=4,
            question_count=4,
            score_percent=100,
            passed=True,
            submitted_at=now,
        )
    )
    conn.execute(
        sa.insert(certificate).values(
            id=n,
            serial=serial,
            verification_code=f"CODE{n:08d}",
            participant_id=n,
            quiz_id=OLD,
            attempt_id=n,
            holder_name=f"Người {n}",
            holder_is_minor=False,
            achievement="Bài cũ",
            score_percent=100,
            issued_at=now,
        )
    )


def _pass_at_head(app, name: str, when: dt.datetime) -> str:
    """A new learner passes the fixture quiz `an-toan` (answered at `when`); their serial."""
    with app.app_context():
        person, _token = create_participant(
            NewIdentity(name, "villager", None, "30-44", False), "test"
        )
        version = Quiz.query.filter_by(slug="an-toan").one().current_version
        attempt, _created = submit_attempt(
            Submission(person, version, {k: list(v) for k, v in ANSWERS.items()}, name, None, when)
        )
        certificate = certificates.issue_for_attempt(attempt, "HVT", app.config["TIMEZONE"])
        database.commit()
        return certificate.serial


ANSWERS = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "ung-dung": ["a"]}


def test_migration_continues_after_the_highest_existing_serial(fresh_database):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": fresh_database,
            "CONTENT_DIR": str(FIXTURE_CONTENT),
        }
    )
    old = ["HVT-2026-000001", "HVT-2026-000002", "HVT-2026-000003", "HVT-2025-000057"]
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision=PREVIOUS_REVISION)
        with db.engine.begin() as conn:
            _old_certificates(conn, old)
        upgrade(directory=str(ROOT / "migrations"))
        content_loader.load(FIXTURE_CONTENT)
        database.commit()
        db.session.remove()
    assert _pass_at_head(app, "Người mới", dt.datetime(2026, 6, 1, 3, 0)) == "HVT-2026-000004"
    assert _pass_at_head(app, "Người cũ", dt.datetime(2025, 6, 1, 3, 0)) == "HVT-2025-000058"
    assert _pass_at_head(app, "Người sau", dt.datetime(2027, 6, 1, 3, 0)) == "HVT-2027-000001"
    with app.app_context():
        db.engine.dispose()
