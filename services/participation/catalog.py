"""Read-side queries about content and places, for learner pages."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Attempt, Lesson, Participant, Poster, Unit
from services.common import codes
from services.content import placeholders, visibility
from services.content.localize import localized, localized_question
from services.org import tenancy
from services.participation import attempts

# Re-exported (`X as X`): the learner pages take the shown order from here.
from services.participation.drawing import SHUFFLE_TRIES as SHUFFLE_TRIES
from services.participation.drawing import ShownQuestion as ShownQuestion
from services.participation.drawing import shown_order
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


def lesson_html(
    lesson: Lesson,
    lang: str,
    image_label: Callable[[str], str] | None = None,
    commune_id: int | None = None,
) -> str:
    """A lesson's sanitised HTML in `lang`, its placeholders filled with the settings of the
    commune `commune_id` (the learner's; None: the request's commune; see
    services/content/placeholders.py), rendered once per content version and settings.

    With `image_label` (data-saver mode) images become tap-to-load links labelled by it
    (see markdown.render); that variant is cached apart, so the label must depend only on
    the image and `lang`.
    """
    body = localized(lesson.translations, "lesson", lesson.body_markdown, lang)
    body = placeholders.fill(body, lang, commune_id=commune_id)
    filled = hashlib.sha256(body.encode()).hexdigest()  # the settings changed: a new entry
    key = (lesson.id, lesson.content_hash, lang, image_label is not None, filled)
    if key not in _html_cache:
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
    """The class behind a join code, tolerant of case and misreadings, in any commune (the
    permanent /c/ link: the caller enters the class's commune before going on)."""
    code = codes.normalize_short(raw_code)
    if code is None:
        return None
    query = Unit.query.filter_by(join_code=code, kind="class")
    return query.execution_options(all_communes=True).one_or_none()


def selectable_units() -> list[Unit]:
    """Places a participant can say they belong to (classes are joined by code instead)."""
    order = db.case({kind: i for i, kind in enumerate(SELECTABLE_KINDS)}, value=Unit.kind)
    return Unit.query.filter(Unit.kind.in_(SELECTABLE_KINDS)).order_by(order, Unit.name).all()


def _of_no_commune_yet() -> bool:
    """A visitor of a deployment of several communes who came through no poster or class
    link and is no one yet: their scope names no commune."""
    return tenancy.current().communes == frozenset()


def selectable_places() -> list[tuple[int, str]]:
    """The identity form's places (id, label). A visitor of no commune yet picks from every
    commune's places, each named with its commune ("Thôn Nà Rụa — Xã Hoàng Văn Thụ"): the
    place they choose makes them that commune's. Place names are public, never people."""
    if not _of_no_commune_yet():
        return [(unit.id, unit.name) for unit in selectable_units()]
    order = db.case({kind: i for i, kind in enumerate(SELECTABLE_KINDS)}, value=Unit.kind)
    commune = db.aliased(Unit)
    rows = db.session.execute(
        select(Unit.id, Unit.name, commune.name)
        .join(commune, commune.id == Unit.commune_id)
        .where(Unit.kind.in_(SELECTABLE_KINDS))
        .order_by(commune.name, order, Unit.name)
        .execution_options(all_communes=True)
    ).all()
    return [
        (unit_id, name if name == commune_name else f"{name} — {commune_name}")
        for unit_id, name, commune_name in rows
    ]


def enter_place_of_new_visitor(unit_id: int) -> None:
    """The place a visitor of no commune yet chose: from now on the request is in its commune
    (their identity is made there)."""
    if not _of_no_commune_yet():
        return
    unit = db.session.execute(
        select(Unit).where(Unit.id == unit_id).execution_options(all_communes=True)
    ).scalar_one_or_none()
    if unit is not None:
        tenancy.enter_commune_of(unit)


def poster_placement(poster_id: int | None) -> Unit | None:
    """Where the poster the visitor scanned hangs, if it is a place people belong to."""
    if poster_id is None:
        return None
    poster = db.session.get(Poster, poster_id)
    if poster is None or poster.unit.kind not in SELECTABLE_KINDS:
        return None
    return poster.unit


def key_open(participant: Participant, quiz) -> bool:
    """Whether a person's reviews may show the answer key: after they passed the quiz, or
    when no attempt is left. Before that a review names wrong questions, not right choices."""
    passed = db.session.scalar(
        select(Attempt.id)
        .where(
            Attempt.participant_id == participant.id,
            Attempt.quiz_id == quiz.id,
            Attempt.passed.is_(True),
        )
        .limit(1)
    )
    return passed is not None or attempts.attempts_left(participant, quiz) == 0


@dataclass(frozen=True)
class ReviewedQuestion:
    number: int
    text: str
    kind: str
    chosen: list[str]  # empty when it would show a right choice of a wrong answer
    correct: list[str]  # empty until the key is open
    is_correct: bool
    explanation: str | None  # None until the key is open
    why: str | None  # why the question matters (names no choice); None: the page's general one


TF_LABELS = {"vi": {"true": "Đúng", "false": "Sai"}, "en": {"true": "True", "false": "False"}}


def review(attempt: Attempt, lang: str, full_key: bool = True) -> list[ReviewedQuestion]:
    """Each question of an attempt, in the order it was shown, with the learner's answer; with
    `full_key` also the right one and why, else only whether it was right and why it matters."""
    definition = attempt.version.definition
    given = {a.question_id: a for a in attempt.answers}
    labels_tf = TF_LABELS.get(lang, TF_LABELS["vi"])
    reviewed = []
    shown = shown_order(definition, attempt.submission_token)
    for number, item in enumerate(shown, start=1):
        question = item.question
        texts = localized_question(definition, question, lang)
        labels = labels_tf if question["type"] == "true_false" else texts["choices"]
        answer = given.get(question["id"])
        right = bool(answer and answer.is_correct)
        chosen = answer.choice_ids if answer else []
        key = correct_choices(question)
        if not (full_key or right or question["type"] != "multiple"):
            chosen = []  # a wrong multiple-choice answer may hold right choices
        reviewed.append(
            ReviewedQuestion(
                number=number,
                text=texts["text"],
                kind=question["type"],
                chosen=[labels.get(c, c) for c in item.choice_ids if c in chosen],
                correct=[labels.get(c, c) for c in item.choice_ids if c in key] if full_key else [],
                is_correct=right,
                explanation=texts["explanation"] if full_key else None,
                why=texts.get("why"),
            )
        )
    return reviewed
