"""`content_loader.check`: every broken file is reported with its file name, field and a reason.

Each case starts from one small valid topic, breaks one thing, writes it into a temporary
folder and checks the exact error line: "<folder>/<file>: <field>: <message>".
"""

import copy
import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml
from helpers import DELETE, changed

from models import Lesson, Quiz
from services.content import loader as content_loader
from services.content import schema_messages
from services.content.loader import check

QUIZZES = Path(__file__).resolve().parent.parent / "quizzes"
BUNDLED_FILES = sorted(QUIZZES.glob("*.yaml")) + sorted(QUIZZES.glob("*.yml"))
BUNDLED_TOPICS = [p for p in BUNDLED_FILES if "kind: topic" in p.read_text(encoding="utf-8")]
FILE = "01-thu-nghiem.yaml"
VALID = {
    "kind": "topic",
    "id": "thu-nghiem",
    "title": "Bài thử nghiệm",
    "summary": "Một bài ngắn để thử bộ kiểm tra.",
    "topic": "Thử nghiệm",
    "audience": ["villager", "student"],
    "minutes": 3,
    "facts_checked": dt.date(2026, 11, 20),
    "sources": ["Nguồn thử nghiệm"],
    "lesson": {
        "body": "## Mã OTP\nKhông đưa **mã OTP** cho ai.\n\n![Ảnh minh họa](media/anh.png)\n",
        "audio": "media/bai.mp3",
    },
    "quiz": {
        "pass_mark": 75,
        "max_attempts": 0,
        "questions": [
            {
                "id": "otp",
                "type": "single",
                "text": "Ai được biết mã OTP?",
                "choices": [
                    {"id": "a", "text": "Chỉ mình bạn"},
                    {"id": "b", "text": "Công an xã gọi điện"},
                    {"id": "c", "text": "Người bán hàng"},
                ],
                "answer": "a",
                "explanation": "Mã OTP chỉ dành cho bạn.",
            },
            {
                "id": "dau-hieu",
                "type": "multiple",
                "text": "Dấu hiệu lừa đảo là gì?",
                "choices": [
                    {"id": "a", "text": "Giục chuyển tiền gấp"},
                    {"id": "b", "text": "Gửi đường link lạ"},
                    {"id": "c", "text": "Gặp ở trụ sở"},
                ],
                "answer": ["a", "b"],
                "explanation": "Kẻ gian hay giục gấp và gửi link lạ.",
            },
            {
                "id": "cap-nhat",
                "type": "true_false",
                "text": "Nên cập nhật phần mềm.",
                "answer": True,
                "explanation": "Bản cập nhật vá lỗi bảo mật.",
            },
            {
                "id": "ung-dung",
                "type": "single",
                "text": "Cài ứng dụng ở đâu?",
                "choices": [
                    {"id": "a", "text": "CH Play, App Store"},
                    {"id": "b", "text": "Link Zalo"},
                ],
                "answer": "a",
                "explanation": "Chỉ cài từ kho chính thức.",
            },
        ],
    },
    "translations": {
        "en": {
            "title": "A test lesson",
            "summary": "A short lesson.",
            "lesson": {"body": "Never give your **OTP** to anyone."},
            "questions": {
                "otp": {
                    "text": "Who may know your OTP?",
                    "choices": {"a": "Only you", "b": "Police", "c": "A seller"},
                    "explanation": "The OTP is for you only.",
                }
            },
        }
    },
}


def topic(**top_level) -> dict:
    data = copy.deepcopy(VALID)
    data.update(top_level)
    return data


def broken(path: str, value) -> dict:
    """The valid topic with the field at `path` (e.g. quiz.questions[1].answer) set or deleted."""
    return changed(topic(), path, value)


def without_translations(data: dict, path: str) -> dict:
    """A broken quiz also leaves the translation of question 'otp' unmatched: keep to one error."""
    if path.startswith("quiz"):
        data.pop("translations", None)
    return data


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def make_folder(tmp_path: Path, files: dict[str, object]) -> Path:
    """A content folder with media/anh.png and media/bai.mp3 and the given files (dict or text)."""
    folder = tmp_path / "quizzes"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "media" / "bai.mp3").write_bytes(b"ID3")
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            text = content if isinstance(content, str) else dump(content)
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def errors_for(tmp_path: Path, data, name: str = FILE) -> list[str]:
    return check(make_folder(tmp_path, {name: data})).errors


