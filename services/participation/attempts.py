"""Recording participation: scans, visits and quiz attempts (idempotent submits)."""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from extensions import db
from models import Answer, Attempt, Participant, Poster, Quiz, QuizVersion, Scan, Survey, Visit
from models.base import utcnow
from services.common import codes
from services.participation import drawing, scoring
from services.tally import indicator_store


def find_poster(raw_code: str, everywhere: bool = False) -> Poster | None:
    """The poster behind a typed or scanned short code, tolerant of case and misreadings: in
    the scope's communes, or (`everywhere`, the permanent public link) in any commune, whose
    scope the caller then enters before touching the poster's relationships."""
    code = codes.normalize_short(raw_code)
    if not code:
        return None
    query = Poster.query.filter_by(code=code)
    if everywhere:
        query = query.execution_options(all_communes=True)
    return query.one_or_none()


def record_scan(poster: Poster, participant: Participant | None) -> Scan:
    """Count one opening of a poster's link for the poster and its placement."""
    scan = Scan(
        poster_id=poster.id,
        unit_id=poster.unit_id,
        participant_id=participant.id if participant else None,
    )
    db.session.add(scan)
    return scan


def claim_scan(scan_id: int | None, participant: Participant) -> None:
    """Attach an anonymous scan to the person who identified right after it."""
    if not isinstance(scan_id, int):
        return
    scan = db.session.get(Scan, scan_id)
    if scan is not None and scan.participant_id is None:
        scan.participant_id = participant.id


def record_visit(
    participant: Participant,
    item,
    poster_id: int | None,
    counts_reach: bool | None = None,
    visited_at: datetime | None = None,
) -> Visit:
    """Record that a participant opened a lesson, a quiz or a survey (at `visited_at`, default
    now); opening a lesson or quiz counts for reach, opening a survey only with
    `counts_reach` (an answer showing the information arrived). A visit that counts is
    counted in the indicators' aggregate at once."""
    kind = {Quiz: "quiz", Survey: "survey"}.get(type(item), "lesson")
    if counts_reach is None:
        counts_reach = kind != "survey"  # opening a survey is not being reached; answering may be
    visited_at = visited_at or utcnow()
    visit = Visit(
        participant_id=participant.id,
        kind=kind,
        lesson_id=item.id if kind == "lesson" else None,
        quiz_id=item.id if kind == "quiz" else None,
        survey_id=item.id if kind == "survey" else None,
        poster_id=poster_id,
        unit_id=participant.unit_id,
        visited_at=visited_at,
        counts_reach=counts_reach,
    )
    db.session.add(visit)
    if counts_reach:
        indicator_store.count_reach(participant.id, participant.unit_id, visited_at)
    return visit


@cache
def _attempts_used():
    """SQL: a participant's attempts at a quiz (statements of the hot path are built once:
    building one costs more than running it)."""
    return select(func.count(Attempt.id)).where(
        Attempt.participant_id == bindparam("participant_id"),
        Attempt.quiz_id == bindparam("quiz_id"),
    )


@cache
def _used_and_token():
    token_attempt = select(Attempt.id).where(Attempt.submission_token == bindparam("token"))
    return select(_attempts_used().scalar_subquery(), token_attempt.scalar_subquery())


@cache
def _lock_participant():
    return select(Participant.id).where(Participant.id == bindparam("id")).with_for_update()


@cache
def _attempt_by_token():
    return select(Attempt).where(Attempt.submission_token == bindparam("token"))


def attempts_used(participant: Participant, quiz: Quiz) -> int:
    params = {"participant_id": participant.id, "quiz_id": quiz.id}
    return db.session.scalar(_attempts_used(), params)


def last_attempt(participant: Participant, quiz: Quiz) -> Attempt | None:
    return (
        Attempt.query.filter_by(participant_id=participant.id, quiz_id=quiz.id)
        .order_by(Attempt.number.desc())
        .first()
    )


def attempts_left(participant: Participant, quiz: Quiz) -> int | None:
    """How many more attempts the quiz's rule allows (None: unlimited)."""
    version = quiz.current_version
    return remaining(version, attempts_used(participant, quiz)) if version.max_attempts else None


def remaining(version: QuizVersion, used: int) -> int | None:
    """How many more attempts the version's rule allows after `used` (None: unlimited)."""
    limit = version.max_attempts
    if not limit:
        return None
    return max(0, limit - used)


def submission_token(secret: str, participant: Participant, quiz: Quiz, number: int) -> str:
    """The idempotency token of a participant's attempt number `number` at a quiz.

    Derived, not random: every rendering of the form for the same attempt (a refresh, the back
    button, a second tab) carries the same token, so however often it is sent, one attempt
    is recorded.
    """
    message = f"attempt:{participant.id}:{quiz.id}:{number}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def find_attempt_by_token(token: str) -> Attempt | None:
    """The attempt recorded under an idempotency token (None for a malformed token)."""
    if not isinstance(token, str) or not SUBMISSION_TOKEN.fullmatch(token):
        return None
    return db.session.scalars(_attempt_by_token(), {"token": token}).one_or_none()


