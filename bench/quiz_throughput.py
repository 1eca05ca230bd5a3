"""Quiz throughput: Lan Tỏa's quiz page and answer submits against a minimal Flask baseline.

Run:  .venv/bin/python bench/quiz_throughput.py                  (SQLite, 10 s per phase)
      .venv/bin/python bench/quiz_throughput.py --database-url postgresql+psycopg://...

(a) bench/baseline_app.py under gunicorn (2 sync workers): GET of a tiny template, POST that
    inserts one row with sqlite3 (WAL).
(b) Lan Tỏa under gunicorn (2 sync workers) on a fresh SQLite file (or --database-url):
    migrations, bundled content, seed-demo; `--concurrency` participants made through the real
    /identify form, each with its own cookies; then GET /quizzes/<slug>?lan=<next attempt>
    (the quiz form) and POST /quizzes/<slug>, each POST a new attempt (fresh
    submission_token and answers to the questions it draws (drawn_answers.py), the csrf_token
    and version of the learner's form), expecting 303.
(c) A table of both apps' rates and latencies, the Lan Tỏa/baseline ratios and the targets
    (submit ratio >= 0.25, p99 < 100 ms).

Both servers run side by side (only one is loaded at a time) and the phases alternate,
baseline then Lan Tỏa, so that other work on the machine weighs on both alike; with
--repeat N each phase runs N times and the best run (highest rate) is reported.
Everything started is stopped and the temporary directory removed, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import load
import page_weight
from drawn_answers import DrawnAnswers, hidden_fields

SUBMIT_RATIO_TARGET = 0.25
P99_TARGET_MS = 100.0
DEFAULT_QUIZ = "thanh-toan-khong-tien-mat"  # max_attempts: 0, so every submit is accepted
NEXT_ATTEMPT_RE = re.compile(r"[?&;]lan=(\d+)")


@dataclass
class Learner:
    """One simulated phone: its cookies, the quiz form it got, its next attempt number."""

    cookie: str
    form: dict
    next_attempt: int = 1


@dataclass
class Target:
    """A server under test and how to load it: a GET phase and a POST phase."""

    label: str
    server: harness.Server
    get: load.RequestFactory
    post: load.RequestFactory
    get_check: object = None
    post_check: object = None
    post_status: tuple[int, ...] = (303,)
    submits_answered: int = 0  # POSTs that got their 303, warm-ups included
    results: dict[str, list[load.PhaseResult]] = field(default_factory=dict)

    def run(self, phase: str, args) -> load.PhaseResult:
        factory, check, expect = (
            (self.get, self.get_check, (200,))
            if phase == "GET"
            else (self.post, self.post_check, self.post_status)
        )
        url = self.server.base_url
        runs = []
        if args.warmup > 0:
            runs.append(
                load.run_phase(
                    url,
                    factory,
                    name="warm-up",
                    concurrency=args.concurrency,
                    duration=args.warmup,
                    expect=expect,
                    check_body=check,
                )
            )
        result = load.run_phase(
            url,
            factory,
            name=f"{self.label} {phase}",
            concurrency=args.concurrency,
            duration=args.duration,
            max_requests=args.requests,
            expect=expect,
            check_body=check,
        )
        runs.append(result)
        if phase == "POST":
            self.submits_answered += sum(r.statuses[303] for r in runs)
        self.results.setdefault(phase, []).append(result)
        return result

    def best(self, phase: str) -> load.PhaseResult:
        return max(self.results[phase], key=lambda r: r.rate)


# --- (a) baseline ---------------------------------------------------------------------------


def start_baseline(args, tmp: Path, stack: contextlib.ExitStack) -> Target:
    env = dict(os.environ, BASELINE_DB=str(tmp / "baseline.sqlite"))
    server = harness.Server(
        "baseline_app:app",
        env,
        workers=args.workers,
        log_dir=tmp,
        name="baseline",
        cwd=harness.BENCH,
    )
    stack.callback(server.stop)
    server.start()
    print(f"baseline: gunicorn, {args.workers} sync workers, {server.base_url}")
    return Target(
        label="baseline",
        server=server,
        get=lambda _i, _n: load.get("/"),
        post=lambda _i, _n: load.post_form("/", {"answer": secrets.choice("abcd")}),
    )


# --- (b) Lan Tỏa ----------------------------------------------------------------------------


def make_learners(base_url: str, slug: str, count: int, sheet: DrawnAnswers) -> list[Learner]:
    """Participants made through the real identity form, each with the quiz form it sees."""
    learners = []
    for n in range(count):
        with requests.Session() as session:
            session.headers.update(page_weight.PHONE_HEADERS)
            page = session.get(f"{base_url}/identify?next=/quizzes/{slug}")
            page.raise_for_status()
            form = page_weight._form_with(page_weight.parse(page.text), "display_name")
            data = page_weight._fill_identity_form(form)
            data["display_name"] = f"Người thử tải {n + 1}"
            done = session.post(f"{base_url}/identify", data=data, allow_redirects=False)
            if done.status_code != 303:
                raise RuntimeError(f"identity form answered {done.status_code}: {done.text[:300]}")
            quiz = session.get(f"{base_url}/quizzes/{slug}?lan=1", allow_redirects=False)
            if quiz.status_code != 200 or 'name="submission_token"' not in quiz.text:
                raise RuntimeError(f"/quizzes/{slug}?lan=1 shows no quiz form ({quiz.status_code})")
            if "lượt làm bài" in quiz.text:
                print(f"  warning: quiz {slug} limits attempts; later submits will fail (409)")
            quiz_form = page_weight._fill_quiz_form(
                page_weight._form_with(page_weight.parse(quiz.text), "submission_token")
            )
            sheet.check_form(quiz_form, quiz_form["submission_token"])
            quiz_form = hidden_fields(quiz_form)  # each POST sends a new token and its answers
            cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
            learners.append(Learner(cookie=cookie, form=quiz_form))
    return learners


def refresh_next_attempts(base_url: str, slug: str, learners: list[Learner]) -> int:
    """Read each learner's next attempt number from the server; return the attempts held."""
    total = 0
    for learner in learners:
        page = requests.get(f"{base_url}/quizzes/{slug}", headers={"Cookie": learner.cookie})
        page.raise_for_status()
        if 'name="submission_token"' in page.text:  # no attempt yet: the form itself
            learner.next_attempt = 1
        else:  # the quiz-done page links to ?lan=<next attempt>
            match = NEXT_ATTEMPT_RE.search(page.text)
            if not match:
                raise RuntimeError("the quiz-done page has no link to the next attempt")
            learner.next_attempt = int(match.group(1))
        total += learner.next_attempt - 1
    return total


