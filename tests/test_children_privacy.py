"""Children's names and data: the class link shows no full names and a roster name is claimed
with the pupil's number on the class list; unknown codes are throttled; erasing a person leaves
nothing that references or names them and the export holds everything; "Không phải tôi" ends
the learner's token on the server."""

import csv
import datetime as dt
import io
import json
import os

import pytest
import sqlalchemy as sa
from conftest import ROOT, csrf_token
from flask_migrate import downgrade, upgrade
from test_privacy import CHILD, OTHER, child  # noqa: F401 (the fixture)

import database
from app import create_app
from extensions import db
from models import Nomination, Participant, RosterEntry, Unit
from services.common.vocabulary import PERSON_DATA_LABELS
from services.org import roster
from services.org.roster import RosterRow
from services.org.units import CLASS_CODE_LENGTH

pytest_plugins = ["staff_fixtures"]

PUPILS = ["Nguyễn Thị Ánh", "Lò Văn Sỹ", "Đặng Quốc Việt"]
LIST_NUMBER_REVISION = "c4a1d2e3f5b6"
PREVIOUS_REVISION = "881f67e9c1c3"
NOW = dt.datetime(2026, 9, 5, 1, 0)


def join_page(client, code: str) -> str:
    return client.get(f"/c/{code}", follow_redirects=True).get_data(as_text=True)


@pytest.fixture
def pupils(app, places):
    """Class 7A with a roster of three pupils numbered 1, 2, 3; entry ids by name."""
    with app.app_context():
        klass = db.session.get(Unit, places["class"])
        roster.replace_roster(klass, [RosterRow(i + 2, n, None) for i, n in enumerate(PUPILS)])
        database.commit()
        return {e.name: e.id for e in RosterEntry.query.filter_by(unit_id=places["class"])}


def claim(client, html: str, entry_id: int, number: str | None):
    data = {"csrf_token": csrf_token(html), "roster_entry": str(entry_id), "age_band": "16-29"}
    if number is not None:
        data["list_number"] = number
    return client.post("/identify", data=data)


# --- 1. the roster on a class link -------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Nguyễn Thị Ánh", "Ánh N. T."),
        ("  Lò   Văn  Sỹ ", "Sỹ L. V."),
        ("Đặng Quốc Việt", "Việt Đ. Q."),
        ("Ánh", "Ánh"),
        ("nguyễn thị ánh hồng", "hồng N. T. Á."),
        ("", ""),
    ],
)
def test_short_name_keeps_the_given_name_and_initials(full, short):
    assert roster.short_name(full) == short


def test_colliding_short_names_get_a_hint_that_is_not_the_list_number():
    entries = [
        RosterEntry(id=1, name="Nguyễn Thị Ánh", list_number=7),
        RosterEntry(id=2, name="Lò Văn Sỹ", list_number=3),
        RosterEntry(id=3, name="Nông Thị Ánh", list_number=21),
    ]
    labels = dict(roster.choices(entries))
    assert labels[2] == "Sỹ L. V."
    assert {labels[1], labels[3]} == {"Ánh N. T. (1)", "Ánh N. T. (2)"}
    assert all("7" not in label and "21" not in label for label in labels.values())


def test_the_class_link_shows_no_full_names(app, client, pupils, places):
    html = join_page(client, places["class_code"])
    for name in PUPILS:
        assert name not in html
    assert "Ánh N. T." in html and "Sỹ L. V." in html and "Việt Đ. Q." in html


def test_a_roster_name_is_claimed_only_with_the_list_number(app, client, pupils, places):
    html = join_page(client, places["class_code"])
    entry = pupils["Lò Văn Sỹ"]
    missing = claim(client, html, entry, None)
    assert missing.status_code == 400
    assert "Vui lòng nhập số thứ tự của em trong danh sách lớp." in missing.get_data(as_text=True)
    wrong = claim(client, html, entry, "1")
    assert wrong.status_code == 400
    body = wrong.get_data(as_text=True)
    assert "Số thứ tự không khớp với tên đã chọn." in body
    assert "Lò Văn Sỹ" not in body
    with app.app_context():
        assert Participant.query.count() == 0
        assert db.session.get(RosterEntry, entry).participant_id is None
    assert claim(client, html, entry, "2").status_code == 303
    with app.app_context():
        person = Participant.query.one()
        assert person.display_name == "Lò Văn Sỹ"
        assert db.session.get(RosterEntry, entry).participant_id == person.id


def test_wrong_list_numbers_are_throttled(app, pupils, places):
    client = app.test_client()
    html = join_page(client, places["class_code"])
    entry = pupils["Nguyễn Thị Ánh"]
    statuses = [claim(client, html, entry, str(n)).status_code for n in range(2, 12)]
    assert statuses[:5] == [400] * 5
    assert statuses[-1] == 429
    # Even the right number waits now; nothing was claimed.
    late = claim(client, html, entry, "1")
    assert late.status_code == 429
    assert "Em đã nhập sai nhiều lần" in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RosterEntry, entry).participant_id is None


