"""Unit reports and class gradebooks as HTML, CSV, XLSX and PDF: time and SQL statements per
request, by size, against a bare query measured in the same run.

Run:  .venv/bin/python bench/reports.py                       (SQLite, temporary file)
      .venv/bin/python bench/reports.py --sql                 (and each request's statements)
      .venv/bin/python bench/reports.py --skip-big-pdf        (no PDF for the 5,000 people)
      .venv/bin/python bench/reports.py --no-commune          (classes and the school only)
      .venv/bin/python bench/reports.py --reset-database \\
          --database-url postgresql+psycopg://lantoa@127.0.0.1:55499/lantoa_test

Builds, with bulk inserts (one executemany per table and chunk, scored by
services.participation.scoring),
a class of 40 students × 10 quizzes, a class of 400 × 10 quizzes (each class with its roster:
every pupil's name claimed, two names nobody has claimed yet), a school of 400 pupils in 10
classes of 40, and a commune of 10 villages with 5,000 participants and exactly 100,000
attempts over the 12 bundled quizzes (answers, lesson and quiz visits, certificates). Logs in as
an admin through the real /staff/login form (CSRF on: the token is read from the login page) and
times, with Flask's test client, GET /staff/units/<id>/report, report.csv?table=people,
report.xlsx and report.pdf, and for each class its gradebook (gradebook, .csv, .xlsx, .pdf),
counting the SQL statements of each request with a "before_cursor_execute" listener on
db.engine.

Baseline, measured in the same run on the same data: the one bare GROUP BY a gradebook or a
report cannot do without (attempts of the unit's people per person and quiz: count, best
score, passed, last day), run straight on the connection. Each request's time is printed as a
ratio to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

CLASS_QUIZZES = 10
UNIT_PEOPLE = 5000
UNIT_ATTEMPTS_EACH = 20  # 5,000 × 20 = 100,000 attempts
VILLAGES = [
    "Nà Pàn",
    "Bản Chu",
    "Khòn Khuyên",
    "Pác Lạn",
    "Nà Lầu",
    "Kéo Cặp",
    "Bó Mon",
    "Tổng Huồng",
    "Phai Luông",
    "Khun Pìn",
]
FAMILY = ["Hoàng", "Nông", "Lường", "Vi", "Lộc", "Triệu", "Hà", "Nguyễn", "Lăng", "Chu", "Đàm"]
MIDDLE = ["Văn", "Thị", "Đức", "Thị Ngọc", "Minh", "Thị Thu", "Quốc", "Thị Bích", ""]
GIVEN = ["Thụ", "Mai", "Dũng", "Hạnh", "Sơn", "Ánh", "Phúc", "Huyền", "Tuấn", "Nguyệt", "Khánh"]
ADULT_ROLES = ["villager"] * 6 + ["worker"] * 2 + ["official", "other"]
ADULT_AGES = ["16-29", "30-44", "30-44", "45-59", "45-59", "60plus"]
PASSWORD = "bench-mat-khau-dai-va-kho-doan"
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
FORMATS = (
    ("HTML", "/staff/units/{id}/report"),
    ("CSV", "/staff/units/{id}/report.csv?table=people"),
    ("XLSX", "/staff/units/{id}/report.xlsx"),
    ("PDF", "/staff/units/{id}/report.pdf"),
)
GRADEBOOK_FORMATS = (
    ("GB HTML", "/staff/units/{id}/gradebook"),
    ("GB CSV", "/staff/units/{id}/gradebook.csv"),
    ("GB XLSX", "/staff/units/{id}/gradebook.xlsx"),
    ("GB PDF", "/staff/units/{id}/gradebook.pdf"),
)
ALL_FORMATS = FORMATS + GRADEBOOK_FORMATS
SCHOOL_CLASSES = 10


@dataclass
class QuizInfo:
    id: int
    lesson_id: int | None
    title: str
    version_id: int
    questions: list[dict]
    pass_mark: int
    max_attempts: int


@dataclass
class Case:
    label: str
    unit_id: int
    people: int = 0
    attempts: int = 0
    quizzes: int = 0
    big: bool = False
    formats: tuple = FORMATS
    school: bool = False


@dataclass
class Counters:
    """Running numbers for unique columns across chunks."""

    certificate: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


# --- building the data --------------------------------------------------------------------------


def wrong_answer(question: dict, rng: random.Random) -> list[str]:
    """A plausible wrong answer; one wrong choice per question is the popular one."""
    from services.participation import scoring

    key = scoring.correct_choices(question)
    if question["type"] == "true_false":
        return ["false" if key == ("true",) else "true"]
    wrong = [c for c in scoring.choice_ids(question) if c not in key]
    if question["type"] == "single":
        return [rng.choices(wrong, [4] + [1] * (len(wrong) - 1))[0]]
    if len(key) > 1 and (not wrong or rng.random() < 0.6):
        chosen = list(key)
        chosen.remove(rng.choice(chosen))
        return chosen
    return sorted([*key, rng.choice(wrong)])


def answer_sheet(quiz: QuizInfo, p_right: float, rng: random.Random) -> dict[str, list[str]]:
    from services.participation import scoring

    return {
        q["id"]: list(scoring.correct_choices(q))
        if rng.random() < p_right
        else wrong_answer(q, rng)
        for q in quiz.questions
    }


def class_plan(quizzes: list[QuizInfo], rng: random.Random):
    """Students: most quizzes of the class, retried until passed (at most 3 attempts)."""

    def plan(_skill: float) -> list[tuple[QuizInfo, int | None]]:
        return [(q, None) for q in quizzes if rng.random() < 0.92]

    return plan


def unit_plan(quizzes: list[QuizInfo], rng: random.Random):
    """Villagers: 7–12 quizzes, exactly UNIT_ATTEMPTS_EACH attempts in all."""

    def plan(_skill: float) -> list[tuple[QuizInfo, int | None]]:
        chosen = rng.sample(quizzes, rng.randint(7, len(quizzes)))
        counts = dict.fromkeys(range(len(chosen)), 1)
        caps = [q.max_attempts or 5 for q in chosen]
        for _ in range(UNIT_ATTEMPTS_EACH - len(chosen)):
            open_slots = [i for i in counts if counts[i] < caps[i]]
            counts[rng.choice(open_slots)] += 1
        return [(chosen[i], counts[i]) for i in range(len(chosen))]

    return plan


def insert_people(
    unit_id: int,
    count: int,
    student: bool,
    plan,
    rng: random.Random,
    counters: Counters,
    now: dt.datetime,
) -> tuple[int, int]:
    """Participants of one unit and all they did, in one executemany per table."""
    from sqlalchemy import insert

    import database
    from extensions import db
    from models import Answer, Attempt, Certificate, Consent, Participant, Visit
    from services.participation import scoring

    people = []
    for index in range(count):
        name = " ".join(p for p in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if p)
        created = now - dt.timedelta(days=rng.uniform(30, 150))
        token = f"bench:{unit_id}:{index}:{secrets.token_hex(8)}"
        people.append(
            {
                "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                "display_name": name,
                "role": "student" if student else rng.choice(ADULT_ROLES),
                "unit_id": unit_id,
                "age_band": "under16" if student else rng.choice(ADULT_AGES),
                "created_at": created,
                "last_seen_at": created,
            }
        )
    ids = (
        db.session.execute(
            insert(Participant).returning(Participant.id, sort_by_parameter_order=True), people
        )
        .scalars()
        .all()
    )
    consents, visits, attempts, scored = [], [], [], []
    for pid, person in zip(ids, people, strict=True):
        if person["age_band"] == "under16":
            consents.append(
                {
                    "participant_id": pid,
                    "kind": "guardian",
                    "text_version": "guardian-2026-11",
                    "agreed_at": person["created_at"],
                }
            )
        skill = rng.uniform(0.45, 0.95)
        moment = person["created_at"]
        for quiz, fixed_count in plan(skill):
            moment += dt.timedelta(minutes=rng.uniform(2, 60 * 24 * 4))
            visits.append(visit_row(pid, unit_id, "lesson", quiz.lesson_id, moment))
            number, passed = 0, False
            limit = fixed_count or min(3, quiz.max_attempts or 3)
            while number < limit and (fixed_count or not passed):
                number += 1
                moment += dt.timedelta(minutes=rng.uniform(3, 60 * 24))
                visits.append(visit_row(pid, unit_id, "quiz", quiz.id, moment))
                answers = answer_sheet(quiz, min(0.97, skill + 0.1 * (number - 1)), rng)
                result = scoring.score(quiz.questions, answers, quiz.pass_mark)
                passed = passed or result.passed
                attempts.append(
                    {
                        "public_id": secrets.token_urlsafe(12),
                        "participant_id": pid,
                        "quiz_id": quiz.id,
                        "quiz_version_id": quiz.version_id,
                        "number": number,
                        "submission_token": secrets.token_urlsafe(24),
                        "poster_id": None,
                        "unit_id": unit_id,
                        "correct_count": result.correct_count,
                        "question_count": result.question_count,
                        "score_percent": result.percent,
                        "passed": result.passed,
                        "submitted_at": moment,
                    }
                )
                scored.append((result, person["display_name"], person["age_band"], quiz))
            if moment > person["last_seen_at"]:
                person["last_seen_at"] = moment
    attempt_ids = (
        db.session.execute(
            insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), attempts
        )
        .scalars()
        .all()
    )
    answers, certificates, certified = [], [], set()
    for attempt_id, row, (result, name, age, quiz) in zip(
        attempt_ids, attempts, scored, strict=True
    ):
        answers.extend(
            {
                "attempt_id": attempt_id,
                "question_id": r.question_id,
                "choice_ids": list(r.chosen),
                "is_correct": r.is_correct,
            }
            for r in result.results
        )
        key = (row["participant_id"], quiz.id)
        if result.passed and key not in certified:
            certified.add(key)
            counters.certificate += 1
            certificates.append(
                {
                    "serial": f"HVT-2026-{counters.certificate:06d}",
                    "verification_code": f"B{counters.certificate:011d}",
                    "participant_id": row["participant_id"],
                    "quiz_id": quiz.id,
                    "attempt_id": attempt_id,
                    "holder_name": name,
                    "holder_is_minor": age == "under16",
                    "achievement": quiz.title,
                    "score_percent": result.percent,
                    "issued_at": row["submitted_at"],
                }
            )
    for model, rows in (
        (Answer, answers),
        (Visit, visits),
        (Certificate, certificates),
        (Consent, consents),
    ):
        if rows:
            db.session.execute(insert(model), rows)
        counters.add(model.__tablename__, len(rows))
    counters.add("participants", len(people))
    counters.add("attempts", len(attempts))
    database.commit()
    return len(people), len(attempts)


def visit_row(pid: int, unit_id: int, kind: str, item_id: int | None, when: dt.datetime) -> dict:
    return {
        "participant_id": pid,
        "kind": kind,
        "lesson_id": item_id if kind == "lesson" else None,
        "quiz_id": item_id if kind == "quiz" else None,
        "poster_id": None,
        "unit_id": unit_id,
        "visited_at": when - dt.timedelta(minutes=1),
    }


def add_roster(unit_id: int, counters: Counters) -> None:
    """The class list as a school keeps it: every pupil's name, claimed by the pupil, and
    two names nobody has claimed yet (they show as "chưa vào lớp")."""
    from sqlalchemy import insert, select

    import database
    from extensions import db
    from models import Participant, RosterEntry

    people = db.session.execute(
        select(Participant.id, Participant.display_name).where(Participant.unit_id == unit_id)
    ).all()
    rows = [
        {
            "unit_id": unit_id,
            "name": name,
            "student_number": f"HS{n:03d}",
            "list_number": n,
            "participant_id": pid,
        }
        for n, (pid, name) in enumerate(people, start=1)
    ]
    for extra in (1, 2):
        n = len(rows) + 1
        rows.append(
            {
                "unit_id": unit_id,
                "name": f"Học sinh chưa vào lớp {extra}",
                "student_number": f"HS{n:03d}",
                "list_number": n,
                "participant_id": None,
            }
        )
    db.session.execute(insert(RosterEntry), rows)
    counters.add("roster_entries", len(rows))
    database.commit()


def build_world(
    app, class_sizes: list[int], school_size: int = 400, unit_people: bool = True, log=print
) -> tuple[list[Case], Counters]:
    """Units, an admin, and the participation of every case."""
    import database
    from models import Quiz
    from models.base import utcnow
    from services.org import staff as staff_service
    from services.org.units import create_unit

    rng = random.Random(57)
    counters = Counters()
    now = utcnow()
    with app.app_context():
        quizzes = [
            QuizInfo(
                q.id,
                q.lesson_id,
                q.title,
                q.current_version.id,
                q.current_version.questions,
                q.current_version.pass_mark,
                q.current_version.max_attempts,
            )
            for q in Quiz.query.order_by(Quiz.position, Quiz.id)
        ]
        assert all(q.lesson_id for q in quizzes), "every bundled quiz has a lesson"
        school = create_unit("school", "Trường THCS Hoàng Văn Thụ")
        commune = create_unit("commune", "Xã Hoàng Văn Thụ", target_population=UNIT_PEOPLE)
        cases = []
        for size in class_sizes:
            klass = create_unit("class", f"Lớp {size} học sinh", school, target_population=size)
            cases.append(
                Case(
                    f"class {size}×{CLASS_QUIZZES}",
                    klass.id,
                    quizzes=CLASS_QUIZZES,
                    formats=ALL_FORMATS,
                )
            )
        big_school, school_classes = None, []
        if school_size:
            big_school = create_unit("school", "Trường THCS Đồng Tâm", commune)
            per_class = school_size // SCHOOL_CLASSES
            school_classes = [
                create_unit(
                    "class",
                    f"Lớp {6 + i // 3}{'ABCD'[i % 3]}",
                    big_school,
                    target_population=per_class,
                )
                for i in range(SCHOOL_CLASSES)
            ]
        villages = [
            create_unit("village", f"Thôn {name}", commune, target_population=600)
            for name in VILLAGES
        ]
        staff_service.create_staff("bench.admin", "Phòng Văn hóa - Xã hội", PASSWORD, "admin")
        database.commit()
        for case, size in zip(cases, class_sizes, strict=True):
            started = time.perf_counter()
            plan = class_plan(quizzes[:CLASS_QUIZZES], rng)
            case.people, case.attempts = insert_people(
                case.unit_id, size, True, plan, rng, counters, now
            )
            add_roster(case.unit_id, counters)
            elapsed = time.perf_counter() - started
            log(f"  {case.label}: {case.attempts:,} attempts ({elapsed:.1f} s)")
        if big_school is not None:
            started = time.perf_counter()
            school_case = Case(
                f"school {school_size}", big_school.id, quizzes=CLASS_QUIZZES, school=True
            )
            for klass in school_classes:
                plan = class_plan(quizzes[:CLASS_QUIZZES], rng)
                people, attempts = insert_people(
                    klass.id, per_class, True, plan, rng, counters, now
                )
                add_roster(klass.id, counters)
                school_case.people += people
                school_case.attempts += attempts
            cases.append(school_case)
            elapsed = time.perf_counter() - started
            log(f"  {school_case.label}: {school_case.attempts:,} attempts ({elapsed:.1f} s)")
        if not unit_people:
            return cases, counters
        started = time.perf_counter()
        big = Case("", commune.id, quizzes=len(quizzes), big=True)
        per_village = UNIT_PEOPLE // len(villages)
        for village in villages:
            people, attempts = insert_people(
                village.id, per_village, False, unit_plan(quizzes, rng), rng, counters, now
            )
            big.people += people
            big.attempts += attempts
        big.label = f"unit {big.people}/{big.attempts}"
        log(f"  {big.label}: ({time.perf_counter() - started:.1f} s)")
        cases.append(big)
    return cases, counters


# --- measuring ------------------------------------------------------------------------------------


def login(client) -> None:
    page = client.get("/staff/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    if match is None:
        raise RuntimeError("no csrf_token on /staff/login")
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": match.group(1) or match.group(2),
            "username": "bench.admin",
            "password": PASSWORD,
            "next": "",
        },
    )
    if response.status_code != 303:
        raise RuntimeError(f"login answered {response.status_code}, not 303")


BASELINE_SQL = (
    "SELECT a.participant_id, a.quiz_id, count(*), max(a.score_percent),"
    " max(CASE WHEN a.passed THEN 1 ELSE 0 END), max(a.submitted_at)"
    " FROM attempts a JOIN participants p ON p.id = a.participant_id"
    " WHERE p.unit_id IN :units GROUP BY a.participant_id, a.quiz_id"
)


def baseline_ms(app, case: Case, runs: int) -> float:
    """The bare GROUP BY over the unit's (and its children's) people, straight on the
    connection: median of `runs`, after one warm-up."""
    from sqlalchemy import bindparam, select, text

    from extensions import db
    from models import Unit

    with app.app_context():
        children = db.session.scalars(select(Unit.id).where(Unit.parent_id == case.unit_id))
        units = [case.unit_id, *children]
        query = text(BASELINE_SQL).bindparams(bindparam("units", expanding=True))
        times = []
        with db.engine.connect() as conn:
            for n in range(runs + 1):
                started = time.perf_counter()
                rows = conn.execute(query, {"units": units}).all()
                if n:
                    times.append(time.perf_counter() - started)
        assert rows, f"no attempts for {case.label}"
    return harness.median_ms(times)


def describe(fmt: str, body: bytes) -> str:
    """What came back, to check that the report is whole: rows or pages, and size."""
    size = f"{len(body) / 1024:,.0f} KB"
    fmt = fmt.removeprefix("GB ")
    if fmt == "HTML":
        return f"{body.count(b'<tr>') - 1:,} table rows, {size}"
    if fmt == "CSV":
        people = body.count(b"\r\n") - 1
        return f"{people:,} people, {size}"
    if fmt == "XLSX":
        assert body.startswith(b"PK"), "not an XLSX file"
        return size
    assert body.startswith(b"%PDF"), "not a PDF"
    from pypdf import PdfReader

    return f"{len(PdfReader(io.BytesIO(body)).pages):,} pages, {size}"


def measure(app, cases: list[Case], args) -> list[dict]:
    from sqlalchemy import event

    from extensions import db

    statements: list[str] = []
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, sql, *_rest: statements.append(" ".join(sql.split())),
        )
    client = app.test_client()
    login(client)
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "gzip"  # as a browser asks (HTML is gzipped)
    results = []
    for case in cases:
        case_baseline = baseline_ms(app, case, args.runs if not case.big else args.big_runs)
        for fmt, path in case.formats:
            if case.big and fmt == "PDF" and args.skip_big_pdf:
                continue
            runs = args.runs
            if case.big:
                runs = args.big_pdf_runs if fmt == "PDF" else args.big_runs
            url = path.format(id=case.unit_id)
            if not case.big:
                client.get(url)  # warm-up: templates compiled, libraries imported
            times, counts = [], []
            body = b""
            for _ in range(runs):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url)
                body = response.get_data()  # the whole body, as a download reads it
                times.append(time.perf_counter() - started)
                counts.append(len(statements))
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                one_request = list(statements)
            if response.headers.get("Content-Encoding") == "gzip":
                import gzip

                body = gzip.decompress(body)
            results.append(
                {
                    "case": case,
                    "format": fmt,
                    "runs": runs,
                    "median": harness.median_ms(times),
                    "min": min(times) * 1000,
                    "sql": counts[0],
                    "sql_varies": len(set(counts)) > 1,
                    "output": describe(fmt, body),
                    "statements": one_request,
                    "baseline": case_baseline,
                }
            )
            row = results[-1]
            print(
                f"  {case.label:<17}{fmt:<8} {row['median']:>9.1f} ms  ({runs} runs,"
                f" {row['sql']} SQL, bare query {case_baseline:.2f} ms)"
            )
    return results


def print_table(results: list[dict], show_sql: bool) -> None:
    head = (
        f"{'case':<18}{'people':>7}{'attempts':>9}{'quizzes':>8}  {'format':<9}{'runs':>4}"
        f"{'median ms':>11}{'min ms':>10}{'SQL':>5}{'bare ms':>9}{'ratio':>8}  output"
    )
    print("\n" + head)
    print("-" * (len(head) + 22))
    for r in results:
        case = r["case"]
        sql = f"{r['sql']}{'*' if r['sql_varies'] else ''}"
        ratio = r["median"] / r["baseline"] if r["baseline"] else float("nan")
        print(
            f"{case.label:<18}{case.people:>7,}{case.attempts:>9,}{case.quizzes:>8}  "
            f"{r['format']:<9}{r['runs']:>4}{r['median']:>11.1f}{r['min']:>10.1f}{sql:>5}"
            f"{r['baseline']:>9.2f}{ratio:>7.0f}×  {r['output']}"
        )
    print(
        "bare ms: the one GROUP BY every gradebook and report needs (attempts per person and"
        " quiz), straight on the connection, in this run; ratio: the request's median ÷ it."
    )
    if any(r["sql_varies"] for r in results):
        print("* the statement count differed between runs; the first run's is shown")
    print("\nSQL statements per request, by format (login session, report queries, audit):")
    cases = list(dict.fromkeys(r["case"].label for r in results))
    print(f"  {'format':<9}" + "".join(f"{c:>20}" for c in cases))
    for fmt, _path in ALL_FORMATS:
        counts = {r["case"].label: r["sql"] for r in results if r["format"] == fmt}
        print(f"  {fmt:<9}" + "".join(f"{counts.get(c, '—')!s:>20}" for c in cases))
    repeated = repeated_statements(results)
    if repeated:
        print("\nStatements run more than once in one request (they grow, but not with people):")
        for label, lines in repeated.items():
            print(f"  {label}:")
            for count, sql in lines:
                print(f"    {count:>3}×  {sql[:110]}")
    if show_sql:
        for r in results:
            print(f"\n{r['case'].label} {r['format']}: {r['sql']} statements")
            for sql in r["statements"]:
                print(f"    {sql[:160]}")


def repeated_statements(results: list[dict]) -> dict[str, list[tuple[int, str]]]:
    """Per case, for its HTML request: statement texts that ran more than once."""
    from collections import Counter

    found = {}
    for r in results:
        if r["format"] != "HTML":
            continue
        counts = Counter(r["statements"])
        lines = sorted(((n, sql) for sql, n in counts.items() if n > 1), reverse=True)
        if lines:
            found[f"{r['case'].label} HTML ({r['case'].quizzes} quizzes)"] = lines
    return found


def check_growth(results: list[dict]) -> bool:
    """Classes with the same quizzes must run the same statements, whatever their size (the
    reports and the gradebooks alike)."""
    ok = True
    classes = [r for r in results if not r["case"].big and not r["case"].school]
    for fmt, _path in ALL_FORMATS:
        counts = {r["sql"] for r in classes if r["format"] == fmt}
        if len(counts) > 1:
            print(f"GROWS: {fmt} runs {sorted(counts)} statements for classes of different sizes")
            ok = False
    if ok:
        print("The classes (same quizzes, different sizes) run the same statements: no growth.")
    return ok


def prepare_database(url: str, reset: bool) -> None:
    """PostgreSQL (or any URL given): refuse a database that already holds tables."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
        if tables and not reset:
            raise SystemExit(
                f"{url} already has tables ({', '.join(sorted(tables)[:5])}…): give an empty "
                "database, or --reset-database to drop its public schema (throw-away servers only)"
            )
        if tables:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed requests per class format")
    ap.add_argument("--big-runs", type=int, default=3, help="timed requests, 5,000 people")
    ap.add_argument("--big-pdf-runs", type=int, default=1, help="timed PDFs, 5,000 people")
    ap.add_argument("--skip-big-pdf", action="store_true", help="no PDF for 5,000 people")
    ap.add_argument("--classes", default="40,400", help="class sizes (comma-separated)")
    ap.add_argument("--school", type=int, default=400, help="pupils of the school (0: none)")
    ap.add_argument("--no-commune", action="store_true", help="leave out the 5,000 people")
    ap.add_argument("--database-url", help="e.g. postgresql+psycopg://… (an empty database)")
    ap.add_argument("--reset-database", action="store_true", help="drop its public schema first")
    ap.add_argument("--sql", action="store_true", help="print each request's statements")
    args = ap.parse_args(argv)

    busy = harness.cpu_busy(1.0)
    if busy is not None:
        print(f"CPU busy before the run (other processes, 1 s): {busy * 100:.0f} %")
    tmp = Path(tempfile.mkdtemp(prefix="lantoa-reports-"))
    try:
        url = args.database_url or f"sqlite:///{tmp / 'reports.sqlite'}"
        if args.database_url:
            prepare_database(url, args.reset_database)
        started = time.perf_counter()
        app = harness.inprocess_app(url)
        with app.app_context():
            from extensions import db

            print(f"database: {db.engine.dialect.name} ({db.engine.dialect.driver})")
        sizes = [int(s) for s in args.classes.split(",") if s.strip()]
        cases, counters = build_world(app, sizes, args.school, not args.no_commune)
        rows = ", ".join(f"{t} {n:,}" for t, n in counters.rows.items())
        print(f"set-up {time.perf_counter() - started:.1f} s: {rows}")
        started = time.perf_counter()
        results = measure(app, cases, args)
        print(f"measured in {time.perf_counter() - started:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(results, args.sql)
    return 0 if check_growth(results) else 1


if __name__ == "__main__":
    sys.exit(main())
