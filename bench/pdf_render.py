"""Certificate and poster PDFs: the app's rendering against plain WeasyPrint on the same HTML.

Run:  .venv/bin/python bench/pdf_render.py                  (9 runs per single, 5 per batch)
      .venv/bin/python bench/pdf_render.py -n 15 --batch-runs 7 --check

In one process: an app on a temporary SQLite file (migrations, quizzes/ loaded), a class of
40 students who each pass a quiz and get a certificate (services.participation.attempts and
services.participation.certificates, as the learner pages do), and 10 village
posters. Then, per case,
interleaved in the same loop:

- app    services.documents.certificate_pdf(items) / poster_pdf(items, "A4"): builds the HTML
         (QR SVG per page, Jinja template) and renders it with the app's locked-down fetcher;
- html   documents.certificate_html(items) / poster_html(items, "A4") alone;
- step   services.render.pdf.render_pdf(html): the app's WeasyPrint call on the pre-built HTML;
- plain  weasyprint.HTML(string=html, base_url=<static dir URI>).write_pdf(), default fetcher.

The target (issue 3) is app ÷ plain ≤ 1.2. app ≈ html + step, so the columns show whether a
difference comes from building the HTML or from the fetcher.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

TARGET = 1.2
CERT_QUIZ = "thanh-toan-khong-tien-mat"
CLASS_SIZE = 40
POSTERS = 10

FAMILY = ["Hoàng", "Nông", "Lường", "Vi", "Lộc", "Triệu", "Hà", "Nguyễn", "Lăng", "Chu", "Đàm"]
MIDDLE = ["Văn", "Thị", "Đức", "Thị Ngọc", "Minh", "Thị Thu", "Quốc", "Thị Bích", ""]
GIVEN = ["Thụ", "Mai", "Dũng", "Hạnh", "Sơn", "Ánh", "Phúc", "Huyền", "Tuấn", "Nguyệt", "Khánh"]
VILLAGES = [
    "Nà Pàn",
    "Bản Chu",
    "Khòn Khuyên",
    "Pác Lạn",
    "Nà Lầu",
    "Kéo Cặp",
    "Bó Mon",
    "Tổng Huồng",
]


def vietnamese_names(count: int, rng: random.Random) -> list[str]:
    names = []
    for _ in range(count):
        parts = [rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)]
        names.append(" ".join(p for p in parts if p))
    return names


def build_world(app) -> tuple[list[int], list[int]]:
    """A class whose 40 students passed a quiz (one certificate each) and 10 posters."""
    import database
    from models import Lesson, Quiz
    from services.org.units import create_unit
    from services.participation import scoring
    from services.participation.attempts import Submission, submit_attempt
    from services.participation.certificates import issue_for_attempt
    from services.participation.identity import NewIdentity, create_participant
    from services.participation.posters import create_poster

    rng = random.Random(57)
    with app.app_context():
        commune = create_unit("commune", "Xã Hoàng Văn Thụ")
        school = create_unit("school", "Trường THCS Hoàng Văn Thụ", commune)
        klass = create_unit("class", "Lớp 9A", school, target_population=CLASS_SIZE)
        version = Quiz.query.filter_by(slug=CERT_QUIZ).one().current_version
        right = {q["id"]: list(scoring.correct_choices(q)) for q in version.questions}
        certificates = []
        for index, name in enumerate(vietnamese_names(CLASS_SIZE, rng)):
            participant, _token = create_participant(
                NewIdentity(name, "student", klass.id, "under16" if index % 4 else "16-29", True),
                app.config["CONSENT_TEXT_VERSION"],
            )
            submission = Submission(participant, version, right, secrets.token_urlsafe(24), None)
            attempt, _created = submit_attempt(submission)
            certificate = issue_for_attempt(attempt, "HVT", "Asia/Ho_Chi_Minh")
            assert certificate is not None, "an all-right attempt must pass"
            certificates.append(certificate)
        lessons = Lesson.query.order_by(Lesson.position).all()
        posters = []
        for index in range(POSTERS):
            village = create_unit("village", f"Thôn {VILLAGES[index % len(VILLAGES)]}", commune)
            lesson = lessons[index % len(lessons)]
            posters.append(create_poster(f"{lesson.title} — {village.name}", village, lesson))
        database.commit()
        return [c.id for c in certificates], [p.id for p in posters]


def pdf_facts(data: bytes) -> tuple[int, frozenset[str]]:
    """Pages and the embedded font names of a PDF (to check both renderings match)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            fonts.add(name if embedded else f"{name} (not embedded)")
    return len(reader.pages), frozenset(fonts)


