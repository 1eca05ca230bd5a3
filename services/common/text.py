"""Text clean-up for what people type: Unicode NFC, trimmed, no control characters."""

import unicodedata


def clean_line(value: str | None) -> str:
    """NFC-normalised single line with collapsed white space and no control characters."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())


def clean_text(value: str | None) -> str:
    """NFC-normalised, trimmed multi-line text: line breaks kept (CR LF, as browsers send a text
    area, becomes LF), tabs become spaces, no other control characters."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\t", " ")
    return "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch)[0] != "C").strip()


def fold(value: str | None) -> str:
    """Text as compared when accents should not matter: one line, lower case, no diacritics,
    "đ" as "d" ("Nguyễn Thị Ánh  HỒNG" → "nguyen thi anh hong")."""
    value = unicodedata.normalize("NFD", clean_line(value).casefold().replace("đ", "d"))
    return "".join(ch for ch in value if not unicodedata.combining(ch))


def slugify(value: str | None, max_length: int = 60) -> str:
    """ASCII slug of a Vietnamese title: 'Điện thoại an toàn' → 'dien-thoai-an-toan'."""
    value = unicodedata.normalize("NFD", (value or "").replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in ascii_only).split()
    return "-".join(words)[:max_length].strip("-")
