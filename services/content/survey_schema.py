"""Validation of survey files (kind: survey): every error names the file and the field."""

import datetime as dt

from services.content.schema import (
    SLUG,
    TOPIC_ID,
    Report,
    _int,
    _roles,
    _text,
    _unknown_keys,
    choice_list,
    question_list,
    translations,
)

SURVEY_QUESTION_TYPES = ("likert", "single", "multiple", "number", "text")
MIN_SURVEY_QUESTIONS, MAX_SURVEY_QUESTIONS = 1, 30
MIN_CHOICES, MAX_CHOICES = 2, 12
LIKERT_POINTS = 5
TEXT_MAX_LENGTH = 2000
NUMBER_LIMIT = 1_000_000_000
OTHER = "other"  # the choice id of "Khác: …" (reserved)

SURVEY_KEYS = {
    "kind", "id", "title", "summary", "audience", "anonymous", "reach", "opens", "closes",
    "questions", "translations",
}  # fmt: skip
QUESTION_KEYS = {
    "id", "type", "text", "required", "show_if", "choices", "other", "labels", "min", "max",
    "integer", "max_length",
}  # fmt: skip
# A survey choice may be `exclusive` (multiple choice only): "Chưa dùng cách nào" stands alone.
CHOICE_KEYS = {"id", "text", "exclusive"}
CHOICE_KINDS = ("single", "multiple")
KEYS_FOR_TYPE = {
    "likert": {"labels"},
    "single": {"choices", "other"},
    "multiple": {"choices", "other"},
    "number": {"min", "max", "integer"},
    "text": {"max_length"},
}
COMMON_KEYS = {"id", "type", "text", "required", "show_if"}
TRANSLATION_KEYS = {"title", "summary", "questions"}
QUESTION_TRANSLATION_KEYS = {"text", "choices", "labels", "other"}


def _bool(report: Report, data: dict, key: str, where: str) -> None:
    if key in data and not isinstance(data[key], bool):
        report.add(f"{where}{key}", "must be true or false")


def _labels(report: Report, labels, where: str) -> None:
    if labels is None:
        return
    if not isinstance(labels, list) or len(labels) != LIKERT_POINTS:
        report.add(where, "must be a list of exactly {n} labels", n=LIKERT_POINTS)
        return
    for k, label in enumerate(labels):
        if not isinstance(label, str) or not label.strip() or len(label) > 80:
            report.add(f"{where}[{k}]", "must be non-empty text of at most 80 characters")


def _number_rules(report: Report, q: dict, where: str) -> None:
    _bool(report, q, "integer", f"{where}.")
    for key in ("min", "max"):
        value = q.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            report.add(f"{where}.{key}", "must be a number")
        elif abs(value) > NUMBER_LIMIT:
            report.add(f"{where}.{key}", "must be between -{n} and {n}", n=NUMBER_LIMIT)
    low, high = q.get("min"), q.get("max")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        report.add(f"{where}.max", "must not be smaller than min")


def _question(report: Report, q, where: str, seen: set) -> None:
    if not isinstance(q, dict):
        report.add(where, "must be a mapping with id, type and text")
        return
    qid = q.get("id")
    if not isinstance(qid, str) or not SLUG.match(qid):
        report.add(f"{where}.id", "must be a slug (a-z, 0-9, -)")
    elif qid in seen:
        report.add(f"{where}.id", "duplicate question id {value!r}", value=qid)
    else:
        seen.add(qid)
    _text(report, q, "text", f"{where}.", 500)
    _bool(report, q, "required", f"{where}.")
    qtype = q.get("type")
    if qtype not in SURVEY_QUESTION_TYPES:
        report.add(
            f"{where}.type", "must be one of {options}", options=", ".join(SURVEY_QUESTION_TYPES)
        )
        _unknown_keys(report, q, QUESTION_KEYS, f"{where}.")
        return
    for key in sorted(set(q) - COMMON_KEYS - KEYS_FOR_TYPE[qtype], key=str):
        if key in QUESTION_KEYS:
            report.add(f"{where}.{key}", "not used by a {kind} question", kind=qtype)
        else:
            report.add(f"{where}.{key}", "unknown key")
    if qtype in CHOICE_KINDS:
        choice_list(report, q.get("choices"), where, (MIN_CHOICES, MAX_CHOICES), OTHER, CHOICE_KEYS)
        _exclusive(report, q, where)
        _bool(report, q, "other", f"{where}.")
    elif qtype == "likert":
        _labels(report, q.get("labels"), f"{where}.labels")
    elif qtype == "number":
        _number_rules(report, q, where)
    elif "max_length" in q:
        _int(report, q, "max_length", f"{where}.", 1, TEXT_MAX_LENGTH)


