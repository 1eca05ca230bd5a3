"""Survey files (kind: survey) in quizzes/: every broken file is reported with its file name,
field and a reason; loading is idempotent and versions the questions; the bundled surveys are
valid, in plain Vietnamese, and translated.

As in test_content_validation.py, each case starts from one small valid survey, breaks one
thing, writes it into a temporary folder and checks the error line "<folder>/<file>: <field>:
<message>".
"""

import copy
import datetime as dt
import html as html_lib
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_SURVEYS
from helpers import DELETE, changed, survey_form
from sqlalchemy import inspect
from test_content_validation import (
    assert_one_error,
    dump,
    make_folder,
    topic,
)

import database
from extensions import db
from models import Survey, SurveyResponse, SurveyVersion
from services.content import loader as content_loader
from services.content.loader import ContentError, check

QUIZZES = Path(__file__).resolve().parent.parent / "quizzes"
BUNDLED_SURVEYS = sorted(
    p for p in QUIZZES.glob("*.y*ml") if "kind: survey" in p.read_text(encoding="utf-8")
)
FILE = "51-thu-khao-sat.yaml"
TYPES = "likert, single, multiple, number, text"
LABELS = ["Hoàn toàn không", "Không", "Bình thường", "Có", "Hoàn toàn có"]

VALID = {
    "kind": "survey",
    "id": "thu-khao-sat",
    "title": "Khảo sát thử",
    "summary": "Một phiếu ngắn để thử bộ kiểm tra.",
    "audience": ["villager", "student"],
    "reach": True,
    "opens": dt.date(2026, 1, 1),
    "closes": dt.date(2026, 12, 31),
    "questions": [
        {
            "id": "da-nghe",
            "type": "single",
            "text": "Bạn đã nghe về Nghị quyết 57 chưa?",
            "choices": [{"id": "roi", "text": "Đã nghe"}, {"id": "chua", "text": "Chưa nghe"}],
        },
        {
            "id": "nguon",
            "type": "multiple",
            "required": False,
            "other": True,
            "text": "Bạn nghe qua đâu?",
            "choices": [
                {"id": "loa", "text": "Loa truyền thanh"},
                {"id": "zalo", "text": "Zalo"},
                {"id": "hop", "text": "Họp thôn"},
            ],
        },
        {"id": "hieu", "type": "likert", "text": "Tôi hiểu Nghị quyết 57.", "labels": LABELS},
        {
            "id": "so-lan",
            "type": "number",
            "required": False,
            "integer": True,
            "min": 0,
            "max": 100,
            "text": "Bạn dùng dịch vụ công trực tuyến mấy lần?",
        },
        {
            "id": "gop-y",
            "type": "text",
            "required": False,
            "max_length": 300,
            "text": "Góp ý của bạn",
        },
    ],
    "translations": {
        "en": {
            "title": "A test survey",
            "summary": "A short survey.",
            "questions": {
                "da-nghe": {
                    "text": "Have you heard of Resolution 57?",
                    "choices": {"roi": "Yes", "chua": "No"},
                },
                "nguon": {"text": "Where from?", "other": "Somewhere else"},
                "hieu": {"labels": ["Not at all", "No", "So so", "Yes", "Very much"]},
            },
        }
    },
}


def survey(**top_level) -> dict:
    data = copy.deepcopy(VALID)
    data.update(top_level)
    return data


def broken(path: str, value) -> dict:
    """The valid survey with the field at `path` (e.g. questions[1].other) set or deleted."""
    return changed(survey(), path, value)


def errors_for(tmp_path: Path, data, name: str = FILE) -> list[str]:
    return check(make_folder(tmp_path, {name: data})).errors


def one_error(tmp_path: Path, data, field: str, *fragments: str) -> str:
    return assert_one_error(errors_for(tmp_path, data), field, *fragments, name=FILE)


# --- the starting point is valid ---------------------------------------------------------------


def test_the_valid_survey_used_below_has_no_errors(tmp_path):
    result = check(make_folder(tmp_path, {FILE: survey()}))
    assert result.errors == []
    [parsed] = result.topics
    assert parsed.path == f"quizzes/{FILE}"
    assert parsed.data["kind"] == "survey" and parsed.data["id"] == "thu-khao-sat"


def test_survey_without_optional_parts_is_valid(tmp_path):
    data = survey()
    for key in ("reach", "opens", "closes", "translations"):
        del data[key]
    data["questions"] = [{"id": "y-kien", "type": "text", "text": "Ý kiến của bạn?"}]
    assert errors_for(tmp_path, data) == []


def test_anonymous_survey_without_reach_is_valid(tmp_path):
    data = survey(anonymous=True)
    del data["reach"]
    assert errors_for(tmp_path, data) == []


def test_surveys_and_topics_live_side_by_side(tmp_path):
    result = check(make_folder(tmp_path, {"01-bai.yaml": topic(), FILE: survey()}))
    assert result.errors == []
    assert [t.data["kind"] for t in result.topics] == ["topic", "survey"]


