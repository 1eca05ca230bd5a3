"""A class's gradebook: every pupil of the roster (joined or not) and everyone who joined
without a roster entry, × every quiz the class took or was given; per cell the best score,
the number of attempts, passed or not, and the day of the last attempt.

A fixed number of queries whatever the size of the class (no query per pupil or per quiz).
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from extensions import db
from models import Assignment, Attempt, Participant, Quiz, RosterEntry, StaffUser, Unit
from models.staff import teacher_classes
from services.common.name_order import sorted_by_name

SHOW = ("all", "not_joined", "not_done")


@dataclass(frozen=True)
class Cell:
    best: int
    attempts: int
    passed: bool
    last: dt.datetime


@dataclass(frozen=True)
class Column:
    quiz_id: int
    title: str

    @property
    def option(self) -> tuple[str, str]:
        """(value, label) of the column in the page's quiz filter."""
        return str(self.quiz_id), self.title


@dataclass
class Row:
    name: str
    participant_id: int | None  # None: on the roster, not joined yet ("chưa vào lớp")
    list_number: int | None = None  # the roster's number, when on the roster
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def joined(self) -> bool:
        return self.participant_id is not None

    def missing(self, columns: list[Column]) -> bool:
        """Joined, and has not done at least one of these quizzes ("chưa làm")."""
        return self.joined and any(c.quiz_id not in self.cells for c in columns)


@dataclass
class Gradebook:
    unit: Unit
    school_name: str | None
    teachers: list[str]
    columns: list[Column]
    rows: list[Row]  # every pupil, in Vietnamese class-list order

    @property
    def joined(self) -> int:
        return sum(row.joined for row in self.rows)

    @property
    def not_joined(self) -> int:
        return len(self.rows) - self.joined

    def column(self, quiz_id: int) -> Column | None:
        return next((c for c in self.columns if c.quiz_id == quiz_id), None)

    def view(self, show: str = "all", quiz_id: int | None = None) -> "GradebookView":
        """The rows and columns a filter keeps: `show` one of SHOW, `quiz_id` one column."""
        if show not in SHOW:
            raise ValueError(show)
        columns = self.columns if quiz_id is None else [self.column(quiz_id)]
        if None in columns:
            raise ValueError(quiz_id)
        rows = self.rows
        if show == "not_joined":
            rows = [r for r in rows if not r.joined]
        elif show == "not_done":
            rows = [r for r in rows if r.missing(columns)]
        return GradebookView(self, columns, rows, show, quiz_id)


@dataclass
class GradebookView:
    book: Gradebook
    columns: list[Column]
    rows: list[Row]
    show: str
    quiz_id: int | None


def _people(unit_id: int) -> list[Row]:
    entries = db.session.execute(
        select(RosterEntry.name, RosterEntry.participant_id, RosterEntry.list_number).where(
            RosterEntry.unit_id == unit_id
        )
    ).all()
    claimed = {pid for _, pid, _ in entries if pid is not None}
    rows = [Row(name, pid, number) for name, pid, number in entries]
    members = db.session.execute(
        select(Participant.id, Participant.display_name)
        .where(Participant.unit_id == unit_id)
        .order_by(Participant.id)
    )
    rows += [Row(name, pid) for pid, name in members if pid not in claimed]
    return sorted_by_name(rows, lambda row: row.name)


def _columns(unit_id: int, taken: set[int]) -> list[Column]:
    assigned = db.session.scalars(
        select(Quiz.id)
        .join(Assignment, Assignment.lesson_id == Quiz.lesson_id)
        .where(Assignment.unit_id == unit_id)
    ).all()
    ids = taken | set(assigned)
    if not ids:
        return []
    quizzes = db.session.execute(
        select(Quiz.id, Quiz.title).where(Quiz.id.in_(ids)).order_by(Quiz.position, Quiz.title)
    )
    return [Column(qid, title) for qid, title in quizzes]


def class_gradebook(unit: Unit) -> Gradebook:
    """The gradebook of a class: six queries."""
    rows = _people(unit.id)
    by_person = {row.participant_id: row for row in rows if row.joined}
    taken: set[int] = set()
    if by_person:
        cells = db.session.execute(
            select(
                Attempt.participant_id,
                Attempt.quiz_id,
                func.max(Attempt.score_percent),
                func.count(Attempt.id),
                func.max(db.case((Attempt.passed.is_(True), 1), else_=0)),
                func.max(Attempt.submitted_at),
            )
            .where(Attempt.participant_id.in_(list(by_person)))
            .group_by(Attempt.participant_id, Attempt.quiz_id)
        )
        for pid, quiz_id, best, count, passed, last in cells:
            by_person[pid].cells[quiz_id] = Cell(best, count, bool(passed), last)
            taken.add(quiz_id)
    teachers = db.session.scalars(
        select(StaffUser.display_name)
        .join(teacher_classes, teacher_classes.c.staff_id == StaffUser.id)
        .where(
            teacher_classes.c.unit_id == unit.id,
            StaffUser.role == "teacher",
            StaffUser.active.is_(True),
        )
        .order_by(StaffUser.display_name)
    ).all()
    return Gradebook(
        unit=unit,
        school_name=unit.parent.name if unit.parent else None,
        teachers=list(teachers),
        columns=_columns(unit.id, taken),
        rows=rows,
    )


def pupil_of_class(unit: Unit, participant_id: int) -> tuple[Participant, str] | None:
    """The participant and their name on the class list, if they are this class's pupil
    (a member of the unit, or the holder of one of its roster names); None otherwise."""
    person = db.session.get(Participant, participant_id)
    if person is None:
        return None
    entry = db.session.scalar(
        select(RosterEntry.name).where(
            RosterEntry.unit_id == unit.id, RosterEntry.participant_id == participant_id
        )
    )
    if entry is None and person.unit_id != unit.id:
        return None
    return person, entry or person.display_name
