"""Offline use: signed form stamps for answers sent late, when the answer was given, and the
version of the service worker's cached assets.

A quiz or survey form carries a stamp: the form's identity (kind, item, version, idempotency
token, owner) signed with the app's secret, with the time it was fetched. The owner is the
participant for a quiz or a named survey, and for an anonymous survey the device's one-way
respondent key (services/participation/survey_responses.respondent_key), so that one form
makes at most one response
whatever cookies it is sent with. An answer kept on a
phone without signal is sent later with that stamp instead of the session's CSRF token (which
expires after an hour): the stamp is the credential, and it cannot be forged or read by
another site.
"""

import hashlib
import re
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

STAMP_SALT = "lantoa-offline-form"
# Sent by the service worker when it saves a topic: a fetch, not the learner opening the page.
SAVE_HEADER = "X-Lantoa-Save"
QUIZ, SURVEY = "q", "s"
# Milliseconds since 1970 as a phone sends them (Date.now()): digits only, at most 13 (up to
# the year 2286; more would overflow the dates the database keeps).
EPOCH_MS = re.compile(r"[0-9]{1,13}")


class StampError(Exception):
    """A form stamp that is not ours, was altered, or is too old to accept."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=STAMP_SALT)


def stamp(secret: str, kind: str, item_id: int, version_id: int, token: str, owner) -> str:
    """The signed stamp of one rendered form; it records when it was made (the fetch time)."""
    return _serializer(secret).dumps([kind, item_id, version_id, token, owner])


def read_stamp(secret: str, value: str, max_age: timedelta) -> tuple[list, datetime]:
    """(the stamped fields, when the form was fetched as naive UTC); raises StampError."""
    if not isinstance(value, str) or not value or len(value) > 400:
        raise StampError("invalid")
    try:
        fields, signed_at = _serializer(secret).loads(
            value, max_age=int(max_age.total_seconds()), return_timestamp=True
        )
    except SignatureExpired as exc:
        raise StampError("expired") from exc
    except BadSignature as exc:
        raise StampError("invalid") from exc
    if not isinstance(fields, list) or len(fields) != 5:
        raise StampError("invalid")
    return fields, signed_at.replace(tzinfo=None)


def read_form_stamp(
    secret: str, value: str, max_age: timedelta, kind: str, item_id: int, version_id: int, token
) -> tuple[object, datetime]:
    """(owner, fetch time) of a stamp that must name exactly this form; raises StampError."""
    fields, fetched = read_stamp(secret, value, max_age)
    if fields[:4] != [kind, item_id, version_id, token]:
        raise StampError("invalid")
    return fields[4], fetched


def is_save_fetch(headers) -> bool:
    """Whether a request is the service worker saving a page for later, not a person opening it
    (nothing is recorded as opened then)."""
    return headers.get(SAVE_HEADER) == "1"


def parse_epoch_ms(raw: str | None) -> datetime | None:
    """A phone's Date.now() as naive UTC; None when absent; ValueError when malformed."""
    if raw is None or raw == "":
        return None
    if not EPOCH_MS.fullmatch(raw):
        raise ValueError("not a time in milliseconds")
    return datetime(1970, 1, 1) + timedelta(milliseconds=int(raw))


def answered_at(
    answered: datetime | None, sent: datetime | None, fetched: datetime, now: datetime
) -> datetime:
    """When the learner answered, by the phone's clock corrected and bounded.

    Cheap phones' clocks are often wrong, and more so after days without signal, so the
    phone also says what time it was when it sent the answer: the difference to the server's
    clock at receipt is the phone clock's error, and it is taken off the answer time. The
    result is then kept between the fetch of the form (nobody answers a form before they
    have it) and now (nothing is answered in the future): a time outside is moved to the
    nearest bound rather than refused, because a wrong clock must not cost a villager their
    answer, and the stamp has already proved that the form is genuine.
    """
    if answered is None:
        return now
    if sent is not None:
        answered = answered + (now - sent)
    return min(max(answered, fetched), now)


def asset_version(root: Path, names: list[str]) -> str:
    """A short hash of these files' bytes: the service worker's cache name changes with it."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:12]
