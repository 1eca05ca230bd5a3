"""Password hashing with argon2id (RFC 9106 parameters from argon2-cffi)."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
# Checked when the username is unknown, so that a miss takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; unknown users cost the same time as wrong passwords."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A password to hand over on paper: 4 groups of 4 readable characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
