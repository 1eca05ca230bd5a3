"""One pupil's attempts with their answers, for their teacher: each question as the pupil saw
it (the text and choices of the version they answered, in the order their attempt showed
them), what they ticked, and the key.

Only the questions the attempt asked are shown: a quiz may draw a subset of its bank per
attempt, and every asked question has an answer (scoring refuses a blank one).
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload

from models import Attempt
from services.content.localize import localized_question
from services.participation.catalog import TF_LABELS, shown_order
from services.participation.scoring import correct_choices


@dataclass(frozen=True)
class SheetChoice:
    label: str
    ticked: bool
    right: bool


@dataclass(frozen=True)
class SheetQuestion:
    number: int
    text: str
    kind: str
    is_correct: bool
    choices: list[SheetChoice]
    explanation: str | None


@dataclass(frozen=True)
class AttemptSheet:
    number: int
    submitted_at: dt.datetime
    score_percent: int
    correct_count: int
    question_count: int
    passed: bool
    questions: list[SheetQuestion]


@dataclass(frozen=True)
class QuizSheets:
    quiz_id: int
    title: str
    attempts: list[AttemptSheet]


def _questions(attempt: Attempt, lang: str) -> list[SheetQuestion]:
    definition = attempt.version.definition
    given = {a.question_id: a for a in attempt.answers}
    asked = [
        s for s in shown_order(definition, attempt.submission_token) if s.question["id"] in given
    ]
    sheet = []
    for number, item in enumerate(asked, start=1):
        question = item.question
        texts = localized_question(definition, question, lang)
        if question["type"] == "true_false":
            labels = TF_LABELS.get(lang, TF_LABELS["vi"])
        else:
            labels = texts["choices"]
        answer = given[question["id"]]
        key = set(correct_choices(question))
        sheet.append(
            SheetQuestion(
                number=number,
                text=texts["text"],
                kind=question["type"],
                is_correct=answer.is_correct,
                choices=[
                    SheetChoice(labels.get(c, c), c in answer.choice_ids, c in key)
                    for c in item.choice_ids
                ],
                explanation=texts.get("explanation"),
            )
        )
    return sheet


def pupil_sheets(participant_id: int, lang: str = "vi") -> list[QuizSheets]:
    """Every attempt of one person, by quiz (curriculum order), oldest attempt first; three
    queries whatever the number of attempts."""
    attempts = (
        Attempt.query.options(
            selectinload(Attempt.answers),
            joinedload(Attempt.version),
            joinedload(Attempt.quiz),
        )
        .filter(Attempt.participant_id == participant_id)
        .order_by(Attempt.quiz_id, Attempt.number)
        .all()
    )
    quizzes: dict[int, QuizSheets] = {}
    for attempt in attempts:
        if attempt.quiz_id not in quizzes:
            quizzes[attempt.quiz_id] = QuizSheets(attempt.quiz_id, attempt.quiz.title, [])
        quizzes[attempt.quiz_id].attempts.append(
            AttemptSheet(
                number=attempt.number,
                submitted_at=attempt.submitted_at,
                score_percent=attempt.score_percent,
                correct_count=attempt.correct_count,
                question_count=attempt.question_count,
                passed=attempt.passed,
                questions=_questions(attempt, lang),
            )
        )
    order = {a.quiz_id: (a.quiz.position, a.quiz.title) for a in attempts}
    return sorted(quizzes.values(), key=lambda q: order[q.quiz_id])
