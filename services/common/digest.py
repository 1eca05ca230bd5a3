"""A stable fingerprint of parsed content, to tell whether anything changed."""

import hashlib
import json


def digest(obj) -> str:
    """SHA-256 of the JSON form with sorted keys (dates as ISO text)."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
