"""The number of minutes a lesson title promises, if it names one ("Nghị quyết 57 trong 5 phút",
"Năm phút về an toàn", "Resolution 57 in five minutes"), so the content check can hold it to
the lesson's `minutes`.

Only a promise of duration counts: "trong N phút" / "in N minutes", or a title that starts with
the number. "Kiểm tra 15 phút" is the name of a kind of school test, not a reading time."""

import re

VIETNAMESE_NUMBERS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
    "mười": 10, "mười lăm": 15, "hai mươi": 20, "ba mươi": 30,
}  # fmt: skip
ENGLISH_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip


def _pattern(words: dict[str, int], before: str, unit: str) -> re.Pattern:
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(
        rf"(?:^\s*|(?<!\w){before}\s+)(\d+|{alternatives})\s+{unit}(?!\w)", re.IGNORECASE
    )


NAMED = (
    (_pattern(VIETNAMESE_NUMBERS, "trong", "phút"), VIETNAMESE_NUMBERS),
    (_pattern(ENGLISH_NUMBERS, "in", "minutes?"), ENGLISH_NUMBERS),
)


def minutes_named(title: str) -> int | None:
    for pattern, words in NAMED:
        found = pattern.search(title or "")
        if found:
            number = found.group(1).lower()
            return int(number) if number.isdigit() else words[number]
    return None
