"""The plan's indicators: pure roll-up, status and period arithmetic with hand-computed
expectations, then the SQL counting (reached, trained, targets, timeline) on real rows, the
`flask targets seed` command, and a statement count that does not grow with the commune."""

import datetime as dt
import itertools
import secrets

import pytest
from conftest import mark_training
from sqlalchemy import event, update

import database
from extensions import db
from models import Attempt, Participant, Quiz, Target, Unit, Visit
from services.common import periods
from services.common.periods import Period
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation.attempts import Submission, record_visit, submit_attempt
from services.participation.identity import NewIdentity, create_participant
from services.reporting import indicators, targets
from services.reporting.indicators import (
    UnitFigures,
    figures,
    flatten,
    reached_by_unit,
    roll_up,
    share,
    status,
    target_progress,
    trained_by_unit,
    year_elapsed,
)
from services.tally import training


@pytest.fixture
def content(content, app):
    """The fixture quizzes, counting as training (conftest.TRAINING_FIXTURES)."""
    mark_training(app)


TZ = "Asia/Ho_Chi_Minh"
H1_2026 = periods.half_year(2026, 1)
H2_2026 = periods.half_year(2026, 2)


def period(named: periods.NamedPeriod) -> Period:
    return Period(named.start, named.end, TZ)


# --- pure: roll-up --------------------------------------------------------------------------------

# (id, parent_id, name, kind, target population)
COMMUNE, VILLAGE_A, VILLAGE_B, SCHOOL, CLASS_1, CLASS_2, EMPTY, ZERO = range(1, 9)
TREE = [
    (COMMUNE, None, "Xã", "commune", None),  # nothing declared: its children's sum
    (VILLAGE_A, COMMUNE, "Thôn A", "village", 100),
    (VILLAGE_B, COMMUNE, "Thôn B", "village", 300),
    (SCHOOL, COMMUNE, "Trường", "school", None),  # nothing declared: the classes count
    (CLASS_1, SCHOOL, "Lớp 6A", "class", 30),
    (CLASS_2, SCHOOL, "Lớp 6B", "class", 20),
]


def by_id(roots: list[UnitFigures]) -> dict[int, UnitFigures]:
    return {node.unit_id: node for node in flatten(roots)}


def test_roll_up_sums_numerators_and_denominators_not_percentages():
    rows = [TREE[0], TREE[1], TREE[2]]
    (commune,) = roll_up(rows, {VILLAGE_A: 10, VILLAGE_B: 90}, {})
    nodes = by_id([commune])
    assert nodes[VILLAGE_A].reached_share == pytest.approx(0.10)
    assert nodes[VILLAGE_B].reached_share == pytest.approx(0.30)
    # 100 of 400 people: 25%. The mean of 10% and 30% would be 20%.
    assert (commune.reached, commune.population) == (100, 400)
    assert commune.reached_share == pytest.approx(0.25)
    mean_of_percentages = (nodes[VILLAGE_A].reached_share + nodes[VILLAGE_B].reached_share) / 2
    assert commune.reached_share != pytest.approx(mean_of_percentages)


def test_roll_up_over_two_levels_uses_the_childrens_denominators():
    reached = {VILLAGE_A: 10, VILLAGE_B: 90, CLASS_1: 15, CLASS_2: 20}
    trained = {VILLAGE_A: 1, CLASS_2: 4}
    (commune,) = roll_up(TREE, reached, trained)
    nodes = by_id([commune])
    school = nodes[SCHOOL]
    assert (school.population, school.reached, school.trained) == (50, 35, 4)
    assert school.reached_share == pytest.approx(0.70)
    assert (commune.population, commune.reached, commune.trained) == (450, 135, 5)
    assert commune.reached_share == pytest.approx(0.30)
    assert commune.trained_share == pytest.approx(5 / 450)
    # Leaves keep their own population.
    assert [nodes[i].population for i in (VILLAGE_A, VILLAGE_B, CLASS_1, CLASS_2)] == [
        100,
        300,
        30,
        20,
    ]


def test_people_attached_directly_to_a_parent_count_in_its_numerator():
    reached = {COMMUNE: 7, SCHOOL: 3, CLASS_1: 10}
    trained = {COMMUNE: 2}
    (commune,) = roll_up(TREE, reached, trained)
    nodes = by_id([commune])
    assert nodes[SCHOOL].reached == 13  # 3 at the school itself + 10 in class 6A
    assert nodes[SCHOOL].population == 50  # but the denominator is still the classes'
    assert (commune.reached, commune.trained, commune.population) == (20, 2, 450)