def test_a_roster_import_reads_the_list_number_or_numbers_rows_in_order():
    numbered = roster.parse("ds.csv", "STT,Họ và tên\r\n3,Lò Văn Sỹ\r\n1,Hà Thị Mai\r\n".encode())
    assert [(r.name, r.list_number) for r in numbered.rows] == [
        ("Lò Văn Sỹ", 3),
        ("Hà Thị Mai", 1),
    ]
    plain = roster.parse("ds.csv", "Họ và tên\r\nLò Văn Sỹ\r\nHà Thị Mai\r\n".encode())
    assert [(r.name, r.list_number) for r in plain.rows] == [("Lò Văn Sỹ", 1), ("Hà Thị Mai", 2)]
    code = roster.parse("ds.csv", "Mã học sinh,Họ và tên\r\nHS07,Lò Văn Sỹ\r\n".encode())
    assert [(r.student_number, r.list_number) for r in code.rows] == [("HS07", 1)]


def test_stored_list_numbers_follow_the_file(app, pupils):
    with app.app_context():
        assert {e.name: e.list_number for e in RosterEntry.query} == {
            "Nguyễn Thị Ánh": 1,
            "Lò Văn Sỹ": 2,
            "Đặng Quốc Việt": 3,
        }


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of its own (SQLite file, or a new PostgreSQL database)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.sqlite'}"
        return
    server = sa.make_url(url)
    name = "lantoa_list_number_migration"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_the_migration_numbers_existing_rosters_per_class_and_goes_back(fresh_database):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": fresh_database}
    )
    units = sa.table(
        "units", *map(sa.column, ("id", "kind", "name", "join_code", "is_sample", "created_at"))
    )
    entries = sa.table("roster_entries", *map(sa.column, ("id", "unit_id", "name")))
    with app.app_context():
        migrations = str(ROOT / "migrations")
        upgrade(directory=migrations, revision=PREVIOUS_REVISION)
        with db.engine.begin() as conn:
            for id_, name, code in [(1, "7A", "AAAAAA"), (2, "7B", "BBBBBB")]:
                conn.execute(
                    sa.insert(units).values(
                        id=id_,
                        kind="class",
                        name=name,
                        join_code=code,
                        is_sample=False,
                        created_at=NOW,
                    )
                )
            for id_, unit, name in [(5, 1, "C"), (3, 2, "X"), (4, 1, "A"), (9, 2, "Y")]:
                conn.execute(sa.insert(entries).values(id=id_, unit_id=unit, name=name))
        upgrade(directory=migrations, revision=LIST_NUMBER_REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, list_number FROM roster_entries ORDER BY id"))
            assert dict(rows.all()) == {3: 1, 4: 1, 5: 2, 9: 2}
        downgrade(directory=migrations, revision=PREVIOUS_REVISION)
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("roster_entries")}
            assert "list_number" not in columns
        db.engine.dispose()


# --- 2. guessing codes ---------------------------------------------------------------------


def test_unknown_codes_are_throttled_but_real_scans_are_not(app, make_poster, places):
    app.config["CODE_GUESS_RATE_LIMIT"] = "6 per minute"
    try:
        code = make_poster()
        client = app.test_client()
        for path in ("/p/ZZZZZZZ", "/c/ZZZZZZ"):
            statuses = [client.get(path).status_code for _ in range(3)]
            assert statuses == [404] * 3
        assert client.get("/c/YYYYYY").status_code == 429
        assert "quá nhanh" in client.get("/p/YYYYYYY").get_data(as_text=True)
        # Known codes are never counted, nor refused.
        for _ in range(10):
            assert client.get(f"/p/{code}").status_code == 302
            assert client.get(f"/c/{places['class_code']}").status_code == 302
    finally:
        app.config["CODE_GUESS_RATE_LIMIT"] = "120 per minute"


def test_the_default_guess_limit_lets_a_class_of_40_in():
    from config import Config

    count, _per, unit = Config.CODE_GUESS_RATE_LIMIT.split()
    assert int(count) >= 120 and unit == "minute"


def test_new_class_codes_carry_40_bits_and_old_six_character_codes_work(app, client, places):
    assert CLASS_CODE_LENGTH == 8  # 8 Crockford characters = 40 bits
    assert len(places["class_code"]) == 8
    with app.app_context():
        db.session.get(Unit, places["class"]).join_code = "ABC123"
        database.commit()
    assert client.get("/c/abc123").status_code == 302


# --- 3. erasure and export -----------------------------------------------------------------


def _person_tables() -> dict[str, list[tuple[str, sa.Table, str]]]:
    """Tables that point at participants, directly or through one hop:
    {table name: [(column pointing at participants or the hop, the hop table, its column)]}."""
    found: dict[str, list] = {}
    direct = set()
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "participants":
                found.setdefault(table.name, []).append((fk.parent.name, None, None))
                direct.add(table.name)
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in direct and table.name != "participants":
                found.setdefault(table.name, []).append(
                    (fk.parent.name, fk.column.table, fk.column.name)
                )
    return found


