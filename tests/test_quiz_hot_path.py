"""The learner's hot path runs a fixed number of SQL statements: the quiz page and the submit
cost the same whatever the quiz's size, its attempt limit, and the attempts made before
(bench/quiz_throughput.py measures what that buys under load)."""

import datetime as dt
import re
from contextlib import contextmanager

import pytest
import yaml
from flask import render_template_string
from helpers import answer_form, quiz_page
from sqlalchemy import event

import database
from blueprints.learn.forms import quiz_form_class_for
from extensions import db
from models import Attempt
from services.content import loader as content_loader
from services.participation import quiz_versions

INPUT = re.compile(r'<input type="(radio|checkbox)" name="(q_[a-z0-9_]+)" value="([^"]+)"')
# What a quiz page costs: the participant, the quiz with its lesson and current version, the
# attempts made, the commune's settings, the visit recorded, and the visitor counted as reached
# in the indicators' aggregate (one upsert for the half-year and the year: it was 5 before the
# aggregate; tests/test_indicator_store.py pins that a passing submit adds exactly one too).
QUIZ_PAGE_STATEMENTS = 6
# What a submit costs: the participant, the quiz with its lesson and current version, the
# form's token looked up, the participant locked, the attempts counted (with the token again,
# under the lock), the attempt and its answers inserted.
SUBMIT_STATEMENTS = 7


def _question(n: int) -> dict:
    return {
        "id": f"cau-{n}",
        "type": "single" if n % 3 else "multiple",
        "text": f"Nội dung câu số {n}?",
        "choices": [{"id": c, "text": f"Ý {c} của câu {n}"} for c in ("a", "b", "c", "d")],
        "answer": "abcd"[n % 4] if n % 3 else ["a", "c"],
        "explanation": f"Giải thích câu {n}.",
    }


def _big_topic() -> dict:
    """Sixteen questions, ten drawn per attempt, unlimited attempts."""
    return {
        "kind": "topic",
        "id": "nhieu-cau",
        "title": "Bài nhiều câu hỏi",
        "summary": "Bài thử có nhiều câu hỏi.",
        "topic": "Thử nghiệm",
        "audience": ["villager"],
        "minutes": 5,
        "facts_checked": dt.date(2026, 11, 20),
        "sources": ["Nguồn thử nghiệm"],
        "lesson": {"body": "Nội dung ngắn."},
        "quiz": {
            "pass_mark": 100,
            "max_attempts": 0,
            "draw": 10,
            "questions": [_question(n) for n in range(1, 17)],
        },
    }


@pytest.fixture
def quizzes(app, content, tmp_path):
    """The fixture curriculum ('an-toan': 4 questions, unlimited; 'gioi-han': 4 questions,
    2 attempts) and 'nhieu-cau' (16 questions, 10 drawn)."""
    folder = tmp_path / "big"
    (folder / "media").mkdir(parents=True)
    text = yaml.safe_dump(_big_topic(), allow_unicode=True, sort_keys=False)
    (folder / "01-nhieu-cau.yaml").write_text(text, encoding="utf-8")
    with app.app_context():
        content_loader.load(folder)
        database.commit()


@contextmanager
def _statements(app):
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_rest):
        seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


# A wrong answer to each question (a failed attempt issues no certificate).
WRONG = {
    "an-toan": {"otp": "b", "dau-hieu": ["c"], "cap-nhat": "false", "ung-dung": "b"},
    "gioi-han": {f"q{n}": "false" for n in range(1, 5)},
    "nhieu-cau": {
        q["id"]: ["b"] if q["type"] == "multiple" else "abcd"[(n + 1) % 4]
        for n, q in enumerate(_big_topic()["quiz"]["questions"], start=1)
    },
}


def _form(slug: str, html: str) -> dict:
    """The page's form with a wrong answer to each question it asks."""
    asked = dict.fromkeys(name for _kind, name, _value in INPUT.findall(html))
    by_field = {"q_" + qid.replace("-", "_"): qid for qid in WRONG[slug]}
    return answer_form(html, {by_field[name]: WRONG[slug][by_field[name]] for name in asked})


