"""The indicators' aggregate (services/reporting/indicator_store): for random worlds of
people, visits and attempts across both half-years and the turn of the year, the aggregate
kept as participation arrives counts what the raw queries count, for every unit and named
period; so does `flask indicators rebuild`; deleting a person removes them; a passing submit
costs one statement more than a failing one; and the province's row per commune."""

import datetime as dt
import random

import pytest
from conftest import mark_training
from sqlalchemy import event, func, select
from test_indicators import attempt, person, visit

import database
from extensions import db
from models import AuditEvent, IndicatorPerson, Quiz, Unit
from services.common import periods
from services.common.periods import Period
from services.org.units import create_unit
from services.participation import privacy
from services.reporting import indicators
from services.reporting.province import province_figures
from services.tally import indicator_store

TZ = "Asia/Ho_Chi_Minh"
KEYS = ["2025-H2", "2025", "2026-H1", "2026-H2", "2026", "2027-H1", "2027"]
ROLES = ("villager", "official", "student", "other")


@pytest.fixture
def content(content, app):
    mark_training(app)


def period_of(key: str) -> Period:
    named = periods.parse(key)
    return Period(named.start, named.end, TZ)


def raw(key: str) -> tuple[dict[int, int], dict[int, int]]:
    period = period_of(key)
    return indicators.reached_by_unit(period), indicators.trained_by_unit(period)


def moment(rng: random.Random) -> dt.datetime:
    """A time from June 2025 to January 2027, often near a period's edge (local midnight)."""
    if rng.random() < 0.3:
        edge = rng.choice([dt.date(2025, 12, 6), dt.date(2026, 1, 1), dt.date(2026, 6, 6)])
        local = dt.datetime.combine(edge, dt.time()) + dt.timedelta(minutes=rng.randint(-90, 90))
        return local - dt.timedelta(hours=7)  # naive UTC
    return dt.datetime(2025, 6, 1) + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 600))


def world(places: dict, seed: int) -> None:
    """People in every unit with random roles, visits, and passed and failed attempts."""
    rng = random.Random(seed)
    units = [places["village"], places["agency"], places["class"], places["commune"]]
    for n in range(rng.randint(8, 16)):
        who = person(f"Người {seed}-{n}", rng.choice(ROLES), rng.choice(units))
        for _ in range(rng.randint(0, 4)):
            visit(who, moment(rng))
        for _ in range(rng.randint(0, 3)):
            attempt(who, "an-toan", rng.random() < 0.6, moment(rng))
        if rng.random() < 0.5:  # at most two attempts at gioi-han
            attempt(who, "gioi-han", rng.random() < 0.6, moment(rng))
        if rng.random() < 0.2:
            who.unit_id = rng.choice(units)  # moved: later rows count in the new unit
            db.session.flush()
            visit(who, moment(rng))
    database.commit()


def assert_aggregate_is_raw() -> None:
    for key in KEYS:
        assert indicator_store.by_unit(key) == raw(key), key


@pytest.mark.parametrize("seed", range(6))
def test_the_aggregate_counts_what_the_raw_rows_count_and_so_does_a_rebuild(
    ctx, places, content, seed
):
    world(places, seed)
    assert any(raw(key)[1] for key in KEYS), "the world trained nobody: nothing is compared"
    assert_aggregate_is_raw()
    # figures() for a named period reads the aggregate and agrees with a custom range's raw
    # count of the same days.
    # figures() for a named period (the aggregate) rolls up what the raw counts roll up to.
    for key in ("2026-H1", "2026"):
        via_store = indicators.flatten(indicators.figures(period_of(key), None))
        via_raw = indicators.flatten(indicators.roll_up(indicators.unit_rows(None), *raw(key)))
        assert [(r.unit_id, r.reached, r.trained) for r in via_store] == [
            (r.unit_id, r.reached, r.trained) for r in via_raw
        ]
    db.session.execute(IndicatorPerson.__table__.delete())
    indicator_store.rebuild()
    database.commit()
    assert_aggregate_is_raw()


def test_figures_reads_the_aggregate_for_a_named_period(ctx, places, content):
    """Proof that the page reads the aggregate: a row removed from it is missed there only."""
    who = person("Nguyễn Thị Hoa", "villager", places["village"])
    visit(who, dt.datetime(2026, 3, 1, 3, 0))
    database.commit()
    h1 = period_of("2026-H1")
    rows = {r.unit_id: r for r in indicators.flatten(indicators.figures(h1, None))}
    assert rows[places["village"]].reached == 1
    db.session.execute(
        IndicatorPerson.__table__.delete().where(IndicatorPerson.period_key == "2026-H1")
    )
    rows = {r.unit_id: r for r in indicators.flatten(indicators.figures(h1, None))}
    assert rows[places["village"]].reached == 0
    custom = Period(dt.date(2026, 1, 1), dt.date(2026, 5, 1), TZ)
    rows = {r.unit_id: r for r in indicators.flatten(indicators.figures(custom, None))}
    assert rows[places["village"]].reached == 1  # a custom range: the raw rows