def test_a_survey_cannot_take_the_id_of_a_topic(tmp_path):
    folder = make_folder(tmp_path, {"01-bai.yaml": topic(), FILE: survey(id="thu-nghiem")})
    assert check(folder).errors == [
        f"quizzes/{FILE}: id: 'thu-nghiem' is already used by quizzes/01-bai.yaml"
    ]


def test_yaml_errors_in_a_survey_name_the_line(tmp_path):
    text = dump(survey()).replace("reach: true", "reach: [true")
    errors = errors_for(tmp_path, text)
    assert len(errors) == 1 and errors[0].startswith(f"quizzes/{FILE}: bad YAML: line "), errors


def test_duplicate_yaml_key_in_a_survey_question(tmp_path):
    text = dump(survey()).replace("  type: likert\n", "  type: likert\n  type: text\n", 1)
    assert_one_error(errors_for(tmp_path, text), "", "bad YAML", "duplicate key 'type'", name=FILE)


# --- unknown keys and keys of another kind -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("author", "author", "unknown key"),
        ("quiz", "quiz", "unknown key"),
        ("questions[0].hint", "questions[0].hint", "unknown key"),
        ("questions[0].answer", "questions[0].answer", "unknown key"),
        ("questions[0].explanation", "questions[0].explanation", "unknown key"),
        ("questions[1].choices[2].correct", "questions[1].choices[2].correct", "unknown key"),
        ("questions[0].labels", "questions[0].labels", "not used by a single question"),
        ("questions[0].max_length", "questions[0].max_length", "not used by a single question"),
        ("questions[1].integer", "questions[1].integer", "not used by a multiple question"),
        ("questions[2].choices", "questions[2].choices", "not used by a likert question"),
        ("questions[2].other", "questions[2].other", "not used by a likert question"),
        ("questions[3].labels", "questions[3].labels", "not used by a number question"),
        ("questions[3].max_length", "questions[3].max_length", "not used by a number question"),
        ("questions[4].min", "questions[4].min", "not used by a text question"),
        ("questions[4].choices", "questions[4].choices", "not used by a text question"),
        ("translations.en.author", "translations.en.author", "unknown key"),
        ("translations.en.lesson", "translations.en.lesson", "unknown key"),
        (
            "translations.en.questions.da-nghe.explanation",
            "translations.en.questions.da-nghe.explanation",
            "unknown key",
        ),
        (
            "translations.en.questions.da-nghe.hint",
            "translations.en.questions.da-nghe.hint",
            "unknown key",
        ),
    ],
)
def test_unknown_or_misplaced_key(tmp_path, path, field, message):
    one_error(tmp_path, broken(path, ["gì đó"]), field, message)


def test_unknown_type_with_a_quiz_key(tmp_path):
    data = broken("questions[0].type", "true_false")
    data["questions"][0]["answer"] = True
    errors = errors_for(tmp_path, data)
    assert sorted(errors) == [
        f"quizzes/{FILE}: questions[0].answer: unknown key",
        f"quizzes/{FILE}: questions[0].type: must be one of {TYPES}",
    ]


# --- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["khao-sat", "Survey", "", 1, None])
def test_bad_kind_is_named(tmp_path, kind):
    errors = errors_for(tmp_path, survey(kind=kind))
    assert f"quizzes/{FILE}: kind: must be 'topic' or 'survey'" in errors


def test_missing_kind_is_named(tmp_path):
    errors = errors_for(tmp_path, broken("kind", DELETE))
    assert f"quizzes/{FILE}: kind: must be 'topic' or 'survey'" in errors


@pytest.mark.parametrize("qtype", ["essay", "true_false", "Likert", "rating", 5, None, ["single"]])
def test_bad_question_kind(tmp_path, qtype):
    one_error(tmp_path, broken("questions[3].type", qtype), "questions[3].type", TYPES)


def test_missing_question_kind(tmp_path):
    one_error(tmp_path, broken("questions[0].type", DELETE), "questions[0].type", TYPES)


