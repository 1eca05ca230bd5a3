"""Where a learner request spends its time: in-process timing, SQL count and a profile.

Run:  .venv/bin/python bench/profile_pages.py                 (time and SQL per page)
      .venv/bin/python bench/profile_pages.py --profile home  (plus a pyinstrument profile)

Sets up Lan Tỏa on a temporary SQLite file (migrations, bundled content, seed-demo), makes
one participant through /identify with Flask's test client, then for each page sends the
same request `-n` times in this process (no HTTP server, no concurrency) and prints the mean
time per request and the SQL statements one request runs. This is the cost of one request
on one core: a sync gunicorn worker cannot serve more than 1000/ms requests per second.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import page_weight
from drawn_answers import DrawnAnswers, hidden_fields

PAGES = ("quiz", "submit", "result", "lesson", "home", "identify")
QUIZ = "thanh-toan-khong-tien-mat"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="*", default=list(PAGES), help=f"some of {', '.join(PAGES)}")
    ap.add_argument("-n", "--requests", type=int, default=200, help="timed requests per page")
    ap.add_argument("--profile", action="append", default=[], help="page to profile (repeat)")
    ap.add_argument("--sql", action="store_true", help="print each page's SQL statements")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="lantoa-profile-"))
    try:
        url = f"sqlite:///{tmp / 'profile.sqlite'}"
        secret = secrets.token_hex(32)
        harness.prepare_lantoa(url, secret)
        os.environ.update(DATABASE_URL=url, SECRET_KEY=secret)  # read by config at import
        sys.path.insert(0, str(harness.ROOT))
        run(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def run(args) -> None:
    from sqlalchemy import event

    from app import create_app
    from extensions import db

    app = create_app()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = page_weight.PHONE_HEADERS["User-Agent"]
    page = client.get(f"/identify?next=/lessons/{QUIZ}").get_data(as_text=True)
    form = page_weight._fill_identity_form(
        page_weight._form_with(page_weight.parse(page), "display_name")
    )
    assert client.post("/identify", data=form).status_code == 303
    quiz = client.get(f"/quizzes/{QUIZ}?lan=1").get_data(as_text=True)
    answers = page_weight._fill_quiz_form(
        page_weight._form_with(page_weight.parse(quiz), "submission_token")
    )
    result_url = client.post(f"/quizzes/{QUIZ}", data=answers).location
    sheet = DrawnAnswers(QUIZ)
    sheet.check_form(answers, answers["submission_token"])
    hidden = hidden_fields(answers)
    attempts = [1]

    def next_attempt() -> int:  # the quiz form is shown for ?lan=<attempts so far + 1>
        return attempts[0] + 1

    def submit():
        attempts[0] += 1
        data = sheet.submit_body(hidden)
        return client.post(f"/quizzes/{QUIZ}", data=data)

    requests = {
        "quiz": (lambda: client.get(f"/quizzes/{QUIZ}?lan={next_attempt()}"), 200),
        "submit": (submit, 303),
        "result": (lambda: client.get(result_url), 200),
        "lesson": (lambda: client.get(f"/lessons/{QUIZ}"), 200),
        "home": (lambda: client.get("/"), 200),
        "identify": (lambda: client.get("/identify"), 200),
    }
    statements: list[str] = []
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, sql, *_rest: statements.append(" ".join(sql.split())[:100]),
        )

    print(f"\n{'page':<10}{'ms/request':>12}{'SQL statements':>16}")
    for name in args.pages:
        send, status = requests[name]
        for _ in range(20):  # warm caches and the connection pool
            assert send().status_code == status
        statements.clear()
        assert send().status_code == status
        one_request = list(statements)
        profiler = None
        if name in args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        started = time.perf_counter()
        for _ in range(args.requests):
            send()
        elapsed = (time.perf_counter() - started) / args.requests * 1000
        if profiler is not None:
            profiler.stop()
        print(f"{name:<10}{elapsed:>12.2f}{len(one_request):>16}")
        if args.sql:
            for sql in one_request:
                print(f"      {sql}")
        if profiler is not None:
            print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    sys.exit(main())
