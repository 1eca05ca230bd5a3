"""Short codes in Crockford base32: readable aloud, case-insensitive, no I, L, O or U."""

import secrets

from extensions import db

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", "- \t")


def generate(length: int) -> str:
    """A random code of `length` characters (5 random bits each)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(raw: str, min_length: int, max_length: int) -> str | None:
    """Canonical form of a typed or scanned code, or None if it cannot be one.

    Accepts lower case, hyphens and spaces, and the usual misreadings (O→0, I/L→1).
    """
    if not isinstance(raw, str) or len(raw) > max_length * 2 + 4:
        return None
    code = raw.upper().translate(_SEPARATORS).translate(_MISREAD)
    if not min_length <= len(code) <= max_length:
        return None
    if any(ch not in ALPHABET for ch in code):
        return None
    return code


def normalize_short(raw: str) -> str | None:
    """A poster or class code (6–8 characters)."""
    return normalize(raw, 6, 8)


def unique_code(model, column: str, length: int) -> str:
    """A fresh random code not yet used in `model.column` (collisions are retried)."""
    for _ in range(20):
        code = generate(length)
        # Codes are unique across communes: another commune's code is a collision too.
        taken = db.session.query(model).filter(getattr(model, column) == code)
        if not taken.execution_options(all_communes=True).first():
            return code
    raise RuntimeError("could not find a free code")  # 2^35 space: never in practice
