"""Validation of curriculum files: every error names the file and the field."""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.people import ROLES
from services.content import media_files, placeholders
from services.content.minutes_named import minutes_named

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")  # 3–60 characters
QUESTION_TYPES = ("single", "multiple", "true_false")
TRANSLATION_LANGUAGES = ("en", "tay", "nun")
AUDIO_LANGUAGES = ("vi", "tay", "nun")
MIN_QUESTIONS, MAX_QUESTIONS = 2, 20  # a teacher's class check may be two questions
# An attempt draws `draw` questions of the bank (all of them when unset).
MIN_DRAW, MAX_DRAW = 2, 10
MIN_CHOICES, MAX_CHOICES = 2, 6
MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".mp3", ".m4a", ".ogg", ".webm"}

TOPIC_KEYS = {
    "kind", "id", "title", "summary", "topic", "audience", "minutes", "facts_checked",
    "sources", "lesson", "quiz", "translations",
}  # fmt: skip
LESSON_KEYS = {"body", "audio", "audio_credits"}
CREDIT_KEYS = {"by", "recorded_at"}  # who read a recording, and when (ISO date and time)
READER_MAX = 120
QUIZ_KEYS = {"pass_mark", "max_attempts", "training_for", "draw", "questions"}
QUESTION_KEYS = {"id", "type", "text", "choices", "answer", "explanation", "why"}
CHOICE_KEYS = {"id", "text"}
TRANSLATION_KEYS = {"title", "summary", "lesson", "questions"}
QUESTION_TRANSLATION_KEYS = {"text", "choices", "explanation", "why"}
MEDIA_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


class SchemaError(str):
    """One error as text, 'file: field: message', that keeps its parts: the field (`where`),
    the English message template and its values, so that the browser editor can show it next
    to its field and in Vietnamese (services/content/schema_messages.py) from this one source."""

    where: str
    template: str
    params: dict

    def __new__(cls, path: str, where: str, template: str, params: dict):
        message = template.format(**params) if params else template
        error = super().__new__(
            cls, f"{path}: {where}: {message}" if where else f"{path}: {message}"
        )
        error.where, error.template, error.params = where, template, params
        return error


@dataclass
class Report:
    """Errors found in one file, each as 'file: field: message'."""

    path: str
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, template: str, **params) -> None:
        """An error at `where`; `template` is English with {named} values (see SchemaError)."""
        self.errors.append(SchemaError(self.path, where, template, params))


def _text(report: Report, data: dict, key: str, where: str, max_len: int, required=True):
    value = data.get(key)
    if value is None:
        if required:
            report.add(f"{where}{key}", "is required")
        return None
    if not isinstance(value, str) or not value.strip():
        report.add(f"{where}{key}", "must be non-empty text")
        return None
    if len(value) > max_len:
        report.add(f"{where}{key}", "is longer than {n} characters", n=max_len)
    return value


def _unknown_keys(report: Report, data: dict, allowed: set, where: str) -> None:
    for key in sorted(set(data) - allowed, key=str):
        report.add(f"{where}{key}", "unknown key")


def _int(report: Report, data: dict, key: str, where: str, low: int, high: int):
    value = data.get(key)
    if value is None:
        report.add(f"{where}{key}", "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        report.add(
            f"{where}{key}", "must be a whole number from {low} to {high}", low=low, high=high
        )
        return None
    return value


def _roles(report: Report, data: dict, key: str, where: str, required: bool) -> None:
    value = data.get(key)
    if value is None:
        if required:
            report.add(f"{where}{key}", "is required")
        return
    if not isinstance(value, list) or not value:
        report.add(
            f"{where}{key}", "must be a non-empty list of roles ({roles})", roles=", ".join(ROLES)
        )
        return
    for i, role in enumerate(value):
        if role not in ROLES:
            report.add(
                f"{where}{key}[{i}]",
                "{value!r} is not a role ({roles})",
                value=role,
                roles=", ".join(ROLES),
            )


def _upload(report: Report, value: str, where: str, media_dir: Path) -> None:
    """An uploaded file: "uploads/<hash>.<ext>" as the upload page gave it, and present."""
    if media_files.upload_name(value) is None:
        report.add(where, "{value!r} is not a file name given by the upload page", value=value)
    elif media_files.find_upload(value, media_dir.parent) is None:
        report.add(where, "{value!r} does not exist in the uploaded files", value=value)


