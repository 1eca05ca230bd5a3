"""services.participation.scoring.score: pure scoring of one quiz version's questions against
chosen answers."""

import pytest

from services.participation.scoring import InvalidAnswer, score

SINGLE = {
    "id": "otp",
    "type": "single",
    "text": "Ai được biết mã OTP?",
    "choices": [
        {"id": "a", "text": "Chỉ mình bạn"},
        {"id": "b", "text": "Công an"},
        {"id": "c", "text": "Người bán"},
    ],
    "answer": "a",
    "explanation": "Mã OTP chỉ dành cho bạn.",
}
MULTIPLE = {
    "id": "dau-hieu",
    "type": "multiple",
    "text": "Dấu hiệu lừa đảo?",
    "choices": [
        {"id": "a", "text": "Giục gấp"},
        {"id": "b", "text": "Link lạ"},
        {"id": "c", "text": "Trụ sở"},
    ],
    "answer": ["b", "a"],  # order in the file does not matter
    "explanation": "Giục gấp và gửi link lạ.",
}
TRUE_Q = {
    "id": "cap-nhat",
    "type": "true_false",
    "text": "Nên cập nhật?",
    "answer": True,
    "explanation": ".",
}
FALSE_Q = {
    "id": "chia-se",
    "type": "true_false",
    "text": "Nên chia sẻ OTP?",
    "answer": False,
    "explanation": ".",
}

QUESTIONS = [SINGLE, MULTIPLE, TRUE_Q, FALSE_Q]
ALL_RIGHT = {"otp": ["a"], "dau-hieu": ["a", "b"], "cap-nhat": ["true"], "chia-se": ["false"]}


def tf(n: int, answer: bool = True) -> dict:
    return {
        "id": f"q{n}",
        "type": "true_false",
        "text": f"Câu {n}?",
        "answer": answer,
        "explanation": ".",
    }


def answers_with(**changes) -> dict:
    answers = dict(ALL_RIGHT)
    answers.update({key.replace("_", "-"): value for key, value in changes.items()})
    return answers


@pytest.mark.parametrize(
    ("question", "chosen", "right"),
    [
        (SINGLE, ["a"], True),
        (SINGLE, ["b"], False),
        (SINGLE, ["c"], False),
        (MULTIPLE, ["a", "b"], True),
        (MULTIPLE, ["b", "a"], True),
        (MULTIPLE, ["a"], False),  # subset
        (MULTIPLE, ["b"], False),  # subset
        (MULTIPLE, ["a", "b", "c"], False),  # superset
        (MULTIPLE, ["c"], False),
        (MULTIPLE, ["a", "c"], False),
        (TRUE_Q, ["true"], True),
        (TRUE_Q, ["false"], False),
        (FALSE_Q, ["false"], True),
        (FALSE_Q, ["true"], False),
    ],
    ids=lambda v: v["id"] if isinstance(v, dict) else str(v),
)
def test_one_question_right_or_wrong(question, chosen, right):
    result = score([question], {question["id"]: chosen}, pass_mark=100)
    assert result.question_count == 1
    assert result.correct_count == int(right)
    assert result.percent == (100 if right else 0)
    assert result.passed is right
    [detail] = result.results
    assert detail.question_id == question["id"]
    assert detail.is_correct is right
    assert detail.chosen == tuple(sorted(set(chosen)))


def test_all_right_scores_100_and_reports_each_question():
    result = score(QUESTIONS, ALL_RIGHT, pass_mark=75)
    assert (result.correct_count, result.question_count, result.percent) == (4, 4, 100)
    assert result.passed
    assert [r.question_id for r in result.results] == ["otp", "dau-hieu", "cap-nhat", "chia-se"]
    assert all(r.is_correct for r in result.results)
    by_id = {r.question_id: r for r in result.results}
    assert by_id["dau-hieu"].correct_choices == ("a", "b")
    assert by_id["cap-nhat"].correct_choices == ("true",)
    assert by_id["chia-se"].correct_choices == ("false",)
    assert by_id["otp"].correct_choices == ("a",)


def test_wrong_answers_report_the_right_ones():
    result = score(QUESTIONS, answers_with(otp=["b"], dau_hieu=["a"]), pass_mark=75)
    by_id = {r.question_id: r for r in result.results}
    assert not by_id["otp"].is_correct and by_id["otp"].correct_choices == ("a",)
    assert not by_id["dau-hieu"].is_correct and by_id["dau-hieu"].chosen == ("a",)
    assert result.correct_count == 2 and result.percent == 50 and not result.passed


