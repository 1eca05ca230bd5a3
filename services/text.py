"""Text clean-up for what people type: Unicode NFC, trimmed, no control characters."""

import unicodedata


def clean_line(value: str | None) -> str:
    """NFC-normalised single line with collapsed white space and no control characters."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())
