"""Every migration works on a database that holds data, on SQLite and on PostgreSQL.

For each revision in migrations/versions (walked from the script directory, so a new
migration is covered without touching this file): a fresh database at that revision, filled
with linked rows through its own schema, is upgraded to head and downgraded one step; every
row must still be there. A migration that fails midway leaves the database at the revision
before it, and runs again once its cause is gone.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, exc, func, inspect, make_url, select, text

from app import create_app
from extensions import db
from services.org.settings import commune_settings
from tests.migration_rows import data_tables, fill, stored_texts, text_columns

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SCRIPTS = ScriptDirectory(str(MIGRATIONS))
HEAD = SCRIPTS.get_current_head()
REVISIONS = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]
PREVIOUS = {script.revision: script.down_revision for script in SCRIPTS.walk_revisions()}
PG_DATABASE = "lantoa_migrations"


@pytest.fixture(autouse=True)
def _clean_database():
    """This module brings its own database; the session one is left alone."""
    yield


def _database_url(tmp_path_factory) -> str:
    """A temp SQLite file, or a database of its own on TEST_DATABASE_URL's server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'migrations.sqlite'}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
        ).first()
        if not found:
            conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    server.dispose()
    return make_url(url).set(database=PG_DATABASE).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def migrating_app(tmp_path_factory):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        }
    )


@pytest.fixture
def empty(migrating_app):
    """An app context on an empty database."""
    with migrating_app.app_context():
        _drop_everything()
        yield
        db.session.remove()
        db.engine.dispose()


def _drop_everything() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        return
    db.engine.dispose()
    path = db.engine.url.database
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def _current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _filled_at(revision: str, directory: Path = MIGRATIONS) -> dict[str, list[dict]]:
    upgrade(directory=str(directory), revision=revision)
    with db.engine.begin() as conn:
        return fill(conn)


# Rows a migration adds by design: the province unit above the communes (318af2679c22).
ADDED_BY_MIGRATIONS = {"units": "kind = 'province'"}


def _assert_rows_kept(filled: dict[str, list[dict]]) -> None:
    """Every table still present holds its rows with their texts; nothing is left half-done."""
    with db.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        assert [name for name in names if name.startswith("_alembic_tmp_")] == []
        for table in data_tables(conn):
            rows = filled.get(table.name)
            if rows is None:
                continue
            added = ADDED_BY_MIGRATIONS.get(table.name)
            kept = select(func.count()).select_from(table)
            if added is not None:
                kept = kept.where(text(f"NOT ({added})"))
            assert conn.scalar(kept) == len(rows), table.name
            columns = [name for name in text_columns(table) if name in rows[0]]
            expected = {tuple(row[name] for name in columns) for row in rows}
            if columns:
                stored = stored_texts(conn, table, columns, without=added)
                assert stored == expected, table.name
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_to_head_keeps_every_row(empty, revision):
    filled = _filled_at(revision)

    upgrade(directory=str(MIGRATIONS), revision="head")

    assert _current_revision() == HEAD
    _assert_rows_kept(filled)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_one_step_keeps_the_rows_of_kept_tables(empty, revision):
    filled = _filled_at(revision)

    downgrade(directory=str(MIGRATIONS), revision=PREVIOUS[revision] or "base")

    assert _current_revision() == PREVIOUS[revision]
    _assert_rows_kept(filled)


PROBE = '''"""{doc}"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
'''

CREATE_PROBE = (
    '    op.create_table("migration_probe", sa.Column("id", sa.Integer, primary_key=True))'
)
ADD_MOTTO = """    op.create_table("migration_probe_two", sa.Column("id", sa.Integer))
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("units", recreate=recreate) as batch_op:
        batch_op.add_column(sa.Column("motto", sa.String(80), nullable=False{default}))"""


def _scripts_with(tmp_path: Path, *probes: tuple[str, str]) -> Path:
    """A copy of the migrations with probe revisions appended after head."""
    directory = tmp_path / "migrations"
    if not directory.exists():
        shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    down = HEAD
    for revision, body in probes:
        source = PROBE.format(doc=revision, revision=revision, down=down, body=body)
        (directory / "versions" / f"{revision}.py").write_text(source, encoding="utf-8")
        down = revision
    return directory


