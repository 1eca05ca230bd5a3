"""Which questions of a quiz's bank an attempt asks, and in which order.

Everything here is computed from a version's definition and the attempt's seed (its form's
submission token), never stored: every rendering of one attempt (the form, a reload, a
refused submit, the answers sent late from a phone, the review) asks the same questions in
the same order, and scoring takes exactly that set. A quiz with `draw` asks that many
questions of its bank; without it, all of them.
"""

import hashlib
from dataclasses import dataclass

from services.participation.scoring import choice_ids, score

SHUFFLE_TRIES = 16
# Orders already worked out, by (the definition, the seed): a submit needs its attempt's order
# for the form and again for the scoring, and a reload the same one again. The definition is
# held with its entry, so its id cannot be reused while the entry lives; definitions are never
# changed in place (a published version is immutable; an edit makes a new one).
MAX_KEPT = 4096
_kept: dict[tuple[int, str | None], tuple[dict, tuple]] = {}


@dataclass(frozen=True)
class ShownQuestion:
    question: dict
    choice_ids: tuple[str, ...]


def draw_size(definition: dict) -> int:
    """How many questions an attempt asks: the quiz's `draw`, or its whole bank."""
    count = len(definition["questions"])
    draw = definition.get("draw")
    if isinstance(draw, int) and not isinstance(draw, bool) and 0 < draw < count:
        return draw
    return count


def _rank(seed: str, *ids: str) -> str:
    return hashlib.sha256("\x1f".join((seed, *ids)).encode()).hexdigest()


def _drawn(questions: list[dict], size: int, seed: str) -> list[dict]:
    """`size` questions of the bank chosen by the seed, in the bank's order."""
    if size >= len(questions):
        return list(questions)
    ranked = sorted(questions, key=lambda q: _rank(seed, "draw", q["id"]))
    chosen = {q["id"] for q in ranked[:size]}
    return [q for q in questions if q["id"] in chosen]


def _shuffled(questions: list[dict], seed: str) -> list[ShownQuestion]:
    shown = []
    for question in sorted(questions, key=lambda q: _rank(seed, q["id"])):
        ids = choice_ids(question)
        if question["type"] != "true_false":
            ids = tuple(sorted(ids, key=lambda c, q=question: _rank(seed, q["id"], c)))
        shown.append(ShownQuestion(question, ids))
    return shown


def _tapping_passes(shown: list[ShownQuestion], pass_mark: int) -> bool:
    """Whether ticking the first, or the last, choice of every question passes."""
    questions = [s.question for s in shown]
    return any(
        score(questions, {s.question["id"]: [s.choice_ids[end]] for s in shown}, pass_mark).passed
        for end in (0, -1)
    )


def shown_order(quiz: dict, seed: str | None) -> list[ShownQuestion]:
    """The questions one attempt asks, in order (see _shown_order); worked out once per
    definition and seed."""
    key = (id(quiz), seed)
    kept = _kept.get(key)
    if kept is not None and kept[0] is quiz:
        return list(kept[1])
    shown = _shown_order(quiz, seed)
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[key] = (quiz, tuple(shown))
    return shown


def _shown_order(quiz: dict, seed: str | None) -> list[ShownQuestion]:
    """The questions one attempt asks, and their choice ids, in the order its pages show them.

    `quiz` is a version's definition (questions, pass mark, optional draw). The seed (the
    attempt's submission token) draws the questions of a bank larger than `draw`, then sorts
    each id by a hash of it with the seed, so every rendering of that attempt shows the same
    questions in the same order and another attempt another draw and order. A draw and order
    in which ticking the first (or the last) choice everywhere would pass is skipped for the
    next one the seed gives. Ids never change; true/false keeps "Đúng" before "Sai". Without a
    seed: the first `draw` questions (all without a draw) in the order of the file (a print).
    """
    questions = quiz["questions"]
    size = draw_size(quiz)
    if not seed:
        return [ShownQuestion(q, choice_ids(q)) for q in questions[:size]]
    first = None
    for n in range(SHUFFLE_TRIES):
        tried = f"{seed}#{n}" if n else seed
        shown = _shuffled(_drawn(questions, size, tried), tried)
        if not _tapping_passes(shown, quiz.get("pass_mark", 100)):
            return shown
        first = first or shown
    return first  # no draw or order helps (e.g. every answer is "Đúng"): the file itself must


def drawn_questions(quiz: dict, seed: str | None) -> list[dict]:
    """The questions an attempt asks (those it is scored on), in the bank's order."""
    asked = {s.question["id"] for s in shown_order(quiz, seed)}
    return [q for q in quiz["questions"] if q["id"] in asked]