@pytest.mark.parametrize(
    ("total", "right", "percent"),
    [
        (3, 1, 33),  # 33.33…
        (3, 2, 66),  # 66.66… rounds down, not to 67
        (6, 5, 83),  # 83.33…
        (7, 6, 85),  # 85.71… rounds down, not to 86
        (8, 7, 87),  # 87.5 rounds down, not to 88
        (7, 1, 14),  # 14.28…
        (4, 0, 0),
        (4, 4, 100),
    ],
)
def test_percent_rounds_down(total, right, percent):
    questions = [tf(n) for n in range(total)]
    answers = {f"q{n}": ["true" if n < right else "false"] for n in range(total)}
    result = score(questions, answers, pass_mark=50)
    assert result.correct_count == right
    assert result.percent == percent


@pytest.mark.parametrize(
    ("total", "right", "pass_mark", "passed"),
    [
        (4, 3, 75, True),  # exactly the pass mark
        (4, 2, 75, False),  # 50 < 75
        (4, 3, 76, False),  # just below the pass mark
        (3, 2, 66, True),  # 66 (rounded down) == 66
        (3, 2, 67, False),  # 66.66… is not 67: rounding down decides
        (8, 7, 88, False),  # 87.5 → 87 < 88
        (8, 7, 87, True),
        (4, 4, 100, True),
        (4, 0, 1, False),
    ],
)
def test_pass_at_exactly_pass_mark_and_not_just_below(total, right, pass_mark, passed):
    questions = [tf(n) for n in range(total)]
    answers = {f"q{n}": ["true" if n < right else "false"] for n in range(total)}
    assert score(questions, answers, pass_mark=pass_mark).passed is passed


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            {k: v for k, v in ALL_RIGHT.items() if k != "dau-hieu"}, id="question-missing"
        ),
        pytest.param(answers_with(otp=[]), id="empty-choice-list"),
        pytest.param({}, id="nothing-answered"),
    ],
)
def test_unanswered_question_is_invalid(answers):
    with pytest.raises(InvalidAnswer):
        score(QUESTIONS, answers, pass_mark=75)


def test_unknown_question_id_is_invalid():
    with pytest.raises(InvalidAnswer, match="unknown questions"):
        score(QUESTIONS, {**ALL_RIGHT, "khong-co": ["a"]}, pass_mark=75)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(answers_with(otp=["z"]), id="single-unknown-choice"),
        pytest.param(answers_with(dau_hieu=["a", "b", "x"]), id="multiple-unknown-choice"),
        pytest.param(answers_with(cap_nhat=["yes"]), id="true-false-not-true-or-false"),
        pytest.param(answers_with(cap_nhat=["a"]), id="true-false-given-a-choice-id"),
        pytest.param(answers_with(otp=["true"]), id="single-given-true"),
    ],
)
def test_tampered_choice_id_is_invalid(answers):
    with pytest.raises(InvalidAnswer, match="unknown choice"):
        score(QUESTIONS, answers, pass_mark=75)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(answers_with(otp=["a", "b"]), id="single"),
        pytest.param(answers_with(cap_nhat=["true", "false"]), id="true-false"),
    ],
)
def test_two_choices_on_a_one_choice_question_is_invalid(answers):
    with pytest.raises(InvalidAnswer, match="takes one choice"):
        score(QUESTIONS, answers, pass_mark=75)


@pytest.mark.parametrize(
    ("changes", "right"),
    [
        ({"otp": ["a", "a"]}, True),
        ({"otp": ["b", "b"]}, False),
        ({"dau-hieu": ["a", "b", "a", "b"]}, True),
        ({"dau-hieu": ["a", "a"]}, False),  # still a subset, not the full set
        ({"cap-nhat": ["true", "true"]}, True),
    ],
)
def test_duplicate_choices_count_once(changes, right):
    result = score(QUESTIONS, {**ALL_RIGHT, **changes}, pass_mark=75)
    [qid] = changes
    detail = next(r for r in result.results if r.question_id == qid)
    assert detail.is_correct is right
    assert len(detail.chosen) == len(set(detail.chosen))
    assert result.correct_count == (4 if right else 3)


def test_score_does_not_modify_its_inputs():
    answers = {**ALL_RIGHT, "dau-hieu": ["b", "a", "b"]}
    before = (repr(QUESTIONS), repr(answers))
    score(QUESTIONS, answers, pass_mark=75)
    assert (repr(QUESTIONS), repr(answers)) == before
