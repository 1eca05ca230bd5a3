"""A title that promises a number of minutes ("Nghị quyết 57 trong 5 phút") says the same as the
lesson's `minutes`, which the lesson card shows ("6 phút"): one lesson must not say both. The
English title is held to it too ("in 5 minutes", "in five minutes"). Only a promise of duration
counts: "Kiểm tra 15 phút" names a kind of school test."""

from pathlib import Path

import pytest
import yaml

from services.content.schema import validate_topic

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "content"


def _topic(title: str, minutes: int, english: str | None = None) -> dict:
    data = yaml.safe_load((FIXTURE / "01-an-toan.yaml").read_text(encoding="utf-8"))
    data["title"], data["minutes"] = title, minutes
    if english is not None:
        data.setdefault("translations", {}).setdefault("en", {})["title"] = english
    return data


def _title_errors(data) -> list[tuple[str, str]]:
    errors = validate_topic(data, "t.yaml", FIXTURE / "media")
    return [(e.where, e.template) for e in errors if e.where.endswith("title")]


@pytest.mark.parametrize(
    "title, english",
    [
        ("Nghị quyết 57 trong 5 phút", None),
        ("Năm phút về an toàn", None),
        ("An toàn trên mạng", "Safety online in 5 minutes"),
        ("An toàn trên mạng", "Safety online in five minutes"),
    ],
)
def test_a_title_naming_other_minutes_than_the_lesson_is_refused(title, english):
    errors = _title_errors(_topic(title, 6, english))
    assert len(errors) == 1
    assert errors[0][1] == "names {named} minutes but the lesson takes {minutes} (minutes)"


@pytest.mark.parametrize(
    "title, english",
    [
        ("Nghị quyết 57 trong 6 phút", "Resolution 57 in 6 minutes"),
        ("Sáu phút về an toàn", "Six minutes on safety"),
        ("An toàn trên mạng", "Safety online"),
        ("Nghị quyết 57 năm 2024", None),  # a year, not minutes
        ("Kiểm tra 15 phút lớp 7A", "15-minute test, class 7A"),  # a kind of test, not a duration
    ],
)
def test_a_title_agreeing_with_the_minutes_or_naming_none_passes(title, english):
    assert _title_errors(_topic(title, 6, english)) == []


def test_every_bundled_lesson_title_agrees_with_its_minutes():
    problems = []
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("kind") != "topic":
            continue
        errors = validate_topic(data, path.name, ROOT / "quizzes" / "media")
        problems += [f"{path.name}: {e.where}" for e in errors if e.where.endswith("title")]
    assert problems == []
