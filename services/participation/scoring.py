"""Pure quiz scoring: takes a version's questions and the chosen answers, nothing else."""

from dataclasses import dataclass, field

from services.common.errors import InvalidInput

TRUE_FALSE_CHOICES = ("true", "false")


class InvalidAnswer(InvalidInput):
    """Answers the quiz cannot take (a tampered form): errors {question id: code}, codes
    not_a_question, unanswered, unknown_choice, one_choice; `detail` says it in English."""

    def __init__(self, errors=None, /, detail: str = "", **params):
        super().__init__(errors, **params)
        if detail:
            self.args = (f"{self.args[0]} ({detail})",)


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: tuple[str, ...]
    correct_choices: tuple[str, ...]
    is_correct: bool


@dataclass(frozen=True)
class ScoreResult:
    results: list[QuestionResult] = field(default_factory=list)
    correct_count: int = 0
    question_count: int = 0
    percent: int = 0
    passed: bool = False


def choice_ids(question: dict) -> tuple[str, ...]:
    """The ids a learner may pick for a question."""
    if question["type"] == "true_false":
        return TRUE_FALSE_CHOICES
    return tuple(choice["id"] for choice in question["choices"])


def correct_choices(question: dict) -> tuple[str, ...]:
    """The answer key of a question as a tuple of choice ids."""
    answer = question["answer"]
    if question["type"] == "true_false":
        return ("true",) if answer else ("false",)
    if question["type"] == "single":
        return (answer,)
    return tuple(sorted(answer))


def score(questions: list[dict], answers: dict[str, list[str]], pass_mark: int) -> ScoreResult:
    """Score answers {question_id: [choice ids]} against the questions of one quiz version.

    Every question must be answered; single and true/false take exactly one choice; multiple
    choice is right only when exactly the right set is chosen.
    """
    known = {q["id"] for q in questions}
    unknown = set(answers) - known
    if unknown:
        raise InvalidAnswer(
            dict.fromkeys(sorted(unknown), "not_a_question"),
            detail=f"unknown questions: {sorted(unknown)}",
        )
    results = []
    for question in questions:
        chosen = tuple(sorted(set(answers.get(question["id"], ()))))
        if not chosen:
            raise InvalidAnswer.of(question["id"], "unanswered")
        allowed = choice_ids(question)
        if any(c not in allowed for c in chosen):
            raise InvalidAnswer({question["id"]: "unknown_choice"}, detail="an unknown choice")
        if question["type"] != "multiple" and len(chosen) != 1:
            raise InvalidAnswer({question["id"]: "one_choice"}, detail="takes one choice")
        key = correct_choices(question)
        results.append(QuestionResult(question["id"], chosen, key, chosen == tuple(sorted(key))))
    correct = sum(r.is_correct for r in results)
    total = len(questions)
    percent = (correct * 100) // total if total else 0
    return ScoreResult(results, correct, total, percent, percent >= pass_mark)
