"""Drawing: a quiz with `draw` asks each attempt that many questions of its bank, chosen from
the attempt's form token, so a reload, a refused submit, an answer sent late and the review
show the same questions and the next attempt another set; every place that goes through an
attempt's questions (scoring, the form, the review, the offline send, certificates, reports and
their exports) takes exactly the drawn ones."""

import csv
import datetime as dt
import html as html_lib
import io
import re

import pytest
import yaml
from helpers import answer_form, hidden

import database
from extensions import db
from models import Answer, Attempt, Certificate, Participant, Quiz
from services.common.periods import Period
from services.content import loader as content_loader
from services.participation import catalog, drawing, quiz_taking, scoring
from services.participation.scoring import correct_choices, score
from services.reporting import unit_reports

pytest_plugins = ["staff_fixtures"]

SLUG = "ngan-hang"
BANK, DRAW = 9, 6
SEEDS = [f"seed-{n:03d}-abcdefghijkl" for n in range(40)]
INPUT = re.compile(r'<input type="(?:radio|checkbox)" name="(q_[a-z0-9_]+)" value="([^"]+)"')
RULES = quiz_taking.CertificateRules("LT", "Asia/Ho_Chi_Minh")
HEADERS = {"X-Lantoa-Offline": "1"}
NOT_DRAWN = "Bài làm có câu trả lời cho câu hỏi không thuộc lần làm này."


def question(n: int) -> dict:
    return {
        "id": f"cau-{n}",
        "type": "single",
        "text": f"Nội dung câu cau-{n}?",
        "choices": [{"id": c, "text": f"Ý {c} của câu cau-{n}"} for c in ("a", "b", "c")],
        "answer": "abc"[n % 3],
        "explanation": f"Giải thích riêng của cau-{n}.",
        "why": f"Lời nhắc riêng của cau-{n}.",
    }


def bank_topic(count: int = BANK, draw: int | None = DRAW) -> dict:
    quiz = {"pass_mark": 80, "max_attempts": 0, "training_for": ["villager"]}
    if draw is not None:
        quiz["draw"] = draw
    quiz["questions"] = [question(n) for n in range(1, count + 1)]
    return {
        "kind": "topic",
        "id": SLUG,
        "title": "Ngân hàng câu hỏi",
        "summary": "Bài thử rút câu hỏi.",
        "topic": "Thử nghiệm",
        "audience": ["villager"],
        "minutes": 3,
        "facts_checked": dt.date(2026, 11, 20),
        "sources": ["Nguồn thử nghiệm"],
        "lesson": {"body": "Nội dung ngắn."},
        "quiz": quiz,
    }


RIGHT = {q["id"]: list(correct_choices(q)) for q in bank_topic()["quiz"]["questions"]}
TEXTS = {q["id"]: q["text"] for q in bank_topic()["quiz"]["questions"]}


def field(question_id: str) -> str:
    return "q_" + question_id.replace("-", "_")


def asked_on(html: str) -> list[str]:
    """The question ids a quiz page asks, in page order."""
    names = list(dict.fromkeys(name for name, _value in INPUT.findall(html)))
    by_field = {field(qid): qid for qid in RIGHT}
    return [by_field[name] for name in names]


def drawn_ids(token: str) -> set[str]:
    definition = bank_topic()["quiz"]
    return {q["id"] for q in drawing.drawn_questions(definition, token)}


@pytest.fixture
def bank(app, tmp_path):
    folder = tmp_path / "bank"
    (folder / "media").mkdir(parents=True)
    text = yaml.safe_dump(bank_topic(), allow_unicode=True, sort_keys=False)
    (folder / "01-ngan-hang.yaml").write_text(text, encoding="utf-8")
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    return folder


# --- the draw itself ---------------------------------------------------------------------------


