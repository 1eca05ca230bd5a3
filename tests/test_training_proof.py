"""Training that proves something: shuffled, stable order per attempt; bundled keys that no
tapping pattern passes; a review that teaches without giving the key away before a pass; a
failed result that claims no certificate."""

import html as html_lib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form, take_quiz

import database
from models import Attempt, Quiz
from services.content import loader as content_loader
from services.content.schema import validate_topic
from services.participation import catalog
from services.participation.scoring import choice_ids, correct_choices, score

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(p for p in (ROOT / "quizzes").glob("*.yaml"))
FIXTURE = ROOT / "tests" / "fixtures" / "content"
INPUT = re.compile(r'<input type="(?:radio|checkbox)" name="(q_[a-z0-9_]+)" value="([^"]+)"')
QUIZ_IDS = lambda v: v if isinstance(v, str) else ""  # noqa: E731
SEEDS = [f"seed-{n:03d}" for n in range(60)]
# A letter standing for a choice: "a, b, d", "a, b and c", "ý d", "đáp án B", "(a)", "A. ".
LETTER_REFERENCE = re.compile(
    r"\b[a-fA-F](?:,\s*[a-fA-F])*(?:,?\s+(?:và|and|or|hoặc)\s+[a-fA-F])\b"
    r"|\b[a-fA-F],\s*[a-fA-F]\b"
    r"|\b(?:ý|đáp án|phương án|lựa chọn|option|choice|answer)\s+\(?[a-fA-F]\)?(?![\wÀ-ỹ])"
    r"|\([a-fA-F]\)|(?:^|\s)[A-F]\.\s",
    re.IGNORECASE,
)


def bundled_quizzes() -> list[tuple[str, dict]]:
    topics = []
    for path in BUNDLED:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("kind") == "topic":
            topics.append((path.name, data))
    return topics


def shown_on(html: str) -> list[tuple[str, list[str]]]:
    """The quiz page's questions (field names) and their choice values, in page order."""
    order: dict[str, list[str]] = {}
    for name, value in INPUT.findall(html):
        order.setdefault(name, []).append(value)
    return list(order.items())


def field(question_id: str) -> str:
    return "q_" + question_id.replace("-", "_")


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


# --- 1. order shuffled per attempt, stable -----------------------------------------------------


def test_shown_order_is_stable_per_seed_and_differs_between_seeds():
    quiz = bundled_quizzes()[0][1]["quiz"]
    questions = quiz["questions"]
    first = catalog.shown_order(quiz, "token-one")
    again = catalog.shown_order(quiz, "token-one")
    assert [(s.question["id"], s.choice_ids) for s in first] == [
        (s.question["id"], s.choice_ids) for s in again
    ]
    orders = {tuple((s.question["id"], s.choice_ids) for s in catalog.shown_order(quiz, seed))
              for seed in SEEDS}  # fmt: skip
    assert len(orders) > 10  # really shuffled, not a fixed permutation
    file_order = tuple((q["id"], choice_ids(q)) for q in questions)
    assert file_order not in orders or len(orders) > 1
    for shown in catalog.shown_order(quiz, "token-two"):  # same ids, only their order
        assert sorted(shown.choice_ids) == sorted(choice_ids(shown.question))
        if shown.question["type"] == "true_false":
            assert shown.choice_ids == ("true", "false")  # Đúng before Sai, always
    drawn = quiz.get("draw") or len(questions)
    assert [s.question["id"] for s in catalog.shown_order(quiz, None)] == [
        q["id"] for q in questions[:drawn]
    ]  # no seed: the file's order (a print), as many as an attempt asks
    assert all(len(catalog.shown_order(quiz, seed)) == drawn for seed in SEEDS)
    asked = {s.question["id"] for seed in SEEDS for s in catalog.shown_order(quiz, seed)}
    assert asked == {q["id"] for q in questions}  # over many attempts the whole bank is asked


def test_quiz_page_order_comes_from_the_attempt_token_and_survives_a_reload(
    app, client, content, identify
):
    identify(client)
    page = client.get("/quizzes/an-toan").get_data(as_text=True)
    assert shown_on(client.get("/quizzes/an-toan").get_data(as_text=True)) == shown_on(page)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        definition = content_definition()
    questions = definition["questions"]
    expected = [
        (field(s.question["id"]), list(s.choice_ids))
        for s in catalog.shown_order(definition, token)
    ]
    assert shown_on(page) == expected
    # Ids never change: the values are the file's choice ids.
    by_field = {field(q["id"]): sorted(choice_ids(q)) for q in questions}
    assert {name: sorted(values) for name, values in shown_on(page)} == by_field


def content_definition() -> dict:
    """The fixture quiz's published definition (questions and pass mark)."""
    return Quiz.query.filter_by(slug="an-toan").one().current_version.definition