def start_lantoa(args, tmp: Path, stack: contextlib.ExitStack) -> tuple[Target, list[Learner]]:
    database_url = args.database_url or f"sqlite:///{tmp / 'lantoa.sqlite'}"
    shown = database_url.split("@")[-1] if "@" in database_url else database_url
    print(f"Lan Tỏa: preparing {shown}")
    prepared = harness.prepare_lantoa(database_url, secrets.token_hex(32))
    server = harness.Server(
        "app:create_app()", prepared.env, workers=args.workers, log_dir=tmp, name="lantoa"
    )
    stack.callback(server.stop)
    server.start()
    print(f"Lan Tỏa: gunicorn, {args.workers} sync workers, {server.base_url}")
    slug = args.quiz
    sheet = DrawnAnswers(slug)
    learners = make_learners(server.base_url, slug, args.concurrency, sheet)
    print(f"  {len(learners)} participants made through /identify, quiz '{slug}'")

    def page(i, _n):
        learner = learners[i]
        return load.get(f"/quizzes/{slug}?lan={learner.next_attempt}", {"Cookie": learner.cookie})

    def submit(i, _n):
        data = sheet.submit_body(learners[i].form)
        return load.post_form(f"/quizzes/{slug}", data, {"Cookie": learners[i].cookie})

    target = Target(
        label="Lan Tỏa",
        server=server,
        get=page,
        post=submit,
        get_check=lambda body: b'name="submission_token"' in body,  # the form, not "done"
        post_check=lambda body: b"/results/" in body,  # the 303 to the new result
    )
    return target, learners