def test_an_attempt_asks_draw_questions_the_same_for_its_token_and_others_for_others():
    definition = bank_topic()["quiz"]
    sets = set()
    for seed in SEEDS:
        shown = drawing.shown_order(definition, seed)
        assert len(shown) == DRAW
        again = drawing.shown_order(definition, seed)
        assert [(s.question["id"], s.choice_ids) for s in shown] == [
            (s.question["id"], s.choice_ids) for s in again
        ]
        asked = drawing.drawn_questions(definition, seed)
        assert {q["id"] for q in asked} == {s.question["id"] for s in shown}
        assert [q["id"] for q in asked] == [q["id"] for q in definition["questions"] if q in asked]
        sets.add(frozenset(q["id"] for q in asked))
    assert len(sets) > len(SEEDS) // 2  # another token, (nearly always) another set
    assert frozenset().union(*sets) == set(RIGHT)  # every question of the bank gets asked
    # The learner pages take their order from the same place.
    assert catalog.shown_order(definition, SEEDS[0]) == drawing.shown_order(definition, SEEDS[0])


def test_without_a_draw_every_question_is_asked_in_the_order_of_before():
    definition = bank_topic(count=5, draw=None)["quiz"]
    for seed in SEEDS[:10]:
        shown = drawing.shown_order(definition, seed)
        assert sorted(s.question["id"] for s in shown) == [f"cau-{n}" for n in range(1, 6)]
        assert len(drawing.drawn_questions(definition, seed)) == 5
    # No seed: the file's order, the first `draw` when there is one (a print).
    assert [s.question["id"] for s in drawing.shown_order(definition, None)] == [
        f"cau-{n}" for n in range(1, 6)
    ]
    assert len(drawing.shown_order(bank_topic()["quiz"], None)) == DRAW
    assert drawing.draw_size(bank_topic()["quiz"]) == DRAW
    assert drawing.draw_size(definition) == 5


def true_false_bank() -> dict:
    """Nine true/false questions, five of them false: ticking "Đúng" everywhere passes
    any draw of four that holds at most one false one."""
    answers = [True, False, True, False, True, False, True, False, False]
    questions = [
        {"id": f"tf-{n}", "type": "true_false", "text": f"Câu tf-{n}", "answer": a}
        for n, a in enumerate(answers, start=1)
    ]
    return {"pass_mark": 75, "draw": 4, "questions": questions}


def test_a_draw_where_ticking_first_or_last_passes_is_skipped():
    definition = true_false_bank()
    for seed in SEEDS:
        shown = drawing.shown_order(definition, seed)
        asked = [s.question for s in shown]
        assert len(asked) == 4
        for end in (0, -1):
            tapped = {s.question["id"]: [s.choice_ids[end]] for s in shown}
            assert not score(asked, tapped, 75).passed, (seed, end)


def test_a_bank_of_single_choices_never_passes_by_tapping_either():
    definition = bank_topic()["quiz"]
    for seed in SEEDS:
        shown = drawing.shown_order(definition, seed)
        asked = [s.question for s in shown]
        for end in (0, -1):
            tapped = {s.question["id"]: [s.choice_ids[end]] for s in shown}
            assert not score(asked, tapped, 80).passed, (seed, end)


# --- scoring -----------------------------------------------------------------------------------


@pytest.fixture
def person(app, bank, participant_in_db, ctx):
    participant_id, _token = participant_in_db()
    return db.session.get(Participant, participant_id)


def _take(person, answers: dict, token: str):
    version = Quiz.query.filter_by(slug=SLUG).one().current_version
    return quiz_taking.take_quiz(quiz_taking.TakenQuiz(person, version, answers, token), RULES)


def test_only_the_drawn_questions_are_scored_and_count(person):
    token = SEEDS[0]
    drawn = drawn_ids(token)
    attempt = _take(person, {qid: RIGHT[qid] for qid in drawn}, token)
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent) == (6, 6, 100)
    assert attempt.passed
    assert {a.question_id for a in Answer.query.filter_by(attempt_id=attempt.id)} == drawn
    assert Certificate.query.one().score_percent == 100


def test_the_denominator_is_the_number_drawn(person):
    token = SEEDS[1]
    drawn = sorted(drawn_ids(token))
    wrong = {qid: ["a"] if RIGHT[qid] != ["a"] else ["b"] for qid in drawn[:2]}
    attempt = _take(person, {**{qid: RIGHT[qid] for qid in drawn}, **wrong}, token)
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent) == (4, 6, 66)
    assert not attempt.passed and Certificate.query.count() == 0