def assert_one_error(errors: list[str], field: str, *fragments: str, name: str = FILE) -> str:
    """Exactly one error, naming the file and the field, with a message containing `fragments`."""
    assert len(errors) == 1, errors
    [line] = errors
    prefix = f"quizzes/{name}: {field}: " if field else f"quizzes/{name}: "
    assert line.startswith(prefix), line
    message = line.removeprefix(prefix)
    for fragment in fragments:
        assert fragment in message, line
    return message


# --- the starting point is valid ---------------------------------------------------------------


def test_the_valid_topic_used_below_has_no_errors(tmp_path):
    result = check(make_folder(tmp_path, {FILE: topic()}))
    assert result.errors == []
    [parsed] = result.topics
    assert parsed.path == f"quizzes/{FILE}"
    assert parsed.data["id"] == "thu-nghiem"


def test_topic_without_optional_parts_is_valid(tmp_path):
    data = topic()
    del data["translations"], data["lesson"]["audio"]
    data["lesson"]["body"] = "Chỉ có chữ."
    assert check(make_folder(tmp_path, {FILE: data})).errors == []


# --- YAML syntax -------------------------------------------------------------------------------


def test_bad_yaml_names_the_line(tmp_path):
    text = dump(topic()).replace("minutes: 3", "minutes: [3")
    line_no = text.splitlines().index("minutes: [3") + 1
    errors = errors_for(tmp_path, text)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"quizzes/{FILE}: bad YAML: line "), errors
    assert re.search(r"line \d+, column \d+: ", errors[0])
    # The parser notices at the line after the unclosed bracket at the latest.
    reported = int(re.search(r"line (\d+)", errors[0]).group(1))
    assert line_no <= reported <= line_no + 1, (line_no, errors[0])


def test_bad_indentation_names_the_exact_line(tmp_path):
    text = "kind: topic\nid: thu-nghiem\ntitle: Bài\n  summary: lệch lề\n"
    errors = errors_for(tmp_path, text)
    assert_one_error(errors, "", "bad YAML", "line 4, column 10", "mapping values are not allowed")


@pytest.mark.parametrize(
    ("text", "key", "where"),
    [
        pytest.param(
            "kind: topic\ntitle: Một\nid: thu-nghiem\ntitle: Hai\n",
            "title",
            "line 4, column 1",
            id="top-level",
        ),
        pytest.param(
            "kind: topic\nquiz:\n  pass_mark: 75\n  max_attempts: 0\n  pass_mark: 50\n",
            "pass_mark",
            "line 5, column 3",
            id="nested",
        ),
    ],
)
def test_duplicate_yaml_key_is_an_error_not_silently_the_last(tmp_path, text, key, where):
    errors = errors_for(tmp_path, text)
    assert_one_error(errors, "", "bad YAML", where, f"duplicate key '{key}'")


def test_duplicate_key_inside_a_question(tmp_path):
    text = dump(topic()).replace("  answer: a\n", "  answer: a\n    answer: b\n", 1)
    line_no = text.splitlines().index("    answer: b") + 1
    errors = errors_for(tmp_path, text)
    assert_one_error(errors, "", "bad YAML", f"line {line_no}", "duplicate key 'answer'")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- kind: topic\n- id: x\n", id="list"),
        pytest.param("just some text\n", id="scalar"),
        pytest.param("", id="empty-file"),
    ],
)
def test_file_that_is_not_a_mapping(tmp_path, text):
    assert_one_error(errors_for(tmp_path, text), "", "must be a YAML mapping")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(dump(topic()).encode("cp1258", errors="replace"), id="windows-1258"),
        pytest.param(dump(topic()).encode("utf-16"), id="utf-16"),
        pytest.param(b"kind: topic\ntitle: Ngh\xe1 quy\xea\xf3t\n", id="latin-1-bytes"),
    ],
)
def test_non_utf8_file(tmp_path, raw):
    assert_one_error(errors_for(tmp_path, raw), "", "not UTF-8")


