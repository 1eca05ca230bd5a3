"""Work a teacher gives a class: a lesson (done once its quiz is submitted, or, for a lesson
without a quiz, once it is opened) or a named survey (done once answered), by a due date.

Who has done what is read in a fixed number of queries, whatever the size of the class.
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from models import (
    Assignment,
    Attempt,
    Lesson,
    Participant,
    RosterEntry,
    StaffUser,
    Survey,
    SurveyResponse,
    Unit,
    Visit,
)
from services.common.name_order import sorted_by_name


def create(
    unit: Unit,
    lesson: Lesson | None,
    survey: Survey | None,
    due_on: dt.date,
    by: StaffUser | None,
) -> Assignment:
    """Give `unit` (a class) a lesson or a survey, due on `due_on`."""
    if unit.kind != "class" or (lesson is None) == (survey is None):
        raise ValueError("one lesson or one survey, for a class")
    assignment = Assignment(
        unit_id=unit.id,
        lesson_id=lesson.id if lesson else None,
        survey_id=survey.id if survey else None,
        due_on=due_on,
        created_by_id=by.id if by else None,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def delete(assignment: Assignment) -> None:
    db.session.delete(assignment)
    db.session.flush()


def of_class(unit_id: int) -> list[Assignment]:
    """The class's work, soonest due first, with what each one gives loaded."""
    return (
        Assignment.query.options(
            selectinload(Assignment.lesson).selectinload(Lesson.quiz),
            selectinload(Assignment.survey),
        )
        .filter(Assignment.unit_id == unit_id)
        .order_by(Assignment.due_on, Assignment.id)
        .all()
    )


def _done(assignments: list[Assignment], people: list[int]) -> dict[int, set[int]]:
    """Per assignment id, the people (of `people`) who have done it: three queries at most."""
    done: dict[int, set[int]] = {a.id: set() for a in assignments}
    if not people or not assignments:
        return done
    by_quiz = {a.lesson.quiz.id: a.id for a in assignments if a.lesson and a.lesson.quiz}
    by_lesson = {a.lesson.id: a.id for a in assignments if a.lesson and not a.lesson.quiz}
    by_survey = {a.survey.id: a.id for a in assignments if a.survey}
    for column, who, mapping in (
        (Attempt.quiz_id, Attempt.participant_id, by_quiz),
        (Visit.lesson_id, Visit.participant_id, by_lesson),
        (SurveyResponse.survey_id, SurveyResponse.participant_id, by_survey),
    ):
        if not mapping:
            continue
        rows = db.session.execute(
            select(who, column).distinct().where(who.in_(people), column.in_(list(mapping)))
        )
        for pid, item_id in rows:
            done[mapping[item_id]].add(pid)
    return done


@dataclass
class ClassWork:
    """One assignment as the class page shows it."""

    assignment: Assignment
    done: int
    total: int
    missing: list[str] = field(default_factory=list)  # joined pupils who have not done it
    not_joined: int = 0  # roster names nobody has claimed: they have not done it either
    overdue: bool = False


def class_work(unit: Unit, today: dt.date) -> list[ClassWork]:
    """Each assignment of the class: how many have done it, who has not, whether it is late."""
    assignments = of_class(unit.id)
    if not assignments:
        return []
    members = db.session.execute(
        select(Participant.id, Participant.display_name).where(Participant.unit_id == unit.id)
    ).all()
    not_joined = db.session.scalar(
        select(db.func.count(RosterEntry.id)).where(
            RosterEntry.unit_id == unit.id, RosterEntry.participant_id.is_(None)
        )
    )
    done = _done(assignments, [pid for pid, _ in members])
    work = []
    for assignment in assignments:
        finished = done[assignment.id]
        missing = sorted_by_name([name for pid, name in members if pid not in finished], str)
        work.append(
            ClassWork(
                assignment=assignment,
                done=len(finished),
                total=len(members) + not_joined,
                missing=missing,
                not_joined=not_joined,
                overdue=today > assignment.due_on and bool(missing or not_joined),
            )
        )
    return work


@dataclass(frozen=True)
class PupilWork:
    assignment: Assignment
    done: bool
    overdue: bool


def pupil_work(participant: Participant | None, today: dt.date) -> list[PupilWork]:
    """The work given to a pupil's class (their participant unit), done or not."""
    if participant is None or participant.unit_id is None:
        return []
    assignments = of_class(participant.unit_id)
    done = _done(assignments, [participant.id])
    return [
        PupilWork(
            a,
            participant.id in done[a.id],
            today > a.due_on and participant.id not in done[a.id],
        )
        for a in assignments
    ]