def _media(report: Report, value: str, where: str, media_dir: Path) -> None:
    if value.startswith(media_files.PREFIX):
        _upload(report, value, where, media_dir)
        return
    if not value.startswith("media/") or ".." in Path(value).parts or "\\" in value:
        report.add(where, "{value!r} must be a path inside media/", value=value)
        return
    if Path(value).suffix.lower() not in MEDIA_SUFFIXES:
        report.add(where, "{value!r} is not an allowed media type", value=value)
        return
    if not (media_dir / value.removeprefix("media/")).is_file():
        report.add(where, "{value!r} does not exist in quizzes/media", value=value)


def _audio(report: Report, audio, media_dir: Path) -> None:
    """A path, or a mapping of language (vi, tay, nun) to path."""
    if audio is None:
        return
    if isinstance(audio, str):
        _media(report, audio, "lesson.audio", media_dir)
        return
    if not isinstance(audio, dict) or not audio:
        report.add(
            "lesson.audio",
            "must be a path inside media/ or a mapping of language (vi, tay, nun) to path",
        )
        return
    for lang, path in audio.items():
        where = f"lesson.audio.{lang}"
        if lang not in AUDIO_LANGUAGES:
            report.add(
                where, "unknown language (use {languages})", languages=", ".join(AUDIO_LANGUAGES)
            )
        elif not isinstance(path, str):
            report.add(where, "must be a path inside media/")
        else:
            _media(report, path, where, media_dir)


def _recorded_at(report: Report, value, where: str) -> None:
    if isinstance(value, dt.date):  # a YAML timestamp written without quotes
        return
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value)
            return
        except ValueError:
            pass
    report.add(where, "must be a date and time (YYYY-MM-DDTHH:MM)")


def _audio_credits(report: Report, credits, audio) -> None:
    """Who read each recording: {language: {by: name, recorded_at: when}}, for languages the
    lesson has audio in."""
    if credits is None:
        return
    if not isinstance(credits, dict) or not credits:
        report.add("lesson.audio_credits", "must be a mapping of language to reader")
        return
    recorded = {"vi": audio} if isinstance(audio, str) else audio
    recorded = recorded if isinstance(recorded, dict) else {}
    for lang, credit in credits.items():
        where = f"lesson.audio_credits.{lang}"
        if lang not in AUDIO_LANGUAGES:
            report.add(
                where, "unknown language (use {languages})", languages=", ".join(AUDIO_LANGUAGES)
            )
            continue
        if lang not in recorded:
            report.add(where, "names a reader but the lesson has no audio in this language")
        if not isinstance(credit, dict):
            report.add(where, "must be a mapping with by (and recorded_at)")
            continue
        _unknown_keys(report, credit, CREDIT_KEYS, f"{where}.")
        _text(report, credit, "by", f"{where}.", READER_MAX)
        if "recorded_at" in credit:
            _recorded_at(report, credit["recorded_at"], f"{where}.recorded_at")


def choice_list(
    report: Report, choices, where: str, limits, reserved=None, keys: set = CHOICE_KEYS
) -> list[str] | None:
    """Check a question's choices (a list of id and text); returns their valid ids in order,
    or None when `choices` is not a list of the right length. `reserved` is an id the file may
    not use (surveys keep "other" for the "Khác" box); `keys` are the keys a choice may have
    (a survey's choice may add `exclusive`, checked by the caller)."""
    low, high = limits
    if not isinstance(choices, list) or not low <= len(choices) <= high:
        report.add(f"{where}.choices", "must be a list of {low}–{high} choices", low=low, high=high)
        return None
    ids: list[str] = []
    for j, choice in enumerate(choices):
        cwhere = f"{where}.choices[{j}]"
        if not isinstance(choice, dict):
            report.add(cwhere, "must be a mapping with id and text")
            continue
        _unknown_keys(report, choice, keys, f"{cwhere}.")
        cid = choice.get("id")
        if not isinstance(cid, str) or not SLUG.match(cid):
            report.add(f"{cwhere}.id", "must be a slug (a-z, 0-9, -)")
        elif cid == reserved:
            report.add(f"{cwhere}.id", "'other' is reserved: write `other: true` instead")
        elif cid in ids:
            report.add(f"{cwhere}.id", "duplicate choice id {value!r}", value=cid)
        else:
            ids.append(cid)
        _text(report, choice, "text", f"{cwhere}.", 300)
    return ids