# --- required fields and wrong types -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("id", "is required and must be a slug"),
        ("title", "is required"),
        ("summary", "is required"),
        ("audience", "is required"),
        ("questions", "is required and must be a list"),
        ("questions[0].id", "must be a slug"),
        ("questions[0].text", "is required"),
        ("questions[0].choices", "must be a list of 2–12 choices"),
        ("questions[1].choices", "must be a list of 2–12 choices"),
        ("questions[0].choices[1].id", "must be a slug"),
        ("questions[0].choices[1].text", "is required"),
    ],
)
def test_missing_required_field(tmp_path, path, message):
    data = broken(path, DELETE)
    if path.startswith("questions[0]."):
        del data["translations"]["en"]["questions"]["da-nghe"]  # keep to one error
    if path.startswith("questions[1]."):
        del data["translations"]["en"]["questions"]["nguon"]
    if path == "questions":
        del data["translations"]
    one_error(tmp_path, data, path, message)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", 57, "must be a slug"),
        ("id", "ab", "3–60 characters"),
        ("id", "Khao-Sat", "must be a slug"),
        ("id", "khảo-sát", "must be a slug"),
        ("title", 123, "must be non-empty text"),
        ("title", "  ", "must be non-empty text"),
        ("title", "x" * 121, "longer than 120 characters"),
        ("summary", "x" * 201, "longer than 200 characters"),
        ("audience", "villager", "must be a non-empty list of roles"),
        ("audience", [], "must be a non-empty list of roles"),
        ("audience", ["villager", "teacher"], "'teacher' is not a role"),
        ("anonymous", "yes", "must be true or false"),
        ("anonymous", 1, "must be true or false"),
        ("reach", "có", "must be true or false"),
        ("questions", {"da-nghe": "?"}, "is required and must be a list"),
        ("questions[0]", "Bạn đã nghe chưa?", "must be a mapping with id, type and text"),
        ("questions[0].text", 5, "must be non-empty text"),
        ("questions[0].text", "x" * 501, "longer than 500 characters"),
        ("questions[0].required", "có", "must be true or false"),
        ("questions[0].required", 0, "must be true or false"),
        ("questions[1].other", "có", "must be true or false"),
        ("questions[0].choices", "roi, chua", "must be a list of 2–12 choices"),
        ("questions[0].choices[1]", "Chưa nghe", "must be a mapping with id and text"),
        ("questions[0].choices[1].text", "x" * 301, "longer than 300 characters"),
        ("questions[0].choices[1].text", "", "must be non-empty text"),
        ("questions[3].integer", "có", "must be true or false"),
        ("questions[3].min", "không", "must be a number"),
        ("questions[3].min", True, "must be a number"),
        ("questions[3].max", [100], "must be a number"),
        ("questions[3].max", 2_000_000_000, "must be between -1000000000 and 1000000000"),
        ("questions[3].min", -1_000_000_001, "must be between -1000000000 and 1000000000"),
    ],
)
def test_wrong_value(tmp_path, path, value, message):
    data = broken(path, value)
    if path == "questions":
        del data["translations"]
    if path.startswith("questions[0]"):
        del data["translations"]["en"]["questions"]["da-nghe"]
    field = "audience[1]" if value == ["villager", "teacher"] else path
    one_error(tmp_path, data, field, message)


@pytest.mark.parametrize("count", [0, 31])
def test_too_few_or_too_many_questions(tmp_path, count):
    questions = [{"id": f"c{i}", "type": "text", "text": f"Câu {i}?"} for i in range(count)]
    data = survey(questions=questions)
    del data["translations"]
    one_error(tmp_path, data, "questions", "must have 1–30 questions")


@pytest.mark.parametrize("count", [1, 30])
def test_one_and_thirty_questions_are_fine(tmp_path, count):
    questions = [{"id": f"c{i}", "type": "text", "text": f"Câu {i}?"} for i in range(count)]
    data = survey(questions=questions)
    del data["translations"]
    assert errors_for(tmp_path, data) == []


# --- choices -----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 13])
def test_choices_count(tmp_path, count):
    choices = [{"id": f"c{i}", "text": f"Ý {i}"} for i in range(count)]
    data = broken("questions[1].choices", choices)
    one_error(tmp_path, data, "questions[1].choices", "must be a list of 2–12 choices")


@pytest.mark.parametrize("count", [2, 12])
def test_two_and_twelve_choices_are_fine(tmp_path, count):
    choices = [{"id": f"c{i}", "text": f"Ý {i}"} for i in range(count)]
    assert errors_for(tmp_path, broken("questions[1].choices", choices)) == []


def test_duplicate_question_id(tmp_path):
    one_error(
        tmp_path,
        broken("questions[4].id", "nguon"),
        "questions[4].id",
        "duplicate question id 'nguon'",
    )


def test_duplicate_choice_id(tmp_path):
    one_error(
        tmp_path,
        broken("questions[1].choices[2].id", "loa"),
        "questions[1].choices[2].id",
        "duplicate choice id 'loa'",
    )


def test_the_same_choice_id_in_two_questions_is_fine(tmp_path):
    assert errors_for(tmp_path, broken("questions[1].choices[2].id", "roi")) == []


@pytest.mark.parametrize("question", [0, 1])
def test_other_is_a_reserved_choice_id(tmp_path, question):
    data = broken(f"questions[{question}].choices[1].id", "other")
    data["translations"]["en"]["questions"]["da-nghe"].pop("choices")
    one_error(
        tmp_path,
        data,
        f"questions[{question}].choices[1].id",
        "'other' is reserved",
        "`other: true`",
    )


@pytest.mark.parametrize("bad_id", ["Roi", "rồi", "r i", "r_i", 1, "-roi"])
def test_choice_id_must_be_a_slug(tmp_path, bad_id):
    data = broken("questions[1].choices[0].id", bad_id)
    one_error(tmp_path, data, "questions[1].choices[0].id", "must be a slug")


