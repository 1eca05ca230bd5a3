"""Light identity: a random token in a cookie recognises a participant; no accounts."""

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, select

from extensions import db
from models import Consent, Participant, Unit
from models.base import utcnow
from models.people import AGE_BANDS, ROLES, UNDER_16
from services.common.errors import InvalidInput
from services.common.text import clean_line

NAME_MAX = 60
GUARDIAN_CONSENT = "guardian"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_participant(token: str | None) -> Participant | None:
    """The participant a cookie token belongs to, if any."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(_by_token_hash(), {"hash": hash_token(token)}).one_or_none()


@cache
def _by_token_hash():
    """Built once: every learner request runs it, and building costs more than running it."""
    return select(Participant).where(Participant.token_hash == bindparam("hash"))


@dataclass(frozen=True)
class NewIdentity:
    display_name: str
    role: str
    unit_id: int | None
    age_band: str
    guardian_consent: bool


def create_participant(new: NewIdentity, consent_text_version: str) -> tuple[Participant, str]:
    """Create a participant and return it with the raw token to put in the cookie.

    Raises InvalidInput: display_name empty/too_long, role/age_band/unit_id unknown,
    guardian_consent required (under 16)."""
    name = clean_line(new.display_name)
    if not name:
        raise InvalidInput.of("display_name", "empty")
    if len(name) > NAME_MAX:
        raise InvalidInput.of("display_name", "too_long", n=NAME_MAX)
    if new.role not in ROLES:
        raise InvalidInput.of("role", "unknown")
    if new.age_band not in AGE_BANDS:
        raise InvalidInput.of("age_band", "unknown")
    if new.unit_id is not None and db.session.get(Unit, new.unit_id) is None:
        raise InvalidInput.of("unit_id", "unknown")
    if new.age_band == UNDER_16 and not new.guardian_consent:
        raise InvalidInput.of("guardian_consent", "required")
    token = secrets.token_urlsafe(32)
    participant = Participant(
        token_hash=hash_token(token),
        display_name=name,
        role=new.role,
        unit_id=new.unit_id,
        age_band=new.age_band,
    )
    db.session.add(participant)
    if new.age_band == UNDER_16:
        db.session.add(
            Consent(
                participant=participant,
                kind=GUARDIAN_CONSENT,
                text_version=consent_text_version,
                agreed_at=utcnow(),
            )
        )
    db.session.flush()
    return participant, token


def revoke_token(participant: Participant) -> None:
    """End the participant's cookie token ("Không phải tôi"): a fresh hash nobody holds the
    token of replaces it, so a copy of the old cookie no longer recognises them."""
    participant.token_hash = hash_token(secrets.token_urlsafe(32))
    db.session.flush()


def touch(participant: Participant) -> None:
    """Remember when the participant was last seen (at most once a minute, to spare writes)."""
    now = utcnow()
    if (now - participant.last_seen_at).total_seconds() > 60:
        participant.last_seen_at = now