def test_a_failed_migration_leaves_the_revision_before_it_and_runs_again(empty, tmp_path):
    failing = ADD_MOTTO.format(default="")
    directory = _scripts_with(tmp_path, ("probe_one", CREATE_PROBE), ("probe_two", failing))
    filled = _filled_at(HEAD, directory)

    with pytest.raises(exc.IntegrityError):
        upgrade(directory=str(directory), revision="head")

    assert _current_revision() == "probe_one"
    names = inspect(db.engine).get_table_names()
    assert "migration_probe" in names and "migration_probe_two" not in names
    assert "motto" not in {c["name"] for c in inspect(db.engine).get_columns("units")}
    _assert_rows_kept(filled)

    fixed = ADD_MOTTO.format(default=', server_default="Đoàn kết"')
    directory = _scripts_with(tmp_path, ("probe_one", CREATE_PROBE), ("probe_two", fixed))
    upgrade(directory=str(directory), revision="head")

    assert _current_revision() == "probe_two"
    with db.engine.connect() as conn:
        mottos = conn.execute(text("SELECT DISTINCT motto FROM units")).scalars().all()
    assert mottos == ["Đoàn kết"]
    _assert_rows_kept(filled)


def test_a_migration_that_orphans_rows_is_rolled_back(empty, tmp_path):
    orphaning = '    op.execute("DELETE FROM units")'
    directory = _scripts_with(tmp_path, ("probe_orphans", orphaning))
    filled = _filled_at(HEAD, directory)

    with pytest.raises((SystemExit, exc.IntegrityError)):
        upgrade(directory=str(directory), revision="head")

    assert _current_revision() == HEAD
    _assert_rows_kept(filled)


def test_survey_posters_and_their_scans_go_on_downgrade_before_surveys(empty):
    """db235c0291c9 added survey posters; its downgrade removes them and what points at them."""
    filled = _filled_at("db235c0291c9")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE posters SET lesson_id = NULL, survey_id = 1 WHERE id = 1"))
        conn.execute(text("UPDATE attempts SET poster_id = 1"))

    downgrade(directory=str(MIGRATIONS), revision="3977e2817c61")

    assert _current_revision() == "3977e2817c61"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM posters ORDER BY id")).scalars().all() == [2, 3]
        assert conn.execute(text("SELECT poster_id FROM scans")).scalars().all() == [2, 3]
        assert conn.execute(text("SELECT DISTINCT poster_id FROM attempts")).all() == [(None,)]
    filled["posters"] = filled["posters"][1:]
    filled["scans"] = filled["scans"][1:]
    _assert_rows_kept(filled)


# This session's migrations, one step each from a database filled at the revision before:
# the rows are kept and the new column is filled for every old row (or the new table is there).
NEW_MIGRATIONS = {
    "59b7b8356b64": ("certificate_serial_counters", None),  # counters seeded from serials
    "881f67e9c1c3": ("login_failures", None),
    "c4a1d2e3f5b6": ("roster_entries", "list_number"),
    "d7e2f1a9b3c4": ("visits", "counts_reach"),
    "d7e2f4a6b8c1": ("half_year_reports", "signer_capacity"),
    "e5c3a9d2b7f4": ("office_settings", None),
    "f1b2c3d4e5a6": ("targets", "quiz_ids"),
    "a3f5c7e9b1d2": ("staff_users", "must_change_password"),
    "a7c3e9f1b2d4": ("targets", "course_ids"),  # and courses, course items, course certificates
    "b7d4e2a9c6f1": ("lessons", "audio_credits"),
    "c1d5e7f9a3b4": ("roster_entries", None),  # date_of_birth: NULL on old rows, by design
    "b6e1c9d3f7a2": ("posters", "scans_after_retirement"),
    "b7e3c9a1d5f2": ("assignments", None),
    "23ea18d2fae4": ("activity_evidence", None),  # a new table: old activities keep theirs
    "b447532b1e00": ("certificates", None),  # replaced_by_id: NULL (current) on old rows
    "8ec1c93f8d4a": ("jobs", None),  # background jobs: a new table
    "318af2679c22": ("communes", None),  # a province above the communes; units.commune_id
    "c6a66486bb61": ("participants", "commune_id"),  # and the 15 other tenant tables
    "b4e5a9512a0d": ("attempts", "commune_id"),  # NOT NULL, composite keys: rows rebuilt, kept
    "eb6e6877203f": ("indicator_people", None),  # backfilled: checked in test_indicator_store
    "c8f3a1d6e2b9": ("staff_users", "role"),  # the province's roles: the table recreated
    "8db259557d56": ("half_year_submissions", None),  # a new table: no old row changes
    "c2f8a4d6e1b3": ("office_settings", "unit_id"),  # the saved settings: the default commune's
    "c9f4a2e6d8b1": ("lessons", None),  # commune_id, origin_id: NULL (province-wide) on old rows
}


