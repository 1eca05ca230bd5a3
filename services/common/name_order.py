"""People's names in the order Vietnamese class lists use.

A list is sorted by given name (the last word), then by the family and middle names, each
compared letter by letter in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q
r s t u ư v x y) with tones compared only when the letters are the same, in the dictionary
order ngang, huyền, hỏi, ngã, sắc, nặng: "Đ" sorts after "D", "Lộc" before "Lương", "Anh"
before "Ánh".
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
# Combining tone marks, in dictionary order (0 is no tone).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a letter of the alphabet (ă â ê ô ơ ư), kept with the letter.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_AFTER_ALPHABET = len(ALPHABET)


def _letters(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A word's letters as alphabet ranks, and its tones: compared in that order."""
    ranks: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.casefold()):
        if char in _TONES:
            tones[-1:] = [_TONES[char]] if tones else []
            continue
        if char in _LETTER_MARKS and ranks:
            base = ALPHABET[ranks[-1]] if ranks[-1] < _AFTER_ALPHABET else ""
            letter = unicodedata.normalize("NFC", base + char)
            ranks[-1] = _RANK.get(letter, ranks[-1])
            continue
        if char == "đ":
            ranks.append(_RANK["đ"])
        elif char in _RANK:
            ranks.append(_RANK[char])
        elif char.isalnum():
            ranks.append(_AFTER_ALPHABET + ord(char))
        else:
            continue
        tones.append(0)
    return tuple(ranks), tuple(tones)


def _text_key(text: str) -> tuple:
    words = [_letters(word) for word in text.split()]
    return tuple(w[0] for w in words), tuple(w[1] for w in words)


def name_key(full_name: str) -> tuple:
    """The sort key of a full name ("Nguyễn Văn An"): given name first, then the rest."""
    words = (full_name or "").split()
    if not words:
        return ((), ()), ((), ())
    return _text_key(words[-1]), _text_key(" ".join(words[:-1]))


def sorted_by_name(items, name=lambda item: item):
    """`items` in Vietnamese name order, by `name(item)`."""
    return sorted(items, key=lambda item: name_key(name(item)))
