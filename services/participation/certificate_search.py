"""The staff's register of certificates: search by holder name (accents ignored), unit, quiz or
course, serial or verification code; filter by status; one page at a time, newest first. The
caller passes the units the staff member may see (None: all), so nothing outside them is ever
found."""

import math
from dataclasses import dataclass

from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload

from models import Certificate, Course, Participant, Quiz
from services.common.text import clean_line, fold
from services.participation import certificates

STATUSES = ("all", "valid", "revoked", "replaced")
PAGE_SIZE = 25


@dataclass(frozen=True)
class CertificateQuery:
    """What the staff typed or chose; empty means any."""

    name: str = ""
    number: str = ""  # a serial (or part of one) or a verification code
    achievement: str = ""  # "quiz:<id>" or "course:<id>"
    status: str = "all"


@dataclass(frozen=True)
class CertificatePage:
    rows: list[Certificate]
    total: int
    page: int
    pages: int


def parse_achievement(raw: str) -> tuple[str, int] | None:
    """("quiz", 3) for "quiz:3", ("course", 1) for "course:1"; None when empty. ValueError when
    malformed."""
    raw = (raw or "").strip()
    if not raw:
        return None
    kind, _sep, number = raw.partition(":")
    if kind not in ("quiz", "course") or not (number.isascii() and number.isdigit()):
        raise ValueError(raw)
    return kind, int(number)


def achievements() -> list[tuple[str, str]]:
    """Every quiz and course certificates can be for, as (value, title) choices."""
    quizzes = Quiz.query.order_by(Quiz.title, Quiz.id).all()
    courses = Course.query.order_by(Course.position, Course.id).all()
    return [(f"quiz:{q.id}", q.title) for q in quizzes] + [
        (f"course:{c.id}", c.title) for c in courses
    ]


def _status_filter(status: str):
    if status == "valid":
        return certificates.CURRENT & Certificate.revoked_at.is_(None)
    if status == "revoked":
        return certificates.CURRENT & Certificate.revoked_at.isnot(None)
    if status == "replaced":
        return Certificate.replaced_by_id.isnot(None)
    return None


def _number_filter(number: str):
    term = clean_line(number).upper()
    if not term:
        return None
    code = certificates.normalize_code(term)
    by_code = Certificate.verification_code == code if code else false()
    return or_(Certificate.serial.contains(term, autoescape=True), by_code)


def search(chosen: CertificateQuery, unit_ids: set[int] | None, page: int = 1) -> CertificatePage:
    """The certificates `chosen` selects among those of participants in `unit_ids` (None: all
    units), newest first, page `page` of PAGE_SIZE. ValueError for an unknown status or a
    malformed achievement."""
    if chosen.status not in STATUSES:
        raise ValueError(chosen.status)
    query = Certificate.query.join(Participant, Certificate.participant_id == Participant.id)
    if unit_ids is not None:
        query = query.filter(Participant.unit_id.in_(sorted(unit_ids)))
    achievement = parse_achievement(chosen.achievement)
    if achievement is not None:
        kind, item_id = achievement
        column = Certificate.quiz_id if kind == "quiz" else Certificate.course_id
        query = query.filter(column == item_id)
    for condition in (_status_filter(chosen.status), _number_filter(chosen.number)):
        if condition is not None:
            query = query.filter(condition)
    query = query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    whole = query.options(
        joinedload(Certificate.participant).joinedload(Participant.unit),
        joinedload(Certificate.replaced_by),
    )
    wanted = fold(chosen.name)
    if wanted:
        # Accents are compared away in Python (SQLite has no unaccent): only the ids and names
        # of the already-filtered rows are read, then one page of whole rows.
        ids = [
            cid
            for cid, holder in query.with_entities(Certificate.id, Certificate.holder_name)
            if wanted in fold(holder)
        ]
        total = len(ids)
        page = min(page, max(1, math.ceil(total / PAGE_SIZE)))
        chosen_ids = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        found = {c.id: c for c in whole.filter(Certificate.id.in_(chosen_ids))}
        rows = [found[cid] for cid in chosen_ids]
    else:
        total = query.order_by(None).count()
        page = min(page, max(1, math.ceil(total / PAGE_SIZE)))
        rows = whole.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
    return CertificatePage(rows, total, page, max(1, math.ceil(total / PAGE_SIZE)))