# --- unknown keys at every level ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("author", "author"),
        ("lesson.video", "lesson.video"),
        ("quiz.shuffle", "quiz.shuffle"),
        ("quiz.questions[1].hint", "quiz.questions[1].hint"),
        ("quiz.questions[0].choices[2].correct", "quiz.questions[0].choices[2].correct"),
        ("translations.en.author", "translations.en.author"),
        ("translations.en.lesson.audio", "translations.en.lesson.audio"),
        ("translations.en.questions.otp.hint", "translations.en.questions.otp.hint"),
    ],
)
def test_unknown_key(tmp_path, path, field):
    assert_one_error(errors_for(tmp_path, broken(path, "gì đó")), field, "unknown key")


def test_misspelt_key_is_unknown_and_the_real_one_missing(tmp_path):
    data = topic()
    data["sumary"] = data.pop("summary")
    errors = errors_for(tmp_path, data)
    assert f"quizzes/{FILE}: sumary: unknown key" in errors
    assert f"quizzes/{FILE}: summary: is required" in errors
    assert len(errors) == 2, errors


# --- missing required fields -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("kind", "must be 'topic'"),
        ("id", "is required"),
        ("title", "is required"),
        ("summary", "is required"),
        ("topic", "is required"),
        ("audience", "is required"),
        ("minutes", "is required"),
        ("facts_checked", "is required"),
        ("sources", "at least one source"),
        ("lesson", "is required"),
        ("lesson.body", "is required"),
        ("quiz", "must be a mapping"),
        ("quiz.pass_mark", "is required"),
        ("quiz.max_attempts", "is required"),
        ("quiz.questions", "is required"),
        ("quiz.questions[0].id", "must be a slug"),
        ("quiz.questions[0].type", "must be one of single, multiple, true_false"),
        ("quiz.questions[0].text", "is required"),
        ("quiz.questions[0].explanation", "is required"),
        ("quiz.questions[0].choices", "must be a list of 2–6 choices"),
        ("quiz.questions[2].answer", "must be true or false"),
        ("quiz.questions[1].answer", "a multiple-choice answer is a non-empty list"),
        ("quiz.questions[0].choices[1].text", "is required"),
        ("quiz.questions[0].choices[1].id", "must be a slug"),
    ],
)
def test_missing_required_field(tmp_path, path, message):
    assert_one_error(
        errors_for(tmp_path, without_translations(broken(path, DELETE), path)), path, message
    )


def test_missing_single_answer(tmp_path):
    message = assert_one_error(
        errors_for(tmp_path, broken("quiz.questions[0].answer", DELETE)),
        "quiz.questions[0].answer",
        "is not one of the choices (a, b, c)",
    )
    assert message  # names the choices a learner could pick


# --- wrong types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("kind", "lesson", "must be 'topic'"),
        ("id", 57, "must be a slug"),
        ("title", 123, "must be non-empty text"),
        ("title", "   ", "must be non-empty text"),
        ("title", ["Bài", "thử"], "must be non-empty text"),
        ("title", "x" * 121, "longer than 120 characters"),
        ("summary", "x" * 201, "longer than 200 characters"),
        ("topic", {"ten": "x"}, "must be non-empty text"),
        ("audience", "villager", "must be a non-empty list of roles"),
        ("audience", [], "must be a non-empty list of roles"),
        ("minutes", "năm", "must be a whole number from 1 to 30"),
        ("minutes", True, "must be a whole number from 1 to 30"),
        ("minutes", 2.5, "must be a whole number from 1 to 30"),
        ("minutes", 0, "must be a whole number from 1 to 30"),
        ("minutes", 31, "must be a whole number from 1 to 30"),
        ("facts_checked", "20/11/2026", "as a date YYYY-MM-DD"),
        ("facts_checked", 2026, "as a date YYYY-MM-DD"),
        ("sources", "Nghị quyết 57", "must list at least one source"),
        ("sources", [], "must list at least one source"),
        ("sources[0]", "", "must be non-empty text"),
        ("sources[0]", 57, "must be non-empty text"),
        ("lesson", "Nội dung", "must be a mapping with body"),
        ("lesson.body", 42, "must be non-empty text"),
        ("lesson.audio", 5, "must be a path inside media/"),
        ("quiz", ["câu hỏi"], "must be a mapping"),
        ("quiz.pass_mark", "75%", "must be a whole number from 1 to 100"),
        ("quiz.max_attempts", "không giới hạn", "must be a whole number from 0 to 100"),
        ("quiz.training_for", "official", "must be a non-empty list of roles"),
        ("quiz.questions", {"otp": "?"}, "must be a list"),
        ("quiz.questions[0]", "Ai được biết mã OTP?", "must be a mapping"),
        ("quiz.questions[0].type", "essay", "must be one of single, multiple, true_false"),
        ("quiz.questions[0].text", 1, "must be non-empty text"),
        ("quiz.questions[0].choices", "a, b, c", "must be a list of 2–6 choices"),
        ("quiz.questions[0].choices[2]", "Người bán hàng", "must be a mapping with id and text"),
        ("translations", ["en"], "must be a mapping"),
        ("translations.en", "English", "must be a mapping"),
        ("translations.en.lesson", "Body", "must be a mapping with body"),
        ("translations.en.questions", ["otp"], "must be a mapping of question id"),
        ("translations.en.questions.otp", "Who?", "must be a mapping"),
    ],
)
def test_wrong_type(tmp_path, path, value, message):
    assert_one_error(
        errors_for(tmp_path, without_translations(broken(path, value), path)), path, message
    )


