"""A province on PostgreSQL: the province dashboard, one commune's, the summary XLSX and a
learner's submit while the dashboard is read, each beside a bare SQL scan (issue 17).

65 communes (10 villages, 2 agencies and a school with 10 classes each) × 10,000 people ×
8 attempts (and a visit per attempt): ≈ 5.2 million attempts, generated with set-based SQL
(INSERT … SELECT generate_series) into a fresh database (its tables are dropped and migrated),
then the indicators' aggregate filled with `flask indicators rebuild`'s SQL. A `commune_id`
column is filled wherever a table has one (the tenancy work adds them).

Run: .venv/bin/python bench/province.py --database-url postgresql+psycopg://…/db
     [--communes 65] [--people 10000] [--attempts 8] [--runs 5] [--submits 300]
"""

import argparse
import datetime as dt
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import inspect, text

import database
from app import create_app
from extensions import db
from models import Participant, Quiz
from services.common import periods
from services.common.periods import Period
from services.content import loader as content_loader
from services.participation import attempts, drawing
from services.render import exports
from services.reporting import indicators
from services.reporting.province import province_figures
from services.tally import indicator_store, training

TZ = "Asia/Ho_Chi_Minh"
PERIOD_KEY = "2026-H1"
# Leaf units per commune, by position: 10 villages, 2 agencies, 10 classes (in one school).
LEAVES = [("village", "villager")] * 10 + [("agency", "official")] * 2 + [("class", "student")] * 10


def columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def with_commune(table: str, names: list[str], values: list[str], commune_sql: str):
    """The column list and SELECT list, with commune_id when the table has one."""
    if "commune_id" in columns(table):
        return [*names, "commune_id"], [*values, commune_sql]
    return names, values