def _question_id(report: Report, q: dict, where: str, seen_ids: set) -> None:
    qid = q.get("id")
    if not isinstance(qid, str) or not SLUG.match(qid):
        report.add(f"{where}.id", "must be a slug (a-z, 0-9, -)")
    elif qid in seen_ids:
        report.add(f"{where}.id", "duplicate question id {value!r}", value=qid)
    else:
        seen_ids.add(qid)


def _question(report: Report, q, where: str, seen_ids: set) -> None:
    if not isinstance(q, dict):
        report.add(where, "must be a mapping with id, type, text, answer, explanation")
        return
    _unknown_keys(report, q, QUESTION_KEYS, f"{where}.")
    _question_id(report, q, where, seen_ids)
    _text(report, q, "text", f"{where}.", 500)
    _text(report, q, "explanation", f"{where}.", 1000)
    _text(report, q, "why", f"{where}.", 1000, required=False)  # why it matters, before a pass
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        report.add(f"{where}.type", "must be one of {options}", options=", ".join(QUESTION_TYPES))
        return
    answer = q.get("answer")
    if qtype == "true_false":
        if "choices" in q:
            report.add(f"{where}.choices", "a true_false question has no choices")
        if not isinstance(answer, bool):
            report.add(f"{where}.answer", "must be true or false")
        return
    ids = choice_list(report, q.get("choices"), where, (MIN_CHOICES, MAX_CHOICES))
    if ids is None:
        return
    if qtype == "single":
        _single_answer(report, answer, ids, where)
    else:
        _multiple_answer(report, answer, ids, where)
        for j, choice in enumerate(q["choices"]):
            _no_comma(report, choice.get("text") if isinstance(choice, dict) else None,
                      f"{where}.choices[{j}].text")  # fmt: skip


def _no_comma(report: Report, text, where: str) -> None:
    """A multiple-choice question's choice: its printed key lists the right ones with commas."""
    if isinstance(text, str) and "," in text:
        report.add(
            where,
            "a multiple-choice question's choice must not contain a comma "
            "(a printed key joins the choices with commas)",
        )


def _single_answer(report: Report, answer, ids: list[str], where: str) -> None:
    if isinstance(answer, list):
        report.add(f"{where}.answer", "a single-choice answer is one choice id, not a list")
    elif answer not in ids:
        report.add(
            f"{where}.answer",
            "{value!r} is not one of the choices ({choices})",
            value=answer,
            choices=", ".join(ids),
        )


def _multiple_answer(report: Report, answer, ids: list[str], where: str) -> None:
    if not isinstance(answer, list) or not answer:
        report.add(f"{where}.answer", "a multiple-choice answer is a non-empty list")
        return
    for k, a in enumerate(answer):
        if a not in ids:
            report.add(
                f"{where}.answer[{k}]",
                "{value!r} is not one of the choices ({choices})",
                value=a,
                choices=", ".join(ids),
            )
    if len(set(map(str, answer))) != len(answer):
        report.add(f"{where}.answer", "lists a choice twice")


def _quiz(report: Report, quiz) -> list[dict]:
    if not isinstance(quiz, dict):
        report.add("quiz", "must be a mapping")
        return []
    _unknown_keys(report, quiz, QUIZ_KEYS, "quiz.")
    _int(report, quiz, "pass_mark", "quiz.", 1, 100)
    _int(report, quiz, "max_attempts", "quiz.", 0, 100)
    _roles(report, quiz, "training_for", "quiz.", required=False)
    questions = question_list(
        report, quiz.get("questions"), "quiz.questions", (MIN_QUESTIONS, MAX_QUESTIONS), _question
    )
    if quiz.get("draw") is not None:
        draw = _int(report, quiz, "draw", "quiz.", MIN_DRAW, MAX_DRAW)
        if draw is not None and draw > len(questions):
            report.add("quiz.draw", "draws {draw} questions but the quiz has only {count}",
                       draw=draw, count=len(questions))  # fmt: skip
            return questions
    else:
        draw = len(questions)
    training = quiz.get("training_for")
    if (
        draw is not None
        and isinstance(training, list)
        and training
        and all(role in ROLES for role in training)
    ):
        _training_bank(report, draw, len(questions))
    return questions


