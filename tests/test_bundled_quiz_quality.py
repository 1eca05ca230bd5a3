"""Quality of the bundled quizzes (issue 15): a training quiz's bank holds at least 1.5× the
questions an attempt draws, so that two attempts differ; no position in the file holds more than
half of a quiz's right answers (single choice: the answer's place among the file's choices;
true/false: true is place 0, false place 1, counted with the single ones); no choice of a
multiple-choice question holds a comma (a printed key joins the choices with commas).

`quality_problems` is the checker; it is tried on a compliant and a non-compliant fixture, then
run over every bundled file."""

import copy
from pathlib import Path

import pytest
import yaml

from services.content.schema import training_bank_needed

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "quizzes").glob("*.yaml"))


def _answer_position(question: dict) -> int | None:
    if question.get("type") == "true_false":
        return 0 if question.get("answer") is True else 1
    if question.get("type") == "single":
        ids = [c.get("id") for c in question.get("choices") or []]
        return ids.index(question["answer"]) if question.get("answer") in ids else None
    return None


def quality_problems(quiz: dict) -> list[str]:
    """What a quiz (a topic file's `quiz` mapping) breaks of the three rules; empty when none."""
    problems = []
    questions = quiz.get("questions") or []
    drawn = quiz.get("draw") or len(questions)
    if quiz.get("training_for") and len(questions) < training_bank_needed(drawn):
        problems.append(
            f"training bank: {len(questions)} questions to draw {drawn}, "
            f"needs {training_bank_needed(drawn)}"
        )
    positions = [p for p in map(_answer_position, questions) if p is not None]
    for place in sorted(set(positions)):
        if positions.count(place) * 2 > len(positions):
            problems.append(
                f"position {place} holds {positions.count(place)} of {len(positions)} "
                "single/true-false answers"
            )
    for question in questions:
        if question.get("type") != "multiple":
            continue
        for choice in question.get("choices") or []:
            if "," in str(choice.get("text", "")):
                problems.append(f"{question.get('id')}: comma in choice {choice.get('id')!r}")
    return problems


def _question(qid: str, qtype: str, answer, choices=("a", "b", "c")) -> dict:
    question = {"id": qid, "type": qtype, "text": f"{qid}?", "answer": answer}
    if qtype != "true_false":
        question["choices"] = [{"id": c, "text": f"Ý {c}"} for c in choices]
    return question


COMPLIANT = {
    "pass_mark": 75,
    "max_attempts": 0,
    "training_for": ["official"],
    "draw": 4,
    "questions": [
        _question("q1", "single", "a"),
        _question("q2", "single", "b"),
        _question("q3", "single", "c"),
        _question("q4", "true_false", True),
        _question("q5", "true_false", False),
        _question("q6", "multiple", ["a", "c"]),
    ],
}


def test_the_checker_passes_a_compliant_quiz():
    assert quality_problems(COMPLIANT) == []
    teacher = copy.deepcopy(COMPLIANT)  # without training_for, every question may be asked
    del teacher["training_for"], teacher["draw"]
    assert quality_problems(teacher) == []


def test_the_checker_finds_a_small_training_bank():
    quiz = copy.deepcopy(COMPLIANT)
    quiz["draw"] = 5
    assert quality_problems(quiz) == ["training bank: 6 questions to draw 5, needs 8"]
    del quiz["draw"]
    assert quality_problems(quiz) == ["training bank: 6 questions to draw 6, needs 9"]


def test_the_checker_finds_a_crowded_position():
    quiz = copy.deepcopy(COMPLIANT)
    quiz["questions"][1]["answer"] = "a"  # a, a, c, true(0), false(1): place 0 holds 3 of 5
    assert quality_problems(quiz) == ["position 0 holds 3 of 5 single/true-false answers"]
    quiz["questions"][2]["answer"] = "b"  # a, a, b, 0, 1: still 3 of 5 at place 0
    assert len(quality_problems(quiz)) == 1
    quiz["questions"][0]["answer"] = "c"  # c, a, b, 0, 1: two of five at most — fine
    assert quality_problems(quiz) == []


def test_the_checker_finds_a_comma_in_a_multiple_choice():
    quiz = copy.deepcopy(COMPLIANT)
    quiz["questions"][5]["choices"][1]["text"] = "Giục gấp, dọa nạt"
    quiz["questions"][0]["choices"][1]["text"] = "CH Play, App Store"  # single: allowed
    assert quality_problems(quiz) == ["q6: comma in choice 'b'"]


def _bundled_quizzes() -> list[tuple[str, dict]]:
    found = []
    for path in BUNDLED:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("kind") == "topic":
            found.append((path.name, data["quiz"]))
    return found


@pytest.mark.parametrize(
    "name,quiz", _bundled_quizzes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_bundled_quiz_quality(name, quiz):
    assert quality_problems(quiz) == [], name