@pytest.mark.parametrize("revision", sorted(NEW_MIGRATIONS))
def test_each_new_migration_upgrades_a_filled_database(empty, revision):
    table_name, column = NEW_MIGRATIONS[revision]
    filled = _filled_at(PREVIOUS[revision])

    upgrade(directory=str(MIGRATIONS), revision=revision)

    assert _current_revision() == revision
    _assert_rows_kept(filled)
    with db.engine.connect() as conn:
        assert table_name in inspect(conn).get_table_names()
        if column is not None:
            assert filled.get(table_name), f"the filler wrote no {table_name} rows"
            values = conn.execute(text(f"SELECT {column} FROM {table_name}")).scalars().all()  # noqa: S608
            assert len(values) == len(filled[table_name])
            assert None not in values, f"{table_name}.{column} left empty on old rows"


def _course_certificate(conn, number: int, **values) -> None:
    row = {
        "id": 100 + number,  # the filler gave ids itself: PostgreSQL's sequence is still at 1
        "serial": f"HVT-2026-9{number:05d}",
        "verification_code": f"KHOA{number:08d}",
        "participant_id": 1,
        "quiz_id": None,
        "course_id": 1,
        "attempt_id": 1,
        "holder_name": "Lò Thị Khóa",
        "holder_is_minor": False,
        "achievement": "Khóa học thử",
        "score_percent": 90,
        "issued_at": dt.datetime(2026, 12, 1, 8, 0),
    }
    row.update(values)
    columns = ", ".join(row)
    params = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO certificates ({columns}) VALUES ({params})"), row)  # noqa: S608


def test_courses_migration_keeps_quiz_certificates_and_allows_one_course_certificate(empty):
    """a7c3e9f1b2d4: a certificate holding data keeps its quiz; afterwards a certificate is
    for a quiz or a course (exactly one), once per participant and course."""
    filled = _filled_at("f1b2c3d4e5a6")

    upgrade(directory=str(MIGRATIONS), revision="a7c3e9f1b2d4")

    _assert_rows_kept(filled)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO courses (id, slug, title, summary, audience, translations, position,"
                " content_hash, updated_at) VALUES (1, 'khoa-thu', 'Khóa học thử', 'Tóm tắt',"
                " '[]', '{}', 1, 'h', '2026-12-01 08:00:00')"
            )
        )
        kept = conn.execute(text("SELECT quiz_id, course_id FROM certificates ORDER BY id"))
        assert [tuple(row) for row in kept] == [(1, None), (2, None), (3, None)]
    with db.engine.begin() as conn:
        _course_certificate(conn, 1)
    for number, values in ((2, {}), (3, {"quiz_id": 1}), (4, {"course_id": None})):
        with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:
            _course_certificate(conn, number, **values)
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM certificates WHERE course_id = 1")) == 1


def test_reissue_migration_keeps_one_current_certificate_and_its_downgrade_drops_replaced(empty):
    """b447532b1e00: a second certificate for the same person and quiz is refused unless the
    first is replaced; going back, a replaced certificate with a successor goes."""
    _filled_at("b447532b1e00")
    quiz_row = {"quiz_id": 1, "course_id": None, "participant_id": 1}
    with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:
        _course_certificate(conn, 5, **quiz_row)
    with db.engine.begin() as conn:  # as the re-issue does it: the old one stops being current
        conn.execute(text("UPDATE certificates SET replaced_by_id = NULL"))
        conn.execute(text("UPDATE certificates SET replaced_by_id = 1 WHERE id = 1"))
        _course_certificate(conn, 6, **quiz_row)
        conn.execute(text("UPDATE certificates SET replaced_by_id = 106 WHERE id = 1"))

    downgrade(directory=str(MIGRATIONS), revision="b7e3c9a1d5f2")

    with db.engine.connect() as conn:
        kept = conn.execute(text("SELECT id FROM certificates ORDER BY id")).scalars().all()
    assert kept == [2, 3, 106]


TENANT_TABLES = (
    "participants",
    "visits",
    "attempts",
    "scans",
    "posters",
    "survey_responses",
    "certificates",
    "roster_entries",
    "assignments",
    "activities",
    "nominations",
    "staff_users",
    "audit_events",
    "half_year_reports",
    "targets",
    "science_tasks",
)


