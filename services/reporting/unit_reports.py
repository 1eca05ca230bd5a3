"""Participation reports for a class or any unit: per person, per quiz, per question.

A fixed number of aggregate queries whatever the number of people (no query per row).
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, case, cast, distinct, func, select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Answer, Attempt, Certificate, Participant, Quiz, Unit, Visit
from services.common.name_order import sorted_by_name
from services.common.periods import Period
from services.org.populations import population_of


@dataclass
class PersonRow:
    participant_id: int
    name: str
    unit_name: str
    lessons_opened: int = 0
    quizzes_attempted: int = 0
    quizzes_passed: int = 0
    best_score: int | None = None
    last_activity: dt.datetime | None = None
    certificates: int = 0


@dataclass
class QuestionStat:
    number: int
    question_id: str
    text: str
    answered: int
    wrong: int
    top_wrong_answer: str | None
    top_wrong_count: int

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


@dataclass
class QuizStat:
    quiz_id: int
    title: str
    participants: int
    attempts: int
    passed_participants: int
    average_score: float
    questions: list[QuestionStat] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.passed_participants / self.participants if self.participants else 0.0


@dataclass
class UnitReport:
    title: str
    period: Period
    people: list[PersonRow]
    quizzes: list[QuizStat]
    population: int = 0  # services.org.populations' rule, as on the dashboard


def unit_report(title: str, unit_ids: set[int], period: Period) -> UnitReport:
    """The report over participants whose unit is one of `unit_ids`."""
    people_q = (
        select(Participant.id, Participant.display_name, Unit.name)
        .join(Unit, Participant.unit_id == Unit.id)
        .where(Participant.unit_id.in_(unit_ids))
        .order_by(Participant.display_name, Participant.id)
    )
    rows = {
        pid: PersonRow(pid, name, unit_name)
        for pid, name, unit_name in db.session.execute(people_q)
    }
    members = select(Participant.id).where(Participant.unit_id.in_(unit_ids))
    visits = db.session.execute(
        select(
            Visit.participant_id,
            func.count(distinct(case((Visit.kind == "lesson", Visit.lesson_id)))),
            func.max(Visit.visited_at),
        )
        .where(Visit.participant_id.in_(members), period.covers(Visit.visited_at))
        .group_by(Visit.participant_id)
    )
    for pid, lessons, last in visits:
        rows[pid].lessons_opened = lessons
        rows[pid].last_activity = last
    attempts = db.session.execute(
        select(
            Attempt.participant_id,
            func.count(distinct(Attempt.quiz_id)),
            func.count(distinct(case((Attempt.passed.is_(True), Attempt.quiz_id)))),
            func.max(Attempt.score_percent),
            func.max(Attempt.submitted_at),
        )
        .where(Attempt.participant_id.in_(members), period.covers(Attempt.submitted_at))
        .group_by(Attempt.participant_id)
    )
    for pid, tried, passed, best, last in attempts:
        row = rows[pid]
        row.quizzes_attempted, row.quizzes_passed, row.best_score = tried, passed, best
        if last and (row.last_activity is None or last > row.last_activity):
            row.last_activity = last
    certificates = db.session.execute(
        select(Certificate.participant_id, func.count(Certificate.id))
        .where(
            Certificate.participant_id.in_(members),
            Certificate.revoked_at.is_(None),
            period.covers(Certificate.issued_at),
        )
        .group_by(Certificate.participant_id)
    )
    for pid, count in certificates:
        rows[pid].certificates = count
    return UnitReport(
        title,
        period,
        sorted_by_name(rows.values(), lambda row: row.name),
        _quiz_stats(members, period),
        population_of(unit_ids),
    )


def _quiz_stats(members, period: Period) -> list[QuizStat]:
    scope = and_(Attempt.participant_id.in_(members), period.covers(Attempt.submitted_at))
    per_quiz = db.session.execute(
        select(
            Attempt.quiz_id,
            func.count(distinct(Attempt.participant_id)),
            func.count(Attempt.id),
            func.count(distinct(case((Attempt.passed.is_(True), Attempt.participant_id)))),
            func.avg(Attempt.score_percent),
        )
        .where(scope)
        .group_by(Attempt.quiz_id)
    ).all()
    if not per_quiz:
        return []
    quizzes = {
        q.id: q
        for q in Quiz.query.options(selectinload(Quiz.versions)).filter(
            Quiz.id.in_([r[0] for r in per_quiz])
        )
    }
    choice_text = cast(Answer.choice_ids, Text)
    answers = db.session.execute(
        select(
            Attempt.quiz_id,
            Answer.question_id,
            Answer.is_correct,
            choice_text,
            func.count(Answer.id),
        )
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .where(scope)
        .group_by(Attempt.quiz_id, Answer.question_id, Answer.is_correct, choice_text)
    )
    tallies: dict[int, dict[str, dict]] = defaultdict(
        lambda: defaultdict(lambda: {"answered": 0, "wrong": 0, "wrong_choices": defaultdict(int)})
    )
    for quiz_id, question_id, is_correct, chosen, count in answers:
        tally = tallies[quiz_id][question_id]
        tally["answered"] += count
        if not is_correct:
            tally["wrong"] += count
            tally["wrong_choices"][chosen] += count
    stats = []
    for quiz_id, people, attempt_count, passed, average in per_quiz:
        quiz = quizzes[quiz_id]
        stats.append(
            QuizStat(
                quiz_id=quiz_id,
                title=quiz.title,
                participants=people,
                attempts=attempt_count,
                passed_participants=passed,
                average_score=float(average or 0),
                questions=_question_stats(quiz, tallies[quiz_id]),
            )
        )
    return sorted(stats, key=lambda s: (quizzes[s.quiz_id].position, s.title))


def _question_texts(quiz: Quiz) -> dict[str, dict]:
    """Question definitions by id, newest version winning (ids are stable across versions)."""
    texts: dict[str, dict] = {}
    for version in quiz.versions:  # loaded with the quiz, in version order
        for question in version.questions:
            texts[question["id"]] = question
    return texts


def _choice_label(question: dict | None, chosen_json: str) -> str:
    try:
        chosen = json.loads(chosen_json)
    except (TypeError, ValueError):
        return str(chosen_json)
    if question is None:
        return ", ".join(map(str, chosen))
    if question["type"] == "true_false":
        labels = {"true": "Đúng", "false": "Sai"}
    else:
        labels = {c["id"]: c["text"] for c in question.get("choices", [])}
    return ", ".join(labels.get(c, c) for c in chosen)


def _question_stats(quiz: Quiz, tallies: dict[str, dict]) -> list[QuestionStat]:
    definitions = _question_texts(quiz)
    current_order = [q["id"] for q in quiz.current_version.questions]
    order = current_order + sorted(set(tallies) - set(current_order))
    stats = []
    for number, question_id in enumerate(order, start=1):
        tally = tallies.get(question_id)
        if tally is None:
            continue
        question = definitions.get(question_id)
        top = max(tally["wrong_choices"].items(), key=lambda kv: kv[1], default=(None, 0))
        stats.append(
            QuestionStat(
                number=number,
                question_id=question_id,
                text=question["text"] if question else question_id,
                answered=tally["answered"],
                wrong=tally["wrong"],
                top_wrong_answer=_choice_label(question, top[0]) if top[0] else None,
                top_wrong_count=top[1],
            )
        )
    return stats
