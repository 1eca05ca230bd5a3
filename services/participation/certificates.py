"""Issuing, finding, revoking and re-issuing certificates: once per participant and quiz, and
once per participant and course when every quiz of the course is passed. A re-issue (after a
name correction) replaces a certificate; only the current ones (not replaced) are issued,
counted and printed."""

from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import (
    Attempt,
    Certificate,
    CertificateSerialCounter,
    Course,
    CourseItem,
    Participant,
    Quiz,
)
from models.base import utcnow
from services.common import codes
from services.common.errors import InvalidInput
from services.common.name_order import sorted_by_name
from services.common.text import clean_line
from services.common.vietnamese import local_date
from services.org.settings import commune_settings

VERIFICATION_CODE_LENGTH = 12  # 60 random bits
MAX_REASON = 300  # Certificate.revoked_reason
MAX_NAME = 80  # Certificate.holder_name
CURRENT = Certificate.replaced_by_id.is_(None)


def format_code(code: str) -> str:
    """Three groups of four characters split by hyphens, for reading aloud."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_by_code(raw: str) -> Certificate | None:
    """The certificate behind a typed code (case, hyphens and O/0, I/L/1 misreadings
    tolerated), in any commune: /v/ is public and permanent (the caller enters the
    certificate's commune before touching its relationships)."""
    code = normalize_code(raw)
    if not code:
        return None
    query = Certificate.query.filter_by(verification_code=code)
    return query.execution_options(all_communes=True).one_or_none()


def normalize_code(raw: str) -> str | None:
    return codes.normalize(raw, VERIFICATION_CODE_LENGTH, VERIFICATION_CODE_LENGTH)


def certificate_for(participant_id: int, quiz_id: int) -> Certificate | None:
    """The participant's current certificate for a quiz (a replaced one never)."""
    return (
        Certificate.query.filter_by(participant_id=participant_id, quiz_id=quiz_id)
        .filter(CURRENT)
        .first()
    )


def course_certificate_for(participant_id: int, course_id: int) -> Certificate | None:
    """The participant's current certificate for a course (a replaced one never)."""
    return (
        Certificate.query.filter_by(participant_id=participant_id, course_id=course_id)
        .filter(CURRENT)
        .first()
    )


COUNTERS = CertificateSerialCounter.__table__


def _next_serial(prefix: str, year: int) -> str:
    """The next serial of a prefix and year, e.g. HVT-2026-000058, from its counter row.

    The increment locks the row until the unit of work ends, so concurrent passes take turns
    and never share a number; a rolled-back pass gives its number back. Numbers are never
    derived from the certificates left, so deleting some never repeats or blocks a serial.
    """
    number = _take_number(prefix, year)
    if number is None:
        _start_counter(prefix, year)
        number = _take_number(prefix, year)
    return f"{prefix}-{year}-{number:06d}"


def _take_number(prefix: str, year: int) -> int | None:
    """Increment the counter and return its new value; None when it does not exist yet."""
    return db.session.execute(
        update(COUNTERS)
        .where(COUNTERS.c.prefix == prefix, COUNTERS.c.year == year)
        .values(last_number=COUNTERS.c.last_number + 1)
        .returning(COUNTERS.c.last_number)
    ).scalar_one_or_none()


def _start_counter(prefix: str, year: int) -> None:
    """Create a counter after the highest serial already issued for it (normally none: the
    migration seeded the existing ones). A concurrent creation wins harmlessly."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(COUNTERS)
        .values(prefix=prefix, year=year, last_number=_highest_issued(f"{prefix}-{year}-"))
        .on_conflict_do_nothing()
    )


def _highest_issued(stem: str) -> int:
    serials = db.session.scalars(
        select(Certificate.serial).where(Certificate.serial.startswith(stem, autoescape=True))
    )
    suffixes = (serial[len(stem) :] for serial in serials)
    return max((int(s) for s in suffixes if s.isdigit()), default=0)


class SignerMissing(Exception):
    """The office has not named the certificate's signer (title and name): nothing is issued."""


def issue_for_attempt(attempt: Attempt, serial_prefix: str, timezone: str) -> Certificate | None:
    """Issue the certificate for a passed attempt, once: passing again returns the first one.

    A pass answered on a phone without signal and sent later is certified as of when it was
    answered (the time it counts at), not when it arrived. Raises SignerMissing, issuing
    nothing, while the settings name no signer.
    """
    if not attempt.passed:
        return None

    def make() -> Certificate:
        participant: Participant = attempt.participant
        quiz: Quiz = attempt.quiz
        return Certificate(
            verification_code=codes.generate(VERIFICATION_CODE_LENGTH),
            participant_id=participant.id,
            commune_id=participant.commune_id,  # the issuer: the holder's commune
            quiz_id=quiz.id,
            attempt_id=attempt.id,
            holder_name=participant.display_name,
            holder_is_minor=participant.is_child,
            achievement=quiz.title,
            score_percent=attempt.score_percent,
            issued_at=_counted_at(attempt),
        )

    return _issue_once(
        lambda: certificate_for(attempt.participant_id, attempt.quiz_id),
        make,
        serial_prefix,
        timezone,
    )


def _counted_at(attempt: Attempt):
    return attempt.answered_at if attempt.answered_at is not None else utcnow()


def _issue_once(
    find: Callable[[], Certificate | None],
    make: Callable[[], Certificate],
    serial_prefix: str,
    timezone: str,
) -> Certificate:
    """The certificate `find` returns, or the one `make` builds, numbered and added: once,
    whatever concurrent issues of the same certificate do (the unique constraints decide)."""
    for _ in range(5):
        existing = find()
        if existing is not None:
            return existing
        certificate = make()
        # Signed in the name of the certificate's own commune, by its signer.
        if not commune_settings(certificate.commune_id).certificate_signer_set:
            raise SignerMissing
        try:
            with db.session.begin_nested():  # a failed insert gives its serial back
                year = local_date(certificate.issued_at, timezone).year
                certificate.serial = _next_serial(serial_prefix, year)
                db.session.add(certificate)
        except IntegrityError:
            continue  # a concurrent issue of this certificate (or a code collision): look again
        return certificate
    raise RuntimeError("could not issue a certificate after 5 tries")


def completing_passes(participant_id: int, course: Course) -> list[Attempt] | None:
    """The first pass of each quiz of the course (any version, any order), or None while some
    quiz of it is not passed yet."""
    quiz_ids = [item.quiz_id for item in course.items]
    first = (
        select(Attempt.quiz_id, func.min(Attempt.id).label("attempt_id"))
        .where(
            Attempt.participant_id == participant_id,
            Attempt.quiz_id.in_(quiz_ids),
            Attempt.passed.is_(True),
        )
        .group_by(Attempt.quiz_id)
        .subquery()
    )
    passes = Attempt.query.join(first, first.c.attempt_id == Attempt.id).all()
    return passes if quiz_ids and len(passes) == len(quiz_ids) else None


def issue_for_course(participant: Participant, course: Course, serial_prefix: str, timezone: str):
    """The course certificate of a participant who passed every quiz of the course, issued
    once; None while some quiz is not passed. It is dated by the pass that completed the course
    (the latest of the first passes) and states their average score. Raises SignerMissing."""
    passes = completing_passes(participant.id, course)
    if passes is None:
        return None
    last = max(passes, key=lambda a: (_counted_at(a), a.id))

    def make() -> Certificate:
        return Certificate(
            verification_code=codes.generate(VERIFICATION_CODE_LENGTH),
            participant_id=participant.id,
            commune_id=participant.commune_id,  # the issuer: the holder's commune
            course_id=course.id,
            attempt_id=last.id,
            holder_name=participant.display_name,
            holder_is_minor=participant.is_child,
            achievement=course.title,
            score_percent=round(sum(a.score_percent for a in passes) / len(passes)),
            issued_at=_counted_at(last),
        )

    return _issue_once(
        lambda: course_certificate_for(participant.id, course.id), make, serial_prefix, timezone
    )


def courses_of(quiz_id: int) -> list[Course]:
    """The courses a quiz belongs to, in curriculum order."""
    return (
        Course.query.join(CourseItem, CourseItem.course_id == Course.id)
        .filter(CourseItem.quiz_id == quiz_id)
        .order_by(Course.position, Course.id)
        .all()
    )


def issue_courses_when_signed(attempt: Attempt, serial_prefix: str, timezone: str) -> list:
    """The course certificates this pass completes (or completed), issued now where due; none
    while no signer is named (the passes stand; a later call issues them)."""
    if not attempt.passed:
        return []
    issued = []
    for course in courses_of(attempt.quiz_id):
        try:
            certificate = issue_for_course(attempt.participant, course, serial_prefix, timezone)
        except SignerMissing:
            return []
        if certificate is not None:
            issued.append(certificate)
    return issued


def course_when_signed(participant: Participant, course: Course, serial_prefix: str, timezone):
    """The participant's course certificate, issued now if due; None while not (or unsigned)."""
    try:
        return issue_for_course(participant, course, serial_prefix, timezone)
    except SignerMissing:
        return None


def issue_when_signed(attempt: Attempt, serial_prefix: str, timezone: str) -> Certificate | None:
    """The attempt's certificate, issued now if it passed and is not yet certified; None while
    no signer is named (the pass stands; the next call, once one is, issues it)."""
    try:
        certificate = issue_for_attempt(attempt, serial_prefix, timezone)
    except SignerMissing:
        return None
    issue_courses_when_signed(attempt, serial_prefix, timezone)
    return certificate


def _still_standing(certificate: Certificate) -> None:
    """Refuse to act on a certificate already replaced or revoked."""
    if not certificate.is_current:
        raise InvalidInput.of("certificate", "replaced")
    if certificate.is_revoked:
        raise InvalidInput.of("certificate", "revoked")


def revoke(certificate: Certificate, reason: str | None) -> None:
    """Revoke, keeping the code so that the verification page says "revoked" and why.
    InvalidInput: reason "required", "too_long"; certificate "revoked", "replaced"."""
    _still_standing(certificate)
    cleaned = clean_line(reason)
    if not cleaned:
        raise InvalidInput.of("reason", "required")
    if len(cleaned) > MAX_REASON:
        raise InvalidInput.of("reason", "too_long", n=MAX_REASON)
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = cleaned


def reissue(certificate: Certificate, name: str | None, serial_prefix: str, timezone: str):
    """A new certificate (new serial and code) in the corrected name, for the same pass, score
    and achievement and dated as the old one, which it replaces: the old code then says so and
    names the new serial. The person's name is corrected too, so later certificates agree.
    InvalidInput: name "required", "too_long", "unchanged"; certificate "revoked", "replaced".
    """
    _still_standing(certificate)
    cleaned = clean_line(name)
    if not cleaned:
        raise InvalidInput.of("name", "required")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput.of("name", "too_long", n=MAX_NAME)
    if cleaned == certificate.holder_name:
        raise InvalidInput.of("name", "unchanged")
    old_id = certificate.id
    with db.session.begin_nested():
        # The old one stops being current before the new one exists (the partial unique index
        # allows one current certificate); until the new id is known it points at itself. The
        # guarded UPDATE also settles two re-issues at once: the second finds it replaced.
        taken = db.session.execute(
            update(Certificate)
            .where(Certificate.id == old_id, CURRENT)
            .values(replaced_by_id=old_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            raise InvalidInput.of("certificate", "replaced")
        successor = Certificate(
            verification_code=codes.generate(VERIFICATION_CODE_LENGTH),
            participant_id=certificate.participant_id,
            commune_id=certificate.commune_id,
            quiz_id=certificate.quiz_id,
            course_id=certificate.course_id,
            attempt_id=certificate.attempt_id,
            holder_name=cleaned,
            holder_is_minor=certificate.holder_is_minor,
            achievement=certificate.achievement,
            score_percent=certificate.score_percent,
            issued_at=certificate.issued_at,
            serial=_next_serial(serial_prefix, local_date(certificate.issued_at, timezone).year),
        )
        db.session.add(successor)
        db.session.flush()
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == old_id)
            .values(replaced_by_id=successor.id)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(certificate)
    certificate.participant.display_name = cleaned
    return successor


def valid_in_units(
    unit_ids, quiz: Quiz | None = None, course: Course | None = None
) -> list[Certificate]:
    """The current, unrevoked certificates for a quiz (or a course) held by participants of
    the given units, in class-list name order: what a class batch prints."""
    achievement = (
        Certificate.quiz_id == quiz.id if quiz is not None else Certificate.course_id == course.id
    )
    held = (
        Certificate.query.join(Participant, Certificate.participant_id == Participant.id)
        .filter(Participant.unit_id.in_(list(unit_ids)), achievement, CURRENT)
        .filter(Certificate.revoked_at.is_(None))
        .order_by(Certificate.id)
        .all()
    )
    return sorted_by_name(held, lambda certificate: certificate.holder_name)