# --- Likert labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels", [LABELS[:4], [*LABELS, "Tuyệt đối"], [], "Không, Có", {"1": "Không"}]
)
def test_likert_needs_exactly_five_labels(tmp_path, labels):
    one_error(
        tmp_path,
        broken("questions[2].labels", labels),
        "questions[2].labels",
        "must be a list of exactly 5 labels",
    )


@pytest.mark.parametrize("label", ["", "   ", 3, None, "x" * 81])
def test_each_likert_label_is_short_text(tmp_path, label):
    labels = [*LABELS[:2], label, *LABELS[3:]]
    one_error(
        tmp_path,
        broken("questions[2].labels", labels),
        "questions[2].labels[2]",
        "must be non-empty text of at most 80 characters",
    )


def test_likert_without_labels_uses_the_standard_ones(tmp_path):
    data = broken("questions[2].labels", DELETE)
    del data["translations"]["en"]["questions"]["hieu"]
    assert errors_for(tmp_path, data) == []


def test_translated_likert_labels_need_five_too(tmp_path):
    data = broken("translations.en.questions.hieu.labels", ["No", "Yes"])
    one_error(
        tmp_path,
        data,
        "translations.en.questions.hieu.labels",
        "must be a list of exactly 5 labels",
    )


# --- numbers and texts -------------------------------------------------------------------------


@pytest.mark.parametrize(("low", "high"), [(10, 5), (0.5, 0.25), (-1, -2)])
def test_number_min_above_max(tmp_path, low, high):
    data = broken("questions[3].min", low)
    data["questions"][3]["max"] = high
    one_error(tmp_path, data, "questions[3].max", "must not be smaller than min")


@pytest.mark.parametrize(("low", "high"), [(5, 5), (-10, 10), (0.5, 2.5), (None, 3), (3, None)])
def test_number_limits_that_are_fine(tmp_path, low, high):
    data = survey()
    question = data["questions"][3]
    for key, value in (("min", low), ("max", high)):
        if value is None:
            question.pop(key)
        else:
            question[key] = value
    assert errors_for(tmp_path, data) == []


@pytest.mark.parametrize("value", [0, -5, 2001, 10_000, "dài", True, 1.5])
def test_text_max_length_out_of_range(tmp_path, value):
    one_error(
        tmp_path,
        broken("questions[4].max_length", value),
        "questions[4].max_length",
        "must be a whole number from 1 to 2000",
    )


@pytest.mark.parametrize("value", [1, 2000])
def test_text_max_length_limits_are_fine(tmp_path, value):
    assert errors_for(tmp_path, broken("questions[4].max_length", value)) == []


# --- anonymity, reach and dates ----------------------------------------------------------------


def test_an_anonymous_survey_cannot_count_reach(tmp_path):
    one_error(
        tmp_path,
        survey(anonymous=True, reach=True),
        "reach",
        "an anonymous survey cannot count people as reached",
    )


@pytest.mark.parametrize("key", ["opens", "closes"])
@pytest.mark.parametrize("value", ["01/12/2026", "2026-13-01", 2026, "mai", True])
def test_dates_must_be_dates(tmp_path, key, value):
    one_error(tmp_path, survey(**{key: value}), key, "must be a date YYYY-MM-DD")


def test_dates_written_in_yaml_are_read_as_dates(tmp_path):
    text = dump(survey()).replace("opens: 2026-01-01", "opens: 2026-02-03")
    [parsed] = check(make_folder(tmp_path, {FILE: text})).topics
    assert parsed.data["opens"] == dt.date(2026, 2, 3)


def test_quoted_date_is_text_not_a_date(tmp_path):
    text = dump(survey()).replace("opens: 2026-01-01", "opens: '2026-01-01'")
    one_error(tmp_path, text, "opens", "must be a date YYYY-MM-DD")


def test_closing_before_opening(tmp_path):
    data = survey(opens=dt.date(2026, 6, 5), closes=dt.date(2026, 6, 4))
    one_error(tmp_path, data, "closes", "is before opens")


def test_opening_and_closing_on_the_same_day_is_fine(tmp_path):
    day = dt.date(2026, 6, 5)
    assert errors_for(tmp_path, survey(opens=day, closes=day)) == []


