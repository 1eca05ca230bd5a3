"""Survey results page and CSV/XLSX exports on 50,000 responses per bundled survey (issues 6, 17).

Builds a commune (20 villages, a school with 10 classes), N participants and N responses to
each bundled survey (the named reach survey and the anonymous digital-services one), with
answers drawn at random within each question's rules, inserted in bulk (executemany). Then
times, through Flask's test client as a logged-in admin: the results page, the CSV and the
XLSX export, for the whole commune and for one village and one month; against a same-run
baseline: the bare GROUP BY (question, choice) and the bare SELECT of every answer row over
the same responses. Prints medians, SQL statements per request and ratios.

Exports (issue 17, targets: 50,000 responses in ≤ 2 s as CSV and ≤ 4 s as XLSX): each export
is also set against bare writers over the same answer rows fetched through the raw DB-API
connection (sqlite3 / psycopg): a bare `csv.writer`, a bare openpyxl write-only workbook and a
bare XlsxWriter constant-memory workbook. Then the peak Python memory (tracemalloc) of one
whole-commune export of each format, read piece by piece as a browser would, and the process's
maximum resident size.

Run: .venv/bin/python bench/survey_results.py [--responses N] [--runs 5]
     [--database-url postgresql+psycopg://…]   (a throw-away database: its schema is dropped)
"""

import argparse
import csv
import datetime as dt
import io
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlsxwriter
from flask_migrate import upgrade
from openpyxl import Workbook
from sqlalchemy import event, insert, text

import database
from app import create_app
from extensions import db
from models import Participant, Survey, SurveyAnswer, SurveyResponse
from services.content import loader as content_loader
from services.content.survey_schema import OTHER
from services.org import staff
from services.org.units import create_unit

SURVEYS = ("khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung")
FIRST_DAY, DAYS = dt.date(2026, 1, 1), 181
OTHER_TEXTS = ("Đài phát thanh tỉnh", "Con cháu trong nhà", "Cán bộ xã đến nhà", "Chợ phiên")
FREE_TEXTS = (
    "Nên mở thêm lớp hướng dẫn buổi tối",
    "Loa thôn nói nhỏ, khó nghe",
    "Cần người hướng dẫn cài VNeID",
    "Mạng yếu ở cuối thôn",
    "Muốn học bán hàng trên mạng",
)


def _answer(question: dict, rng: random.Random) -> list[dict]:
    """Rows for one question, within its rules; optional questions are skipped sometimes."""
    qid, kind = question["id"], question["type"]
    if not question.get("required", True) and rng.random() < 0.3:
        return []
    if kind == "likert":
        point = rng.choices("12345", weights=(1, 2, 3, 5, 3))[0]
        return [{"question_id": qid, "choice_id": point}]
    if kind in ("single", "multiple"):
        ids = [c["id"] for c in question["choices"]]
        weights = [len(ids) - i for i in range(len(ids))]
        if kind == "single":
            chosen = rng.choices(ids, weights=weights)
        else:
            chosen = sorted(set(rng.choices(ids, weights=weights, k=rng.randint(1, 3))))
            alone = [c["id"] for c in question["choices"] if c.get("exclusive")]
            if set(alone) & set(chosen):  # an exclusive choice stands alone
                return [{"question_id": qid, "choice_id": rng.choice(alone)}]
        rows = [{"question_id": qid, "choice_id": c} for c in chosen]
        if question.get("other") and rng.random() < 0.06:
            rows.append(
                {"question_id": qid, "choice_id": OTHER, "text_value": rng.choice(OTHER_TEXTS)}
            )
        return rows
    if kind == "number":
        value = min(question.get("max", 1000), int(rng.expovariate(1 / 12)))
        return [{"question_id": qid, "number_value": float(value)}]
    if rng.random() < 0.75:  # most people leave the free text empty
        return []
    return [{"question_id": qid, "text_value": f"{rng.choice(FREE_TEXTS)} ({rng.randint(1, 99)})"}]