def _one_commune_at(revision: str) -> None:
    """A commune's database as it was: xã Hoàng Văn Thụ with a school and a class (the filler's
    three units, given their kinds), a village added, people, attempts and certificates of
    the filler, its serials HVT-…, and the office's names saved."""
    _filled_at(revision)
    with db.engine.begin() as conn:
        for unit_id, kind, name in (
            (1, "commune", "xã Hoàng Văn Thụ"),
            (2, "school", "Trường THCS Hoàng Văn Thụ"),
            (3, "class", "Lớp 7A"),
        ):
            conn.execute(
                text("UPDATE units SET kind = :kind, name = :name WHERE id = :id"),
                {"kind": kind, "name": name, "id": unit_id},
            )
        conn.execute(
            text(
                "INSERT INTO units (id, parent_id, kind, name, is_sample, created_at)"
                " VALUES (4, 1, 'village', 'Thôn Nà Pàn', false, '2026-03-01 08:00:00')"
            )
        )
        for number in (1, 2, 3):
            conn.execute(
                text("UPDATE certificates SET serial = :serial WHERE id = :id"),
                {"serial": f"HVT-2026-{number:06d}", "id": number},
            )
        conn.execute(text("UPDATE participants SET unit_id = 4 WHERE id = 1"))
        conn.execute(text("UPDATE visits SET unit_id = NULL WHERE id = 1"))
        for key, value in (
            ("province_name", "tỉnh Lạng Sơn"),
            ("commune_name", "xã Hoàng Văn Thụ"),
        ):
            conn.execute(
                text("INSERT INTO office_settings (key, value, updated_at) VALUES (:k, :v, :at)"),
                {"k": key, "v": value, "at": dt.datetime(2026, 3, 1, 8, 0)},
            )


def test_one_commune_database_becomes_a_province(empty):
    """318af2679c22, c6a66486bb61 and b4e5a9512a0d on a commune's database: one province
    above its one commune, every unit and every row of its data in that commune (the tables
    rebuilt with their constraints, every row kept), the serials' prefix kept."""
    _one_commune_at("8ec1c93f8d4a")
    with db.engine.connect() as conn:
        before = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in TENANT_TABLES}  # noqa: S608

    upgrade(directory=str(MIGRATIONS), revision="b4e5a9512a0d")

    with db.engine.connect() as conn:
        provinces = conn.execute(
            text("SELECT id, name, parent_id, commune_id FROM units WHERE kind = 'province'")
        ).all()
        assert [(name, parent, commune) for _, name, parent, commune in provinces] == [
            ("tỉnh Lạng Sơn", None, None)
        ]
        province_id = provinces[0][0]
        communes = conn.execute(text("SELECT unit_id, code, serial_prefix FROM communes")).all()
        assert [tuple(row) for row in communes] == [(1, "xa-hoang-van-thu", "HVT")]
        tree = conn.execute(
            text("SELECT id, parent_id, commune_id FROM units WHERE id <> :p ORDER BY id"),
            {"p": province_id},
        ).all()
        assert [tuple(row) for row in tree] == [
            (1, province_id, 1),
            (2, 1, 1),
            (3, 2, 1),
            (4, 1, 1),
        ]
        for table in TENANT_TABLES:
            values = conn.execute(text(f"SELECT commune_id FROM {table}")).scalars().all()  # noqa: S608
            assert values and set(values) == {1}, table
            assert len(values) == before[table], table
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # A new unit after the upgrade takes the next id (PostgreSQL's sequence follows).
        conn.execute(
            text(
                "INSERT INTO units (parent_id, kind, name, is_sample, created_at, commune_id)"
                " VALUES (1, 'village', 'Thôn Khuổi Phầy', false, '2026-12-05 08:00:00', 1)"
            )
        )


def test_a_database_with_rows_but_no_commune_gets_one(empty):
    """Roots of another kind go under the default commune, created from the office's name."""
    _filled_at("8ec1c93f8d4a")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE units SET kind = 'village'"))
        conn.execute(
            text("INSERT INTO office_settings (key, value, updated_at) VALUES (:k, :v, :at)"),
            {"k": "commune_name", "v": "xã Quốc Khánh", "at": dt.datetime(2026, 3, 1, 8, 0)},
        )

    upgrade(directory=str(MIGRATIONS), revision="c6a66486bb61")

    with db.engine.connect() as conn:
        (commune_id, name, parent_kind) = conn.execute(
            text(
                "SELECT c.id, c.name, p.kind FROM units c JOIN units p ON p.id = c.parent_id"
                " WHERE c.kind = 'commune'"
            )
        ).one()
        assert (name, parent_kind) == ("xã Quốc Khánh", "province")
        roots = conn.execute(text("SELECT parent_id FROM units WHERE id = 1")).scalar()
        assert roots == commune_id
        assert set(conn.execute(text("SELECT commune_id FROM participants")).scalars()) == {
            commune_id
        }