def test_an_empty_unit_counts_zero_and_a_unit_without_population_has_no_share():
    rows = [
        *TREE[:3],
        (EMPTY, COMMUNE, "Thôn trống", "village", 50),
        (ZERO, COMMUNE, "Thôn chưa có số", "village", 0),
        (99, COMMUNE, "Cơ quan chưa nhập", "agency", None),
    ]
    (commune,) = roll_up(rows, {VILLAGE_A: 10, ZERO: 3}, {})
    nodes = by_id([commune])
    empty = nodes[EMPTY]
    assert (empty.reached, empty.trained, empty.population) == (0, 0, 50)
    assert empty.reached_share == 0.0
    assert status(empty.reached_share, 80, 0.5) == "behind"
    zero = nodes[ZERO]
    assert (zero.reached, zero.population) == (3, 0)
    assert zero.reached_share is None and zero.trained_share is None
    assert status(zero.reached_share, 80, 0.5) == "no_population"
    assert nodes[99].population == 0 and nodes[99].reached_share is None
    # The three people of the unit with no population still count upwards.
    assert (commune.reached, commune.population) == (13, 450)


def test_a_tree_with_no_population_anywhere_has_no_share():
    (commune,) = roll_up([(1, None, "Xã", "commune", 0), (2, 1, "Thôn", "village", None)], {}, {})
    assert commune.population == 0 and commune.reached_share is None
    assert share(0, 0) is None and share(5, 0) is None
    assert share(0, 10) == 0.0 and share(3, 4) == 0.75


def test_units_whose_parent_is_not_visible_are_roots_and_flatten_goes_depth_first():
    # An officer's subtree: the school and its classes, without the commune.
    roots = roll_up([TREE[4], TREE[3], TREE[5]], {CLASS_1: 1}, {})
    assert [r.unit_id for r in roots] == [SCHOOL]
    flat = flatten(roots)
    assert [(n.name, n.depth) for n in flat] == [("Trường", 0), ("Lớp 6A", 1), ("Lớp 6B", 1)]
    full = flatten(roll_up(TREE, {}, {}))
    names = [n.name for n in full]
    # Parents before children; siblings by kind then name.
    assert names == ["Xã", "Trường", "Lớp 6A", "Lớp 6B", "Thôn A", "Thôn B"]
    assert [n.depth for n in full] == [0, 1, 2, 2, 1, 1]


# --- pure: status and the year gone ---------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, target, elapsed, expected",
    [
        (None, 80, 0.5, "no_population"),
        (0.5, 50, 0.0, "met"),  # exactly the target
        (0.4999, 50, 1.0, "behind"),
        (0.4999, 50, 0.5, "on_track"),
        (1.0, 100, 1.0, "met"),
        (0.999, 100, 0.5, "on_track"),
        (0.999, 100, 1.0, "behind"),
        (0.25, 50, 0.5, "on_track"),  # exactly target × share of the year gone
        (0.2499, 50, 0.5, "behind"),
        (0.0, 80, 0.0, "on_track"),  # nothing expected yet on 1 January
        (0.0, 80, 0.01, "behind"),
        (0.0, 0, 0.5, "met"),
        (1.2, 80, 1.0, "met"),  # more people than the target population
    ],
)
def test_status_boundaries(actual, target, elapsed, expected):
    assert status(actual, target, elapsed) == expected


@pytest.mark.parametrize(
    "reached, population, target", [(80, 100, 80), (57, 100, 57), (29, 100, 29)]
)
def test_status_is_met_when_the_share_equals_the_target_exactly(reached, population, target):
    # 57/100 × 100 is 56.99999999999999 in floating point: still exactly 57%.
    assert status(share(reached, population), target, 0.5) == "met"


def test_year_elapsed_at_the_start_middle_and_end():
    assert year_elapsed(2026, dt.date(2025, 12, 31)) == 0.0
    assert year_elapsed(2026, dt.date(2026, 1, 1)) == 0.0
    assert year_elapsed(2026, dt.date(2026, 7, 2)) == pytest.approx(182 / 365)
    assert year_elapsed(2028, dt.date(2028, 7, 2)) == pytest.approx(0.5)  # leap year: 183/366
    assert year_elapsed(2026, dt.date(2026, 12, 31)) == pytest.approx(364 / 365)
    assert year_elapsed(2026, dt.date(2027, 1, 1)) == 1.0
    assert year_elapsed(2025, dt.date(2026, 11, 26)) == 1.0