def test_too_few_and_too_many_choices(tmp_path):
    one = broken("quiz.questions[3].choices", [{"id": "a", "text": "Chỉ một"}])
    assert_one_error(errors_for(tmp_path / "few", one), "quiz.questions[3].choices", "2–6")
    seven = [{"id": f"c{i}", "text": f"Lựa chọn {i}"} for i in range(7)]
    many = broken("quiz.questions[3].choices", seven)
    many["quiz"]["questions"][3]["answer"] = "c0"
    assert_one_error(errors_for(tmp_path / "many", many), "quiz.questions[3].choices", "2–6")


# --- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["Nghi-Quyet", "nghi_quyet", "nghị-quyết", "nghi quyet", "-nghi", "nghi-", "a" * 61, ""],
)
def test_topic_id_must_be_a_slug(tmp_path, bad_id):
    assert_one_error(errors_for(tmp_path, topic(id=bad_id)), "id", "must be a slug")


@pytest.mark.parametrize("short_id", ["a", "ab"])
def test_topic_id_has_at_least_three_characters(tmp_path, short_id):
    """quizzes/README.md: the topic id is a slug of 3–60 characters."""
    assert_one_error(errors_for(tmp_path, topic(id=short_id)), "id", "slug")


def test_topic_id_of_three_and_sixty_characters_is_fine(tmp_path):
    assert errors_for(tmp_path / "3", topic(id="abc")) == []
    assert errors_for(tmp_path / "60", topic(id="a" * 60)) == []


@pytest.mark.parametrize("bad_id", ["Câu 1", "Q1", "q_1", "q1-", 7])
def test_question_id_must_be_a_slug(tmp_path, bad_id):
    data = broken("quiz.questions[3].id", bad_id)
    assert_one_error(errors_for(tmp_path, data), "quiz.questions[3].id", "must be a slug")


@pytest.mark.parametrize("bad_id", ["A", "lựa-chọn", "b c", 1])
def test_choice_id_must_be_a_slug(tmp_path, bad_id):
    data = broken("quiz.questions[1].choices[2].id", bad_id)
    assert_one_error(
        errors_for(tmp_path, data), "quiz.questions[1].choices[2].id", "must be a slug"
    )


def test_duplicate_topic_id_across_two_files(tmp_path):
    other = topic(title="Bài khác")
    folder = make_folder(tmp_path, {"01-mot.yaml": topic(), "02-hai.yaml": other})
    result = check(folder)
    assert result.errors == [
        "quizzes/02-hai.yaml: id: 'thu-nghiem' is already used by quizzes/01-mot.yaml"
    ]
    assert [t.path for t in result.topics] == ["quizzes/01-mot.yaml"]


def test_duplicate_question_id(tmp_path):
    data = broken("quiz.questions[3].id", "dau-hieu")
    assert_one_error(
        errors_for(tmp_path, data), "quiz.questions[3].id", "duplicate question id 'dau-hieu'"
    )


def test_duplicate_choice_id(tmp_path):
    data = broken("quiz.questions[1].choices[2].id", "a")
    assert_one_error(
        errors_for(tmp_path, data), "quiz.questions[1].choices[2].id", "duplicate choice id 'a'"
    )


# --- answers -----------------------------------------------------------------------------------


def test_answer_not_among_choices(tmp_path):
    data = broken("quiz.questions[0].answer", "d")
    assert_one_error(
        errors_for(tmp_path, data),
        "quiz.questions[0].answer",
        "d",
        "is not one of the choices (a, b, c)",
    )


