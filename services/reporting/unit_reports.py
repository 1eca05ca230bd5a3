"""Participation reports for a class or any unit: per person, per quiz, per question.

A fixed number of aggregate queries whatever the number of people (no query per row).
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, case, cast, distinct, func, select

from extensions import db
from models import Answer, Attempt, Certificate, Participant, Quiz, QuizVersion, Unit, Visit
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
class ChoiceCount:
    """How many answers ticked a choice (or, for a multiple-choice question, exactly a set of
    choices), and whether it is (part of) the key."""

    label: str
    count: int
    correct: bool


@dataclass
class QuestionStat:
    """One question of one quiz version, in that version's wording. `answered` counts the
    attempts that asked it (a quiz that draws from its bank asks each question of only some)."""

    number: int  # its place in the version's bank
    question_id: str
    text: str
    answered: int
    wrong: int
    top_wrong_answer: str | None
    top_wrong_count: int
    kind: str = "single"
    choices: list[ChoiceCount] = field(default_factory=list)
    combinations: list[ChoiceCount] = field(default_factory=list)  # multiple choice only

    @property
    def right(self) -> int:
        return self.answered - self.wrong

    @property
    def right_share(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


@dataclass
class VersionStat:
    """The item analysis of one version of a quiz: its questions, most got wrong first."""

    number: int
    attempts: int
    questions: list[QuestionStat] = field(default_factory=list)


@dataclass
class QuizStat:
    quiz_id: int
    title: str
    participants: int
    attempts: int
    passed_participants: int
    average_score: float
    versions: list[VersionStat] = field(default_factory=list)  # newest first
    slug: str = ""

    @property
    def pass_rate(self) -> float:
        return self.passed_participants / self.participants if self.participants else 0.0

    @property
    def questions(self) -> list[QuestionStat]:
        """Every version's questions, newest version first, never merged across versions."""
        return [question for version in self.versions for question in version.questions]


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
            Certificate.replaced_by_id.is_(None),  # a re-issued one counts once
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
    """Per quiz, and per version of it, per question: three aggregate queries and two loads."""
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
    quizzes = {q.id: q for q in Quiz.query.filter(Quiz.id.in_([r[0] for r in per_quiz]))}
    per_version = dict(
        db.session.execute(
            select(Attempt.quiz_version_id, func.count(Attempt.id))
            .where(scope)
            .group_by(Attempt.quiz_version_id)
        ).all()
    )
    versions = QuizVersion.query.filter(QuizVersion.id.in_(list(per_version))).all()
    tallies = _answer_tallies(scope)
    stats = []
    for quiz_id, people, attempt_count, passed, average in per_quiz:
        quiz = quizzes[quiz_id]
        own = sorted(
            (v for v in versions if v.quiz_id == quiz_id), key=lambda v: v.number, reverse=True
        )
        stats.append(
            QuizStat(
                quiz_id=quiz_id,
                title=quiz.title,
                participants=people,
                attempts=attempt_count,
                passed_participants=passed,
                average_score=float(average or 0),
                versions=[
                    VersionStat(
                        version.number,
                        per_version[version.id],
                        _question_stats(version, tallies[version.id]),
                    )
                    for version in own
                ],
                slug=quiz.slug,
            )
        )
    return sorted(stats, key=lambda s: (quizzes[s.quiz_id].position, s.title))


def _answer_tallies(scope) -> dict[int, dict[str, dict[str, int]]]:
    """{version id: {question id: {chosen set as JSON text: answers}}}, with the right ones
    under RIGHT_KEY as well."""
    choice_text = cast(Answer.choice_ids, Text)
    answers = db.session.execute(
        select(
            Attempt.quiz_version_id,
            Answer.question_id,
            Answer.is_correct,
            choice_text,
            func.count(Answer.id),
        )
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .where(scope)
        .group_by(Attempt.quiz_version_id, Answer.question_id, Answer.is_correct, choice_text)
    )
    tallies: dict[int, dict[str, dict]] = defaultdict(
        lambda: defaultdict(lambda: {"answered": 0, "wrong": 0, "chosen": defaultdict(int)})
    )
    for version_id, question_id, is_correct, chosen, count in answers:
        tally = tallies[version_id][question_id]
        tally["answered"] += count
        tally["chosen"][_chosen_key(chosen)] += count
        if not is_correct:
            tally["wrong"] += count
            tally.setdefault("wrong_choices", defaultdict(int))[_chosen_key(chosen)] += count
    return tallies


def _chosen_key(chosen_json) -> tuple[str, ...]:
    """A stored set of choices as a sorted tuple (the JSON text differs between databases)."""
    try:
        chosen = json.loads(chosen_json) if isinstance(chosen_json, str) else chosen_json
    except ValueError:
        return (str(chosen_json),)
    return tuple(sorted(str(c) for c in chosen))


def _choice_labels(question: dict) -> dict[str, str]:
    if question["type"] == "true_false":
        return {"true": "Đúng", "false": "Sai"}
    return {c["id"]: c["text"] for c in question.get("choices", [])}


def _key(question: dict) -> set[str]:
    answer = question.get("answer")
    if question["type"] == "true_false":
        return {str(answer).lower()}
    return {str(a) for a in answer} if isinstance(answer, list) else {str(answer)}


def _label(labels: dict[str, str], chosen: tuple[str, ...]) -> str:
    return " + ".join(labels.get(c, c) for c in chosen)


def _question_stats(version: QuizVersion, tallies: dict[str, dict]) -> list[QuestionStat]:
    """The version's questions that were asked, in its own wording, most got wrong first."""
    stats = []
    for number, question in enumerate(version.questions, start=1):
        tally = tallies.get(question["id"])
        if tally is None:
            continue  # not asked in this period (or not drawn for anyone)
        labels, key = _choice_labels(question), _key(question)
        wrong = tally.get("wrong_choices", {})
        top = max(wrong.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))
        ticks: dict[str, int] = defaultdict(int)
        for chosen, count in tally["chosen"].items():
            for choice in chosen:
                ticks[choice] += count
        combinations = []
        if question["type"] == "multiple":
            combinations = [
                ChoiceCount(_label(labels, chosen), count, set(chosen) == key)
                for chosen, count in sorted(
                    tally["chosen"].items(), key=lambda kv: (-kv[1], _label(labels, kv[0]))
                )
            ]
        stats.append(
            QuestionStat(
                number=number,
                question_id=question["id"],
                text=question["text"],
                answered=tally["answered"],
                wrong=tally["wrong"],
                top_wrong_answer=_label(labels, top[0]) if top[0] else None,
                top_wrong_count=top[1],
                kind=question["type"],
                choices=[
                    ChoiceCount(text, ticks.get(cid, 0), cid in key) for cid, text in labels.items()
                ],
                combinations=combinations,
            )
        )
    return sorted(stats, key=lambda q: (-q.wrong_share, q.number))