# --- (c) report -----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(base: Target, lantoa: Target, integrity: str, args, busy: list) -> bool:
    rows = [
        ("baseline GET /", base, "GET"),
        ("baseline POST insert", base, "POST"),
        ("Lan Tỏa GET quiz page", lantoa, "GET"),
        ("Lan Tỏa POST submit", lantoa, "POST"),
    ]
    best = f"best of {args.repeat}, " if args.repeat > 1 else ""
    print(
        f"\n{args.concurrency} concurrent clients, {best}{args.duration:g} s (at most "
        f"{args.requests} requests) per phase, {args.workers} gunicorn sync workers each;\n"
        f"server and client share {os.cpu_count()} cores; CPU busy before each run "
        f"(other processes): {_shares(busy)}\n"
    )
    head = (
        f"{'app / phase':<26}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}{'errors':>8}"
        f"{'client CPU':>12}   p99 < {P99_TARGET_MS:g} ms"
    )
    print(head)
    print("-" * len(head))
    for name, target, phase in rows:
        r = target.best(phase)
        errors = sum(x.errors for x in target.results[phase])  # over every run of the phase
        mark = verdict(r.p99_ms < P99_TARGET_MS) if target is lantoa else "-"
        print(
            f"{name:<26}{r.rate:>9.1f}{r.median_ms:>11.1f}{r.p99_ms:>9.1f}{errors:>8}"
            f"{r.client_cpu_share:>11.0%}   {mark}"
        )
        for sample in r.error_samples:
            print(f"    ! {sample}")
    print("-" * len(head))
    get_ratio = _ratio(lantoa.best("GET"), base.best("GET"))
    post_ratio = _ratio(lantoa.best("POST"), base.best("POST"))
    print(f"{'ratio Lan Tỏa/baseline GET':<32}{get_ratio:>6.2f}")
    print(
        f"{'ratio Lan Tỏa/baseline submit':<32}{post_ratio:>6.2f}   target >= "
        f"{SUBMIT_RATIO_TARGET:g}: {verdict(post_ratio >= SUBMIT_RATIO_TARGET)}"
    )
    if args.repeat > 1:
        for target in (base, lantoa):
            for phase in ("GET", "POST"):
                rates = ", ".join(f"{r.rate:.0f}" for r in target.results[phase])
                print(f"  {target.label} {phase} req/s per run: {rates}")
        # The best runs above may come from moments of different load; each run's own ratio
        # (its phases ran one after the other) is steadier on a shared machine.
        for phase in ("GET", "POST"):
            ratios = [
                _ratio(mine, theirs)
                for mine, theirs in zip(lantoa.results[phase], base.results[phase], strict=True)
            ]
            shown = ", ".join(f"{r:.2f}" for r in ratios)
            print(f"  ratio {phase} per run: {shown} (median {statistics.median(ratios):.2f})")
    print(f"\nIntegrity: {integrity}")
    if any(b is not None and b > 0.1 for b in busy):
        print(
            "Note: other processes were using the CPU before a run (see above): rates are"
            " low and noisy there; prefer --repeat and compare ratios."
        )
    lt_get, lt_post = lantoa.best("GET"), lantoa.best("POST")
    return (
        post_ratio >= SUBMIT_RATIO_TARGET
        and lt_get.p99_ms < P99_TARGET_MS
        and lt_post.p99_ms < P99_TARGET_MS
        and integrity.endswith(": OK")
    )


def _shares(values: list) -> str:
    return ", ".join("?" if v is None else f"{v:.0%}" for v in values) or "?"


def _ratio(a: load.PhaseResult, b: load.PhaseResult) -> float:
    return a.rate / b.rate if b.rate else math.nan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--database-url",
        help="Lan Tỏa's database (default: a fresh SQLite file); "
        "a PostgreSQL URL (postgresql+psycopg://...) is migrated, loaded and seeded, "
        "never emptied",
    )
    ap.add_argument("--quiz", default=DEFAULT_QUIZ, help="slug of a quiz with unlimited attempts")
    ap.add_argument("-c", "--concurrency", type=int, default=20)
    ap.add_argument("-d", "--duration", type=float, default=10.0, help="seconds per phase")
    ap.add_argument("-n", "--requests", type=int, default=50_000, help="at most, per phase")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds before each phase")
    ap.add_argument("-r", "--repeat", type=int, default=1, help="runs per phase; best reported")
    ap.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    busy = []
    tmp = Path(tempfile.mkdtemp(prefix="lantoa-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            base = start_baseline(args, tmp, stack)
            lantoa, learners = start_lantoa(args, tmp, stack)
            url, slug = lantoa.server.base_url, args.quiz
            for n in range(args.repeat):
                if args.repeat > 1:
                    print(f"  run {n + 1}/{args.repeat} ...")
                refresh_next_attempts(url, slug, learners)
                busy.append(harness.cpu_busy())
                base.run("GET", args)
                lantoa.run("GET", args)
                base.run("POST", args)
                lantoa.run("POST", args)
            held = refresh_next_attempts(url, slug, learners)
            same = "OK" if held == lantoa.submits_answered else "MISMATCH"
            integrity = f"{held} attempts held for {lantoa.submits_answered} submits answered 303"
            log = lantoa.server.log_tail(400)
            if "Traceback" in log:
                integrity += f" (server log has a traceback:\n{lantoa.server.log_tail(8)})"
            integrity += f": {same}"
        met = report(base, lantoa, integrity, args, busy)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    errors = sum(r.errors for t in (base, lantoa) for rs in t.results.values() for r in rs)
    if errors:
        return 1
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