def test_saved_settings_become_the_default_communes(empty, migrating_app):
    """c2f8a4d6e1b3: the settings saved so far are the first commune's, read back as its own."""
    _one_commune_at("8ec1c93f8d4a")
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO office_settings (key, value, updated_at) VALUES (:k, :v, :at)"),
            {
                "k": "issuer_name",
                "v": "Ủy ban nhân dân xã Hoàng Văn Thụ mới",
                "at": dt.datetime(2026, 3, 1),
            },
        )

    upgrade(directory=str(MIGRATIONS), revision="head")

    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT unit_id, key FROM office_settings ORDER BY key")).all()
    assert {unit_id for unit_id, _ in rows} == {1}  # the filler's rows too
    assert {"commune_name", "issuer_name", "province_name"} <= {key for _, key in rows}
    with migrating_app.test_request_context():
        saved = commune_settings(1)
        assert saved.issuer_name == "Ủy ban nhân dân xã Hoàng Văn Thụ mới"
        assert saved.province_name == "tỉnh Lạng Sơn"
    db.session.remove()


def test_settings_saved_before_any_commune_get_the_default_commune(empty):
    """A fresh install whose admin saved the settings before creating a unit: the settings
    keep their values, in a commune made from the saved name."""
    upgrade(directory=str(MIGRATIONS), revision="eb6e6877203f")
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO office_settings (key, value, updated_at) VALUES (:k, :v, :at)"),
            {"k": "commune_name", "v": "xã Quốc Khánh", "at": dt.datetime(2026, 3, 1)},
        )

    upgrade(directory=str(MIGRATIONS), revision="c2f8a4d6e1b3")

    with db.engine.connect() as conn:
        commune = conn.execute(
            text(
                "SELECT u.id, u.name, u.commune_id, c.serial_prefix FROM units u"
                " JOIN communes c ON c.unit_id = u.id"
            )
        ).one()
        saved = conn.execute(text("SELECT unit_id, key, value FROM office_settings")).all()
    assert tuple(commune)[1:] == ("xã Quốc Khánh", commune[0], "HVT")
    assert [tuple(row) for row in saved] == [(commune[0], "commune_name", "xã Quốc Khánh")]


LESSON_COPY = (
    "INSERT INTO lessons (id, slug, title, summary, topic, audience, minutes, body_markdown, audio,"
    " audio_credits, sources, translations, position, content_hash, updated_at, status,"
    " commune_wide, origin_id, commune_id) SELECT (SELECT max(id) + 1 FROM lessons), slug,"
    " title, summary, topic, audience, minutes, body_markdown, audio, audio_credits, sources,"
    " translations, position,"
    " content_hash, updated_at, status, commune_wide, {origin}, {commune} FROM lessons"
    " WHERE id = :id"
)


def test_content_ownership_keeps_lessons_province_wide_and_lets_each_commune_shadow_one(empty):
    """c9f4a2e6d8b1: every existing lesson, quiz and version stays the province's; a commune
    may then keep one shadow of a lesson under the same slug, a second origin may not."""
    filled = _filled_at("c2f8a4d6e1b3")

    upgrade(directory=str(MIGRATIONS), revision="c9f4a2e6d8b1")

    _assert_rows_kept(filled)
    with db.engine.begin() as conn:
        for table in ("lessons", "quizzes", "quiz_versions", "surveys", "survey_versions"):
            rows = conn.execute(text(f"SELECT commune_id FROM {table}")).scalars().all()  # noqa: S608
            assert rows and set(rows) == {None}, table
        assert set(conn.execute(text("SELECT origin_id FROM lessons")).scalars()) == {None}
        lesson = conn.execute(text("SELECT min(id) FROM lessons")).scalar()
        commune = conn.execute(text("SELECT min(unit_id) FROM communes")).scalar()
        shadow = LESSON_COPY.format(origin=":id", commune=":commune")
        conn.execute(text(shadow), {"id": lesson, "commune": commune})
    for statement in (shadow, LESSON_COPY.format(origin="NULL", commune="NULL")):
        with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(text(statement), {"id": lesson, "commune": commune})