def _page_cost(app, client, slug: str) -> tuple[int, str, list[str]]:
    """Statements of one GET of the next attempt's form (its URL found without counting)."""
    html = quiz_page(client, slug)  # follows "làm lại" to ?lan=<next> when there are attempts
    url = re.search(r'action="(/quizzes/[^"]+)"', html).group(1)
    number = len(_attempts(app, slug)) + 1
    query = f"?lan={number}" if number > 1 else ""
    with _statements(app) as seen:
        page = client.get(url + query)
    assert page.status_code == 200 and 'name="submission_token"' in page.get_data(as_text=True)
    return len(seen), page.get_data(as_text=True), seen


def _submit_cost(app, client, slug: str, html: str) -> tuple[int, list[str]]:
    with _statements(app) as seen:
        response = client.post(f"/quizzes/{slug}", data=_form(slug, html))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return len(seen), seen


def _attempts(app, slug: str) -> list[bool]:
    """Whether each attempt at the quiz passed, in order."""
    with app.app_context():
        found = Attempt.query.join(Attempt.quiz).filter_by(slug=slug).order_by(Attempt.id)
        return [attempt.passed for attempt in found]


def _take(app, client, slug: str, times: int) -> None:
    for _ in range(times):
        html = quiz_page(client, slug)
        assert client.post(f"/quizzes/{slug}", data=_form(slug, html)).status_code == 303


def test_the_quiz_page_and_the_submit_run_a_fixed_number_of_statements(
    app, client, quizzes, identify
):
    identify(client)
    costs = {}
    for slug, before in (("an-toan", 0), ("nhieu-cau", 3), ("gioi-han", 1)):
        _take(app, client, slug, before)
        page, html, page_sql = _page_cost(app, client, slug)
        submit, submit_sql = _submit_cost(app, client, slug, html)
        costs[slug] = (page, submit)
        assert not _attempts(app, slug)[-1]  # a fail: no certificate work in the count
        assert page == QUIZ_PAGE_STATEMENTS, (slug, "\n".join(page_sql))
        assert submit == SUBMIT_STATEMENTS, (slug, "\n".join(submit_sql))
    # 4 or 10 questions asked, 0 to 3 attempts before, with or without a limit: the same.
    assert len(set(costs.values())) == 1, costs


def test_a_kept_question_is_the_one_the_macro_draws_and_a_sent_back_one_is_drawn_anew(
    app, client, quizzes, identify
):
    """The quiz page keeps each question's HTML per version, language and order of choices;
    it must be exactly what macros/forms.html draws, and a refused form shows what was ticked."""
    identify(client)
    first = quiz_page(client, "nhieu-cau")
    again = client.get("/quizzes/nhieu-cau").get_data(as_text=True)  # the same attempt
    assert _fieldsets(first) == _fieldsets(again) and len(_fieldsets(first)) == 10
    with app.test_request_context("/quizzes/nhieu-cau"):
        drawn = render_template_string(
            '{% from "macros/forms.html" import choices %}'
            "{% for q, f in questions %}{{ choices(f, multiple=q.type == 'multiple') }}"
            "{% endfor %}",
            questions=_form_of(app, first).shown,
        )
    assert _fieldsets(drawn) == _fieldsets(first)
    # Sent back with an answer missing: the ticked answers stay ticked, the missing is named.
    data = _form("nhieu-cau", first)
    missing = next(name for name in data if name.startswith("q_"))
    ticked = {name: value for name, value in data.items() if name.startswith("q_")}
    del data[missing]
    refused = client.post("/quizzes/nhieu-cau", data=data)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    for name, value in ticked.items():
        value = value[0] if isinstance(value, list) else value
        checked = re.search(rf'name="{name}" value="{value}"[^>]*checked', html)
        assert bool(checked) == (name != missing), name
    assert 'class="err"' in html
    # … and a fresh page of the same attempt is drawn from what is kept, unticked again.
    assert _fieldsets(client.get("/quizzes/nhieu-cau").get_data(as_text=True)) == _fieldsets(first)


def _fieldsets(html: str) -> list[str]:
    return re.findall(r"<fieldset.*?</fieldset>", html, flags=re.S)


def _form_of(app, html: str):
    """The quiz form of the page's attempt, rebuilt as the page built it."""
    _quiz, version = quiz_versions.with_current_version("nhieu-cau")
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', html)
    token = token or re.search(r'value="([^"]+)"[^>]*name="submission_token"', html)
    return quiz_form_class_for(version, "vi")(submission_token=token.group(1))