# --- pure: periods --------------------------------------------------------------------------------


def test_half_years_end_on_5_june_and_5_december():
    h1 = periods.half_year(2026, 1)
    assert (h1.key, h1.start, h1.end) == ("2026-H1", dt.date(2025, 12, 6), dt.date(2026, 6, 5))
    h2 = periods.half_year(2026, 2)
    assert (h2.key, h2.start, h2.end) == ("2026-H2", dt.date(2026, 6, 6), dt.date(2026, 12, 5))
    with pytest.raises(ValueError):
        periods.half_year(2026, 3)


@pytest.mark.parametrize(
    "day, key",
    [
        (dt.date(2026, 6, 5), "2026-H1"),
        (dt.date(2026, 6, 6), "2026-H2"),
        (dt.date(2026, 12, 5), "2026-H2"),
        (dt.date(2026, 12, 6), "2027-H1"),
        (dt.date(2027, 1, 1), "2027-H1"),
        (dt.date(2026, 1, 1), "2026-H1"),
        (dt.date(2025, 12, 6), "2026-H1"),
    ],
)
def test_containing(day, key):
    assert periods.containing(day).key == key
    named = periods.containing(day)
    assert named.start <= day <= named.end


def test_recent_windows_follow_each_other_without_gaps():
    recent = periods.recent(dt.date(2026, 11, 26), 4)
    assert [p.key for p in recent] == ["2026-H2", "2026-H1", "2025-H2", "2025-H1"]
    for older, newer in itertools.pairwise(reversed(recent)):
        assert older.end + dt.timedelta(days=1) == newer.start


