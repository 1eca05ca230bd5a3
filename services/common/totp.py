"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): what any
authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP…) shows."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # a code of the step before or after is accepted too (a phone's clock drifts)
SECRET_BYTES = 20


def new_secret() -> str:
    """A random secret as base32 without padding (32 characters), as the apps type it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def code_at(secret: str, step: int) -> str:
    """The code of one time step (RFC 4226's dynamic truncation)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float | None = None, after: int | None = None):
    """The time step whose code `code` is (within the window), or None; a step at or before
    `after` (the last one used) is refused, so a code cannot be used twice."""
    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != DIGITS:
        return None
    here = current_step(now)
    for step in range(here - WINDOW, here + WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(code_at(secret, step), typed):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an app reads from a QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
