"""Shared test harnesses: reading pages (CSRF token, hidden fields, tables), filling the learner
forms, racing submits from threads, reading PDFs with the real poppler and zbar tools, and a few
steps in a real browser page."""

import html as html_lib
import re
import secrets
import shutil
import subprocess
import threading
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import axe_playwright_python

import database
from models import Lesson

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
DEVICE_COOKIE = "lt_device"
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# Every rule axe runs by default, plus the WCAG 2.2 target-size rule (off by default).
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}
FAILING_IMPACTS = ("serious", "critical")

ALL_RIGHT = {"otp": "a", "dau-hieu": ["a", "b"], "cap-nhat": "true", "ung-dung": "a"}
HALF_RIGHT = {"otp": "b", "dau-hieu": ["a"], "cap-nhat": "true", "ung-dung": "a"}


# --- reading a page ----------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"page has no hidden field {name}"
    return match.group(1)


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    """Every <table> of a page, in order, as rows (header row included) of cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def by_first_cell(table: list[list[str]]) -> dict[str, list[str]]:
    """A table's rows after the header, keyed by their first cell."""
    return {row[0]: row[1:] for row in table[1:]}


# --- content files ---------------------------------------------------------------------------

DELETE = object()  # as a value for `changed`: remove the field


def _steps(path: str) -> list:
    steps = []
    for part in path.split("."):
        name, *indexes = re.split(r"\[(\d+)\]", part)
        steps.append(name)
        steps.extend(int(i) for i in indexes if i)
    return [s for s in steps if s != ""]


def changed(data: dict, path: str, value) -> dict:
    """`data` with the field at `path` (e.g. quiz.questions[1].answer) set to `value`, or
    deleted when `value` is DELETE; changed in place and returned."""
    *parents, last = _steps(path)
    node = data
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


# --- the learner forms -------------------------------------------------------------------------


def quiz_page(client, slug: str = "an-toan", headers=None) -> str:
    """A quiz's form page, following its "try again" link when an attempt was already made."""
    page = client.get(f"/quizzes/{slug}", headers=headers)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    if 'name="submission_token"' not in html:
        retry = re.search(rf'href="(/quizzes/{slug}\?[^"]+)"', html)
        assert retry, "no quiz form and no link to a new attempt"
        html = client.get(html_lib.unescape(retry.group(1)), headers=headers).get_data(as_text=True)
    return html


def answer_form(page_html: str, answers: dict[str, list[str] | str]) -> dict:
    """Form data for a quiz page: its CSRF and idempotency tokens plus the given answers."""
    data = {
        "csrf_token": csrf_token(page_html),
        "submission_token": hidden(page_html, "submission_token"),
        "version": hidden(page_html, "version"),
    }
    for question_id, choice in answers.items():
        data[f"q_{question_id.replace('-', '_')}"] = choice
    return data


def take_quiz(client, answers, slug: str = "an-toan", number: int | None = None) -> str:
    """Open and submit a quiz through the real pages; returns the result page's path."""
    url = f"/quizzes/{slug}" + (f"?lan={number}" if number else "")
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    response = client.post(
        f"/quizzes/{slug}", data=answer_form(page.get_data(as_text=True), answers)
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def confirm_who(client, location: str = "/confirm", choice: str = "yes"):
    """Answer the "Bạn là …?" page a known browser is sent to from a poster or a class link:
    "yes" ("Đúng, tiếp tục") or "other" ("Tôi là người khác"); returns the POST's response."""
    page = client.get(location)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "next": hidden(html, "next")}
    return client.post("/confirm" if choice == "yes" else "/not-me", data=data)


def survey_form(page_html: str, fields: dict) -> dict:
    """Form data for a survey page: its CSRF, idempotency, version and revision fields plus the
    given form fields (already named as on the page)."""
    return {
        "csrf_token": csrf_token(page_html),
        "submission_token": hidden(page_html, "submission_token"),
        "version": hidden(page_html, "version"),
        "revision": hidden(page_html, "revision"),
        **fields,
    }


# --- racing submits ----------------------------------------------------------------------------