def measure(name: str, build_html, app_pdf, runs: int, static_dir: Path) -> dict:
    """Median times of app / html / step / plain, interleaved (the order rotates per run)."""
    from weasyprint import HTML

    from services.render.pdf import render_pdf

    html = build_html()
    base_url = static_dir.resolve().as_uri() + "/"
    functions = {
        "app": app_pdf,
        "html": build_html,
        "step": lambda: render_pdf(html, static_dir),
        "plain": lambda: HTML(string=html, base_url=base_url).write_pdf(),
    }
    outputs = {key: fn() for key, fn in functions.items()}  # warm-up, and outputs to compare
    times: dict[str, list[float]] = {key: [] for key in functions}
    keys = list(functions)
    for run in range(runs):
        shift = run % len(keys)
        for key in keys[shift:] + keys[:shift]:
            gc.collect()  # garbage of the previous render is not charged to the next one
            started = time.perf_counter()
            functions[key]()
            times[key].append(time.perf_counter() - started)
    app_facts, plain_facts = pdf_facts(outputs["app"]), pdf_facts(outputs["plain"])
    problems = []
    if app_facts != plain_facts:
        problems.append(f"app PDF {app_facts} differs from plain WeasyPrint's {plain_facts}")
    # The templates' @font-face family (Liberation Serif files) is "Doc Serif", embedded.
    if not app_facts[1] or any(not f.startswith("Doc-Serif") for f in app_facts[1]):
        problems.append(f"fonts other than the embedded Doc Serif: {sorted(app_facts[1])}")
    medians = {key: harness.median_ms(values) for key, values in times.items()}
    fastest = {key: min(values) * 1000 for key, values in times.items()}
    return {
        "name": name,
        "pages": app_facts[0],
        "html_kb": len(html.encode()) / 1024,
        "pdf_kb": len(outputs["app"]) / 1024,
        "runs": runs,
        "ratio": medians["app"] / medians["plain"],
        "app_min": fastest["app"],
        "plain_min": fastest["plain"],
        "min_ratio": fastest["app"] / fastest["plain"],
        "problems": problems,
        **medians,
    }


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'case':<22}{'pages':>6}{'runs':>5}{'app ms':>10}{'plain ms':>10}{'ratio':>7}"
        f"{'≤ 1.2':>6}{'html ms':>9}{'step ms':>9}{'min ratio':>10}{'HTML KB':>9}{'PDF KB':>8}"
    )
    print("\n" + head)
    print("-" * len(head))
    for r in rows:
        verdict = "PASS" if r["ratio"] <= TARGET else "MISS"
        print(
            f"{r['name']:<22}{r['pages']:>6}{r['runs']:>5}{r['app']:>10.1f}{r['plain']:>10.1f}"
            f"{r['ratio']:>7.2f}{verdict:>6}{r['html']:>9.1f}{r['step']:>9.1f}"
            f"{r['min_ratio']:>10.2f}{r['html_kb']:>9.1f}{r['pdf_kb']:>8.1f}"
        )
    print(
        "\napp = documents.*_pdf (HTML build + render_pdf); plain = WeasyPrint on the same HTML"
        "\n(default fetcher); html = the HTML build alone (QR SVG + template); step = render_pdf"
        "\non the pre-built HTML (the app's StaticOnlyFetcher). Medians; app ≈ html + step."
        "\nmin ratio = fastest app run ÷ fastest plain run (less sensitive to a noisy machine)."
    )
    for r in rows:
        share = r["html"] / r["app"] * 100 if r["app"] else 0
        extra = r["app"] - r["plain"]
        print(
            f"  {r['name']}: HTML build {r['html']:.1f} ms ({share:.0f} % of app), "
            f"app − plain {extra:+.1f} ms, step − plain {r['step'] - r['plain']:+.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=9, help="timed runs per single document")
    ap.add_argument("--batch-runs", type=int, default=5, help="timed runs per batch")
    ap.add_argument("--check", action="store_true", help="exit 1 when a ratio is above 1.2")
    args = ap.parse_args(argv)

    busy = harness.cpu_busy(1.0)
    if busy is not None:
        print(f"CPU busy before the run (other processes, 1 s): {busy * 100:.0f} %")
    tmp = Path(tempfile.mkdtemp(prefix="lantoa-pdf-"))
    try:
        started = time.perf_counter()
        app = harness.inprocess_app(f"sqlite:///{tmp / 'pdf.sqlite'}")
        certificate_ids, poster_ids = build_world(app)
        print(f"set-up: {time.perf_counter() - started:.1f} s")
        rows = run_cases(app, certificate_ids, poster_ids, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)
    failed = False
    for r in rows:
        for problem in r["problems"]:
            print(f"PROBLEM {r['name']}: {problem}")
            failed = True
    if args.check and any(r["ratio"] > TARGET for r in rows):
        failed = True
    return 1 if failed else 0


def run_cases(app, certificate_ids: list[int], poster_ids: list[int], args) -> list[dict]:
    from models import Certificate, Poster
    from services import documents

    static_dir = Path(app.static_folder)
    rows = []
    with app.test_request_context():
        certs = (
            Certificate.query.filter(Certificate.id.in_(certificate_ids))
            .order_by(Certificate.id)
            .all()
        )
        posters = Poster.query.filter(Poster.id.in_(poster_ids)).order_by(Poster.id).all()
        one_cert, one_poster = certs[:1], posters[:1]
        cases = [
            ("certificate ×1", documents.certificate_html, documents.certificate_pdf, one_cert),
            (
                f"certificates ×{len(certs)}",
                documents.certificate_html,
                documents.certificate_pdf,
                certs,
            ),
            ("poster A4 ×1", documents.poster_html, documents.poster_pdf, one_poster),
            (f"posters A4 ×{len(posters)}", documents.poster_html, documents.poster_pdf, posters),
        ]
        for name, html_fn, pdf_fn, items in cases:
            extra = ("A4",) if pdf_fn is documents.poster_pdf else ()
            runs = args.runs if len(items) == 1 else args.batch_runs
            started = time.perf_counter()
            rows.append(
                measure(
                    name,
                    lambda html_fn=html_fn, items=items, extra=extra: html_fn(items, *extra),
                    lambda pdf_fn=pdf_fn, items=items, extra=extra: pdf_fn(items, *extra),
                    runs,
                    static_dir,
                )
            )
            print(f"  {name}: {time.perf_counter() - started:.1f} s")
    return rows


if __name__ == "__main__":
    sys.exit(main())
