"""Read-side queries about content and places, for learner pages."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Attempt, Lesson, Participant, Poster, Unit
from services.common import codes
from services.content import visibility
from services.content.localize import localized, localized_question
from services.participation.scoring import correct_choices
from services.render import markdown

SELECTABLE_KINDS = ("village", "agency", "enterprise", "school", "commune")
_html_cache: dict[tuple[int, str, str, bool], str] = {}


def lessons(participant: Participant | None = None) -> list[Lesson]:
    """The published lessons this learner may see (their classes' teachers' topics included),
    in curriculum order."""
    return (
        Lesson.query.options(selectinload(Lesson.quiz))
        .filter(visibility.visible_lessons_clause(participant))
        .order_by(Lesson.position, Lesson.id)
        .all()
    )


def lesson_html(lesson: Lesson, lang: str, image_label: Callable[[str], str] | None = None) -> str:
    """A lesson's sanitised HTML in `lang`, rendered once per content version.

    With `image_label` (data-saver mode) images become tap-to-load links labelled by it
    (see markdown.render); that variant is cached apart, so the label must depend only on
    the image and `lang`.
    """
    key = (lesson.id, lesson.content_hash, lang, image_label is not None)
    if key not in _html_cache:
        body = localized(lesson.translations, "lesson", lesson.body_markdown, lang)
        _html_cache[key] = markdown.render(body, image_label=image_label)
    return _html_cache[key]


@dataclass(frozen=True)
class Progress:
    attempts: int
    best_percent: int
    passed: bool


def progress(participant: Participant) -> dict[int, Progress]:
    """Per quiz id: how many attempts, best score, passed or not."""
    rows = db.session.execute(
        select(
            Attempt.quiz_id,
            func.count(Attempt.id),
            func.max(Attempt.score_percent),
            func.max(db.case((Attempt.passed, 1), else_=0)),
        )
        .where(Attempt.participant_id == participant.id)
        .group_by(Attempt.quiz_id)
    )
    return {qid: Progress(n, best, bool(passed)) for qid, n, best, passed in rows}


def find_class(raw_code: str) -> Unit | None:
    """The class behind a join code, tolerant of case and misreadings."""
    code = codes.normalize_short(raw_code)
    if code is None:
        return None
    return Unit.query.filter_by(join_code=code, kind="class").one_or_none()


def selectable_units() -> list[Unit]:
    """Places a participant can say they belong to (classes are joined by code instead)."""
    order = db.case({kind: i for i, kind in enumerate(SELECTABLE_KINDS)}, value=Unit.kind)
    return Unit.query.filter(Unit.kind.in_(SELECTABLE_KINDS)).order_by(order, Unit.name).all()


def poster_placement(poster_id: int | None) -> Unit | None:
    """Where the poster the visitor scanned hangs, if it is a place people belong to."""
    if poster_id is None:
        return None
    poster = db.session.get(Poster, poster_id)
    if poster is None or poster.unit.kind not in SELECTABLE_KINDS:
        return None
    return poster.unit


@dataclass(frozen=True)
class ReviewedQuestion:
    number: int
    text: str
    kind: str
    chosen: list[str]
    correct: list[str]
    is_correct: bool
    explanation: str


def review(attempt: Attempt, lang: str) -> list[ReviewedQuestion]:
    """Each question of an attempt with the learner's answer, the right one and why."""
    definition = attempt.version.definition
    given = {a.question_id: a for a in attempt.answers}
    tf_labels = {"vi": {"true": "Đúng", "false": "Sai"}, "en": {"true": "True", "false": "False"}}
    labels_tf = tf_labels.get(lang, tf_labels["vi"])
    reviewed = []
    for number, question in enumerate(definition["questions"], start=1):
        texts = localized_question(definition, question, lang)
        labels = labels_tf if question["type"] == "true_false" else texts["choices"]
        answer = given.get(question["id"])
        chosen = answer.choice_ids if answer else []
        reviewed.append(
            ReviewedQuestion(
                number=number,
                text=texts["text"],
                kind=question["type"],
                chosen=[labels.get(c, c) for c in chosen],
                correct=[labels.get(c, c) for c in correct_choices(question)],
                is_correct=bool(answer and answer.is_correct),
                explanation=texts["explanation"],
            )
        )
    return reviewed
