"""Checking a form's fields by table: each field has a cleaner and rules, walked in order.

A rule takes a cleaned value and returns a code (the first code found is the field's problem)
or None. Rules other than `required` let a missing value (None) pass.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from services.common.text import clean_line

Rule = Callable[[Any], str | None]
Cleaner = Callable[[Any], Any]
Table = Mapping[str, tuple[Cleaner, tuple[Rule, ...]]]


def as_given(value: Any) -> Any:
    return value


def clean_notes(value: str | None) -> str:
    """NFC text that keeps its line breaks, without other control characters."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [
        "".join(ch for ch in line if unicodedata.category(ch)[0] != "C" or ch == "\t").rstrip()
        for line in value.split("\n")
    ]
    return "\n".join(lines).strip()


def optional_line(value: str | None) -> str | None:
    """One cleaned line, or None when blank."""
    return clean_line(value) or None


def link_ok(link: str) -> bool:
    """An absolute http(s) address with a host and no white space."""
    if any(ch.isspace() for ch in link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def required(value: Any) -> str | None:
    return "required" if value is None or value == "" else None


def too_long(limit: int) -> Rule:
    return lambda value: "too_long" if value is not None and len(value) > limit else None


def one_of(choices) -> Rule:
    return lambda value: None if value in choices else "unknown"


def at_least(low: int, code: str) -> Rule:
    return lambda value: code if value is not None and value < low else None


def at_most(high: int, code: str) -> Rule:
    return lambda value: code if value is not None and value > high else None


def not_after(last: dt.date) -> Rule:
    return at_most(last, "future")


def not_before(first: dt.date) -> Rule:
    return at_least(first, "too_early")


def web_link(value: str | None) -> str | None:
    return "scheme" if value is not None and not link_ok(value) else None


def check_fields(table: Table, raw: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    """The cleaned value of every field in the table, and {field: code} for the bad ones."""
    values: dict = {}
    errors: dict[str, str] = {}
    for name, (clean, rules) in table.items():
        values[name] = clean(raw.get(name))
        code = next((c for c in (rule(values[name]) for rule in rules) if c is not None), None)
        if code is not None:
            errors[name] = code
    return values, errors
