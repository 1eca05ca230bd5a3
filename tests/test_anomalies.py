"""The "bất thường" flag: a unit whose new identities or quiz passes today jump far above its
usual day (at least 20 and more than 3 × the median of the 28 days before), on the dashboard
and the poster funnel, counted in a fixed number of queries."""

import datetime as dt
import itertools
import secrets

import pytest
from helpers import tables
from sqlalchemy import event, insert

import database
from extensions import db
from models import Attempt, Participant, Quiz, Unit
from models.base import utcnow
from services.common.periods import Period
from services.common.vietnamese import local_date
from services.org.units import create_unit
from services.reporting.anomalies import IDENTITIES, PASSES, unusual_units

pytest_plugins = ["staff_fixtures"]

TZ = "Asia/Ho_Chi_Minh"
TODAY = dt.date(2026, 6, 10)
FLAG = "bất thường"
RULE = "trung vị số mỗi ngày của 28 ngày trước"
_numbers = itertools.count(1)


def _at(day: dt.date, minutes: int = 60) -> dt.datetime:
    """Naive UTC time `minutes` after local midnight of `day`."""
    return Period(day, day, TZ).bounds()[0] + dt.timedelta(minutes=minutes)


def _people(unit_id: int, at: dt.datetime, count: int) -> None:
    if not count:
        return
    rows = [
        {
            "token_hash": secrets.token_hex(32),
            "display_name": "Người thử",
            "role": "villager",
            "unit_id": unit_id,
            "age_band": "30-44",
            "created_at": at,
            "last_seen_at": at,
        }
        for _ in range(count)
    ]
    db.session.execute(insert(Participant), rows)


def _passes(unit_id: int, at: dt.datetime, count: int, passed: bool = True) -> None:
    """`count` attempts of one person (created long ago) in `unit_id` at `at`."""
    long_ago = dt.datetime(2020, 1, 1)
    person = db.session.execute(
        insert(Participant).returning(Participant.id),
        {
            "token_hash": secrets.token_hex(32),
            "display_name": "Người làm bài",
            "role": "villager",
            "unit_id": unit_id,
            "age_band": "30-44",
            "created_at": long_ago,
            "last_seen_at": long_ago,
        },
    ).scalar_one()
    quiz = Quiz.query.filter_by(slug="an-toan").one()
    rows = [
        {
            "public_id": secrets.token_hex(12),
            "participant_id": person,
            "quiz_id": quiz.id,
            "quiz_version_id": quiz.current_version.id,
            "number": next(_numbers),
            "submission_token": secrets.token_hex(16),
            "unit_id": unit_id,
            "correct_count": 4 if passed else 0,
            "question_count": 4,
            "score_percent": 100 if passed else 0,
            "passed": passed,
            "submitted_at": at,
        }
        for _ in range(count)
    ]
    db.session.execute(insert(Attempt), rows)


def _history(add, unit_id: int, today: dt.date, per_day: int, last: int) -> None:
    """`per_day` on each of the 28 days before `today`, then `last` on `today`."""
    for back in range(1, 29):
        add(unit_id, _at(today - dt.timedelta(days=back)), per_day)
    add(unit_id, _at(today), last)


# --- the rule -------------------------------------------------------------------------------------


def test_a_steady_unit_with_forty_new_people_today_is_flagged(ctx, places):
    _history(_people, places["village"], TODAY, 2, 40)
    _history(_people, places["class"], TODAY, 2, 2)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {places["village"]: {IDENTITIES}}


def test_nineteen_today_is_below_the_floor(ctx, places):
    _history(_people, places["village"], TODAY, 0, 19)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {}


def test_twenty_after_quiet_days_is_flagged(ctx, places):
    _people(places["village"], _at(TODAY), 20)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {places["village"]: {IDENTITIES}}


def test_twenty_five_over_a_usual_ten_is_not_three_times(ctx, places):
    _history(_people, places["village"], TODAY, 10, 25)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {}


def test_the_median_counts_the_days_with_nobody(ctx, places):
    # 13 busy days of 30 and 15 empty ones: the median is 0, so 25 today is unusual.
    for back in range(1, 14):
        _people(places["village"], _at(TODAY - dt.timedelta(days=back)), 30)
    _people(places["village"], _at(TODAY), 25)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {places["village"]: {IDENTITIES}}


