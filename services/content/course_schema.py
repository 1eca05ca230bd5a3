"""Validation of course files (kind: course): every error names the file and the field.

A course is an ordered set of topics (each a lesson and its quiz) for an audience; passing
every quiz in it earns the course's own certificate. Whether each topic it names exists is
known only once every file is read, so the loader passes the topic ids it found.
"""

from services.content.schema import (
    TOPIC_ID,
    TRANSLATION_LANGUAGES,
    Report,
    _roles,
    _text,
    _unknown_keys,
)

MIN_TOPICS, MAX_TOPICS = 2, 12
COURSE_KEYS = {"kind", "id", "title", "summary", "audience", "topics", "translations"}
TRANSLATION_KEYS = {"title", "summary"}


def _topics(report: Report, value, quizzes: set[str] | None) -> None:
    """2–12 topic ids, each once, each a topic with a quiz among the files (when known)."""
    if not isinstance(value, list) or not MIN_TOPICS <= len(value) <= MAX_TOPICS:
        report.add("topics", "must list {low}–{high} topic ids", low=MIN_TOPICS, high=MAX_TOPICS)
        return
    seen: set[str] = set()
    for i, topic in enumerate(value):
        where = f"topics[{i}]"
        if not isinstance(topic, str) or not TOPIC_ID.match(topic):
            report.add(where, "is required and must be a slug (a-z, 0-9, -), 3–60 characters")
        elif topic in seen:
            report.add(where, "lists topic {value!r} twice", value=topic)
        elif quizzes is not None and topic not in quizzes:
            report.add(where, "{value!r} is not a topic with a quiz in these files", value=topic)
        if isinstance(topic, str):
            seen.add(topic)


def _translations(report: Report, value) -> None:
    if not isinstance(value, dict):
        report.add("translations", "must be a mapping of language code to texts")
        return
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
            _unknown_keys(report, texts, TRANSLATION_KEYS, f"{where}.")
            _text(report, texts, "title", f"{where}.", 120, required=False)
            _text(report, texts, "summary", f"{where}.", 200, required=False)


def validate_course(data: dict, path: str, quizzes: set[str] | None = None) -> list[str]:
    """All errors in one parsed course file (an empty list means it is valid). `quizzes`: the
    ids of the topics with a quiz that the course may name (None: not checked)."""
    report = Report(path)
    _unknown_keys(report, data, COURSE_KEYS, "")
    cid = data.get("id")
    if not isinstance(cid, str) or not TOPIC_ID.match(cid):
        report.add("id", "is required and must be a slug (a-z, 0-9, -), 3–60 characters")
    _text(report, data, "title", "", 120)
    _text(report, data, "summary", "", 200)
    _roles(report, data, "audience", "", required=True)
    _topics(report, data.get("topics"), quizzes)
    if "translations" in data:
        _translations(report, data["translations"])
    return report.errors