def test_a_change_of_what_trains_recounts_the_people_who_passed(ctx, places, content):
    """An admin marks a quiz as training for another role, or withdraws its topic: the
    people who passed it are recounted in the same transaction."""
    official = person("Lò Văn Tùng", "official", places["agency"])
    villager = person("Nguyễn Thị Hoa", "villager", places["village"])
    for who in (official, villager):
        attempt(who, "an-toan", True, dt.datetime(2026, 3, 1, 3, 0))  # trains villagers only
    database.commit()
    assert indicator_store.by_unit("2026-H1")[1] == {places["village"]: 1}
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    quiz.training_for = ["villager", "official"]
    database.commit()
    assert indicator_store.by_unit("2026-H1")[1] == {places["village"]: 1, places["agency"]: 1}
    quiz.lesson.status = "draft"  # withdrawn: no longer the commune's published topic
    database.commit()
    assert indicator_store.by_unit("2026-H1")[1] == {}
    assert_aggregate_is_raw()


def test_rebuild_command_recounts_from_the_raw_rows(app, ctx, places, content):
    who = person("Lò Văn Tùng", "villager", places["village"])
    attempt(who, "an-toan", True, dt.datetime(2026, 3, 1, 3, 0))
    database.commit()
    db.session.execute(IndicatorPerson.__table__.delete())  # lost, or an upgraded install
    database.commit()
    result = app.test_cli_runner().invoke(args=["indicators", "rebuild", "--period", "2026-H1"])
    assert result.exit_code == 0, result.output
    assert indicator_store.by_unit("2026-H1")[1] == {places["village"]: 1}
    assert indicator_store.by_unit("2026")[1] == {}  # only the period asked for
    result = app.test_cli_runner().invoke(args=["indicators", "rebuild"])
    assert result.exit_code == 0, result.output
    assert indicator_store.by_unit("2026")[1] == {places["village"]: 1}
    assert AuditEvent.query.filter_by(action="indicators_rebuilt").count() == 2
    bad = app.test_cli_runner().invoke(args=["indicators", "rebuild", "--period", "2026-H3"])
    assert bad.exit_code != 0


def test_deleting_a_person_removes_them_from_the_aggregate(ctx, places, content):
    gone = person("Người xóa", "villager", places["village"])
    kept = person("Người ở lại", "villager", places["village"])
    for who in (gone, kept):
        visit(who, dt.datetime(2026, 3, 1, 3, 0))
        attempt(who, "an-toan", True, dt.datetime(2026, 3, 2, 3, 0))
    database.commit()
    privacy.delete_participant(gone)
    database.commit()
    assert (
        db.session.scalar(select(func.count()).where(IndicatorPerson.participant_id == gone.id))
        == 0
    )
    assert_aggregate_is_raw()


def test_a_purge_leaves_the_aggregate_as_the_raw_rows(ctx, places, content):
    world(places, 7)
    privacy.purge_expired(dt.datetime(2026, 3, 1))
    database.commit()
    assert_aggregate_is_raw()


def _statements_of(fn) -> int:
    seen = []

    def count(_conn, _cursor, statement, *_rest):
        seen.append(statement[:90])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_passing_submit_adds_one_statement_and_a_failing_one_none(ctx, places, content):
    who = person("Nguyễn Thị Hoa", "villager", places["village"])
    database.commit()
    at = dt.datetime(2026, 3, 1, 3, 0)
    # Held, with its lesson and version, as the submit request holds them.
    held = Quiz.query.filter_by(slug="an-toan").one()
    assert held.lesson is not None and held.current_version is not None
    attempt(who, "an-toan", False, at)  # the participant's row loaded, as the request has it
    failing = _statements_of(lambda: attempt(who, "an-toan", False, at))
    passing = _statements_of(lambda: attempt(who, "an-toan", True, at))
    assert passing == failing + 1
    assert indicator_store.by_unit("2026-H1")[1] == {places["village"]: 1}


def test_key_for_names_only_the_exact_named_periods():
    assert indicator_store.key_for(period_of("2026-H1")) == "2026-H1"
    assert indicator_store.key_for(period_of("2026-H2")) == "2026-H2"
    assert indicator_store.key_for(period_of("2026")) == "2026"
    assert indicator_store.key_for(Period(dt.date(2026, 1, 1), dt.date(2026, 6, 5), TZ)) is None
    assert indicator_store.key_for(Period(None, dt.date(2026, 6, 5), TZ)) is None
    assert (
        indicator_store.key_for(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "UTC")) is None
    )


def test_province_figures_a_row_per_commune_summing_its_subtree(ctx, places, content):
    other = create_unit("commune", "Xã Bản Péo", target_population=500)
    hamlet = create_unit("village", "Thôn Péo", other, target_population=200)
    database.commit()
    at = dt.datetime(2026, 3, 1, 3, 0)
    for n, unit in enumerate([places["village"], places["class"], hamlet.id, hamlet.id]):
        who = person(f"Người {n}", "villager", unit)
        visit(who, at)
        if unit == hamlet.id:
            attempt(who, "an-toan", True, at)
    database.commit()
    rows = province_figures(period_of("2026-H1"))
    assert [(r.name, r.population, r.reached, r.trained) for r in rows] == [
        ("Xã Bản Péo", 500, 2, 2),
        ("Xã Hoàng Văn Thụ", 1000, 2, 0),
    ]
    assert rows[0].reached_share == 2 / 500 and rows[1].trained_share == 0
    assert db.session.get(Unit, other.id).kind == "commune"