def training_bank_needed(draw: int) -> int:
    """The bank a training quiz needs to draw `draw` questions: at least 1.5 times as many,
    so that two attempts ask different questions (ceil(1.5 × draw))."""
    return -(-3 * draw // 2)


def _training_bank(report: Report, draw: int, count: int) -> None:
    """A quiz that counts as training asks each attempt a draw from a larger bank."""
    need = training_bank_needed(draw)
    if count < need:
        report.add(
            "quiz.draw",
            "a training quiz needs at least {need} questions in its bank to draw {draw} "
            "(it has {count})",
            need=need, draw=draw, count=count,
        )  # fmt: skip


def question_list(report: Report, questions, where: str, limits, check) -> list[dict]:
    """Check a list of questions (quiz or survey) with `check(report, q, where, seen_ids)`;
    returns the questions that are mappings."""
    if not isinstance(questions, list):
        report.add(where, "is required and must be a list")
        return []
    low, high = limits
    if not low <= len(questions) <= high:
        report.add(where, "must have {low}–{high} questions", low=low, high=high)
    seen: set = set()
    for i, q in enumerate(questions):
        check(report, q, f"{where}[{i}]", seen)
    return [q for q in questions if isinstance(q, dict)]


def translations(
    report: Report,
    value,
    questions: list[dict],
    *,
    item: str,
    allowed: set,
    item_texts,
    question_texts,
) -> None:
    """Walk a translations block of a topic or a survey (`item`: "quiz" or "survey").

    `item_texts(report, texts, where)` checks the item's own texts of one language and
    `question_texts(report, qt, qwhere)` one question's; unknown questions and choices are
    reported here the same way for both kinds.
    """
    if not isinstance(value, dict):
        report.add("translations", "must be a mapping of language code to texts")
        return
    by_id = {q.get("id"): q for q in questions}
    for lang, texts in value.items():
        where = f"translations.{lang}"
        if lang not in TRANSLATION_LANGUAGES:
            report.add(
                where,
                "unknown language (use {languages})",
                languages=", ".join(TRANSLATION_LANGUAGES),
            )
        elif not isinstance(texts, dict):
            report.add(where, "must be a mapping")
        else:
            _unknown_keys(report, texts, allowed, f"{where}.")
            for key in ("title", "summary"):
                _text(report, texts, key, f"{where}.", 300, required=False)
            item_texts(report, texts, where)
            _question_translations(report, texts, where, by_id, item, question_texts)


def _question_translations(
    report: Report, texts: dict, where: str, by_id: dict, item: str, question_texts
) -> None:
    """One language's texts of the questions: each names a question (and choices) it has."""
    qtexts = texts.get("questions") or {}
    if not isinstance(qtexts, dict):
        report.add(f"{where}.questions", "must be a mapping of question id to texts")
        return
    for qid, qt in qtexts.items():
        qwhere = f"{where}.questions.{qid}"
        if qid not in by_id:
            if item == "quiz":
                report.add(qwhere, "names a question the quiz does not have")
            else:
                report.add(qwhere, "names a question the survey does not have")
        elif not isinstance(qt, dict):
            report.add(qwhere, "must be a mapping")
        else:
            question_texts(report, qt, qwhere)
            _choice_translations(report, qt, qwhere, by_id[qid])
            if item == "quiz" and by_id[qid].get("type") == "multiple":
                ctexts = qt.get("choices")
                for cid, text in (ctexts if isinstance(ctexts, dict) else {}).items():
                    _no_comma(report, text, f"{qwhere}.choices.{cid}")


def _choice_translations(report: Report, qt: dict, qwhere: str, question: dict) -> None:
    choice_ids = {c.get("id") for c in question.get("choices") or [] if isinstance(c, dict)}
    ctexts = qt.get("choices")
    if ctexts is not None and not isinstance(ctexts, dict):
        report.add(f"{qwhere}.choices", "must be a mapping of choice id to text")
        return
    for cid in ctexts or {}:
        if cid not in choice_ids:
            report.add(f"{qwhere}.choices.{cid}", "names a choice the question does not have")


def _lesson_translation(report: Report, texts: dict, where: str) -> None:
    lesson = texts.get("lesson")
    if lesson is None:
        return
    if not isinstance(lesson, dict):
        report.add(f"{where}.lesson", "must be a mapping with body")
    else:
        _unknown_keys(report, lesson, {"body"}, f"{where}.lesson.")
        body = _text(report, lesson, "body", f"{where}.lesson.", 20000)
        _placeholders(report, body, f"{where}.lesson.body")


def _placeholders(report: Report, body: str | None, where: str) -> None:
    """A lesson body names only the placeholders the pages fill ({{xa}}, {{kenh.website}} …)."""
    for written in dict.fromkeys(placeholders.unknown(body or "")):
        report.add(
            where,
            "unknown placeholder {placeholder} (use {known})",
            placeholder=written,
            known=", ".join(f"{{{{{name}}}}}" for name in placeholders.NAMES),
        )


def _quiz_question_translation(report: Report, qt: dict, qwhere: str) -> None:
    _unknown_keys(report, qt, QUESTION_TRANSLATION_KEYS, f"{qwhere}.")
    _text(report, qt, "why", f"{qwhere}.", 1000, required=False)


def _title_minutes(report: Report, data: dict, minutes: int) -> None:
    """A title promising "5 phút" on a lesson of 6 minutes says two things: refused."""
    titles = [("title", data.get("title"))]
    translated = data.get("translations")
    if isinstance(translated, dict):
        titles += [
            (f"translations.{lang}.title", texts.get("title"))
            for lang, texts in translated.items()
            if isinstance(texts, dict)
        ]
    for where, title in titles:
        named = minutes_named(title) if isinstance(title, str) else None
        if named is not None and named != minutes:
            report.add(
                where,
                "names {named} minutes but the lesson takes {minutes} (minutes)",
                named=named,
                minutes=minutes,
            )


def validate_topic(data, path: str, media_dir: Path) -> list[str]:
    """All errors in one parsed topic file (an empty list means it is valid)."""
    report = Report(path)
    if not isinstance(data, dict):
        report.add("", "the file must be a YAML mapping (key: value)")
        return report.errors
    if data.get("kind") != "topic":
        report.add("kind", "must be 'topic' or 'survey'")
    _unknown_keys(report, data, TOPIC_KEYS, "")
    tid = data.get("id")
    if not isinstance(tid, str) or not TOPIC_ID.match(tid):
        report.add("id", "is required and must be a slug (a-z, 0-9, -), 3–60 characters")
    _text(report, data, "title", "", 120)
    _text(report, data, "summary", "", 200)
    _text(report, data, "topic", "", 120)
    _roles(report, data, "audience", "", required=True)
    minutes = _int(report, data, "minutes", "", 1, 30)
    if minutes is not None:
        _title_minutes(report, data, minutes)
    if not isinstance(data.get("facts_checked"), dt.date):
        report.add("facts_checked", "is required, as a date YYYY-MM-DD")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        report.add("sources", "must list at least one source")
    else:
        for i, source in enumerate(sources):
            if not isinstance(source, str) or not source.strip():
                report.add(f"sources[{i}]", "must be non-empty text")
    lesson = data.get("lesson")
    if not isinstance(lesson, dict):
        report.add("lesson", "is required and must be a mapping with body")
    else:
        _unknown_keys(report, lesson, LESSON_KEYS, "lesson.")
        body = _text(report, lesson, "body", "lesson.", 20000)
        _placeholders(report, body, "lesson.body")
        for src in MEDIA_IMAGE.findall(body or ""):
            _media(report, src, "lesson.body", media_dir)
        _audio(report, lesson.get("audio"), media_dir)
        _audio_credits(report, lesson.get("audio_credits"), lesson.get("audio"))
    questions = _quiz(report, data.get("quiz"))
    if "translations" in data:
        translations(
            report,
            data["translations"],
            questions,
            item="quiz",
            allowed=TRANSLATION_KEYS,
            item_texts=_lesson_translation,
            question_texts=_quiz_question_translation,
        )
    return report.errors
