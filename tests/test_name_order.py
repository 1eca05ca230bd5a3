"""Names in the order of a Vietnamese class list: given name, then family and middle names,
Vietnamese alphabet (Đ after D, ô before ơ before u before ư), tones only to break ties."""

import unicodedata

import pytest

import database
from extensions import db
from models import RosterEntry, Unit
from services.common.name_order import name_key, sorted_by_name
from services.common.periods import Period
from services.org import roster
from services.reporting import unit_reports


def test_given_name_first_then_family_name():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Minh An", "Hoàng Thu Cúc"]
    assert sorted_by_name(names) == [
        "Lê Minh An", "Nguyễn Thị An", "Trần Văn Bình", "Hoàng Thu Cúc",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Vũ Thị Dung", "Lê Văn Đức"),  # Đ after D
        ("Phạm Văn Đức", "Lý Thị Em"),  # Đ before E
        ("Hà Văn Lộc", "Hà Văn Lương"),  # ô before ư
        ("Hà Văn Long", "Hà Văn Lộc"),  # letters equal but tone: ngang before nặng
        ("Nông Thị Anh", "Nông Thị Ánh"),  # no tone before sắc
        ("Nông Thị Ảnh", "Nông Thị Ánh"),  # hỏi before sắc (ngang huyền hỏi ngã sắc nặng)
        ("Lê Thị Hà", "Lê Thị Hạ"),  # huyền before nặng
        ("Lò Văn Oanh", "Lò Văn Ơn"),  # o before ơ (and the letter decides before the tone)
        ("Mã Thị Uyên", "Mã Thị Ưng"),  # u before ư
        ("Hoàng An", "Hoàng Văn An"),  # same given name: the shorter family part first
    ],
)
def test_pairs_in_vietnamese_order(first, second):
    assert name_key(first) < name_key(second)
    assert sorted_by_name([second, first]) == [first, second]


def test_case_and_composition_do_not_matter():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert name_key(decomposed) == name_key("NGUYỄN VĂN ĐỨC") == name_key("Nguyễn Văn Đức")


def test_sorting_objects_by_a_name_attribute():
    people = [{"n": "Lương Văn Tú"}, {"n": "Bế Thị Ánh"}]
    assert [p["n"] for p in sorted_by_name(people, lambda p: p["n"])] == [
        "Bế Thị Ánh", "Lương Văn Tú",
    ]  # fmt: skip


def test_empty_and_odd_names_do_not_fail():
    assert sorted_by_name(["Ngô 3", "A2", ""]) == ["", "A2", "Ngô 3"]


CLASS_LIST = ["Hà Văn Lương", "Lê Văn Đức", "Hà Văn Lộc", "Vũ Thị Dung", "Bế Thị Ánh"]
IN_ORDER = ["Bế Thị Ánh", "Vũ Thị Dung", "Lê Văn Đức", "Hà Văn Lộc", "Hà Văn Lương"]


def test_a_class_report_lists_pupils_in_vietnamese_order(app, places, participant_in_db):
    for name in CLASS_LIST:
        participant_in_db(name, role="student", unit="class")
    with app.app_context():
        report = unit_reports.unit_report("Lớp 7A", {places["class"]}, Period())
        assert [person.name for person in report.people] == IN_ORDER


def test_the_unclaimed_roster_names_are_in_vietnamese_order(app, places):
    with app.app_context():
        klass = db.session.get(Unit, places["class"])
        for number, name in enumerate(CLASS_LIST, start=1):
            db.session.add(RosterEntry(unit_id=klass.id, name=name, list_number=number))
        database.commit()
        assert [entry.name for entry in roster.unclaimed(klass)] == IN_ORDER
