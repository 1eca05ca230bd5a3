"""Communes as tenants, the schema side: every model is classified, every tenant row carries
the commune of its unit (set at insert without a query of its own), and creating a commune
registers it."""

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from test_authorization import world  # noqa: F401 (the matrix's world, as a fixture)

import database
from extensions import db
from models import (
    TENANCY,
    Commune,
    Lesson,
    Participant,
    Poster,
    ScienceTask,
    StaffUser,
    Survey,
    TenantOwned,
    Unit,
)
from services.org import audit
from services.org.units import create_unit
from services.participation import attempts

pytest_plugins = ["staff_fixtures"]


def test_every_model_is_classified():
    models = {mapper.class_ for mapper in db.Model.registry.mappers}
    assert models - set(TENANCY) == set()
    tenant = {model for model, kind in TENANCY.items() if kind == "tenant"}
    assert tenant == {model for model in models if issubclass(model, TenantOwned)}
    for model, kind in TENANCY.items():
        assert kind in {"tenant", "register", "shared_content", "global"} or (
            kind.startswith("child:")
            and kind.removeprefix("child:") in {m.__tablename__ for m in TENANCY}
        ), model


def _commune_above(unit: Unit) -> int | None:
    while unit is not None and unit.kind != "commune":
        unit = unit.parent
    return unit.id if unit is not None else None


def test_every_row_of_the_world_carries_its_units_commune(app, world):  # noqa: F811
    with app.app_context():
        person = db.session.get(Participant, world["ids"]["person_v"])
        poster = attempts.find_poster(world["ids"]["poster_v"])
        attempts.record_scan(poster, person)
        attempts.record_visit(person, poster.survey, poster.id)
        audit.record_command("units.import", "units")
        database.commit()
        (commune,) = db.session.scalars(select(Commune)).all()
        for unit in Unit.query.all():
            assert unit.commune_id == _commune_above(unit) == commune.unit_id, unit
        counted = {}
        for model in (m for m, kind in TENANCY.items() if kind == "tenant" and m is not Unit):
            rows = db.session.scalars(select(model)).all()
            counted[model.__name__] = len(rows)
            for row in rows:
                if isinstance(row, StaffUser) and row.is_province:
                    assert row.commune_id is None, row.id  # the province's own staff
                    continue
                assert row.commune_id == commune.unit_id, (model.__name__, row.id)
                unit_id = getattr(row, "unit_id", None)
                if unit_id is not None:
                    assert row.commune_id == db.session.get(Unit, unit_id).commune_id
        assert all(counted[name] for name in ("Participant", "Poster", "Certificate", "Attempt"))
        assert all(
            counted[name] for name in ("StaffUser", "RosterEntry", "Scan", "Visit", "AuditEvent")
        )


def test_creating_communes_registers_them_with_their_own_prefixes(app):
    with app.app_context():
        first = create_unit("commune", "Xã Hoàng Văn Thụ")
        second = create_unit("commune", "Xã Hoàng Đồng")
        village = create_unit("village", "Thôn Khòn Pần", second)
        klass = create_unit("class", "Lớp 6A", create_unit("school", "Trường TH", second))
        database.commit()
        registered = {c.unit_id: (c.code, c.serial_prefix) for c in Commune.query.all()}
        assert registered == {
            first.id: ("xa-hoang-van-thu", app.config["CERTIFICATE_SERIAL_PREFIX"]),
            second.id: ("xa-hoang-dong", "HD"),
        }
        assert (first.commune_id, second.commune_id) == (first.id, second.id)
        assert village.commune_id == klass.commune_id == second.id


def test_filling_the_commune_adds_no_statement(app, content, places):
    """A visit of a participant already in the session takes the commune from it: the flush
    is the visit's INSERT alone, carrying the commune as a value."""
    with app.app_context():
        person = db.session.get(Participant, _person(places))
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        statements = []

        def count(_conn, _cursor, statement, parameters, *_args):
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            visit = attempts.record_visit(person, lesson, None)
            db.session.flush()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        # Besides the visit's INSERT, only the reach count's upsert (indicator_store).
        sent = [s for s, _ in statements if not s.startswith(("BEGIN", "SAVEPOINT"))]
        (insert,) = [s for s in sent if not s.startswith("INSERT INTO indicator_people")]
        assert len(sent) == 2
        assert insert.startswith("INSERT INTO visits") and "SELECT" not in insert
        assert visit.commune_id == places["commune"]
        db.session.rollback()


def _person(places) -> int:
    unit = db.session.get(Unit, places["village"])
    person = Participant(
        token_hash="a" * 64,
        display_name="Lò Văn Tùng",
        role="villager",
        unit=unit,
        age_band="30-44",
    )
    db.session.add(person)
    database.commit()
    return person.id


def test_a_teacher_takes_the_commune_of_the_first_class(app, places):
    with app.app_context():
        klass = db.session.get(Unit, places["class"])
        teacher = StaffUser(
            username="co.hoa", display_name="Cô Hoa", password_hash="x", role="teacher"
        )
        teacher.classes.append(klass)
        db.session.add(teacher)
        db.session.flush()
        assert teacher.commune_id == places["commune"]
        db.session.rollback()


@pytest.mark.parametrize("kind", ["village", "school"])
def test_a_root_unit_of_a_one_commune_database_belongs_to_that_commune(app, places, kind):
    with app.app_context():
        unit = create_unit(kind, "Thôn mới")
        database.commit()
        db.session.refresh(unit)
        assert unit.commune_id == places["commune"]


def _two_communes() -> tuple[Unit, Unit]:
    """Commune A, and B with a village."""
    commune_a = create_unit("commune", "Xã Hoàng Văn Thụ")
    commune_b = create_unit("commune", "Xã Hoàng Đồng")
    village_b = create_unit("village", "Thôn Khòn Pần", commune_b)
    database.commit()
    return commune_a, village_b


@pytest.mark.parametrize("table", ["participants", "posters", "staff_users"])
def test_composite_fk_refuses_cross_commune_row(app, table):
    """The database itself refuses a row of commune A placed in a unit of commune B."""
    with app.app_context():
        commune_a, village_b = _two_communes()
        a, unit = commune_a.id, village_b.id
        rows = {
            "participants": Participant(
                token_hash="b" * 64, display_name="Lò Văn Tùng", role="villager", age_band="30-44"
            ),
            "posters": Poster(code="ABCDEF", label="Áp phích", lesson_id=None, quiz_id=None),
            "staff_users": StaffUser(
                username="ong.pan", display_name="Ông Pàn", password_hash="x", role="officer"
            ),
        }
        row = rows[table]
        row.unit_id, row.commune_id = unit, a
        if table == "posters":
            row.survey_id = _a_survey()
            database.commit()
        db.session.add(row)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        row.commune_id = village_b.commune_id  # the same row in its own commune is fine
        db.session.add(row)
        db.session.flush()
        db.session.rollback()


def test_a_row_without_a_commune_is_refused(app):
    """Two communes and nothing to tell which: the fill finds none and NOT NULL refuses."""
    with app.app_context():
        _two_communes()
        db.session.add(ScienceTask(name="Nhiệm vụ", owner="Sở", budget_source="Ngân sách"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def _a_survey() -> int:
    survey = Survey(slug="y-kien", title="Ý kiến", summary="")
    db.session.add(survey)
    db.session.flush()
    return survey.id