def test_an_answer_to_an_undrawn_question_or_none_to_a_drawn_one_is_refused(person):
    token = SEEDS[2]
    drawn = drawn_ids(token)
    extra = next(qid for qid in RIGHT if qid not in drawn)
    with pytest.raises(scoring.InvalidAnswer) as caught:
        _take(person, {qid: RIGHT[qid] for qid in [*drawn, extra]}, token)
    assert caught.value.errors == {extra: "not_a_question"}
    missing = sorted(drawn)[0]
    with pytest.raises(scoring.InvalidAnswer) as caught:
        _take(person, {qid: RIGHT[qid] for qid in drawn if qid != missing}, token)
    assert caught.value.errors == {missing: "unanswered"}
    assert Attempt.query.count() == 0


# --- the learner pages -------------------------------------------------------------------------


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def right_answers(html: str) -> dict:
    return {qid: RIGHT[qid] for qid in asked_on(html)}


def test_the_quiz_page_asks_the_drawn_questions_and_keeps_them_on_reload(
    app, client, bank, identify
):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    token = hidden(html, "submission_token")
    assert set(asked_on(html)) == drawn_ids(token) and len(asked_on(html)) == DRAW
    expected = [s.question["id"] for s in drawing.shown_order(bank_topic()["quiz"], token)]
    assert asked_on(html) == expected
    assert f"{DRAW} câu hỏi." in text_of(client.get(f"/quizzes/{SLUG}"))
    assert asked_on(client.get(f"/quizzes/{SLUG}").get_data(as_text=True)) == asked_on(html)


def test_a_submit_answering_an_undrawn_question_is_refused_and_keeps_the_answers(
    app, client, bank, identify
):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    asked = asked_on(html)
    extra = next(qid for qid in RIGHT if qid not in asked)
    response = client.post(
        f"/quizzes/{SLUG}", data=answer_form(html, {**right_answers(html), extra: RIGHT[extra]})
    )
    assert response.status_code == 400
    page = text_of(response)
    assert NOT_DRAWN in page
    assert asked_on(response.get_data(as_text=True)) == asked  # the same questions again
    for qid in asked:  # … with the answers as ticked
        assert re.search(
            rf'name="{field(qid)}" value="{RIGHT[qid][0]}"[^>]*checked', response.get_data(True)
        ), qid
    assert TEXTS[extra] not in page
    with app.app_context():
        assert Attempt.query.count() == 0


def test_a_submit_missing_a_drawn_question_names_it(app, client, bank, identify):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    asked = asked_on(html)
    answers = {qid: RIGHT[qid] for qid in asked[1:]}
    response = client.post(f"/quizzes/{SLUG}", data=answer_form(html, answers))
    assert response.status_code == 400
    assert "Bạn chưa trả lời câu 1." in text_of(response)


def test_the_result_scores_and_reviews_only_the_drawn_questions(app, client, bank, identify):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    asked = asked_on(html)
    answers = right_answers(html)
    wrong = asked[0]
    for qid in asked[:2]:  # 4 of 6: below the pass mark
        answers[qid] = ["a"] if RIGHT[qid] != ["a"] else ["b"]
    response = client.post(f"/quizzes/{SLUG}", data=answer_form(html, answers))
    assert response.status_code == 303
    result = text_of(client.get(response.headers["Location"]))
    assert f"Đúng {DRAW - 2}/{DRAW} câu." in result
    positions = [result.index(TEXTS[qid]) for qid in asked]
    assert positions == sorted(positions)  # in the order the page asked them
    assert f"Lời nhắc riêng của {wrong}." in result  # the wrong one's own why
    for qid in set(RIGHT) - set(asked):
        assert TEXTS[qid] not in result and f"Lời nhắc riêng của {qid}." not in result
    # A pass opens the key: explanations of that attempt's questions only.
    page = client.get(f"/quizzes/{SLUG}?lan=2").get_data(as_text=True)
    passed = client.post(f"/quizzes/{SLUG}", data=answer_form(page, right_answers(page)))
    review = text_of(client.get(passed.headers["Location"]))
    assert f"Đúng {DRAW}/{DRAW} câu." in review
    for qid in RIGHT:
        assert (f"Giải thích riêng của {qid}." in review) == (qid in asked_on(page))


