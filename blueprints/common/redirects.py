"""Redirects that stay inside the site."""

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Only ever redirect inside the site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