def test_multiple_answer_element_not_among_choices(tmp_path):
    data = broken("quiz.questions[1].answer", ["a", "x"])
    assert_one_error(
        errors_for(tmp_path, data),
        "quiz.questions[1].answer[1]",
        "x",
        "is not one of the choices (a, b, c)",
    )


@pytest.mark.parametrize("value", [["a"], ["a", "b"]])
def test_single_answer_given_as_list(tmp_path, value):
    data = broken("quiz.questions[0].answer", value)
    assert_one_error(errors_for(tmp_path, data), "quiz.questions[0].answer", "not a list")


@pytest.mark.parametrize("value", ["a", "a, b", [], True])
def test_multiple_answer_not_a_list(tmp_path, value):
    data = broken("quiz.questions[1].answer", value)
    assert_one_error(errors_for(tmp_path, data), "quiz.questions[1].answer", "a non-empty list")


def test_multiple_answer_listing_a_choice_twice(tmp_path):
    data = broken("quiz.questions[1].answer", ["a", "b", "a"])
    assert_one_error(errors_for(tmp_path, data), "quiz.questions[1].answer", "lists a choice twice")


def test_true_false_with_choices(tmp_path):
    data = broken(
        "quiz.questions[2].choices", [{"id": "a", "text": "Đúng"}, {"id": "b", "text": "Sai"}]
    )
    assert_one_error(errors_for(tmp_path, data), "quiz.questions[2].choices", "has no choices")


@pytest.mark.parametrize("value", ["đúng", "true", 1, 0, ["true"]])
def test_true_false_answer_not_bool(tmp_path, value):
    data = broken("quiz.questions[2].answer", value)
    assert_one_error(
        errors_for(tmp_path, data), "quiz.questions[2].answer", "must be true or false"
    )


@pytest.mark.parametrize("word", ["false", "False", "no"])
def test_true_false_answer_written_as_yaml_boolean_is_accepted(tmp_path, word):
    text = dump(topic()).replace("answer: true", f"answer: {word}")
    result = check(make_folder(tmp_path, {FILE: text}))
    assert result.errors == []
    assert result.topics[0].data["quiz"]["questions"][2]["answer"] is False


# --- media -------------------------------------------------------------------------------------


IMAGE = "lesson.body"


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../bi-mat.png", "must be a path inside media/"),
        ("media/../../bi-mat.png", "must be a path inside media/"),
        ("media/../01-thu-nghiem.png", "must be a path inside media/"),
        ("/etc/anh.png", "must be a path inside media/"),
        ("anh.png", "must be a path inside media/"),
        ("media\\anh.png", "must be a path inside media/"),
        ("https://example.com/anh.png", "must be a path inside media/"),
        ("http://example.com/media/anh.png", "must be a path inside media/"),
        ("//example.com/media/anh.png", "must be a path inside media/"),
        ("media/khong-co.png", "does not exist"),
        ("media/anh.gif", "not an allowed media type"),
    ],
)
def test_image_in_body_must_be_an_existing_file_under_media(tmp_path, src, message):
    data = broken("lesson.body", f"Xem ảnh:\n\n![Ảnh]({src})\n")
    assert_one_error(errors_for(tmp_path, data), IMAGE, message, repr(src))


def test_every_image_in_body_is_checked(tmp_path):
    body = "![Một](media/anh.png)\n\n![Hai](media/thieu.png)\n\n![Ba](https://x.vn/a.jpg)\n"
    errors = errors_for(tmp_path, broken("lesson.body", body))
    assert errors == [
        f"quizzes/{FILE}: lesson.body: 'media/thieu.png' does not exist in quizzes/media",
        f"quizzes/{FILE}: lesson.body: 'https://x.vn/a.jpg' must be a path inside media/",
    ]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../bai.mp3", "must be a path inside media/"),
        ("media/../bai.mp3", "must be a path inside media/"),
        ("https://example.com/bai.mp3", "must be a path inside media/"),
        ("media/khong-co.mp3", "does not exist"),
        ("media/bai.wav", "not an allowed media type"),
    ],
)
def test_audio_must_be_an_existing_file_under_media(tmp_path, src, message):
    assert_one_error(
        errors_for(tmp_path, broken("lesson.audio", src)), "lesson.audio", message, repr(src)
    )