def test_the_next_attempts_draw_other_sets(app, client, bank, identify):
    identify(client)
    sets = set()
    for number in range(1, 6):
        html = client.get(f"/quizzes/{SLUG}?lan={number}").get_data(as_text=True)
        sets.add(frozenset(asked_on(html)))
        answers = right_answers(html)
        first = asked_on(html)[0]
        answers[first] = ["a"] if RIGHT[first] != ["a"] else ["b"]  # fail: keep trying
        assert client.post(f"/quizzes/{SLUG}", data=answer_form(html, answers)).status_code == 303
    assert len(sets) > 1


def test_a_double_submit_of_a_drawn_form_lands_on_its_result(app, client, bank, identify):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    data = answer_form(html, right_answers(html))
    first = client.post(f"/quizzes/{SLUG}", data=data)
    again = client.post(f"/quizzes/{SLUG}", data=data)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]


# --- offline: the answers sent late draw the same way -----------------------------------------


def late(client, html: str, answers: dict):
    data = {**answer_form(html, answers), "fetched": hidden(html, "fetched")}
    return client.post(f"/offline/quizzes/{SLUG}", data=data, headers=HEADERS)


def test_an_answer_sent_late_is_scored_on_the_questions_its_form_drew(app, client, bank, identify):
    identify(client)
    html = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    asked = asked_on(html)
    extra = next(qid for qid in RIGHT if qid not in asked)
    refused = late(client, html, {**right_answers(html), extra: RIGHT[extra]})
    assert refused.status_code == 400 and refused.get_json()["ok"] is False
    sent = late(client, html, right_answers(html))
    assert sent.status_code == 200, sent.get_json()
    with app.app_context():
        attempt = Attempt.query.one()
        assert (attempt.correct_count, attempt.question_count) == (DRAW, DRAW)
        assert {a.question_id for a in attempt.answers} == set(asked)


# --- reports: a question's denominator is the attempts that drew it ---------------------------


def test_item_analysis_counts_each_question_over_the_attempts_that_drew_it(
    app, bank, identify, staff, staff_client
):
    drawn_by: list[set[str]] = []
    for n, name in enumerate(["Lò Thị Một", "Lò Thị Hai", "Lò Thị Ba", "Lò Thị Bốn"]):
        learner = app.test_client()
        identify(learner, name=name)
        html = learner.get(f"/quizzes/{SLUG}").get_data(as_text=True)
        answers = right_answers(html)
        if n % 2:  # half of them get every question wrong
            answers = {qid: ["a"] if RIGHT[qid] != ["a"] else ["b"] for qid in answers}
        assert learner.post(f"/quizzes/{SLUG}", data=answer_form(html, answers)).status_code == 303
        drawn_by.append((set(asked_on(html)), bool(n % 2)))
    with app.app_context():
        everything = Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
        report = unit_reports.unit_report("Thôn", {staff.village}, everything)
        (stat,) = [q for q in report.quizzes if q.title == "Ngân hàng câu hỏi"]
        assert stat.attempts == 4
        counted = {item.question_id: (item.answered, item.wrong) for item in stat.questions}
    expected = {}
    for qid in RIGHT:
        answered = sum(qid in asked for asked, _wrong in drawn_by)
        wrong = sum(qid in asked and was_wrong for asked, was_wrong in drawn_by)
        if answered:
            expected[qid] = (answered, wrong)
    assert counted == expected
    assert any(answered < 4 for answered, _wrong in counted.values())  # really drawn
    # The CSV export of the items says the same.
    body = staff_client("officer").get(f"/staff/units/{staff.village}/report.csv?table=items")
    rows = list(csv.reader(io.StringIO(body.data.decode("utf-8-sig"), newline="")))
    exported = {row[3]: int(row[4]) for row in rows[1:] if row[0] == "Ngân hàng câu hỏi"}
    assert exported == {TEXTS[qid]: answered for qid, (answered, _w) in expected.items()}
    # … and each attempt's score is over the questions it drew.
    people = list(
        csv.reader(
            io.StringIO(
                staff_client("officer")
                .get(f"/staff/units/{staff.village}/report.csv?table=people")
                .data.decode("utf-8-sig"),
                newline="",
            )
        )
    )
    scores = sorted(row[5] for row in people[1:])
    assert scores == ["0", "0", "100", "100"]