# --- translations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        (
            "translations.en.questions.khong-co",
            {"text": "Nothing?"},
            "translations.en.questions.khong-co",
            "names a question the survey does not have",
        ),
        (
            "translations.en.questions.da-nghe.choices.co-le",
            "Maybe",
            "translations.en.questions.da-nghe.choices.co-le",
            "names a choice the question does not have",
        ),
        (
            "translations.en.questions.hieu.choices",
            {"1": "One"},
            "translations.en.questions.hieu.choices.1",
            "names a choice the question does not have",
        ),
        (
            "translations.en.questions.nguon.choices",
            {"other": "Else"},
            "translations.en.questions.nguon.choices.other",
            "names a choice the question does not have",
        ),
        ("translations", ["en"], "translations", "must be a mapping of language code"),
        ("translations.en", "English", "translations.en", "must be a mapping"),
        (
            "translations.en.questions",
            ["da-nghe"],
            "translations.en.questions",
            "must be a mapping of question id to texts",
        ),
        (
            "translations.en.questions.da-nghe",
            "Heard?",
            "translations.en.questions.da-nghe",
            "must be a mapping",
        ),
        (
            "translations.en.questions.da-nghe.choices",
            "Yes, No",
            "translations.en.questions.da-nghe.choices",
            "must be a mapping of choice id to text",
        ),
        (
            "translations.en.questions.da-nghe.text",
            "",
            "translations.en.questions.da-nghe.text",
            "must be non-empty text",
        ),
        (
            "translations.en.questions.nguon.other",
            "x" * 81,
            "translations.en.questions.nguon.other",
            "longer than 80 characters",
        ),
        ("translations.en.title", "x" * 301, "translations.en.title", "longer than 300"),
    ],
)
def test_bad_translation(tmp_path, path, value, field, message):
    one_error(tmp_path, broken(path, value), field, message)


@pytest.mark.parametrize("lang", ["fr", "vi", "EN"])
def test_translation_in_unknown_language(tmp_path, lang):
    data = survey()
    data["translations"][lang] = data["translations"].pop("en")
    one_error(tmp_path, data, f"translations.{lang}", "unknown language", "en, tay, nun")


def test_partial_translations_in_every_language_are_accepted(tmp_path):
    data = survey()
    data["translations"]["tay"] = {"title": "Khảo sát"}
    data["translations"]["nun"] = {"questions": {"gop-y": {"text": "Góp ý"}}}
    assert errors_for(tmp_path, data) == []


# --- every error of a file at once -------------------------------------------------------------


def test_all_errors_of_a_survey_are_collected(tmp_path):
    data = survey(anonymous=True, title="")
    data["questions"][1]["choices"][0]["id"] = "other"
    data["questions"][2]["labels"] = LABELS[:3]
    data["questions"][3]["min"] = 50
    data["questions"][3]["max"] = 10
    assert sorted(errors_for(tmp_path, data)) == [
        f"quizzes/{FILE}: questions[1].choices[0].id: 'other' is reserved: write "
        "`other: true` instead",
        f"quizzes/{FILE}: questions[2].labels: must be a list of exactly 5 labels",
        f"quizzes/{FILE}: questions[3].max: must not be smaller than min",
        f"quizzes/{FILE}: reach: an anonymous survey cannot count people as reached "
        "(no one is named)",
        f"quizzes/{FILE}: title: must be non-empty text",
    ]


def test_nfd_text_is_checked_and_loaded_as_nfc(ctx, tmp_path):
    title = "Ý kiến về chuyển đổi số"
    data = survey(title=unicodedata.normalize("NFD", title))
    data["questions"][0]["text"] = unicodedata.normalize("NFD", "Bạn đã nghe chưa?")
    content_loader.load(make_folder(tmp_path, {FILE: data}))
    loaded = Survey.query.filter_by(slug="thu-khao-sat").one()
    assert loaded.title == title
    assert loaded.current_version.questions[0]["text"] == "Bạn đã nghe chưa?"


