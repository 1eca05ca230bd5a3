"""Poster funnels: scans → people → lesson opened → quiz started → finished → passed, and
survey answers for survey posters."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select, union

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
    """Distinct participants at each step for a set of posters, optionally within a period."""
    if not poster_ids:
        return Funnel(poster_id, 0, 0, 0, 0, 0, 0)
    period = period or Period()  # no period: all time
    scan_time = period.covers(Scan.scanned_at)
    visit_time = period.covers(Visit.visited_at)
    attempt_time = period.covers(Attempt.submitted_at)
    people = union(
        select(Scan.participant_id).where(
            Scan.poster_id.in_(poster_ids), Scan.participant_id.isnot(None), scan_time
        ),
        select(Visit.participant_id).where(Visit.poster_id.in_(poster_ids), visit_time),
        select(Attempt.participant_id).where(Attempt.poster_id.in_(poster_ids), attempt_time),
    ).subquery()
    visits = select(func.count(distinct(Visit.participant_id))).where(
        Visit.poster_id.in_(poster_ids), visit_time
    )
    attempts = select(func.count(distinct(Attempt.participant_id))).where(
        Attempt.poster_id.in_(poster_ids), attempt_time
    )
    return Funnel(
        poster_id=poster_id,
        scans=_count(select(func.count(Scan.id)).where(Scan.poster_id.in_(poster_ids), scan_time)),
        people=_count(select(func.count()).select_from(people)),
        lesson_opened=_count(visits.where(Visit.kind == "lesson")),
        quiz_started=_count(visits.where(Visit.kind == "quiz")),
        finished=_count(attempts),
        passed=_count(attempts.where(Attempt.passed.is_(True))),
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