def test_passes_alone_can_raise_the_flag(ctx, content, places):
    _history(_passes, places["class"], TODAY, 1, 30)
    _passes(places["village"], _at(TODAY), 30, passed=False)  # failed attempts do not count
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {places["class"]: {PASSES}}


def test_days_are_days_in_vietnam(ctx, places):
    # 23:30 UTC the day before is 06:30 today in Vietnam; 16:30 UTC today is 23:30 today.
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(23, 30))
    _people(places["village"], yesterday, 10)
    _people(places["village"], dt.datetime.combine(TODAY, dt.time(16, 30)), 10)
    # 17:30 UTC today is already tomorrow in Vietnam: not counted today.
    _people(places["agency"], dt.datetime.combine(TODAY, dt.time(17, 30)), 30)
    database.commit()
    assert unusual_units(TODAY, TZ, None) == {places["village"]: {IDENTITIES}}


def test_only_visible_units_are_flagged(ctx, places):
    _people(places["village"], _at(TODAY), 30)
    _people(places["class"], _at(TODAY), 30)
    database.commit()
    assert unusual_units(TODAY, TZ, {places["class"]}) == {places["class"]: {IDENTITIES}}


def _statements(call) -> int:
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_the_query_count_does_not_grow_with_the_units(ctx, content, places):
    result = {}

    def run():
        result["flags"] = unusual_units(TODAY, TZ, None)

    _people(places["village"], _at(TODAY), 30)
    database.commit()
    few = _statements(run)
    assert set(result["flags"]) == {places["village"]}
    commune = db.session.get(Unit, places["commune"])
    for n in range(30):
        unit = create_unit("village", f"Thôn thử {n}", commune)
        db.session.flush()
        _history(_people, unit.id, TODAY, 1, 25)
        _passes(unit.id, _at(TODAY), 25)
    database.commit()
    many = _statements(run)
    assert len(result["flags"]) == 31
    assert few == many == 2, (few, many)


# --- the pages ------------------------------------------------------------------------------------


def _today() -> dt.date:
    return local_date(utcnow(), TZ)


@pytest.fixture
def village_jump(app, content, staff):
    """Today the village got 40 new people after a steady 2 a day; class 7A stayed at 2."""
    with app.app_context():
        _history(_people, staff.village, _today(), 2, 40)
        _history(_people, staff.class_a, _today(), 2, 2)
        database.commit()


def _row(table: list[list[str]], name: str) -> str:
    return next(" ".join(row) for row in table if row and row[0].startswith(name))


def test_the_dashboard_flags_the_jumping_unit_only(staff_client, village_jump):
    html = staff_client("admin").get("/staff/indicators/").get_data(as_text=True)
    units = tables(html)[1]
    assert FLAG in _row(units, "Thôn Nà Pàn")
    assert FLAG not in _row(units, "Lớp 7A")
    assert FLAG not in _row(units, "Xã Hoàng Văn Thụ")
    assert RULE in html and "từ 20 trở lên" in html and "nhiều hơn 3 lần" in html


def test_the_funnel_flags_posters_of_the_jumping_unit_only(staff_client, village_jump, make_poster):
    make_poster(unit="village")
    make_poster("gioi-han", unit="class")
    html = staff_client("admin").get("/staff/posters").get_data(as_text=True)
    posters = tables(html)[0]
    flagged = [row for row in posters[1:] if FLAG in " ".join(row)]
    assert len(flagged) == 1  # the poster list now also shows each poster's code
    assert flagged[0][1].startswith("Áp phích an-toan") and flagged[0][1].endswith("bất thường")
    assert RULE in html and "đơn vị nơi đặt áp phích" in html


def test_no_jump_no_flag_and_no_rule(staff_client, staff, content, make_poster):
    make_poster(unit="village")
    for url in ("/staff/indicators/", "/staff/posters"):
        html = staff_client("admin").get(url).get_data(as_text=True)
        assert FLAG not in html.lower() and RULE not in html, url