# --- loading: idempotent, versioned ------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    """A private copy of the fixture surveys that a test may edit."""
    target = tmp_path / "surveys"
    shutil.copytree(FIXTURE_SURVEYS, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def load(folder: Path) -> content_loader.LoadResult:
    result = content_loader.load(folder)
    database.commit()
    return result


def snapshot() -> dict:
    """Every column of every survey row, to compare the database before and after."""
    db.session.expire_all()
    rows = {}
    for model in (Survey, SurveyVersion):
        columns = [c.key for c in inspect(model).column_attrs]
        rows[model.__tablename__] = sorted(
            tuple(repr(getattr(obj, c)) for c in columns) for obj in model.query.all()
        )
    return rows


def test_first_load_creates_surveys_and_their_first_versions(ctx, folder):
    result = load(folder)
    assert result.created == ["an-danh", "y-kien"]
    assert result.updated == result.unchanged == result.new_quiz_versions == []
    named = Survey.query.filter_by(slug="y-kien").one()
    assert not named.anonymous and named.counts_as_reach
    assert named.opens_on is None and named.closes_on is None
    assert [v.number for v in named.versions] == [1]
    assert [q["id"] for q in named.current_version.questions] == [
        "da-nghe",
        "nguon",
        "hieu",
        "so-lan",
        "gop-y",
    ]
    assert named.translations == {"en": {"title": "Your views on Resolution 57"}}
    assert named.current_version.definition["translations"]["en"]["questions"]["da-nghe"]
    anonymous = Survey.query.filter_by(slug="an-danh").one()
    assert anonymous.anonymous and not anonymous.counts_as_reach


def test_loading_twice_changes_nothing(ctx, folder):
    load(folder)
    before = snapshot()
    result = load(folder)
    assert result.unchanged == ["an-danh", "y-kien"]
    assert result.created == result.updated == result.new_quiz_versions == []
    assert snapshot() == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Ý kiến về Nghị quyết 57", "title: Ý kiến về Nghị quyết 57-NQ/TW"),
        ("summary: Phiếu thử có đủ năm loại câu hỏi.", "summary: Phiếu thử khác."),
        ("reach: true\n", "reach: true\ncloses: 2030-12-31\n"),
        ("audience: [villager, student, official, worker, other]", "audience: [villager]"),
    ],
)
def test_changing_the_survey_but_not_its_questions_keeps_the_version(ctx, folder, old, new):
    load(folder)
    edit(folder / "y-kien.yaml", old, new)
    result = load(folder)
    assert result.updated == ["y-kien"] and result.new_quiz_versions == []
    assert [v.number for v in Survey.query.filter_by(slug="y-kien").one().versions] == [1]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("text: Góp ý của bạn", "text: Góp ý của bạn cho xã"),
        ('{id: zalo, text: "Zalo"}', '{id: zalo, text: "Nhóm Zalo"}'),
        ("    max: 100\n", "    max: 50\n"),
        ("  - id: gop-y\n    type: text\n    required: false\n", "  - id: gop-y\n    type: text\n"),
        ('choices: {roi: "Yes", chua: "No"}', 'choices: {roi: "Yes, I have", chua: "No"}'),
    ],
)
def test_a_changed_question_makes_a_new_version(ctx, folder, old, new):
    load(folder)
    edit(folder / "y-kien.yaml", old, new)
    result = load(folder)
    assert result.new_quiz_versions == ["y-kien v2"]
    assert [v.number for v in Survey.query.filter_by(slug="y-kien").one().versions] == [1, 2]
    assert load(folder).new_quiz_versions == []  # and only once


def _answer_page(client, slug="y-kien", query="") -> str:
    page = client.get(f"/surveys/{slug}{query}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _send(client, html: str, answers: dict, slug="y-kien"):
    response = client.post(f"/surveys/{slug}", data=survey_form(html, answers))
    assert response.status_code == 303, response.get_data(as_text=True)


def _version_numbers(app) -> list[int]:
    with app.app_context():
        return [r.version.number for r in SurveyResponse.query.order_by(SurveyResponse.id)]


def test_old_responses_keep_their_version(app, client, identify, folder):
    with app.app_context():
        load(folder)
    identify(client)
    old_form = _answer_page(client)
    _send(client, old_form, {"s_da_nghe": "roi", "s_hieu": "4", "s_gop_y": "Hay"})
    other = app.test_client()
    identify(other, name="Lý Thị Mai")
    stale_form = _answer_page(other)  # opened before the change, sent after it

    edit(folder / "y-kien.yaml", "text: Góp ý của bạn", "text: Bạn muốn xã làm gì thêm?")
    with app.app_context():
        assert load(folder).new_quiz_versions == ["y-kien v2"]
    assert _version_numbers(app) == [1]
    # The first answers are shown with the questions they answered.
    shown = html_lib.unescape(_answer_page(client))
    assert "Góp ý của bạn" in shown and "Bạn muốn xã làm gì thêm?" not in shown
    # A form opened before the change is still accepted, against the version it showed.
    _send(other, stale_form, {"s_da_nghe": "chua", "s_hieu": "2"})
    assert _version_numbers(app) == [1, 1]
    # New forms ask the new questions; an edit moves the response to the new version.
    new_form = html_lib.unescape(_answer_page(client, query="?sua=1"))
    assert "Bạn muốn xã làm gì thêm?" in new_form and "Góp ý của bạn" not in new_form
    _send(client, _answer_page(client, query="?sua=1"), {"s_da_nghe": "roi", "s_hieu": "5"})
    assert _version_numbers(app) == [2, 1]


def test_a_broken_survey_file_loads_nothing(ctx, folder):
    edit(folder / "an-danh.yaml", "anonymous: true", "anonymous: true\nreach: true")
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)
    assert raised.value.errors == [
        "surveys/an-danh.yaml: reach: an anonymous survey cannot count people as reached "
        "(no one is named)"
    ]
    database.rollback()
    assert Survey.query.count() == 0