# --- quiz rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -5, 101, 1000])
def test_pass_mark_out_of_range(tmp_path, value):
    data = broken("quiz.pass_mark", value)
    assert_one_error(errors_for(tmp_path, data), "quiz.pass_mark", "from 1 to 100")


@pytest.mark.parametrize("value", [1, 100])
def test_pass_mark_at_the_limits_is_fine(tmp_path, value):
    assert errors_for(tmp_path, broken("quiz.pass_mark", value)) == []


@pytest.mark.parametrize("value", [-1, -10])
def test_max_attempts_negative(tmp_path, value):
    data = broken("quiz.max_attempts", value)
    assert_one_error(errors_for(tmp_path, data), "quiz.max_attempts", "whole number from 0")


def _numbered_questions(n: int) -> list[dict]:
    return [
        {
            "id": f"q{i}",
            "type": "true_false",
            "text": f"Câu {i}?",
            "answer": True,
            "explanation": "Vì vậy.",
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("count", [0, 1, 21, 30])
def test_too_few_or_too_many_questions(tmp_path, count):
    data = topic(translations={})
    del data["translations"]
    data["quiz"]["questions"] = _numbered_questions(count)
    assert_one_error(errors_for(tmp_path, data), "quiz.questions", "must have 2–20 questions")


@pytest.mark.parametrize(("count", "draw"), [(9, 6), (6, 6), (12, 8)])
def test_a_bank_may_be_drawn_from(tmp_path, count, draw):
    data = topic()
    del data["translations"]
    data["quiz"]["questions"] = _numbered_questions(count)
    data["quiz"]["draw"] = draw
    assert errors_for(tmp_path, data) == []


@pytest.mark.parametrize(("count", "draw", "message"), [
    (6, 7, "draws 7 questions but the quiz has only 6"),
    (12, 1, "must be a whole number from 2 to 10"),
    (12, 11, "must be a whole number from 2 to 10"),
])  # fmt: skip
def test_a_draw_larger_than_the_bank_or_out_of_range_is_refused(tmp_path, count, draw, message):
    data = topic()
    del data["translations"]
    data["quiz"]["questions"] = _numbered_questions(count)
    data["quiz"]["draw"] = draw
    assert_one_error(errors_for(tmp_path, data), "quiz.draw", message)


@pytest.mark.parametrize("count", [2, 4, 8, 20])
def test_two_to_twenty_questions_are_fine(tmp_path, count):
    data = topic()
    del data["translations"]
    data["quiz"]["questions"] = _numbered_questions(count)
    assert errors_for(tmp_path, data) == []


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("audience", ["villager", "teacher"], "audience[1]"),
        ("audience", ["Villager"], "audience[0]"),
        ("quiz.training_for", ["official", "canbo"], "quiz.training_for[1]"),
        ("quiz.training_for", ["admin"], "quiz.training_for[0]"),
    ],
)
def test_unknown_role(tmp_path, path, value, field):
    bad = value[int(field[-2])]
    message = assert_one_error(
        errors_for(tmp_path, broken(path, value)), field, "is not a role", repr(bad)
    )
    assert "villager, student, official, worker, other" in message


# --- translations ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "vi", "EN"])
def test_translation_in_unknown_language(tmp_path, lang):
    data = topic()
    data["translations"][lang] = data["translations"].pop("en")
    assert_one_error(
        errors_for(tmp_path, data), f"translations.{lang}", "unknown language", "en, tay, nun"
    )


def test_translation_naming_unknown_question(tmp_path):
    data = broken("translations.en.questions.khong-co", {"text": "Question?"})
    assert_one_error(
        errors_for(tmp_path, data),
        "translations.en.questions.khong-co",
        "names a question the quiz does not have",
    )


def test_translation_naming_unknown_choice(tmp_path):
    data = broken("translations.en.questions.otp.choices.d", "A fourth")
    assert_one_error(
        errors_for(tmp_path, data),
        "translations.en.questions.otp.choices.d",
        "names a choice the question does not have",
    )


def test_translation_of_choices_on_a_true_false_question(tmp_path):
    data = broken(
        "translations.en.questions.cap-nhat", {"text": "Update?", "choices": {"a": "Yes"}}
    )
    assert_one_error(
        errors_for(tmp_path, data),
        "translations.en.questions.cap-nhat.choices.a",
        "names a choice the question does not have",
    )