def build(responses: int, seed: int = 11) -> tuple[int, int]:
    """Units, participants and `responses` responses to each bundled survey, in bulk.
    Returns (a village id, answer rows inserted)."""
    rng = random.Random(seed)
    commune = create_unit("commune", "Xã mẫu", target_population=0)
    villages = [create_unit("village", f"Thôn {i + 1}", commune) for i in range(20)]
    school = create_unit("school", "Trường THCS", commune)
    classes = [create_unit("class", f"Lớp {i + 6}A", school) for i in range(10)]
    content_loader.load(ROOT / "quizzes")
    database.commit()
    units = [u.id for u in villages + classes]
    people = []
    for n in range(responses):
        people.append(
            {
                "id": n + 1,
                "token_hash": f"{n:064d}",
                "display_name": f"Người {n}",
                "role": "villager",
                "unit_id": rng.choice(units),
                "age_band": "30-44",
            }
        )
    for chunk in range(0, responses, 20000):
        db.session.execute(insert(Participant), people[chunk : chunk + 20000])
    response_id, answer_rows = 0, 0
    for slug in SURVEYS:
        survey = Survey.query.filter_by(slug=slug).one()
        version = survey.current_version
        batch_r, batch_a = [], []
        for n in range(responses):
            response_id += 1
            person = people[n]
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            when = None
            if not survey.anonymous:
                when = dt.datetime.combine(day, dt.time(1)) + dt.timedelta(
                    seconds=rng.randrange(12 * 3600)
                )
            batch_r.append(
                {
                    "id": response_id,
                    "survey_id": survey.id,
                    "survey_version_id": version.id,
                    "participant_id": None if survey.anonymous else person["id"],
                    "respondent_key": f"{n:064x}" if survey.anonymous else f"p{person['id']}",
                    "unit_id": person["unit_id"],
                    "submission_token": f"t{response_id:020d}",
                    "revision": 1,
                    "submitted_on": day,
                    "submitted_at": when,
                    "updated_at": when,
                }
            )
            given: dict[str, set] = {}  # choices so far: a `show_if` question needs them
            for question in version.questions:
                rule = question.get("show_if")
                if rule and not given.get(rule["question"], set()) & set(rule["choices"]):
                    continue  # not asked
                for row in _answer(question, rng):
                    batch_a.append({"response_id": response_id, **row})
                    given.setdefault(question["id"], set()).add(row.get("choice_id"))
            if len(batch_r) == 5000:
                answer_rows += _flush(batch_r, batch_a)
                batch_r, batch_a = [], []
        if batch_r:
            answer_rows += _flush(batch_r, batch_a)
    database.commit()
    db.session.execute(text("ANALYZE"))
    database.commit()
    return villages[0].id, answer_rows


def _flush(batch_r: list[dict], batch_a: list[dict]) -> int:
    db.session.execute(insert(SurveyResponse), batch_r)
    for key in ("choice_id", "number_value", "text_value"):  # one shape for executemany
        for row in batch_a:
            row.setdefault(key, None)
    db.session.execute(insert(SurveyAnswer), batch_a)
    return len(batch_a)


# The least a tally needs: every answer of the survey counted per question and choice.
BARE_GROUP_BY = text(
    "SELECT a.question_id, a.choice_id, count(*) FROM survey_answers a "
    "JOIN survey_responses r ON a.response_id = r.id WHERE r.survey_id = :survey "
    "GROUP BY a.question_id, a.choice_id"
)
# The least an export needs: every answer row of the survey, fetched.
BARE_ROWS = text(
    "SELECT a.response_id, a.question_id, a.choice_id, a.number_value, a.text_value "
    "FROM survey_answers a JOIN survey_responses r ON a.response_id = r.id "
    "WHERE r.survey_id = :survey"
)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_get(client, url: str, runs: int, counter: list) -> tuple[float, int, int]:
    client.get(url)  # warm-up, untimed
    times, statements, size = [], 0, 0
    for _ in range(runs):
        counter[0] = 0
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
        statements, size = counter[0], len(response.data)
    return _median_ms(times), statements, size


def timed_sql(app, query, survey_id: int, runs: int) -> float:
    times = []
    with app.app_context():
        for _ in range(runs + 1):
            began = time.perf_counter()
            db.session.execute(query, {"survey": survey_id}).fetchall()
            times.append(time.perf_counter() - began)
            db.session.rollback()
    return _median_ms(times[1:])


def _bare_rows(app, survey_id: int) -> list[tuple]:
    """The answer rows through the raw DB-API connection (no SQLAlchemy, no ORM)."""
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            placeholder = "?" if db.engine.dialect.name == "sqlite" else "%s"
            cursor.execute(str(BARE_ROWS).replace(":survey", placeholder), (survey_id,))
            return cursor.fetchall()
        finally:
            connection.close()


def _bare_csv(app, survey_id: int) -> int:
    rows = _bare_rows(app, survey_id)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return len(buffer.getvalue().encode("utf-8"))


