"""Taking a quiz: one submit scored and recorded once, and the certificate of a pass issued.

The same call serves the quiz form and answers sent late from a phone without signal; both
pass plain, already-validated data (chosen choice ids per question id), never a form.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from models import Attempt, Participant, QuizVersion
from services.org import tenancy
from services.participation import attempts, certificates


class SubmittedElsewhere(Exception):
    """The form's idempotency token already made another participant's attempt."""

    def __init__(self, attempt: Attempt):
        super().__init__(f"attempt {attempt.public_id} belongs to another participant")
        self.attempt = attempt


@dataclass(frozen=True)
class TakenQuiz:
    """One submit of a quiz form, as plain data."""

    participant: Participant
    version: QuizVersion
    answers: dict[str, list[str]]  # question id → chosen choice ids
    token: str  # the form's idempotency token
    poster_id: int | None = None
    # When it was answered, for answers sent late (already bounded by the caller); None: now.
    answered_at: datetime | None = None


@dataclass(frozen=True)
class CertificateRules:
    """How one commune's certificates are numbered and dated. `prefix` is the configured
    default; a commune's own prefix is read only when a certificate is numbered (a failed
    attempt, most submits, asks the database nothing for it)."""

    prefix: str
    timezone: str
    commune_id: int | None = None

    @classmethod
    def from_config(cls, config: Mapping, commune_id: int | None = None) -> "CertificateRules":
        """The rules of the commune `commune_id` (the certificate's: its holder's commune):
        its serial prefix (communes.serial_prefix, unique, so two communes' serials never
        collide), else the configured CERTIFICATE_SERIAL_PREFIX."""
        return cls(config["CERTIFICATE_SERIAL_PREFIX"], config["TIMEZONE"], commune_id)

    @property
    def serial_prefix(self) -> str:
        return tenancy.serial_prefix(self.commune_id) or self.prefix


@dataclass(frozen=True)
class Outcome:
    """What a submit did: the attempt, and whether this very call recorded it (False: the
    token's attempt was already there, e.g. the same form sent twice)."""

    attempt: Attempt
    created: bool


def take_quiz(taken: TakenQuiz, rules: CertificateRules) -> Attempt:
    """The attempt of `submit` (for callers that need not know whether it is new)."""
    return submit(taken, rules).attempt


def submit(taken: TakenQuiz, rules: CertificateRules) -> Outcome:
    """Score and record the submit once per token, and certify a pass (once a signer is named).

    Sending the same token again returns the first attempt. Raises attempts.NoAttemptsLeft,
    attempts.SubmitConflict, scoring.InvalidAnswer, and SubmittedElsewhere when the token's
    attempt is someone else's.
    """
    attempt, created = attempts.submit_attempt(
        attempts.Submission(
            participant=taken.participant,
            version=taken.version,
            answers=taken.answers,
            token=taken.token,
            poster_id=taken.poster_id,
            answered_at=taken.answered_at,
        )
    )
    if attempt.participant_id != taken.participant.id:
        raise SubmittedElsewhere(attempt)
    if attempt.passed:  # a fail numbers nothing: no certificate, no course certificate
        certificates.issue_when_signed(attempt, rules.serial_prefix, rules.timezone)
    return Outcome(attempt, created)