def test_translation_in_the_later_languages_is_accepted(tmp_path):
    data = topic()
    data["translations"]["tay"] = {"title": "Bài thử"}
    data["translations"]["nun"] = {"summary": "Bài ngắn."}
    assert errors_for(tmp_path, data) == []


# --- folders -----------------------------------------------------------------------------------


def test_empty_folder(tmp_path):
    folder = tmp_path / "rong"
    folder.mkdir()
    assert check(folder).errors == [f"{folder}: no topic files (*.yaml) found"]


def test_folder_with_only_a_readme_and_media(tmp_path):
    folder = make_folder(tmp_path, {"README.md": "# Nội dung\n"})
    errors = check(folder).errors
    assert len(errors) == 1 and "no topic files" in errors[0]


def test_all_errors_of_all_files_are_collected(tmp_path):
    first = broken("quiz.pass_mark", 0)
    first["title"] = ""
    second = topic(id="bai-hai", minutes=99)
    folder = make_folder(
        tmp_path, {"01-mot.yaml": first, "02-hai.yaml": second, "03-ba.yaml": topic(id="bai-ba")}
    )
    result = check(folder)
    assert sorted(result.errors) == [
        "quizzes/01-mot.yaml: quiz.pass_mark: must be a whole number from 1 to 100",
        "quizzes/01-mot.yaml: title: must be non-empty text",
        "quizzes/02-hai.yaml: minutes: must be a whole number from 1 to 30",
    ]
    assert [t.data["id"] for t in result.topics] == ["bai-ba"]


def test_yml_extension_is_read_too(tmp_path):
    result = check(make_folder(tmp_path, {"01-thu.yml": topic()}))
    assert result.errors == [] and len(result.topics) == 1


# --- NFC ---------------------------------------------------------------------------------------


NFC_TITLE = "Nghị quyết 57: Chuyển đổi số ở xã"


def _nfd_topic() -> dict:
    data = topic(title=unicodedata.normalize("NFD", NFC_TITLE))
    data["summary"] = unicodedata.normalize("NFD", data["summary"])
    data["quiz"]["questions"][0]["choices"][0]["text"] = unicodedata.normalize(
        "NFD", "Chỉ mình bạn"
    )
    data["lesson"]["body"] = unicodedata.normalize("NFD", data["lesson"]["body"])
    return data


def test_decomposed_text_is_checked_as_nfc(tmp_path):
    folder = make_folder(tmp_path, {FILE: _nfd_topic()})
    raw = (folder / FILE).read_text(encoding="utf-8")
    assert (
        unicodedata.normalize("NFD", NFC_TITLE) in raw and NFC_TITLE not in raw
    )  # really NFD on disk
    [parsed] = check(folder).topics
    assert parsed.data["title"] == NFC_TITLE
    assert unicodedata.is_normalized("NFC", parsed.data["summary"])
    assert parsed.data["quiz"]["questions"][0]["choices"][0]["text"] == "Chỉ mình bạn"


def test_decomposed_title_loads_as_nfc(ctx, tmp_path):
    folder = make_folder(tmp_path, {FILE: _nfd_topic()})
    content_loader.load(folder)
    lesson = Lesson.query.filter_by(slug="thu-nghiem").one()
    assert lesson.title == NFC_TITLE
    assert unicodedata.is_normalized("NFC", lesson.body_markdown)
    quiz = Quiz.query.filter_by(slug="thu-nghiem").one()
    assert quiz.title == NFC_TITLE
    assert quiz.current_version.questions[0]["choices"][0]["text"] == "Chỉ mình bạn"


def test_title_length_is_counted_after_nfc(tmp_path):
    title = "ệ" * 120  # 120 characters in NFC, 360 code points in NFD
    assert errors_for(tmp_path, topic(title=unicodedata.normalize("NFD", title))) == []


# --- the bundled curriculum --------------------------------------------------------------------


@cache
def bundled_check() -> content_loader.CheckResult:
    return check(QUIZZES)


def test_bundled_curriculum_has_no_errors():
    result = bundled_check()
    assert result.errors == []
    assert len(result.topics) == len(BUNDLED_FILES)


def test_bundled_curriculum_has_at_least_ten_topics():
    assert len(BUNDLED_TOPICS) >= 10, [p.name for p in BUNDLED_TOPICS]