def _exclusive(report: Report, q: dict, where: str) -> None:
    """`exclusive: true` marks a choice that stands alone (any number of them, each alone);
    only a multiple choice question has such choices."""
    choices = q.get("choices") if isinstance(q.get("choices"), list) else []
    for j, choice in enumerate(choices):
        if not isinstance(choice, dict) or "exclusive" not in choice:
            continue
        cwhere = f"{where}.choices[{j}]."
        if q.get("type") != "multiple":
            report.add(
                f"{cwhere}exclusive",
                "only the choices of a multiple choice question can be exclusive",
            )
        else:
            _bool(report, choice, "exclusive", cwhere)


def condition_choices(question: dict) -> set:
    """The ids a condition on `question` may name: its choices, and "other" when it has one."""
    ids = {c.get("id") for c in question.get("choices") or [] if isinstance(c, dict)}
    return ids | ({OTHER} if question.get("other") is True else set())


def _conditions(report: Report, questions) -> None:
    """`show_if: {question: <an earlier single or multiple question>, choices: [its ids]}`:
    the question is asked only when that earlier answer holds one of the choices."""
    if not isinstance(questions, list):
        return
    earlier: dict = {}
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        where = f"questions[{i}].show_if"
        rule = q.get("show_if")
        if "show_if" in q:
            if not isinstance(rule, dict) or set(rule) != {"question", "choices"}:
                report.add(where, "must be a block with question and choices")
            else:
                _condition(report, rule, earlier, where)
        if q.get("type") in CHOICE_KINDS and isinstance(q.get("id"), str):
            earlier.setdefault(q["id"], q)


def _condition(report: Report, rule: dict, earlier: dict, where: str) -> None:
    asked = earlier.get(rule["question"]) if isinstance(rule["question"], str) else None
    if asked is None:
        report.add(f"{where}.question", "must name an earlier single or multiple choice question")
        return
    chosen = rule["choices"]
    allowed = condition_choices(asked)
    if (
        not isinstance(chosen, list)
        or not chosen
        or not all(isinstance(c, str) and c in allowed for c in chosen)
        or len(set(chosen)) != len(chosen)
    ):
        report.add(f"{where}.choices", "must list choice ids of {question}", question=asked["id"])


def _reach(report: Report, data: dict) -> None:
    """`reach: true` (answering counts: the survey itself informs) or a block naming which
    answers show the person received the information: {question: <id>, choices: [<ids>]}."""
    reach = data.get("reach")
    if reach is None or isinstance(reach, bool):
        return
    if not isinstance(reach, dict):
        report.add("reach", "must be true or false")
        return
    if set(reach) != {"question", "choices"}:
        report.add("reach", "must be a block with question and choices")
        return
    questions = data.get("questions") if isinstance(data.get("questions"), list) else []
    found = next(
        (q for q in questions if isinstance(q, dict) and q.get("id") == reach["question"]), None
    )
    if found is None or found.get("type") not in ("single", "multiple"):
        report.add("reach.question", "must name a single or multiple choice question")
        return
    ids = {c.get("id") for c in found.get("choices") or [] if isinstance(c, dict)}
    chosen = reach["choices"]
    if not isinstance(chosen, list) or not chosen or not all(c in ids for c in chosen):
        report.add("reach.choices", "must list choice ids of {question}", question=found["id"])


def _question_translation(report: Report, qt: dict, qwhere: str) -> None:
    _unknown_keys(report, qt, QUESTION_TRANSLATION_KEYS, f"{qwhere}.")
    _text(report, qt, "text", f"{qwhere}.", 500, required=False)
    _text(report, qt, "other", f"{qwhere}.", 80, required=False)
    _labels(report, qt.get("labels"), f"{qwhere}.labels")


def validate_survey(data: dict, path: str) -> list[str]:
    """All errors in one parsed survey file (an empty list means it is valid)."""
    report = Report(path)
    _unknown_keys(report, data, SURVEY_KEYS, "")
    sid = data.get("id")
    if not isinstance(sid, str) or not TOPIC_ID.match(sid):
        report.add("id", "is required and must be a slug (a-z, 0-9, -), 3–60 characters")
    _text(report, data, "title", "", 120)
    _text(report, data, "summary", "", 200)
    _roles(report, data, "audience", "", required=True)
    _bool(report, data, "anonymous", "")
    _reach(report, data)
    if data.get("anonymous") is True and data.get("reach") not in (None, False):
        report.add("reach", "an anonymous survey cannot count people as reached (no one is named)")
    for key in ("opens", "closes"):
        if key in data and not isinstance(data[key], dt.date):
            report.add(key, "must be a date YYYY-MM-DD")
    opens, closes = data.get("opens"), data.get("closes")
    if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
        report.add("closes", "is before opens")
    questions = question_list(
        report,
        data.get("questions"),
        "questions",
        (MIN_SURVEY_QUESTIONS, MAX_SURVEY_QUESTIONS),
        _question,
    )
    _conditions(report, data.get("questions"))
    if "translations" in data:
        translations(
            report,
            data["translations"],
            questions,
            item="survey",
            allowed=TRANSLATION_KEYS,
            item_texts=lambda *_args: None,
            question_texts=_question_translation,
        )
    return report.errors
