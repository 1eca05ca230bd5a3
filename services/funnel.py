"""Per-poster funnel: scans → people → lesson opened → quiz started → finished → passed."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select, union

from extensions import db
from models import Attempt, Poster, Scan, Visit


@dataclass(frozen=True)
class Funnel:
    poster_id: int
    scans: int
    people: int
    lesson_opened: int
    quiz_started: int
    finished: int
    passed: int


def _count(query) -> int:
    return db.session.scalar(query) or 0


def poster_funnel(poster: Poster) -> Funnel:
    """Distinct participants at each step of one poster's funnel (scans are raw counts)."""
    pid = poster.id
    people = union(
        select(Scan.participant_id).where(Scan.poster_id == pid, Scan.participant_id.isnot(None)),
        select(Visit.participant_id).where(Visit.poster_id == pid),
        select(Attempt.participant_id).where(Attempt.poster_id == pid),
    ).subquery()
    visits = select(func.count(distinct(Visit.participant_id))).where(Visit.poster_id == pid)
    attempts = select(func.count(distinct(Attempt.participant_id))).where(Attempt.poster_id == pid)
    return Funnel(
        poster_id=pid,
        scans=_count(select(func.count(Scan.id)).where(Scan.poster_id == pid)),
        people=_count(select(func.count()).select_from(people)),
        lesson_opened=_count(visits.where(Visit.kind == "lesson")),
        quiz_started=_count(visits.where(Visit.kind == "quiz")),
        finished=_count(attempts),
        passed=_count(attempts.where(Attempt.passed.is_(True))),
    )