class NoAttemptsLeft(Exception):
    """The quiz's retry rule does not allow another attempt."""


class SubmitConflict(Exception):
    """Other submits kept winning the race for the next attempt number; try again."""


@dataclass(frozen=True)
class Submission:
    participant: Participant
    version: QuizVersion
    answers: dict[str, list[str]]
    token: str
    poster_id: int | None
    # When the learner answered, for answers sent late from a phone without signal (already
    # bounded by the caller: not before the form was fetched, not in the future). The attempt
    # then counts at that time (its submitted_at), not when it arrived.
    answered_at: datetime | None = None


def submit_attempt(sub: Submission) -> tuple[Attempt, bool]:
    """Score and record an attempt once per submission token.

    Returns (attempt, created). Replaying the same token returns the first attempt. Races are
    settled by unique constraints (token; participant+quiz+number), never by luck: the insert
    skips a row that would break one (ON CONFLICT DO NOTHING), and the attempts are read again.
    The attempt is scored on the questions its token draws (drawing.drawn_questions): an answer
    to a question it did not draw, or none to one it drew, is refused like any tampered form.
    Raises scoring.InvalidAnswer for tampered answers and NoAttemptsLeft past the retry rule.
    """
    version = sub.version
    # One submit at a time per participant (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE
    # already serialises writers), so attempt numbers are handed out without collisions.
    if db.session.execute(_lock_participant(), {"id": sub.participant.id}).first() is None:
        raise SubmitConflict()  # erased meanwhile
    used, existing = _used_and_token_attempt(sub.participant.id, version.quiz_id, sub.token)
    if existing is not None:
        return existing, False
    # Only the questions this attempt drew (from its token) are asked, answered and scored.
    asked = drawing.drawn_questions(version.definition, sub.token)
    result = scoring.score(asked, sub.answers, version.pass_mark)
    for _ in range(5):
        if version.max_attempts and used >= version.max_attempts:
            raise NoAttemptsLeft()
        row = {
            "public_id": secrets.token_urlsafe(12),
            "participant_id": sub.participant.id,
            "quiz_id": version.quiz_id,
            "quiz_version_id": version.id,
            "number": used + 1,
            "submission_token": sub.token,
            "poster_id": sub.poster_id,
            "unit_id": sub.participant.unit_id,
            # The participant's commune is their unit's (the composite key holds it): given
            # here, the insert needs no lookup of its own.
            "commune_id": sub.participant.commune_id,
            "correct_count": result.correct_count,
            "question_count": result.question_count,
            "score_percent": result.percent,
            "passed": result.passed,
            "submitted_at": sub.answered_at if sub.answered_at is not None else utcnow(),
            "answered_at": sub.answered_at,
        }
        try:
            attempt_id = db.session.execute(_insert_attempt(db.engine.dialect.name), row).scalar()
        except IntegrityError as exc:  # a row it names is gone (SQLite: erased meanwhile)
            raise SubmitConflict() from exc
        if attempt_id is None:
            # Another request won the race: either with this very token (a double tap) or
            # with the same attempt number (two tabs). Re-read and decide again.
            used, existing = _used_and_token_attempt(sub.participant.id, version.quiz_id, sub.token)
            if existing is not None:
                return existing, False
            continue
        # One executemany for the answers: far cheaper than an ORM object per row.
        db.session.execute(
            insert(Answer),
            [
                {
                    "attempt_id": attempt_id,
                    "question_id": r.question_id,
                    "choice_ids": list(r.chosen),
                    "is_correct": r.is_correct,
                }
                for r in result.results
            ],
        )
        if result.passed:
            quiz = db.session.get(Quiz, version.quiz_id)  # loaded with the page: no query
            indicator_store.count_pass(sub.participant, quiz, row["unit_id"], row["submitted_at"])
        return _as_loaded(Attempt(id=attempt_id, **row)), True
    raise SubmitConflict()


@cache
def _insert_attempt(dialect: str):
    """INSERT of one attempt that skips a row breaking a unique constraint and returns the new
    id (none when skipped): the race is settled without an error, so without a savepoint."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(Attempt).on_conflict_do_nothing().returning(Attempt.id)


def _as_loaded(attempt: Attempt) -> Attempt:
    """The attempt just inserted, in the session as if read back (no flush, no query)."""
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    return attempt


def _used_and_token_attempt(
    participant_id: int, quiz_id: int, token: str
) -> tuple[int, Attempt | None]:
    """In one statement: the participant's attempts at the quiz so far, and the attempt already
    recorded under `token` (anyone's, any quiz's; None: none yet)."""
    params = {"participant_id": participant_id, "quiz_id": quiz_id, "token": token}
    used, existing_id = db.session.execute(_used_and_token(), params).one()
    return used, db.session.get(Attempt, existing_id) if existing_id is not None else None