def _rows_about(conn, table_name: str, links, pid: int) -> int:
    table = db.metadata.tables[table_name]
    total = 0
    for column, hop, _hop_column in links:
        if hop is None:
            condition = table.c[column] == pid
        else:
            condition = table.c[column].in_(sa.select(hop.c.id).where(hop.c.participant_id == pid))
        total += conn.execute(sa.select(sa.func.count()).where(condition)).scalar()
    return total


@pytest.fixture
def nominated(app, child, staff):  # noqa: F811
    """The child nominated for commendation, the classmate too."""
    with app.app_context():
        for pid in (child["id"], child["other"]):
            db.session.add(
                Nomination(
                    period_key="2026-H2",
                    subject_kind="participant",
                    participant_id=pid,
                    reason=f"Em {CHILD if pid == child['id'] else OTHER} học tốt",
                )
            )
        database.commit()
    return child


def test_person_tables_are_the_known_ones(app):
    assert set(_person_tables()) == {
        "consents",
        "nominations",
        "roster_entries",
        "attempts",
        "scans",
        "survey_responses",
        "visits",
        "answers",
        "certificates",
        "survey_answers",
        "indicator_people",
    }


def test_erasing_a_nominated_person_leaves_nothing_about_them(app, nominated, staff_client):
    teacher = staff_client("teacher_a")
    pid = nominated["id"]
    html = teacher.get(f"/staff/people/{pid}/delete").get_data(as_text=True)
    response = teacher.post(
        f"/staff/people/{pid}/delete", data={"csrf_token": csrf_token(html), "confirm": "XÓA"}
    )
    assert response.status_code == 303
    with app.app_context(), db.engine.connect() as conn:
        for name, links in _person_tables().items():
            assert _rows_about(conn, name, links, pid) == 0, name
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM participants WHERE id = :p"), {"p": pid}
            ).scalar()
            == 0
        )
        # Nothing names her, except the school's own class list (unclaimed again).
        for table in db.metadata.sorted_tables:
            text_columns = [c for c in table.c if isinstance(c.type, sa.String | sa.Text)]
            for column in text_columns:
                hits = conn.execute(
                    sa.select(sa.func.count()).where(column.contains(CHILD))
                ).scalar()
                expected = 1 if (table.name, column.name) == ("roster_entries", "name") else 0
                assert hits == expected, f"{table.name}.{column.name}"
        # The classmate's nomination stays.
        assert Nomination.query.filter_by(participant_id=nominated["other"]).count() == 1
        event = json.dumps(
            [e.detail for e in db.session.execute(sa.text("SELECT detail FROM audit_events"))]
        )
        assert CHILD not in event


def _export(staff_client, pid: int, fmt: str):
    response = staff_client("teacher_a").get(f"/staff/people/{pid}/export.{fmt}")
    assert response.status_code == 200
    return response


def test_the_json_export_has_a_section_for_every_table_about_the_person(
    app, nominated, staff_client
):
    data = json.loads(_export(staff_client, nominated["id"], "json").get_data(as_text=True))
    for name in _person_tables():
        assert name in data, name
    assert data["scans"] and data["scans"][0]["poster"] == nominated["poster"]
    assert data["roster_entries"] == [
        {
            "class": "Lớp 7A",
            "name": CHILD,
            "student_number": "12",
            "list_number": 1,
            "date_of_birth": None,
        }
    ]
    assert [n["reason"] for n in data["nominations"]] == [f"Em {CHILD} học tốt"]
    assert len(data["answers"]) == 8 and len(data["survey_answers"]) == 3
    assert "token_hash" not in json.dumps(data)
    assert data["participant"]["token"]["issued_at"]
    assert OTHER not in json.dumps(data, ensure_ascii=False)


def test_the_csv_export_includes_every_kind(app, nominated, staff_client):
    body = _export(staff_client, nominated["id"], "csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    sections = {row[0] for row in rows[1:]}
    with app.test_request_context():
        named = {str(PERSON_DATA_LABELS[t]) for t in [*_person_tables(), "participant"]}
    assert named <= sections
    responses = [row[3] for row in rows if row[0] == "Phiếu khảo sát" and row[2] == "Khảo sát"]
    assert responses == ["y-kien"]
    assert "Hay" in body


# --- 4. "Không phải tôi" -------------------------------------------------------------------


def test_not_me_ends_the_old_token_on_the_server(app, client, identify, content):
    identify(client)
    cookie = client.get_cookie(app.config["PARTICIPANT_COOKIE"]).value
    assert client.get("/lessons/an-toan").status_code == 200
    page = client.get("/").get_data(as_text=True)
    response = client.post("/not-me", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    replay = app.test_client()
    replay.set_cookie(app.config["PARTICIPANT_COOKIE"], cookie)
    assert replay.get("/lessons/an-toan").status_code == 302  # not recognised: identify first
    with app.app_context():
        assert Participant.query.count() == 1  # the person's records stay, unreachable