@pytest.mark.parametrize(
    "key, start, end",
    [
        ("2026-H1", dt.date(2025, 12, 6), dt.date(2026, 6, 5)),
        ("2026-H2", dt.date(2026, 6, 6), dt.date(2026, 12, 5)),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_parse_good_keys(key, start, end):
    named = periods.parse(key)
    assert (named.key, named.start, named.end) == (key, start, end)


@pytest.mark.parametrize(
    "key",
    ["", "2026-H3", "2026-H0", "2026-h1", "2026H1", "26-H1", "2026-H1 ", "abcd", "2026-12",
     "0000", "2026-Hx", "x026-H1", "H1-2026"],
)  # fmt: skip
def test_parse_bad_keys(key):
    assert periods.parse(key) is None


def test_period_bounds_are_vietnamese_days_in_utc():
    low, high = period(H1_2026).bounds()
    assert low == dt.datetime(2025, 12, 5, 17, 0)  # 00:00 on 6 December in Vietnam
    assert high == dt.datetime(2026, 6, 5, 17, 0)  # 00:00 on 6 June in Vietnam (exclusive)


# --- SQL: building rows ---------------------------------------------------------------------------


def person(name: str, role: str, unit_id: int | None) -> Participant:
    participant, _token = create_participant(
        NewIdentity(name, role, unit_id, "30-44", False), "test-consent"
    )
    return participant


def quiz(slug: str) -> Quiz:
    return Quiz.query.filter_by(slug=slug).one()


def visit(participant: Participant, at: dt.datetime, slug: str = "an-toan") -> Visit:
    """A lesson opened by the participant (under their unit now) at a naive UTC time."""
    row = record_visit(participant, quiz(slug).lesson, None, visited_at=at)
    db.session.flush()
    return row


def _answers(version, right: bool) -> dict[str, list[str]]:
    answers = {}
    for question in version.questions:
        key = question["answer"]
        if question["type"] == "true_false":
            value = bool(key) if right else not bool(key)
            answers[question["id"]] = [str(value).lower()]
            continue
        keys = key if isinstance(key, list) else [key]
        if right:
            answers[question["id"]] = list(keys)
        else:
            wrong = [c["id"] for c in question["choices"] if c["id"] not in keys]
            answers[question["id"]] = wrong[:1]
    return answers


def attempt(participant: Participant, slug: str, right: bool, at: dt.datetime) -> Attempt:
    """A submitted quiz (all right or all wrong) at a naive UTC time."""
    version = quiz(slug).current_version
    row, created = submit_attempt(
        Submission(participant, version, _answers(version, right), secrets.token_hex(16), None, at)
    )
    assert created and row.passed is right
    return row


def move(participant: Participant, unit_id: int) -> None:
    participant.unit_id = unit_id
    db.session.flush()


@pytest.fixture
def commune(ctx, content, places):
    """The conftest places plus a second village (200 people) and a health station (10 staff)."""
    root = db.session.get(Unit, places["commune"])
    second = create_unit("village", "Thôn Khòn Pần", root, target_population=200)
    station = create_unit("agency", "Trạm Y tế xã", root, target_population=10)
    database.commit()
    return {**places, "village_b": second.id, "station": station.id}


# --- SQL: reached ---------------------------------------------------------------------------------


def test_reached_counts_distinct_people_by_their_unit_at_the_time(commune):
    na_pan, khon_pan = commune["village"], commune["village_b"]
    hoa = person("Nguyễn Thị Hoa", "villager", na_pan)
    for day in (1, 2, 20):
        visit(hoa, dt.datetime(2026, 3, day, 3, 0))  # three visits: one person
    tung = person("Lò Văn Tùng", "villager", na_pan)
    visit(tung, dt.datetime(2026, 2, 1, 3, 0))
    move(tung, khon_pan)
    visit(tung, dt.datetime(2026, 3, 1, 3, 0))
    nobody = person("Không thôn", "other", None)
    visit(nobody, dt.datetime(2026, 3, 1, 3, 0))
    database.commit()

    assert reached_by_unit(period(H1_2026)) == {na_pan: 2, khon_pan: 1}
    rows = {r.unit_id: r for r in flatten(figures(period(H1_2026), None))}
    assert rows[na_pan].reached == 2  # Hoa once, Tùng before he moved
    assert rows[khon_pan].reached == 1  # Tùng after he moved
    # The parent sums its children's numerators, so Tùng counts twice there.
    top = rows[commune["commune"]]
    assert top.reached == 3
    assert top.population == 1000  # the commune's declared number (services.org.populations)
    assert rows[commune["agency"]].reached == 0


def test_reached_period_boundaries_are_vietnamese_days(commune):
    na_pan, khon_pan = commune["village"], commune["village_b"]
    # 16:59 UTC on 5 December is 23:59 in Vietnam: the end of 2025-H2.
    visit(person("Trước kỳ", "villager", na_pan), dt.datetime(2025, 12, 5, 16, 59))
    # 17:00 UTC on 5 December is midnight on 6 December in Vietnam: the start of 2026-H1.
    visit(person("Đầu kỳ", "villager", khon_pan), dt.datetime(2025, 12, 5, 17, 0))
    # 16:59 UTC on 5 June is 23:59 on 5 June in Vietnam: still 2026-H1.
    visit(person("Cuối kỳ", "villager", na_pan), dt.datetime(2026, 6, 5, 16, 59))
    # 23:30 UTC on 5 June is 06:30 on 6 June in Vietnam: 2026-H2.
    visit(person("Sau kỳ", "villager", na_pan), dt.datetime(2026, 6, 5, 23, 30))
    database.commit()

    assert reached_by_unit(period(H1_2026)) == {na_pan: 1, khon_pan: 1}
    assert reached_by_unit(period(H2_2026)) == {na_pan: 1}
    assert reached_by_unit(period(periods.half_year(2025, 2))) == {na_pan: 1}
    assert reached_by_unit(Period(None, None, TZ)) == {na_pan: 3, khon_pan: 1}
    # A single day: 6 June 2026 in Vietnam holds only the 06:30 visit.
    one_day = Period(dt.date(2026, 6, 6), dt.date(2026, 6, 6), TZ)
    assert reached_by_unit(one_day) == {na_pan: 1}
    assert reached_by_unit(Period(dt.date(2026, 6, 7), None, TZ)) == {}
    assert reached_by_unit(Period(None, dt.date(2025, 12, 5), TZ)) == {na_pan: 1}


def test_reached_by_role(commune):
    visit(person("Cán bộ", "official", commune["agency"]), dt.datetime(2026, 3, 1, 3))
    visit(person("Dân", "villager", commune["village"]), dt.datetime(2026, 3, 1, 3))
    database.commit()
    assert reached_by_unit(period(H1_2026), ["official"]) == {commune["agency"]: 1}
    assert reached_by_unit(period(H1_2026), ["villager", "official"]) == {
        commune["agency"]: 1,
        commune["village"]: 1,
    }


# --- SQL: trained ---------------------------------------------------------------------------------


def test_trained_counts_a_pass_of_a_quiz_marked_as_training_for_the_persons_role(commune):
    na_pan, agency = commune["village"], commune["agency"]
    march = dt.datetime(2026, 3, 1, 3, 0)
    twice = person("Đạt hai lần", "villager", na_pan)
    attempt(twice, "an-toan", True, march)
    attempt(twice, "an-toan", True, march + dt.timedelta(days=1))
    wrong_quiz = person("Đạt bài của cán bộ", "villager", na_pan)
    attempt(wrong_quiz, "gioi-han", True, march)  # training for officials, not villagers
    failed = person("Chưa đạt", "villager", na_pan)
    attempt(failed, "an-toan", False, march)
    official = person("Cán bộ xã", "official", agency)
    attempt(official, "gioi-han", True, march)
    villager_quiz = person("Cán bộ làm bài của dân", "official", agency)
    attempt(villager_quiz, "an-toan", True, march)
    database.commit()

    assert trained_by_unit(period(H1_2026)) == {na_pan: 1, agency: 1}
    assert trained_by_unit(period(H1_2026), ["official"]) == {agency: 1}
    rows = {r.unit_id: r for r in flatten(figures(period(H1_2026), None))}
    assert rows[na_pan].trained == 1
    assert rows[agency].trained == 1
    assert rows[commune["commune"]].trained == 2
    assert rows[na_pan].reached == 0  # attempts alone are not visits


def test_a_period_that_cuts_across_a_persons_attempts(commune):
    na_pan = commune["village"]
    late = person("Đạt ở kỳ sau", "villager", na_pan)
    attempt(late, "an-toan", False, dt.datetime(2026, 5, 1, 3, 0))  # failed in H1
    attempt(late, "an-toan", True, dt.datetime(2026, 7, 1, 3, 0))  # passed in H2
    early = person("Đạt từ kỳ trước", "villager", na_pan)
    attempt(early, "an-toan", True, dt.datetime(2026, 2, 1, 3, 0))
    attempt(early, "an-toan", True, dt.datetime(2026, 8, 1, 3, 0))
    database.commit()

    assert trained_by_unit(period(H1_2026)) == {na_pan: 1}  # only the early one
    assert trained_by_unit(period(H2_2026)) == {na_pan: 2}
    assert trained_by_unit(period(periods.whole_year(2026))) == {na_pan: 2}
    assert trained_by_unit(period(periods.half_year(2025, 2))) == {}


def test_no_training_quiz_means_nobody_is_trained(commune):
    db.session.execute(update(Quiz).values(training_for=[]))
    attempt(person("Dân", "villager", commune["village"]), "an-toan", True, dt.datetime(2026, 3, 1))
    database.commit()
    assert trained_by_unit(period(H1_2026)) == {}


def test_only_the_communes_published_quizzes_count_as_training(commune):
    """A teacher's class-only quiz never counts, whatever its training_for says; it counts once
    an admin makes it commune-wide. A withdrawn quiz does not count either."""
    na_pan, agency = commune["village"], commune["agency"]
    march = dt.datetime(2026, 3, 1, 3, 0)
    attempt(person("Dân", "villager", na_pan), "an-toan", True, march)
    attempt(person("Cán bộ", "official", agency), "gioi-han", True, march)
    teacher = staff_service.create_staff(
        "co.giao", "Cô giáo", "mat-khau-dai-va-kho-doan", "teacher"
    )
    lesson = quiz("an-toan").lesson
    lesson.owner_id, lesson.commune_wide = teacher.id, False  # written by a teacher for a class
    database.commit()
    assert training.training_quizzes() == {"official": [quiz("gioi-han").id]}
    assert trained_by_unit(period(H1_2026)) == {agency: 1}

    lesson.commune_wide = True  # promoted by the office
    quiz("gioi-han").lesson.status = "draft"  # withdrawn
    database.commit()
    assert training.training_quizzes() == {"villager": [quiz("an-toan").id]}
    assert trained_by_unit(period(H1_2026)) == {na_pan: 1}


# --- SQL: targets ---------------------------------------------------------------------------------


def _official_2025(commune) -> Target:
    targets.seed_plan_targets()
    database.commit()
    (target,) = Target.query.filter_by(year=2025).all()
    assert (target.indicator, target.roles, target.target_percent) == ("reached", ["official"], 100)
    ubnd, station = commune["agency"], commune["station"]
    in_2025 = dt.datetime(2025, 3, 1, 3, 0)
    for n in range(3):
        visit(person(f"Công chức {n}", "official", ubnd), in_2025)
    visit(person("Y sĩ", "official", station), dt.datetime(2025, 8, 1, 3, 0))
    visit(person("Công chức năm trước", "official", ubnd), dt.datetime(2024, 12, 1, 3, 0))
    visit(person("Người dân", "villager", commune["village"]), in_2025)
    visit(person("Học sinh", "student", commune["class"]), in_2025)
    database.commit()
    return target


def test_target_progress_officials_reached_in_2025(commune):
    target = _official_2025(commune)
    year = period(periods.whole_year(2025))

    progress = target_progress(target, year, None, dt.date(2025, 7, 2))
    # 4 officials of the 40 + 10 staff of the two agencies.
    assert (progress.numerator, progress.denominator) == (4, 50)
    assert progress.actual == pytest.approx(0.08)
    assert progress.gap_points == pytest.approx(92.0)
    assert progress.status == "behind"  # 8% < 100% × 182/365

    assert target_progress(target, year, None, dt.date(2025, 1, 1)).status == "on_track"
    assert target_progress(target, year, None, dt.date(2026, 3, 1)).status == "behind"


def test_target_progress_within_a_visible_subtree(commune):
    target = _official_2025(commune)
    year = period(periods.whole_year(2025))
    only_ubnd = target_progress(target, year, {commune["agency"]}, dt.date(2025, 7, 2))
    assert (only_ubnd.numerator, only_ubnd.denominator) == (3, 40)
    # A village officer has no agency: no population to divide by.
    village = target_progress(target, year, {commune["village"]}, dt.date(2025, 7, 2))
    assert (village.numerator, village.denominator) == (0, 0)
    assert village.actual is None and village.gap_points is None
    assert village.status == "no_population"


def test_target_progress_met_and_for_everyone(commune):
    station = commune["station"]
    for n in range(10):
        visit(person(f"Nhân viên {n}", "official", station), dt.datetime(2026, 3, 1, 3))
    visit(person("Dân", "villager", commune["village"]), dt.datetime(2026, 3, 1, 3))
    staff_reached = Target(
        indicator="reached", year=2026, roles=["official"], target_percent=100, description="x"
    )
    everyone = Target(indicator="reached", year=2026, roles=[], target_percent=5, description="y")
    db.session.add_all([staff_reached, everyone])
    database.commit()
    h1 = period(H1_2026)
    only_station = target_progress(staff_reached, h1, {station}, dt.date(2026, 7, 2))
    assert (only_station.numerator, only_station.denominator) == (10, 10)
    assert only_station.status == "met" and only_station.gap_points == 0.0
    # No roles: the whole tree, everyone counted, over the commune's declared population.
    whole = target_progress(everyone, h1, None, dt.date(2026, 7, 2))
    assert (whole.numerator, whole.denominator) == (11, 1000)
    assert whole.gap_points == pytest.approx(5 - 1100 / 1000)
    assert whole.gap_people == 50 - 11
    assert whole.status == "behind"  # 11/1000 = 1.1% < 5% × 182/365 ≈ 2.49%
    # On 1 March only 5% × 59/365 ≈ 0.81% is expected by then.
    assert target_progress(everyone, h1, None, dt.date(2026, 3, 1)).status == "on_track"


def test_applicable_targets_fall_back_to_the_latest_earlier_year(ctx):
    targets.seed_plan_targets()
    database.commit()
    assert targets.applicable(2024) == []
    assert {t.year for t in targets.applicable(2025)} == {2025}
    assert {t.year for t in targets.applicable(2027)} == {2025}
    got = targets.applicable(2029)
    assert {(t.indicator, t.year, tuple(t.roles)) for t in got} == {
        ("reached", 2029, ("villager",)),
        ("trained", 2029, ("official",)),
    }


# --- `flask targets seed` -------------------------------------------------------------------------


def test_targets_seed_twice_adds_seven_then_nothing_and_keeps_edits(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["targets", "seed"])
    assert first.exit_code == 0, first.output
    assert "Targets added: 7." in first.output
    with app.app_context():
        assert Target.query.count() == 7
        target = Target.query.filter_by(year=2025).one()
        targets.update(target, 90, "Sửa bởi văn phòng")
        database.commit()
    second = runner.invoke(args=["targets", "seed"])
    assert second.exit_code == 0, second.output
    assert "Targets added: 0." in second.output
    with app.app_context():
        assert Target.query.count() == 7
        target = Target.query.filter_by(year=2025).one()
        assert (target.target_percent, target.description) == (90, "Sửa bởi văn phòng")
        assert sorted((t.indicator, t.year) for t in Target.query) == [
            ("reached", 2025),
            ("reached", 2028),
            ("reached", 2029),
            ("reached", 2030),
            ("trained", 2028),
            ("trained", 2029),
            ("trained", 2030),
        ]


# --- timeline -------------------------------------------------------------------------------------


def test_timeline_counts_distinct_people_per_week(commune):
    na_pan = commune["village"]
    hoa = person("Hoa", "villager", na_pan)
    visit(hoa, dt.datetime(2026, 3, 2, 3))  # Monday 2 March
    visit(hoa, dt.datetime(2026, 3, 8, 3))  # Sunday of the same week
    visit(person("Tùng", "villager", na_pan), dt.datetime(2026, 3, 4, 3))
    visit(person("Lan", "villager", commune["village_b"]), dt.datetime(2026, 3, 10, 3))
    database.commit()
    assert indicators.timeline(period(H1_2026), None) == [
        (dt.date(2026, 3, 2), 2),
        (dt.date(2026, 3, 9), 1),
    ]
    assert indicators.timeline(period(H1_2026), {commune["village_b"]}) == [
        (dt.date(2026, 3, 9), 1)
    ]
    assert indicators.timeline(period(H2_2026), None) == []


def test_timeline_weeks_are_vietnamese_weeks(commune):
    # 20:00 UTC on Sunday 7 June is 03:00 on Monday 8 June in Vietnam: the week of 8 June.
    visit(person("Khuya", "villager", commune["village"]), dt.datetime(2026, 6, 7, 20, 0))
    database.commit()
    assert indicators.timeline(period(H2_2026), None) == [(dt.date(2026, 6, 8), 1)]


# --- counting happens in the database -------------------------------------------------------------


def _add_people(unit_id: int, start: int, count: int) -> None:
    for n in range(start, start + count):
        someone = person(f"Người {n:03d}", "villager", unit_id)
        record_visit(someone, quiz("an-toan").lesson, None)
        record_visit(someone, quiz("an-toan"), None)
        version = quiz("an-toan").current_version
        submit_attempt(
            Submission(someone, version, _answers(version, True), secrets.token_hex(16), None)
        )
    database.commit()


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


def test_figures_issue_the_same_statements_for_10_and_200_people(commune):
    na_pan = commune["village"]
    everything = Period(None, None, TZ)
    result = {}

    def run():
        result["rows"] = {r.unit_id: r for r in flatten(figures(everything, None))}

    _add_people(na_pan, 0, 10)
    small = _statements(run)
    assert (result["rows"][na_pan].reached, result["rows"][na_pan].trained) == (10, 10)
    _add_people(na_pan, 10, 190)
    large = _statements(run)
    assert (result["rows"][na_pan].reached, result["rows"][na_pan].trained) == (200, 200)
    assert small == large, (small, large)
    assert small <= 5, small


def test_the_weekly_series_shows_every_week_of_the_period_up_to_today(commune):
    visit(person("Hoa", "villager", commune["village"]), dt.datetime(2026, 3, 3, 3))
    visit(person("Lan", "villager", commune["village_b"]), dt.datetime(2026, 3, 24, 3))
    database.commit()
    series = indicators.weekly_series(period(H1_2026), None, today=dt.date(2026, 4, 1))
    weeks = [week for week, _count in series]
    assert weeks[0] == dt.date(2025, 12, 1)  # the week of the period's first day (06/12/2025)
    assert weeks[-1] == dt.date(2026, 3, 30)  # up to today, not the period's end
    assert all((b - a).days == 7 for a, b in itertools.pairwise(weeks))
    counts = dict(series)
    assert counts[dt.date(2026, 3, 2)] == 1 and counts[dt.date(2026, 3, 23)] == 1
    assert counts[dt.date(2026, 3, 9)] == 0 and counts[dt.date(2026, 3, 16)] == 0
    assert sum(counts.values()) == 2