def _bare_openpyxl(app, survey_id: int) -> int:
    rows = _bare_rows(app, survey_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("rows")
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as target:
        workbook.save(target)
        return target.tell()


def _bare_xlsxwriter(app, survey_id: int) -> int:
    rows = _bare_rows(app, survey_id)
    with tempfile.TemporaryFile() as target:
        workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
        sheet = workbook.add_worksheet("rows")
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
        workbook.close()
        return target.tell()


def timed_call(function, runs: int) -> float:
    function()  # warm-up, untimed
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return _median_ms(times)


def peak_memory(client, url: str) -> tuple[float, int]:
    """Peak traced Python memory (MB) while one export is made and read piece by piece."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    size = 0
    response = client.get(url, buffered=False)
    for piece in response.response:
        size += len(piece)
    response.close()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024, size


def export_bench(app, client, ids: dict[str, int], runs: int) -> None:
    """The whole-commune exports against the bare writers, and their peak memory."""
    print()
    print(
        f"{'export, whole commune':46} {'median ms':>10} {'bare ms':>8} {'ratio':>6} {'target':>7}"
    )
    for slug in SURVEYS:
        survey_id = ids[slug]
        bare_csv = timed_call(lambda s=survey_id: _bare_csv(app, s), runs)
        bare_openpyxl = timed_call(lambda s=survey_id: _bare_openpyxl(app, s), runs)
        bare_xlsxwriter = timed_call(lambda s=survey_id: _bare_xlsxwriter(app, s), runs)
        print(
            f"{slug} — bare over raw DB-API rows: csv.writer {bare_csv:.0f} ms, "
            f"openpyxl write-only {bare_openpyxl:.0f} ms, "
            f"XlsxWriter constant-memory {bare_xlsxwriter:.0f} ms"
        )
        for fmt, bare, target in (("csv", bare_csv, 2000), ("xlsx", bare_xlsxwriter, 4000)):
            url = f"/staff/surveys/{slug}/export.{fmt}"
            median = timed_call(lambda url=url: client.get(url).data, runs)
            verdict = "ok" if median <= target else "over"
            print(
                f"  {fmt.upper() + ' export':44} {median:10.0f} {bare:8.0f} "
                f"{median / bare:6.1f} {target / 1000:5.0f} s {verdict}"
            )
    for slug in SURVEYS:
        for fmt in ("csv", "xlsx"):
            peak, size = peak_memory(client, f"/staff/surveys/{slug}/export.{fmt}")
            print(f"  peak Python memory, {slug} {fmt.upper()}: {peak:.1f} MB for {size:,} bytes")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"maximum resident size of this process: {maxrss:.0f} MB")
    print("ratio: the export's median ÷ the bare writer's (XLSX: XlsxWriter) over the same rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                # Every export made in the request: this measures making it, not queueing it.
                "EXPORT_JOB_MIN_ROWS": 10**9,
            }
        )
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade(directory=str(ROOT / "migrations"))
            began = time.perf_counter()
            village, answers = build(args.responses)
            dialect = db.engine.dialect.name
            print(
                f"generated {args.responses:,} responses to each of {len(SURVEYS)} surveys "
                f"({answers:,} answer rows) on {dialect} in {time.perf_counter() - began:.0f} s"
            )
            staff.create_staff("bench.admin", "Bench", "bench-password-123", "admin")
            database.commit()
            ids = {s.slug: s.id for s in Survey.query.all()}
            counter = [0]
            event.listen(
                db.engine,
                "before_cursor_execute",
                lambda *a: counter.__setitem__(0, counter[0] + 1),
            )
        client = app.test_client()
        client.post(
            "/staff/login", data={"username": "bench.admin", "password": "bench-password-123"}
        )
        print(f"{'case':58} {'median ms':>10} {'SQL':>4} {'bytes':>9} {'ratio':>7}")
        for slug in SURVEYS:
            group_by = timed_sql(app, BARE_GROUP_BY, ids[slug], args.runs)
            bare_rows = timed_sql(app, BARE_ROWS, ids[slug], args.runs)
            print(f"{slug} — baseline: bare GROUP BY {group_by:.0f} ms, rows {bare_rows:.0f} ms")
            cases = (
                ("results page", "", group_by),
                ("CSV export", "/export.csv", bare_rows),
                ("XLSX export", "/export.xlsx", bare_rows),
            )
            for scope, query in (
                ("all", ""),
                ("village, March", f"?unit={village}&from=2026-03-01&to=2026-03-31"),
            ):
                for label, suffix, baseline in cases:
                    target = f"/staff/surveys/{slug}{suffix}{query}"
                    median, statements, size = timed_get(client, target, args.runs, counter)
                    ratio = f"{median / baseline:7.1f}" if scope == "all" else f"{'':7}"
                    print(
                        f"  {label + ', ' + scope:56} {median:10.0f} {statements:4d} "
                        f"{size:9,d} {ratio}"
                    )
        print("ratio: the request's median ÷ the bare query's median (all responses)")
        export_bench(app, client, ids, args.runs)


if __name__ == "__main__":
    main()
