"""The rule tables behind the activity and science-task checks: one walk, first code wins."""

import datetime as dt

from services.common.text import clean_line
from services.reporting import field_rules as rules

TODAY = dt.date(2026, 3, 1)
TABLE = {
    "title": (clean_line, (rules.required, rules.too_long(5))),
    "count": (rules.as_given, (rules.required, rules.at_least(1, "too_small"))),
    "day": (rules.as_given, (rules.not_after(TODAY), rules.not_before(dt.date(2024, 1, 1)))),
    "link": (rules.optional_line, (rules.too_long(40), rules.web_link)),
    "kind": (rules.as_given, (rules.one_of(("a", "b")),)),
}


def test_values_are_cleaned_and_good_input_has_no_problems():
    values, errors = rules.check_fields(
        TABLE, {"title": "  Họp  ", "count": 2, "day": TODAY, "link": " ", "kind": "a"}
    )
    assert errors == {}
    assert values == {"title": "Họp", "count": 2, "day": TODAY, "link": None, "kind": "a"}


def test_each_bad_field_gets_the_first_rule_it_breaks():
    _values, errors = rules.check_fields(
        TABLE,
        {"title": "", "count": 0, "day": dt.date(2026, 3, 2), "link": "ftp://x.vn", "kind": None},
    )
    assert errors == {
        "title": "required",
        "count": "too_small",
        "day": "future",
        "link": "scheme",
        "kind": "unknown",
    }


def test_a_missing_value_passes_every_rule_but_required():
    _values, errors = rules.check_fields(TABLE, {"title": "Họp", "kind": "b"})
    assert errors == {"count": "required"}


def test_links_need_http_and_a_host():
    assert rules.link_ok("https://xa.gov.vn/tin")
    assert not rules.link_ok("https:///tin")
    assert not rules.link_ok("javascript:alert(1)")
    assert not rules.link_ok("https://xa.gov.vn/a b")