def test_attempts_are_shown_in_different_orders(client, content, identify):
    identify(client)
    orders = set()
    for number in range(1, 7):
        html = client.get(f"/quizzes/an-toan?lan={number}").get_data(as_text=True)
        orders.add(tuple((name, tuple(values)) for name, values in shown_on(html)))
        client.post("/quizzes/an-toan", data=answer_form(html, HALF_RIGHT))
    assert len(orders) > 1


def test_error_numbers_follow_the_shown_order(client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    names = [name for name, _values in shown_on(html)]
    answers = {k: v for k, v in ALL_RIGHT.items() if k != "otp"}
    response = client.post("/quizzes/an-toan", data=answer_form(html, answers))
    assert response.status_code == 400
    page = text_of(response)
    assert f"Bạn chưa trả lời câu {names.index('q_otp') + 1}." in page
    assert shown_on(response.get_data(as_text=True)) == shown_on(html)  # same order again


def test_review_shows_the_order_the_person_saw(app, client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    seen = [name for name, _values in shown_on(html)]
    location = client.post("/quizzes/an-toan", data=answer_form(html, ALL_RIGHT)).headers[
        "Location"
    ]
    result = text_of(client.get(location))
    with app.app_context():
        texts = {field(q["id"]): q["text"] for q in content_definition()["questions"]}
    positions = [result.index(texts[name]) for name in seen]
    assert positions == sorted(positions)


def test_the_page_shows_no_letters(client, content, identify):
    identify(client)
    html = client.get("/quizzes/an-toan").get_data(as_text=True)
    assert not re.search(r"<span>\s*[A-F][.)]", html)


# --- 2. bundled keys spread --------------------------------------------------------------------


def tapped(questions: list[dict], pick, order=None) -> dict[str, list[str]]:
    """Every question answered with the choice `pick` takes from its (shown) choice ids."""
    order = order or [(q, choice_ids(q)) for q in questions]
    return {q["id"]: [pick(ids)] for q, ids in order}


@pytest.mark.parametrize("name,topic", bundled_quizzes(), ids=QUIZ_IDS)
def test_no_fixed_tapping_pattern_passes_a_bundled_quiz(name, topic):
    quiz = topic["quiz"]
    questions, mark = quiz["questions"], quiz["pass_mark"]
    for pick in (lambda ids: ids[0], lambda ids: ids[-1]):
        assert not score(questions, tapped(questions, pick), mark).passed, name
        for seed in SEEDS:
            order = [(s.question, s.choice_ids) for s in catalog.shown_order(quiz, seed)]
            asked = [question for question, _ids in order]  # the attempt's drawn questions
            assert not score(asked, tapped(asked, pick, order), mark).passed, (name, seed)


@pytest.mark.parametrize("name,topic", bundled_quizzes(), ids=QUIZ_IDS)
def test_no_position_holds_more_than_half_of_a_bundled_quiz_key(name, topic):
    questions = topic["quiz"]["questions"]
    singles = [choice_ids(q).index(q["answer"]) for q in questions if q["type"] == "single"]
    assert max(map(singles.count, singles)) * 2 <= len(singles), (name, singles)
    # Multiple choice: the choices to leave out do not always sit in the same place either.
    left_out = [
        tuple(i for i, c in enumerate(choice_ids(q)) if c not in q["answer"])
        for q in questions
        if q["type"] == "multiple"
    ]
    assert len(left_out) < 2 or len(set(left_out)) > 1, (name, left_out)


def explanation_texts(topic: dict):
    for question in topic["quiz"]["questions"]:
        yield question["id"], question.get("explanation", "")
        yield question["id"], question.get("why") or ""
    for lang, texts in (topic.get("translations") or {}).items():
        for qid, qt in (texts.get("questions") or {}).items():
            yield f"{lang}:{qid}", qt.get("explanation") or ""
            yield f"{lang}:{qid}", qt.get("why") or ""


@pytest.mark.parametrize("name,topic", bundled_quizzes(), ids=QUIZ_IDS)
def test_bundled_explanations_name_no_letters(name, topic):
    found = [
        (where, m.group(0))
        for where, text in explanation_texts(topic)
        for m in LETTER_REFERENCE.finditer(" ".join(text.split()))
    ]
    assert not found, (name, found)


def test_bundled_quizzes_are_all_checked():
    assert len(bundled_quizzes()) >= 12


# --- 3. the review before a pass ---------------------------------------------------------------


def fixture_questions() -> dict[str, dict]:
    data = yaml.safe_load((FIXTURE / "01-an-toan.yaml").read_text(encoding="utf-8"))
    return {q["id"]: q for q in data["quiz"]["questions"]}


def correct_texts_of_wrong(answers: dict) -> list[str]:
    """The correct choices' texts of the questions `answers` gets wrong (true/false and texts
    that the question itself contains left out: the page must show those)."""
    texts = []
    for qid, question in fixture_questions().items():
        given = answers[qid] if isinstance(answers[qid], list) else [answers[qid]]
        if question["type"] == "true_false" or sorted(given) == sorted(correct_choices(question)):
            continue
        labels = {c["id"]: c["text"] for c in question["choices"]}
        texts += [labels[c] for c in correct_choices(question) if labels[c] not in question["text"]]
    return texts


def test_review_before_a_pass_names_wrong_questions_but_no_right_choice(client, content, identify):
    identify(client)
    result = text_of(client.get(take_quiz(client, HALF_RIGHT)))
    hidden = correct_texts_of_wrong(HALF_RIGHT)
    assert {"Chỉ mình bạn", "Giục chuyển tiền gấp", "Gửi đường link lạ"} <= set(hidden)
    for text in hidden:
        assert text not in result
    assert "Đáp án đúng" not in result
    assert "Mã OTP chỉ dành cho bạn." not in result  # explanations name the right choice
    assert result.count("Trả lời sai") == 2
    assert "Câu này kiểm tra một ý chính của bài học" in result  # the general "why"
    assert "Ai được biết mã OTP của bạn?" in result  # which question was wrong


def test_full_key_after_a_pass(client, content, identify):
    identify(client)
    failed = take_quiz(client, HALF_RIGHT)
    take_quiz(client, ALL_RIGHT, number=2)
    review = text_of(client.get(failed))
    assert "Đáp án đúng:" in review and "Chỉ mình bạn" in review
    assert "Mã OTP chỉ dành cho bạn." in review


def test_full_key_when_no_attempt_is_left(client, content, identify):
    identify(client, role="official", unit="agency")
    wrong = {"q1": "false", "q2": "true", "q3": "false", "q4": "false"}
    first = text_of(client.get(take_quiz(client, wrong, slug="gioi-han")))
    assert "Đáp án đúng" not in first and "Vì vậy." not in first
    last = text_of(client.get(take_quiz(client, wrong, slug="gioi-han", number=2)))
    assert "Đáp án đúng:" in last and "Vì vậy." in last


def test_a_questions_own_why_is_shown_before_a_pass(app, client, identify, tmp_path):
    content_dir = tmp_path / "content"
    shutil.copytree(FIXTURE, content_dir)
    path = content_dir / "01-an-toan.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "      explanation: Mã OTP chỉ dành cho bạn.",
            "      explanation: Mã OTP chỉ dành cho bạn.\n"
            "      why: Ai có mã OTP là rút được tiền trong tài khoản.",
        ),
        encoding="utf-8",
    )
    with app.app_context():
        content_loader.load(content_dir)
        database.commit()
    identify(client)
    result = text_of(client.get(take_quiz(client, HALF_RIGHT)))
    assert "Ai có mã OTP là rút được tiền trong tài khoản." in result
    assert result.count("Câu này kiểm tra một ý chính của bài học") == 1  # dau-hieu's fallback


