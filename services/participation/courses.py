"""Read-side queries about courses, for learner pages: which courses a learner sees, how far
they are in each, and the next topic of a course after a quiz."""

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from models import Course, CourseItem, Participant, Quiz
from services.participation.catalog import Progress

NOT_STARTED, NOT_PASSED, PASSED = "not_started", "not_passed", "passed"


def courses_for(participant: Participant | None) -> list[Course]:
    """The courses for the learner's role (every course before we know them), in order."""
    found = (
        Course.query.options(
            selectinload(Course.items).selectinload(CourseItem.quiz).selectinload(Quiz.lesson)
        )
        .order_by(Course.position, Course.id)
        .all()
    )
    if participant is None:
        return found
    return [course for course in found if participant.role in (course.audience or [])]


@dataclass(frozen=True)
class CourseItemStatus:
    quiz: Quiz
    status: str  # NOT_STARTED, NOT_PASSED or PASSED


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    items: list[CourseItemStatus]

    @property
    def passed(self) -> int:
        return sum(1 for item in self.items if item.status == PASSED)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.passed == self.total

    @property
    def next_item(self) -> CourseItemStatus | None:
        """The first topic in course order not passed yet."""
        return next((item for item in self.items if item.status != PASSED), None)


def _status(progress: Progress | None) -> str:
    if progress is None:
        return NOT_STARTED
    return PASSED if progress.passed else NOT_PASSED


def course_progress(course: Course, progress: dict[int, Progress]) -> CourseProgress:
    """Each topic of the course with the learner's status, from catalog.progress."""
    return CourseProgress(
        course,
        [CourseItemStatus(item.quiz, _status(progress.get(item.quiz_id))) for item in course.items],
    )


@dataclass(frozen=True)
class NextInCourse:
    course: Course
    quiz: Quiz  # the topic after this one in the course


def next_in_courses(quiz: Quiz) -> list[NextInCourse]:
    """For each course holding `quiz` (and not ending with it), the topic that follows it."""
    rows = (
        Course.query.join(CourseItem, CourseItem.course_id == Course.id)
        .filter(CourseItem.quiz_id == quiz.id)
        .order_by(Course.position, Course.id)
        .all()
    )
    found = []
    for course in rows:
        ids = [item.quiz_id for item in course.items]
        place = ids.index(quiz.id)
        if place + 1 < len(ids):
            found.append(NextInCourse(course, course.items[place + 1].quiz))
    return found