def same_browser(app, client, require_identity: bool = True):
    """Another test client carrying the same participant, session and device cookies (a second
    tab, or the same form retried by the network). With `require_identity` the participant and
    session cookies must be there."""
    identity = (app.config["PARTICIPANT_COOKIE"], app.config["SESSION_COOKIE_NAME"])
    other = app.test_client()
    for name in (*identity, DEVICE_COOKIE):
        cookie = client.get_cookie(name)
        assert cookie is not None or not (require_identity and name in identity), (
            f"no {name} cookie to copy"
        )
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def post_together(app, client, url: str, forms: list[dict], require_identity: bool = True):
    """POST each form from its own thread and client (the same browser as `client`), all released
    at the same moment by a barrier; returns the responses in the order of the forms."""
    clients = [same_browser(app, client, require_identity) for _ in forms]
    barrier = threading.Barrier(len(forms))
    responses = [None] * len(forms)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            responses[i] = clients[i].post(url, data=forms[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a submit never finished"
    assert not errors, errors
    return responses


def status_codes(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


def with_new_token(data: dict) -> dict:
    """The same answers as another rendering of the form: a different submission token."""
    return {**data, "submission_token": secrets.token_urlsafe(24)}


# --- PDFs, with the real tools -----------------------------------------------------------------


def tool(name: str) -> str:
    """The path of a required command-line tool; fails (never skips) when it is missing."""
    path = shutil.which(name)
    assert path, f"{name} is required (poppler-utils / zbar-tools; CI installs them)"
    return path


def run(*args: str, stdin: bytes | None = None) -> str:
    """Run a required tool; its standard output as UTF-8 text."""
    result = subprocess.run(
        [tool(args[0]), *args[1:]], input=stdin, capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"{args[0]} failed ({result.returncode}): {result.stderr}"
    return result.stdout.decode("utf-8")


def save(pdf: bytes, folder: Path, name: str = "document.pdf") -> Path:
    assert pdf.startswith(b"%PDF-"), pdf[:200]
    path = folder / name
    path.write_bytes(pdf)
    return path


def pdf_text(pdf: Path | bytes, page: int | None = None, layout: bool = False) -> str:
    """pdftotext's output for a PDF file or bytes (whole document or one page), in NFC."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if layout:
        args.append("-layout")
    if isinstance(pdf, bytes):
        return unicodedata.normalize("NFC", run(*args, "-", "-", stdin=pdf))
    return unicodedata.normalize("NFC", run(*args, str(pdf), "-"))


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts, columns cut where its dashed rule says."""
    lines = run("pdffonts", str(path)).splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    spans = [match.span() for match in re.finditer(r"-+", rule)]
    names = [header[start:end].strip() for start, end in spans]
    columns = list(zip(names, spans, strict=True))
    return [{n: row[start:end].strip() for n, (start, end) in columns} for row in rows]


def decode_qr_png(png: Path) -> list[str]:
    """Every symbol zbarimg finds in an image, one string each."""
    result = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode in (0, 4), result.stderr  # 4: ran fine, found nothing
    return [line for line in result.stdout.splitlines() if line.strip()]


def decode_qr_pdf(path: Path, page: int = 1) -> list[str]:
    """Rasterise one page at 150 dpi and decode its QR codes."""
    prefix = path.with_suffix(f".p{page}")
    pages = ["-f", str(page), "-l", str(page)]
    run("pdftoppm", "-r", "150", "-png", *pages, "-singlefile", str(path), str(prefix))
    return decode_qr_png(prefix.with_suffix(f".p{page}.png"))


def collapsed(text: str) -> str:
    return " ".join(text.split())


# --- steps in a real browser page --------------------------------------------------------------


def page_html(page) -> str:
    """The page's HTML once the document the last click or goto led to has loaded.

    Right after a click that submits a form, the new document may be committed but still
    empty; reading ``page.content()`` then returns ''. Every e2e test reads the HTML here.
    """
    page.wait_for_load_state("load")
    return page.content()


def fits_width(page) -> bool:
    """No horizontal scrolling: the page is no wider than the phone's screen.

    Measured against the viewport the test asked for, not `window.innerWidth`: a mobile
    Chromium zooms out to show a page wider than its screen, and innerWidth then grows with it
    (a 360 px phone reported innerWidth 654 for a 654 px page), so that comparison always held.
    """
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def identify_in_browser(page, name: str, age: str = "30-44") -> None:
    """Fill the identity form on the page as a villager of the given age band and send it."""
    page.fill("#display_name", name)
    page.check("input[name=role][value=villager]")
    page.check(f"input[name=age_band][value='{age}']")
    page.click("button[type=submit]")


def pass_quiz_in_browser(page, submit: str = "button[type=submit]") -> None:
    """Tick the right answers of the fixture quiz 'an-toan' (ALL_RIGHT) and send the form."""
    page.check("input[name=q_otp][value=a]")
    page.check("input[name=q_dau_hieu][value=a]")
    page.check("input[name=q_dau_hieu][value=b]")
    page.check("input[name=q_cap_nhat][value=true]")
    page.check("input[name=q_ung_dung][value=a]")
    page.click(submit)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the pages' CSP
        # (script-src 'self') rightly refuses an inline script, and must stay on under test.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
            "html": [node["html"][:160] for node in v["nodes"]][:3],
        }
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


def record_lesson_audio(app) -> None:
    """Give the fixture lesson 'an-toan' a recording in each of its three languages."""
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        lesson.audio = {lang: f"media/an-toan-{lang}.ogg" for lang in ("vi", "tay", "nun")}
        database.commit()