def _topic_with(why) -> dict:
    data = yaml.safe_load((FIXTURE / "01-an-toan.yaml").read_text(encoding="utf-8"))
    data["quiz"]["questions"][0]["why"] = why
    return data


def test_schema_takes_an_optional_why_and_refuses_a_bad_one():
    media = FIXTURE / "media"
    assert validate_topic(_topic_with("Vì sao câu này quan trọng."), "t.yaml", media) == []
    errors = validate_topic(_topic_with(["không phải chữ"]), "t.yaml", media)
    assert [(e.where, e.template) for e in errors] == [
        ("quiz.questions[0].why", "must be non-empty text")
    ]
    errors = validate_topic(_topic_with("x" * 1001), "t.yaml", media)
    assert [e.where for e in errors] == ["quiz.questions[0].why"]
    data = _topic_with("Vì sao.")
    data["translations"]["en"]["questions"]["otp"]["why"] = "Why it matters."
    assert validate_topic(data, "t.yaml", media) == []


# --- 4. a failed attempt claims no certificate -------------------------------------------------


def test_a_failed_result_claims_no_certificate_even_after_a_later_pass(
    app, client, content, identify
):
    identify(client)
    failed = take_quiz(client, HALF_RIGHT)
    passed = take_quiz(client, ALL_RIGHT, number=2)
    assert "Bạn đã được cấp giấy chứng nhận" in text_of(client.get(passed))
    page = text_of(client.get(failed)).lower()
    assert "giấy chứng nhận" not in page and "certificate.pdf" not in page
    with app.app_context():
        assert [a.passed for a in Attempt.query.order_by(Attempt.number)] == [False, True]