def test_content_check_command_counts_surveys(app, folder):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "check", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 surveys, 7 survey questions" in result.output
    edit(folder / "y-kien.yaml", "max: 100", "max: -1")
    result = runner.invoke(args=["content", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "surveys/y-kien.yaml: questions[3].max: must not be smaller than min" in result.output


ANONYMITY_ERROR = (
    "surveys/y-kien.yaml: anonymous: cannot change from false to true: the survey already has "
    "1 response(s), and named and anonymous answers must not mix; make a new survey (with a new "
    "id) instead"
)


def test_a_survey_with_responses_cannot_switch_anonymity_and_nothing_loads(
    app, client, identify, folder
):
    with app.app_context():
        load(folder)
    edit(folder / "y-kien.yaml", "reach: true\n", "anonymous: true\n")
    with app.app_context():  # nobody has answered: the switch is allowed (and undone)
        assert load(folder).updated == ["y-kien"]
        assert Survey.query.filter_by(slug="y-kien").one().anonymous
    edit(folder / "y-kien.yaml", "anonymous: true\n", "reach: true\n")
    with app.app_context():
        load(folder)
    identify(client)
    _send(client, _answer_page(client), {"s_da_nghe": "roi", "s_hieu": "4"})

    edit(folder / "y-kien.yaml", "reach: true\n", "anonymous: true\n")
    edit(folder / "an-danh.yaml", "Phiếu thử không ghi tên.", "Phiếu thử, không ghi tên.")
    with app.app_context():
        before = snapshot()
        with pytest.raises(ContentError) as raised:
            content_loader.load(folder)
        assert raised.value.errors == [ANONYMITY_ERROR]
        database.rollback()
        assert snapshot() == before  # not even the other file's valid change
    runner = app.test_cli_runner()
    for command in ("check", "load"):
        result = runner.invoke(args=["content", command, "--dir", str(folder)])
        assert result.exit_code == 1, result.output
        assert ANONYMITY_ERROR in result.stderr
    with app.app_context():
        assert not Survey.query.filter_by(slug="y-kien").one().anonymous


@pytest.mark.parametrize(
    ("old", "new", "field", "change"),
    [
        (
            "    type: likert\n",
            "    type: single\n    choices: [{id: co, text: Có}, {id: khong, text: Không}]\n",
            "questions[2].type",
            "from likert to single",
        ),
        (
            "    type: number\n    required: false\n    integer: true\n    min: 0\n    max: 100\n",
            "    type: text\n    required: false\n",
            "questions[3].type",
            "from number to text",
        ),
    ],
)
def test_a_published_survey_questions_type_cannot_change(ctx, folder, old, new, field, change):
    load(folder)
    edit(folder / "y-kien.yaml", old, new)
    with pytest.raises(ContentError) as raised:
        content_loader.load(folder)
    [error] = raised.value.errors
    assert error.startswith(f"surveys/y-kien.yaml: {field}: cannot change {change}: ")
    assert error.endswith("add a new question (with a new id) instead")
    database.rollback()
    assert len(Survey.query.filter_by(slug="y-kien").one().versions) == 1


# --- the bundled surveys -----------------------------------------------------------------------


VIETNAMESE_LETTERS = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]"
)


@pytest.fixture(scope="module")
def bundled() -> dict[str, dict]:
    result = check(QUIZZES)
    assert result.errors == []
    return {t.data["id"]: t.data for t in result.topics if t.data["kind"] == "survey"}


def test_the_two_bundled_surveys_are_valid(bundled):
    assert [p.name for p in BUNDLED_SURVEYS] == [
        "51-khao-sat-nghi-quyet-57.yaml",
        "52-dich-vu-so-dang-dung.yaml",
    ]
    assert set(bundled) == {"khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung"}
    for path in BUNDLED_SURVEYS:  # named NN-<id>.yaml like the topics
        assert re.fullmatch(r"\d\d-(.+)\.yaml", path.name).group(1) in bundled


def _vietnamese_texts(data: dict) -> list[str]:
    texts = [data["title"], data["summary"]]
    for question in data["questions"]:
        texts.append(question["text"])
        texts.extend(c["text"] for c in question.get("choices", []))
        texts.extend(question.get("labels", []))
    return texts


@pytest.mark.parametrize("slug", ["khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung"])
def test_bundled_survey_is_in_plain_vietnamese(bundled, slug):
    data = bundled[slug]
    assert 3 <= len(data["questions"]) <= 10  # a few minutes on a phone
    for text in _vietnamese_texts(data):
        assert text == text.strip() and unicodedata.is_normalized("NFC", text), text
        assert len(text) <= 160, f"too long to read on a phone: {text}"
        words = re.findall(r"[^\W\d_]+", text)
        # Vietnamese words (with their tone marks), not English ones; short brand names aside.
        if len(words) > 2:
            assert VIETNAMESE_LETTERS.search(text.lower()), f"not Vietnamese: {text}"
    for question in data["questions"]:
        if question["type"] in ("single", "multiple"):
            assert 2 <= len(question["choices"]) <= 8, question["id"]