@pytest.mark.parametrize("path", BUNDLED_TOPICS, ids=lambda p: p.name)
def test_bundled_topic_is_valid_with_a_bank_that_fits_its_draw(path):
    result = bundled_check()
    name = f"quizzes/{path.name}"
    assert [e for e in result.errors if e.startswith(f"{name}:")] == []
    [parsed] = [t for t in result.topics if t.path == name]
    quiz = parsed.data["quiz"]
    bank = len(quiz["questions"])
    if "draw" in quiz:
        # A drawing quiz (issue 15): the bank holds at least 1.5 x draw, so two attempts differ.
        draw = quiz["draw"]
        assert 6 <= draw <= 8 and draw * 3 <= bank * 2 and bank <= 20, (bank, draw)
    else:
        assert 4 <= bank <= 8
    # Files are named NN-<id>.yaml (README), so the list sorts and finds them by id.
    assert re.fullmatch(rf"\d\d-{re.escape(parsed.data['id'])}\.ya?ml", path.name)


# --- a training quiz draws from a larger bank; a multiple choice's texts hold no comma ----------


@pytest.mark.parametrize(("count", "draw"), [(3, 2), (6, 4), (9, 6), (15, 10), (20, 10), (8, 5)])
def test_a_training_quiz_with_a_bank_of_one_and_a_half_times_its_draw_is_fine(
    tmp_path, count, draw
):
    data = topic()
    del data["translations"]
    data["quiz"]["training_for"] = ["official"]
    data["quiz"]["questions"] = _numbered_questions(count)
    data["quiz"]["draw"] = draw
    assert errors_for(tmp_path, data) == []


@pytest.mark.parametrize(("count", "draw", "need"), [
    (4, None, 6),  # no draw: every question asked, the bank can never be larger
    (5, 4, 6),
    (8, 6, 9),
    (14, 10, 15),
    (4, 3, 5),  # ceil(4.5)
])  # fmt: skip
def test_a_training_quiz_drawing_most_of_its_bank_is_refused(tmp_path, count, draw, need):
    data = topic()
    del data["translations"]
    data["quiz"]["training_for"] = ["official", "worker"]
    data["quiz"]["questions"] = _numbered_questions(count)
    if draw is not None:
        data["quiz"]["draw"] = draw
    message = assert_one_error(errors_for(tmp_path, data), "quiz.draw")
    assert message == (
        f"a training quiz needs at least {need} questions in its bank to draw "
        f"{draw or count} (it has {count})"
    )


def test_a_quiz_that_is_not_training_may_ask_every_question(tmp_path):
    data = topic()
    del data["translations"]
    data["quiz"]["questions"] = _numbered_questions(4)
    assert errors_for(tmp_path / "all", data) == []
    data["quiz"]["draw"] = 4
    assert errors_for(tmp_path / "drawn", data) == []


def test_the_bank_rule_says_it_in_vietnamese(tmp_path):
    data = topic()
    del data["translations"]
    data["quiz"]["training_for"] = ["official"]
    data["quiz"]["draw"] = 4
    errors = errors_for(tmp_path, data)
    assert [e.where for e in errors] == ["quiz.draw"]
    assert schema_messages.message(errors[0]) == (
        "Bài tính là tập huấn cần ít nhất 6 câu trong ngân hàng câu hỏi để mỗi lần làm rút 4 "
        "câu (hiện có 4 câu): thêm câu hỏi, hoặc giảm số câu mỗi lần làm."
    )


def test_a_multiple_choice_text_with_a_comma_is_refused(tmp_path):
    data = broken("quiz.questions[1].choices[2].text", "Gặp ở trụ sở, có giấy tờ")
    errors = errors_for(tmp_path, data)
    assert [(e.where, e.template) for e in errors] == [
        (
            "quiz.questions[1].choices[2].text",
            "a multiple-choice question's choice must not contain a comma "
            "(a printed key joins the choices with commas)",
        )
    ]
    assert "dấu phẩy" in schema_messages.message(errors[0])
    # Its translation neither; a single-choice question's choice may ("CH Play, App Store").
    data = topic()
    data["translations"]["en"]["questions"]["dau-hieu"] = {"choices": {"a": "Hurry, pay now"}}
    errors = errors_for(tmp_path / "translated", data)
    assert [e.where for e in errors] == ["translations.en.questions.dau-hieu.choices.a"]
    assert "," in VALID["quiz"]["questions"][3]["choices"][0]["text"]
