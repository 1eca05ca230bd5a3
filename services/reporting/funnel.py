"""Poster funnels: scans → people → lesson opened → quiz started → finished → passed, and
survey answers for survey posters."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, or_, select

from extensions import db
from models import Attempt, Poster, Scan, SurveyResponse, Visit
from services.common.periods import Period


@dataclass(frozen=True)
class Funnel:
    poster_id: int | None  # None for a funnel over several posters
    scans: int
    people: int
    lesson_opened: int
    quiz_started: int
    finished: int
    passed: int
    survey_answers: int = 0  # responses (named or anonymous) that came through the posters

    def steps(self) -> list[tuple[str, int]]:
        survey = [("Trả lời khảo sát", self.survey_answers)] if self.survey_answers else []
        return [
            ("Lượt quét", self.scans),
            ("Số người", self.people),
            ("Mở bài học", self.lesson_opened),
            ("Bắt đầu làm bài", self.quiz_started),
            ("Nộp bài", self.finished),
            ("Đạt", self.passed),
            *survey,
        ]


def _count(query) -> int:
    return db.session.scalar(query) or 0


def funnel_for(poster_ids: list[int], poster_id: int | None = None, period=None) -> Funnel:
    """Distinct participants at each step for a set of posters, optionally within a period.

    Each step counts only people who reached the step before through these posters, so the
    steps never grow: people scanned; opened counts those of them with a visit or an attempt
    credited to the posters; started, those with a quiz visit or an attempt; finished, those
    with an attempt; passed, those with a passed one."""
    if not poster_ids:
        return Funnel(poster_id, 0, 0, 0, 0, 0, 0)
    period = period or Period()  # no period: all time
    visited = select(Visit.participant_id).where(
        Visit.poster_id.in_(poster_ids), period.covers(Visit.visited_at)
    )
    attempted = select(Attempt.participant_id).where(
        Attempt.poster_id.in_(poster_ids), period.covers(Attempt.submitted_at)
    )
    person = Scan.participant_id
    scanned = select(func.count(distinct(person))).where(
        Scan.poster_id.in_(poster_ids), person.isnot(None), period.covers(Scan.scanned_at)
    )
    return Funnel(
        poster_id=poster_id,
        scans=_count(
            select(func.count(Scan.id)).where(
                Scan.poster_id.in_(poster_ids), period.covers(Scan.scanned_at)
            )
        ),
        people=_count(scanned),
        lesson_opened=_count(scanned.where(or_(person.in_(visited), person.in_(attempted)))),
        quiz_started=_count(
            scanned.where(
                or_(person.in_(visited.where(Visit.kind == "quiz")), person.in_(attempted))
            )
        ),
        finished=_count(scanned.where(person.in_(attempted))),
        passed=_count(scanned.where(person.in_(attempted.where(Attempt.passed.is_(True))))),
        survey_answers=_count(
            select(func.count(SurveyResponse.id)).where(
                SurveyResponse.poster_id.in_(poster_ids),
                period.covers_day(SurveyResponse.submitted_on),
            )
        ),
    )


def poster_funnel(poster: Poster) -> Funnel:
    """One poster's funnel (scans are raw counts, the other steps distinct people)."""
    return funnel_for([poster.id], poster.id)


def posters_in_units(unit_ids: set[int] | None) -> list[int]:
    """The ids of posters placed in these units (None: every poster)."""
    query = select(Poster.id)
    if unit_ids is not None:
        query = query.where(Poster.unit_id.in_(unit_ids))
    return list(db.session.scalars(query))