def generate(communes: int, people: int, per_person: int) -> None:
    """Units, people, attempts and visits, set-based; every statement one INSERT … SELECT."""
    run = db.session.execute
    leaves = len(LEAVES)
    # Communes, then each commune's school, then its leaves (ids computed, not looked up).
    run(
        text(
            "INSERT INTO units (id, kind, name, target_population, is_sample, created_at) "
            "SELECT c, 'commune', 'Xã ' || lpad(c::text, 2, '0'), NULL, false, now() "
            "FROM generate_series(1, :n) c"
        ),
        {"n": communes},
    )
    run(
        text(
            "INSERT INTO units (id, parent_id, kind, name, is_sample, created_at) "
            "SELECT 1000 + c, c, 'school', 'Trường xã ' || c, false, now() "
            "FROM generate_series(1, :n) c"
        ),
        {"n": communes},
    )
    kinds = "ARRAY[" + ",".join(f"'{kind}'" for kind, _ in LEAVES) + "]"
    roles = "ARRAY[" + ",".join(f"'{role}'" for _, role in LEAVES) + "]"
    share = people // leaves
    run(
        text(
            "INSERT INTO units"
            " (id, parent_id, kind, name, target_population, is_sample, created_at) "
            "SELECT 10000 + c * 100 + l, "
            f"CASE WHEN ({kinds})[l] = 'class' THEN 1000 + c ELSE c END, "
            f"({kinds})[l], ({kinds})[l] || ' ' || l || ' xã ' || c, :share, false, now() "
            "FROM generate_series(1, :n) c, generate_series(1, :leaves) l"
        ),
        {"n": communes, "leaves": leaves, "share": share},
    )
    # People: person p of commune c lives in leaf (p mod leaves) + 1.
    leaf = f"(p % {leaves}) + 1"
    names, values = with_commune(
        "participants",
        [
            "id",
            "token_hash",
            "display_name",
            "role",
            "unit_id",
            "age_band",
            "created_at",
            "last_seen_at",
        ],
        [
            f"c * {people} + p",
            f"lpad((c * {people} + p)::text, 64, '0')",
            "'Người ' || p",
            f"({roles})[{leaf}]",
            f"10000 + c * 100 + {leaf}",
            "'30-44'",
            "now()",
            "now()",
        ],
        "c",
    )
    run(
        text(
            f"INSERT INTO participants ({', '.join(names)}) SELECT {', '.join(values)} "
            "FROM generate_series(1, :n) c, generate_series(0, :people - 1) p"
        ),
        {"n": communes, "people": people},
    )
    database.commit()
    # Attempts: k-th attempt of a person at quiz k mod Q, attempt number k div Q + 1; the time
    # spread over June 2025 – November 2026 by a hash of (person, k); 60 % pass.
    quiz_rows = db.session.execute(
        text("SELECT quiz_id, max(id) FROM quiz_versions GROUP BY quiz_id ORDER BY quiz_id")
    ).all()
    quiz_ids = "ARRAY[" + ",".join(str(q) for q, _ in quiz_rows) + "]"
    version_ids = "ARRAY[" + ",".join(str(v) for _, v in quiz_rows) + "]"
    nq = len(quiz_rows)
    spread = int((dt.datetime(2026, 11, 30) - dt.datetime(2025, 6, 1)).total_seconds())
    when = (
        "timestamp '2025-06-01' + interval '1 second' * "
        f"((hashtext(p.id::text || ':' || k) & 2147483647) % {spread})"
    )
    commune_of = "(p.unit_id - 10000) / 100"
    names, values = with_commune(
        "attempts",
        [
            "public_id",
            "participant_id",
            "quiz_id",
            "quiz_version_id",
            "number",
            "submission_token",
            "unit_id",
            "correct_count",
            "question_count",
            "score_percent",
            "passed",
            "submitted_at",
        ],
        [
            "'a' || p.id || '-' || k",
            "p.id",
            f"({quiz_ids})[(k % {nq}) + 1]",
            f"({version_ids})[(k % {nq}) + 1]",
            f"k / {nq} + 1",
            "'t' || p.id || '-' || k",
            "p.unit_id",
            "s",
            "4",
            "s * 25",
            "s >= 3",
            when,
        ],
        commune_of,
    )
    run(
        text(
            f"INSERT INTO attempts ({', '.join(names)}) SELECT {', '.join(values)} "
            "FROM (SELECT p.*, k, (hashtext(p.id::text || '/' || k) & 7) % 5 AS s0 "
            "      FROM participants p, generate_series(0, :k - 1) k) p, "
            "LATERAL (SELECT CASE WHEN p.s0 >= 2 THEN 4 ELSE p.s0 END AS s) score"
        ),
        {"k": per_person},
    )
    names, values = with_commune(
        "visits",
        ["participant_id", "kind", "quiz_id", "unit_id", "visited_at", "counts_reach"],
        ["a.participant_id", "'quiz'", "a.quiz_id", "a.unit_id", "a.submitted_at", "true"],
        "(a.unit_id - 10000) / 100",
    )
    run(text(f"INSERT INTO visits ({', '.join(names)}) SELECT {', '.join(values)} FROM attempts a"))
    for table in ("units", "participants", "attempts", "visits"):
        run(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    database.commit()


def bare_scan(period: Period, units: list[int] | None = None) -> dict:
    """The baseline: COUNT(DISTINCT participant_id) over the raw visits and passed training
    attempts for the period, grouped by commune (a unit's commune by its id here)."""
    low, high = period.bounds()
    where_units = "AND unit_id = ANY(:units)" if units else ""
    params = {"low": low, "high": high, "units": units}
    reached = db.session.execute(
        text(
            "SELECT (unit_id - 10000) / 100, COUNT(DISTINCT participant_id) FROM visits "
            f"WHERE counts_reach AND visited_at >= :low AND visited_at < :high {where_units} "
            "GROUP BY 1"
        ),
        params,
    ).all()
    by_role = training.training_quizzes()
    trained = db.session.execute(
        text(
            "SELECT (a.unit_id - 10000) / 100, COUNT(DISTINCT a.participant_id) FROM attempts a "
            "JOIN participants p ON p.id = a.participant_id "
            f"WHERE a.passed AND a.submitted_at >= :low AND a.submitted_at < :high "
            f"{where_units.replace('unit_id', 'a.unit_id')} AND ("
            + " OR ".join(
                f"(p.role = '{role}' AND a.quiz_id = ANY(ARRAY[{','.join(map(str, ids))}]))"
                for role, ids in by_role.items()
            )
            + ") GROUP BY 1"
        ),
        params,
    ).all()
    return {"reached": dict(reached), "trained": dict(trained)}


def materialised_view(period: Period) -> tuple[float, float]:
    """The alternative the issue names: the same rows as a materialised view (every period,
    the rebuild's SELECT), refreshed concurrently; the time of one refresh and of the
    province's read from it (the same grouped count as by_unit)."""
    by_role = training.training_quizzes()
    keys = indicator_store.all_keys(db.session)
    selects = [
        str(
            indicator_store.rows_for(key, TZ, by_role).compile(
                db.engine, compile_kwargs={"literal_binds": True}
            )
        )
        for key in keys
    ]
    run = db.session.execute
    run(text("DROP MATERIALIZED VIEW IF EXISTS indicator_people_mv"))
    run(
        text(
            "CREATE MATERIALIZED VIEW indicator_people_mv (period_key, unit_id, participant_id, "
            "reached_at, trained_at) AS " + " UNION ALL ".join(f"({q})" for q in selects)
        )
    )
    run(text("CREATE UNIQUE INDEX ON indicator_people_mv (period_key, unit_id, participant_id)"))
    database.commit()
    began = time.perf_counter()
    run(text("REFRESH MATERIALIZED VIEW CONCURRENTLY indicator_people_mv"))
    database.commit()
    refresh = time.perf_counter() - began
    key = indicator_store.key_for(period)
    read, _ = median_of(
        lambda: run(
            text(
                "SELECT unit_id, count(reached_at), count(trained_at) FROM indicator_people_mv "
                "WHERE period_key = :key GROUP BY unit_id"
            ),
            {"key": key},
        ).all(),
        3,
    )
    run(text("DROP MATERIALIZED VIEW indicator_people_mv"))
    database.commit()
    return refresh, read


def median_of(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def summary_xlsx(period: Period, path: Path) -> int:
    """The compiled summary: a sheet per indicator, a row per commune (streaming writer)."""
    rows = province_figures(period)
    sheets = [
        exports.Sheet(
            title,
            ["Xã", "Dân số", "Số người", "Tỷ lệ (%)"],
            (
                [
                    r.name,
                    r.population,
                    getattr(r, attr),
                    None
                    if getattr(r, f"{attr}_share") is None
                    else round(getattr(r, f"{attr}_share") * 100, 1),
                ]
                for r in rows
            ),
        )
        for title, attr in (("Được tiếp cận", "reached"), ("Đã tập huấn", "trained"))
    ]
    with path.open("wb") as target:
        exports.write_xlsx(sheets, target)
    return path.stat().st_size


def submit_latencies(app, count: int, learner_id: int) -> list[float]:
    """A learner's quiz submits (scored, recorded, counted in the aggregate, committed)."""
    with app.app_context():
        quiz = next(q for q in Quiz.query.order_by(Quiz.id) if "villager" in q.training_for)
        version, lesson = quiz.current_version, quiz.lesson  # held, as the submit request
        learner = db.session.get(Participant, learner_id)
        times = []
        for _ in range(count):
            token = secrets.token_urlsafe(24)
            asked = drawing.drawn_questions(version.definition, token)
            right = {q["id"]: _right(q) for q in asked}
            sub = attempts.Submission(learner, version, right, token, None)
            began = time.perf_counter()
            attempts.submit_attempt(sub)
            database.commit()
            times.append(time.perf_counter() - began)
            learner = db.session.get(Participant, learner.id)
        assert lesson is not None or quiz.lesson is None
        return times


def _right(question: dict) -> list[str]:
    key = question["answer"]
    if question["type"] == "true_false":
        return [str(bool(key)).lower()]
    return list(key if isinstance(key, list) else [key])


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--communes", type=int, default=65)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submits", type=int, default=300)
    args = parser.parse_args()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench", "TIMEZONE": TZ}
    )
    named = periods.parse(PERIOD_KEY)
    period = Period(named.start, named.end, TZ)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql", "the province bench runs on PostgreSQL"
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
        content_loader.load(ROOT / "quizzes")
        database.commit()
        began = time.perf_counter()
        generate(args.communes, args.people, args.attempts)
        generated = time.perf_counter() - began
        db.session.execute(text("ANALYZE"))
        database.commit()
        began = time.perf_counter()
        written = indicator_store.rebuild()
        database.commit()
        rebuilt = time.perf_counter() - began
        db.session.execute(text("ANALYZE indicator_people"))
        database.commit()
        counts = db.session.execute(
            text(
                "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM attempts), "
                "(SELECT count(*) FROM visits)"
            )
        ).one()
        print(
            f"{args.communes} communes, {counts[0]:,} people, {counts[1]:,} attempts, "
            f"{counts[2]:,} visits generated in {generated:.0f} s; aggregate rebuilt "
            f"({written:,} rows) in {rebuilt:.0f} s"
        )

        bare_s, bare = median_of(lambda: bare_scan(period), args.runs)
        prov_s, rows = median_of(lambda: province_figures(period), args.runs)
        # The same numbers, from the aggregate and from the raw rows.
        by_commune = {r.unit_id: (r.reached, r.trained) for r in rows}
        assert all(
            by_commune[c] == (bare["reached"].get(c, 0), bare["trained"].get(c, 0))
            for c in by_commune
        ), "the aggregate disagrees with the raw scan"
        one = rows[0].unit_id
        subtree = {one, 1000 + one, *(10000 + one * 100 + leaf for leaf in range(1, 23))}
        bare_one_s, _ = median_of(lambda: bare_scan(period, sorted(subtree)), args.runs)
        one_s, _ = median_of(lambda: indicators.figures(period, subtree), args.runs)
        with tempfile.TemporaryDirectory() as tmp:
            xlsx_s, size = median_of(lambda: summary_xlsx(period, Path(tmp) / "t.xlsx"), args.runs)

        mv_refresh_s, mv_read_s = materialised_view(period)

    idle = submit_latencies(app, args.submits, args.people + 5)  # a villager
    stop = threading.Event()
    reads = [0]

    def read_dashboard():
        with app.app_context():
            while not stop.is_set():
                province_figures(period)
                db.session.rollback()
                reads[0] += 1

    reader = threading.Thread(target=read_dashboard)
    reader.start()
    try:
        loaded = submit_latencies(app, args.submits, args.people + 5)  # a villager
    finally:
        stop.set()
        reader.join()

    def line(label, seconds, base, target=""):
        ratio = seconds / base if base else float("nan")
        print(f"{label:40} {seconds * 1000:9.0f} {base * 1000:9.0f} {ratio:7.3f}  {target}")

    print(f"\n{'case (' + PERIOD_KEY + ')':40} {'ms':>9} {'bare ms':>9} {'ratio':>7}  target")
    verdict = "PASS" if prov_s <= 1 and prov_s <= 0.2 * bare_s else "MISS"
    line("province dashboard (row per commune)", prov_s, bare_s, f"≤ 1 s and ≤ 0.2×: {verdict}")
    line("one commune's dashboard (figures)", one_s, bare_one_s)
    line(f"summary XLSX ({size:,} bytes)", xlsx_s, bare_s)
    line("alternative: materialised view, read", mv_read_s, bare_s)
    line("alternative: REFRESH … CONCURRENTLY", mv_refresh_s, bare_s, "(one refresh)")
    print(
        f"\nsubmit (scored, recorded, counted, committed), {args.submits} each, "
        f"{reads[0]} dashboard reads meanwhile:"
    )
    verdict = "PASS" if p(loaded, 0.99) < 0.1 else "MISS"
    print(
        f"  idle:           p50 {p(idle, 0.5) * 1000:6.1f} ms  p99 {p(idle, 0.99) * 1000:6.1f} ms"
    )
    print(
        f"  during reads:   p50 {p(loaded, 0.5) * 1000:6.1f} ms  p99 "
        f"{p(loaded, 0.99) * 1000:6.1f} ms  target p99 < 100 ms: {verdict}"
    )


if __name__ == "__main__":
    main()