@pytest.mark.parametrize("slug", ["khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung"])
def test_bundled_survey_is_translated_in_full(bundled, slug):
    data = bundled[slug]
    english = data["translations"]["en"]
    assert english["title"].strip() and english["summary"].strip()
    for question in data["questions"]:
        texts = english["questions"].get(question["id"])
        assert texts and texts["text"].strip(), f"{question['id']} has no English text"
        choices = {c["id"] for c in question.get("choices", [])}
        assert set(texts.get("choices", {})) == choices, question["id"]
        assert not VIETNAMESE_LETTERS.search(texts["text"].lower()), texts["text"]


def test_the_reach_survey_asks_what_the_plan_needs(bundled):
    data = bundled["khao-sat-nghi-quyet-57"]
    assert data["reach"]["question"] == "nghe-6-thang" and not data.get("anonymous")
    questions = {q["id"]: q for q in data["questions"]}
    heard = questions["nghe-6-thang"]
    assert heard["type"] == "single" and heard.get("required", True)
    assert heard["text"].startswith("Trong 6 tháng qua")  # the half-year the plan reports on
    # only answers that show the information arrived in that half-year count as reached
    assert data["reach"]["choices"] == ["biet-ro", "chua-ro"]
    where = questions["kenh-6-thang"]
    assert where["type"] == "multiple" and where.get("other") is True
    assert where["show_if"] == {"question": "nghe-6-thang", "choices": ["biet-ro", "chua-ro"]}
    sources = {c["id"] for c in where["choices"]}
    assert {"loa", "ap-phich", "zalo", "hop", "truong"} <= sources  # CONTENT-FACTS.md
    assert [c["id"] for c in where["choices"] if c.get("exclusive")] == ["khong-nho"]
    assert any(q["type"] == "likert" for q in data["questions"])


def test_the_digital_services_survey_is_anonymous_and_covers_the_three_services(bundled):
    data = bundled["dich-vu-so-dang-dung"]
    assert data["anonymous"] is True and not data.get("reach")
    text = " ".join(_vietnamese_texts(data)).lower()
    for topic_words in ("dịch vụ công", "thanh toán", "mua", "bán hàng trên mạng"):
        assert topic_words in text, topic_words
    assert {q["type"] for q in data["questions"]} >= {"single", "multiple", "number", "likert"}


def test_the_digital_services_survey_has_time_frames_and_lets_none_stand_alone(bundled):
    questions = {q["id"]: q for q in bundled["dich-vu-so-dang-dung"]["questions"]}

    def alone(qid):
        return {c["text"] for c in questions[qid]["choices"] if c.get("exclusive")}

    assert alone("cach-thanh-toan") == {"Chưa dùng cách nào"}
    assert alone("kho-khan-dich-vu-so") == {"Không có khó khăn"}
    assert questions["kho-khan-dich-vu-so"].get("required", True)  # "none" is an answer now
    for qid in ("cach-thanh-toan", "so-lan-thang-qua"):
        assert questions[qid]["text"].startswith("Trong tháng vừa qua"), qid
    assert questions["mua-ban-6-thang"]["text"].startswith("Trong 6 tháng qua")
    assert questions["dich-vu-cong"]["text"].startswith("Trong 12 tháng qua")
    # how often is asked only of those who paid without cash
    rule = questions["so-lan-thang-qua"]["show_if"]
    assert rule["question"] == "cach-thanh-toan" and "chua-dung" not in rule["choices"]


def test_no_published_question_of_the_bundled_surveys_changed_type():
    """An id keeps its type (quizzes/README.md): the earlier ids either keep theirs or are gone."""
    published = {
        "khao-sat-nghi-quyet-57": {
            "da-nghe": "single", "nghe-tu-dau": "multiple", "hieu-vi-sao": "likert",
            "muon-hoc": "multiple", "gop-y": "text",
        },
        "dich-vu-so-dang-dung": {
            "dich-vu-cong": "single", "thanh-toan": "multiple", "so-lan": "number",
            "mua-ban": "single", "tu-tin": "likert", "kho-khan": "multiple", "gop-y": "text",
        },
    }  # fmt: skip
    for path in BUNDLED_SURVEYS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            assert published[data["id"]].get(question["id"], question["type"]) == question["type"]


def test_bundled_surveys_load_and_show_every_text(app, client, places, identify):
    with app.app_context():
        load(QUIZZES)
    identify(client)
    with app.app_context():
        surveys = {s.slug: s.current_version.definition for s in Survey.query}
    for slug, definition in surveys.items():
        for lang, header in (("vi", {}), ("en", {"Accept-Language": "en"})):
            page = client.get(f"/surveys/{slug}", headers=header)
            assert page.status_code == 200
            body = html_lib.unescape(page.get_data(as_text=True))
            for question in definition["questions"]:
                texts = definition["translations"]["en"]["questions"][question["id"]]
                expected = question["text"] if lang == "vi" else texts["text"]
                assert " ".join(expected.split()) in " ".join(body.split()), (slug, lang)
                for choice in question.get("choices", []):
                    label = choice["text"] if lang == "vi" else texts["choices"][choice["id"]]
                    assert f"<span>{label}</span>" in body, (slug, lang, label)
