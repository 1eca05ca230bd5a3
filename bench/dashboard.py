"""Indicators dashboard and half-year report on a generated commune (issue 5's benchmark).

20 villages, 3 schools with 30 classes, 2 agencies, 30,000 participants, 1,000,000 attempts (and
one visit per attempt). Prints the time of the dashboard for a half-year period and of the
report PDF, on SQLite (default) or on the PostgreSQL given by --database-url (a fresh database:
its tables are dropped and migrated). Run: .venv/bin/python bench/dashboard.py [--attempts N]
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import event, insert, text

import database
from app import create_app
from extensions import db
from models import Attempt, Participant, Quiz, Visit
from services import documents
from services.common import periods
from services.content import loader as content_loader
from services.org import staff
from services.org.units import create_unit
from services.reporting import half_year
from services.reporting.targets import seed_plan_targets

ROLES_BY_KIND = {"village": "villager", "class": "student", "agency": "official"}


def build(participants: int, attempts: int, seed: int = 7) -> list[int]:
    """Units, participants, attempts and visits, inserted in bulk."""
    rng = random.Random(seed)
    commune = create_unit("commune", "Xã mẫu", target_population=0)
    units = [
        create_unit("village", f"Thôn {i + 1}", commune, target_population=1200) for i in range(20)
    ]
    for s in range(3):
        school = create_unit("school", f"Trường {s + 1}", commune)
        units += [
            create_unit("class", f"Lớp {s + 1}-{c + 1}", school, target_population=35)
            for c in range(10)
        ]
    units += [
        create_unit("agency", f"Cơ quan {a + 1}", commune, target_population=60) for a in range(2)
    ]
    content_loader.load(ROOT / "quizzes")
    seed_plan_targets()
    database.commit()
    quizzes = [(q.id, q.current_version.id) for q in Quiz.query.all()]
    rows = []
    for n in range(participants):
        unit = rng.choice(units)
        rows.append(
            {
                "id": n + 1,
                "token_hash": f"{n:064d}",
                "display_name": f"Người {n}",
                "role": ROLES_BY_KIND[unit.kind],
                "unit_id": unit.id,
                "age_band": "30-44",
            }
        )
    unit_of = {r["id"]: r["unit_id"] for r in rows}
    db.session.execute(insert(Participant), rows)
    start = dt.datetime(2025, 1, 1)
    span = int((dt.datetime(2026, 11, 1) - start).total_seconds())
    batch_a, batch_v, number = [], [], {}
    for n in range(attempts):
        pid = rng.randint(1, participants)
        quiz_id, version_id = rng.choice(quizzes)
        key = (pid, quiz_id)
        number[key] = number.get(key, 0) + 1
        when = start + dt.timedelta(seconds=rng.randrange(span))
        score = rng.choice((25, 50, 75, 100))
        batch_a.append(
            {
                "public_id": f"a{n}",
                "participant_id": pid,
                "quiz_id": quiz_id,
                "quiz_version_id": version_id,
                "number": number[key],
                "submission_token": f"t{n:020d}",
                "unit_id": unit_of[pid],
                "correct_count": score // 25,
                "question_count": 4,
                "score_percent": score,
                "passed": score >= 75,
                "submitted_at": when,
            }
        )
        batch_v.append(
            {
                "participant_id": pid,
                "kind": "quiz",
                "quiz_id": quiz_id,
                "unit_id": unit_of[pid],
                "visited_at": when,
            }
        )
        if len(batch_a) == 20000:
            db.session.execute(insert(Attempt), batch_a)
            db.session.execute(insert(Visit), batch_v)
            batch_a, batch_v = [], []
    if batch_a:
        db.session.execute(insert(Attempt), batch_a)
        db.session.execute(insert(Visit), batch_v)
    database.commit()
    # After a bulk import, refresh the planner's statistics at once (the app also does it
    # every few minutes on its own).
    db.session.execute(text("ANALYZE"))
    database.commit()
    return [u.id for u in units]


def timed(client, url: str, runs: int, counter: list) -> tuple[float, int, int]:
    times, statements = [], 0
    for _ in range(runs):
        counter[0] = 0
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        statements = counter[0]
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), statements, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade(directory=str(ROOT / "migrations"))
            began = time.perf_counter()
            build(args.participants, args.attempts)
            print(
                f"generated {args.participants:,} participants, {args.attempts:,} attempts and "
                f"visits on {db.engine.dialect.name} in {time.perf_counter() - began:.0f} s"
            )
            staff.create_staff("bench.admin", "Bench", "bench-password-123", "admin")
            database.commit()
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
        print(f"{'case':44} {'median ms':>10} {'SQL':>5} {'bytes':>8}")
        for label, target in (
            ("dashboard 2026-H1", "/staff/indicators/?period=2026-H1"),
            ("dashboard 2025 (whole year)", "/staff/indicators/?period=2025"),
        ):
            median, statements, size = timed(client, target, args.runs, counter)
            flag = "PASS" if median < 0.5 else "MISS"
            print(
                f"{label:44} {median * 1000:10.0f} {statements:5d} {size:8d}  "
                f"target < 500 ms: {flag}"
            )
        with app.test_request_context():
            named = periods.parse("2026-H1")
            began = time.perf_counter()
            snap = half_year.snapshot(named, "Asia/Ho_Chi_Minh", dt.date(2026, 6, 5), {})
            snap_ms = (time.perf_counter() - began) * 1000
            report = type("R", (), {})()
            for key, value in {
                "period_key": "2026-H1",
                "number": "1/BC-UBND",
                "report_date": dt.date(2026, 6, 5),
                "results_text": "",
                "difficulties": "",
                "proposals": "",
                "signer_authority": "TM. ỦY BAN NHÂN DÂN",
                "signer_title": "CHỦ TỊCH",
                "signer_capacity": "chairman",
                "signer_name": "",
                "recipients": "- Lưu: VT, VHXH.",
                "snapshot": snap,
            }.items():
                setattr(report, key, value)
            began = time.perf_counter()
            pdf = documents.half_year_pdf(report, {})
            pdf_ms = (time.perf_counter() - began) * 1000
        print(f"{'half-year snapshot (figures, SQL)':44} {snap_ms:10.0f}")
        print(f"{'half-year report PDF (render)':44} {pdf_ms:10.0f} {'':5} {len(pdf):8d}")


if __name__ == "__main__":
    main()
