"""No code word and no machine time on any staff page or export (issue 16).

The walk: for the admin, an officer and a teacher, every staff GET route of `app.url_map`
with its parameters filled from the rows of a populated world (classes, pupils, attempts,
certificates, surveys, posters, activities, targets, a half-year report, nominations, science
tasks, audit entries), then every staff page, PDF, CSV and XLSX those pages link to. What a
person reads is scanned (tests/visible_text.py): a page's text, titles, labels and button
values; every CSV cell; every XLSX sheet name and cell; a PDF's text. A Vietnamese reader must
see no code of the domain's enumerations (read from the code, so new codes are scanned too) and
no snake_case token; an English reader no snake_case token; nobody an ISO or UTC time.

A route added later (another page, another export) is walked without a line here; if the
world has no row to fill its parameters, `test_every_staff_page_is_walked` says which.
"""

import datetime as dt
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from conftest import FIXTURE_CONTENT, csrf_token, mark_training
from gradebook_world import build_class
from helpers import ALL_RIGHT, answer_form, pdf_text, survey_form
from PIL import Image
from visible_text import Finding, Scanner, code_words, csv_parts, html_parts, xlsx_parts

import database
from blueprints.common.dates import local_today
from blueprints.learn.survey_forms import field_name
from extensions import db, limiter
from models import (
    Activity,
    Attempt,
    AuditEvent,
    Certificate,
    Lesson,
    Participant,
    Poster,
    ScienceTask,
    StaffUser,
    Survey,
    Unit,
)
from models.activities import ACTIVITY_KINDS
from models.science import TASK_STATUSES
from services.common import periods, vocabulary
from services.common.vietnamese import local_datetime
from services.content import authoring
from services.operations import jobs
from services.org import audit
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation import assignments, catalog
from services.participation import certificates as certificate_service
from services.participation import posters as poster_service
from services.participation.identity import NewIdentity, create_participant
from services.reporting import evidence, recognition, targets

pytest_plugins = ["staff_fixtures"]

ACTORS = ("admin", "officer", "teacher_a", "province")
PROVINCE_LOGIN = "so.khcn"  # the province office (Sở KH&CN)
FORMATS = ("csv", "xlsx", "pdf", "json", "svg", "png")
DOCUMENT = re.compile(r"\.(?:pdf|csv|xlsx)$")
# How many URLs of one route with the same query keys a crawl follows (filters, pages).
PER_PATTERN = 3
# Responses made for a program, not a reader, by their type; each with why it is not read.
NOT_READ = {
    "application/json": "a person's data handed over as JSON: its keys are field names",
    "application/zip": "content files for another installation, in the content schema",
    "application/yaml": "one content file, in the schema quizzes/README.md documents",
    "image/svg+xml": "a QR code: no words",
    "image/webp": "an activity's evidence photo: a picture the officer took, no text of ours",
    "image/png": "a QR code: no words",
}
# Staff GET routes the walk cannot answer with a page, each with why.
UNWALKED = {
    "auth.login": "a signed-in person is sent on to the staff home",
    "auth.second_factor": "only after a password, in the middle of a login",
    "province.new_commune": "the province admin's form: the walk's actors are a commune's "
    "(tests/test_province_onboarding.py reads it)",
}


# --- the world, built once for the module ------------------------------------------------------


def _empty_database(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Overrides conftest's: the world outlives a test; emptied at the module's end."""
    yield
    catalog._html_cache.clear()
    limiter.reset()


WORLD: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _empty_after_module(app):
    yield
    WORLD.clear()
    _empty_database(app)


def _learner_passes(app, client, identify, name: str, unit: str) -> None:
    identify(client, name=name, unit=unit)
    page = client.get("/quizzes/an-toan")
    sent = client.post("/quizzes/an-toan", data=answer_form(page.get_data(as_text=True), ALL_RIGHT))
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]


def _answer_survey(client) -> None:
    page = client.get("/surveys/y-kien").get_data(as_text=True)
    answers = {"da-nghe": "roi", "nguon": ["loa", "zalo"], "hieu": "4", "so-lan": "2"}
    fields = {field_name(qid): value for qid, value in answers.items()}
    sent = client.post("/surveys/y-kien", data=survey_form(page, fields))
    assert sent.status_code in (200, 303), sent.get_data(as_text=True)[:500]


def _half_year_report(client, period_key: str, today: dt.date) -> None:
    page = client.get("/staff/half-year/").get_data(as_text=True)
    sent = client.post(
        "/staff/half-year/",
        data={
            "csrf_token": csrf_token(page),
            "period_key": period_key,
            "number": "125/BC-UBND",
            "report_date": today.strftime("%d/%m/%Y"),
            "results_text": "Các thôn đã tích cực tuyên truyền.",
            "difficulties": "Sóng điện thoại yếu.",
            "proposals": "Đề nghị hỗ trợ loa truyền thanh.",
            "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Nông Văn Thắng",
            "recipients": "- Sở Khoa học và Công nghệ tỉnh Lạng Sơn;\n- Lưu: VT, VHXH.",
        },
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    # Sent to Sở KH&CN: the page shows its status and versions, the frozen PDF is walked.
    report_page = sent.headers["Location"]
    token = csrf_token(client.get(report_page).get_data(as_text=True))
    submitted = client.post(f"{report_page}/submit", data={"csrf_token": token, "confirm": "y"})
    assert submitted.status_code == 303, submitted.get_data(as_text=True)[:2000]


def _published_topic(slug: str, owner: StaffUser) -> str:
    """A two-question topic written in the browser by `owner` and published."""
    question = {"type": "true_false", "text": "Đúng không?", "answer": True, "explanation": "Vì."}
    data = {
        "kind": "topic", "id": slug, "title": f"Bài {slug}", "summary": "Bài thử.",
        "topic": "Thử", "audience": ["student"], "minutes": 3, "facts_checked": "2026-11-20",
        "sources": ["Giáo viên"], "lesson": {"body": "Nội dung."},
        "quiz": {"pass_mark": 50, "max_attempts": 0,
                 "questions": [{"id": "cau-1", **question}, {"id": "cau-2", **question}]},
    }  # fmt: skip
    item = authoring.create("topic", data, owner)
    authoring.publish(item, owner, FIXTURE_CONTENT)
    return slug


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def _build_world(app, request) -> None:
    """Every kind of row the staff pages show, with every code of the enumerations in use."""
    staff = request.getfixturevalue("staff")
    request.getfixturevalue("surveys")
    make_poster = request.getfixturevalue("make_poster")
    identify = request.getfixturevalue("identify")
    login = request.getfixturevalue("login")
    mark_training(app)
    build_class(app, staff)
    # Learners through the real pages: a villager passes (a certificate), a second one too
    # (revoked below), an official answers the survey.
    for name, unit in (("Nguyễn Văn Dân", "village"), ("Lương Thị Thu", "village")):
        _learner_passes(app, app.test_client(), identify, name, unit)
    official = app.test_client()
    identify(official, name="Hoàng Thị Cán", role="official", unit="agency")
    _answer_survey(official)
    lesson_poster = make_poster()
    make_poster("an-toan", "quiz", "agency")
    make_poster("y-kien", "survey", "class")
    retired = make_poster("gioi-han")
    admin_client = app.test_client()
    login(admin_client, "admin")
    with app.app_context():
        today = local_today()
        period = periods.containing(today).key
        commune = db.session.get(Unit, staff.commune)
        enterprise = create_unit("enterprise", "HTX Nông sản", commune, target_population=20)
        for name, role, unit in (
            ("Vi Văn Thợ", "worker", enterprise.id),
            ("Hà Thị Khác", "other", None),
        ):
            create_participant(NewIdentity(name, role, unit, "45-59", False), "t")
        admin = db.session.get(StaffUser, staff.admin)
        village = db.session.get(Unit, staff.village)
        filed_at = dt.datetime.combine(today, dt.time(20, 30))  # 03:30 the next day, local
        for n, kind in enumerate(ACTIVITY_KINDS):
            held_on = today - dt.timedelta(days=n)
            db.session.add(
                Activity(unit_id=staff.village, kind=kind, held_on=held_on, title=f"Hoạt động {n}",
                         count=1, people_reached=10, filed_at=filed_at, filed_by_id=staff.officer)
            )  # fmt: skip
        for n, status in enumerate(TASK_STATUSES):
            db.session.add(
                ScienceTask(name=f"Nhiệm vụ {n}", owner="Trường THCS", budget_source="Ngân sách",
                            status=status, summary="Tóm tắt")
            )  # fmt: skip
        folder = request.getfixturevalue("tmp_path_factory").mktemp("evidence")
        app.config["EVIDENCE_DIR"] = str(folder)
        photo = evidence.check_upload(
            _photo(), "photo", "hop-thon.png", evidence.Limits.from_config(app.config)
        )
        evidence.attach(Activity.query.first(), photo, folder, admin)
        targets.seed_plan_targets()
        targets.add(targets.TargetInput("trained", 2026, ("villager",), 50, "Tập huấn thôn"))
        recognition.nominate(period, "village", staff.village, "Tích cực", admin)
        recognition.nominate(period, "class", staff.class_a, "Tích cực", admin)
        person = Participant.query.filter_by(display_name="Nguyễn Văn Dân").one()
        recognition.nominate(period, "participant", person.id, "Đạt điểm cao", admin)
        assignments.create(
            db.session.get(Unit, staff.class_a), Lesson.query.first(), None, today, admin
        )
        assignments.create(
            db.session.get(Unit, staff.class_a),
            None,
            Survey.query.filter_by(slug="y-kien").one(),
            today + dt.timedelta(days=7),
            admin,
        )
        revoked = (
            Certificate.query.join(Participant)
            .filter(Participant.display_name == "Lương Thị Thu")
            .one()
        )
        certificate_service.revoke(revoked, "Cấp nhầm")
        audit.record_command("certificate_revoked", revoked.serial, reason="Cấp nhầm")
        poster = Poster.query.filter_by(code=retired).one()
        poster_service.retire(poster, "Đã gỡ", dt.datetime.combine(today, dt.time(1, 0)))
        changed = db.session.get(StaffUser, staff.teacher_b)
        audit.record(admin, "staff_changed", changed.username, role=["teacher", "officer"])
        audit.record(admin, "unit_changed", village.name, kind="village", target_population=300)
        for action in vocabulary.AUDIT_ACTION_LABELS:
            if not AuditEvent.query.filter_by(action=action).count():
                audit.record(admin, action, "Thử")
        teacher = db.session.get(StaffUser, staff.teacher_a)
        slug = _published_topic("bai-lop-7a", teacher)
        audit.record(teacher, "lesson_audio_recorded", f"topic:{slug}", lang="tay", reader="Lò An")
        staff_service.create_staff("can.bo.xa", "Cán bộ xã", staff.password, "officer", commune)
        staff_service.create_staff(
            PROVINCE_LOGIN, "Sở Khoa học và Công nghệ", staff.password, "province_officer"
        )
        database.commit()
        assert Attempt.query.count() >= 6
        # A big export prepared in the background: the audit log as XLSX, made by the worker.
        app.config["EXPORT_DIR"] = str(request.getfixturevalue("tmp_path_factory").mktemp("jobs"))
        wanted = {"staff": None, "action": None, "from": None, "to": None, "format": "xlsx"}
        jobs.enqueue("audit_export", wanted, admin)
        database.commit()
        jobs.run(jobs.claim_next(dt.timedelta(hours=1)))
        database.commit()
    _half_year_report(admin_client, period, today)
    WORLD["staff"] = staff
    WORLD["utc_times"] = _utc_renderings(app)
    WORLD["login"] = login  # the fixture's function, kept: `staff` is made once
    WORLD["poster"] = lesson_poster
    with app.app_context():
        # Pages that need a choice made in a form: the class PDF of the villagers' quiz.
        quiz = Certificate.query.filter(Certificate.revoked_at.is_(None)).first().quiz
        WORLD["chosen"] = [
            f"/staff/certificates/class.pdf?unit={staff.village}&achievement=quiz:{quiz.id}"
        ]


def _utc_renderings(app) -> frozenset[str]:
    """Every stored time of the world as it would read in UTC ('03/12/2026 15:09') where that
    differs from the commune's time: shown anywhere, a time was not made local."""
    timezone = app.config["TIMEZONE"]
    found = set()
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, db.DateTime)]
            if not columns:
                continue
            for row in conn.execute(table.select().with_only_columns(*columns)):
                for value in row:
                    if value is None:
                        continue
                    utc, local = value, local_datetime(value, timezone)
                    if utc.strftime("%H:%M") != local.strftime("%H:%M"):
                        found.add(utc.strftime("%d/%m/%Y %H:%M"))
    return frozenset(found)


@pytest.fixture
def world(app, request):
    if not WORLD:
        _empty_database(app)
        _build_world(app, request)
    return WORLD


# --- filling a route's parameters from the world's rows ----------------------------------------


def _table_for(name: str):
    """The table a parameter like `entry_id` or `report_id` names (roster_entries,
    half_year_reports): the tables whose name ends with its plural."""
    stem = name.removesuffix("_id")
    plurals = (stem, stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else None)
    return [
        table
        for table_name, table in sorted(db.metadata.tables.items())
        if any(p and (table_name == p or table_name.endswith("_" + p)) for p in plurals)
    ]


def _ids(table, limit: int = 12) -> list[str]:
    return [str(row[0]) for row in db.session.execute(table.select().with_only_columns(
        *table.primary_key.columns).order_by(*table.primary_key.columns).limit(limit))]  # fmt: skip


def _candidates(rule, name: str) -> list[str] | None:
    """Values for the parameter `name` of `rule`, from the world; None when unknown."""
    converter = rule._converters[name]
    if getattr(converter, "items", None):
        return sorted(converter.items)
    if name == "fmt":
        return list(FORMATS)
    if name == "code":
        return [p.code for p in Poster.query.all()] + [
            u.join_code for u in Unit.query.filter(Unit.join_code.isnot(None))
        ]
    if name == "slug":
        return sorted(
            {x.slug for model in (Lesson, Survey) for x in model.query.all()}
            | {x[0] for x in db.session.execute(db.text("SELECT slug FROM content_drafts"))}
        )
    if name == "kind":
        return list(vocabulary.CONTENT_KIND_LABELS)
    if name == "public_id":
        return [a.public_id for a in Attempt.query.all()]
    if name.endswith("_id"):
        tables = _table_for(name)
        if name == "unit_id":  # one unit of each kind, and both classes
            return sorted(
                {str(min(u.id for u in Unit.query.filter_by(kind=k))) for (k,) in
                 db.session.query(Unit.kind).distinct()} | {str(u.id) for u in Unit.query.filter_by(
                     kind="class")})  # fmt: skip
        if tables:
            return [value for table in tables for value in _ids(table)]
    return None


def _urls(rule) -> list[str]:
    """Every combination of the rule's candidate values, as paths."""
    urls = [""]
    pieces = re.split(r"(<[^>]+>)", rule.rule)
    for piece in pieces:
        if not piece.startswith("<"):
            urls = [u + piece for u in urls]
            continue
        name = piece.strip("<>").split(":")[-1]
        values = _candidates(rule, name)
        if values is None:
            raise LookupError(f"{rule.endpoint}: no value for <{name}> in the world")
        urls = [u + v for u in urls for v in values]
    return urls


def walked_rules(app):
    """The staff GET routes, and the documents (PDF, CSV, XLSX) outside /staff."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/staff") or DOCUMENT.search(rule.rule) or ".<fmt>" in rule.rule:
            yield rule


# --- the walk ----------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The links of a page, and each GET form as its reader would send it: every box ticked
    (print every poster), the chosen or first option, the fields as filled."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: dict[str, dict] = {}  # id (or its place) → {"action", "fields"}
        self._form: str | None = None
        self._select: tuple[str, str | None] | None = None  # (form, name)
        self._options: dict[tuple[str, str], list] = {}  # (form, name) → [(value, selected)]
        self._radios: dict[tuple[str, str], str] = {}  # the checked one, or the first

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "action" not in a:
            a["action"] = ""  # the page itself
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            self._form = None
            if (a.get("method") or "get").lower() == "get":
                self._form = a.get("id") or f"form-{len(self.forms)}"
                self.forms[self._form] = {"action": a["action"], "fields": []}
        elif tag in ("input", "select"):
            form = a.get("form") or self._form
            if form in self.forms and a.get("name"):
                self._field(tag, form, a)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._options.setdefault(self._select, []).append((value, "selected" in a))

    def _field(self, tag: str, form: str, a: dict) -> None:
        name, kind = a["name"], (a.get("type") or "text").lower()
        if tag == "select":
            self._select = (form, name)
        elif kind == "radio":
            if "checked" in a or (form, name) not in self._radios:
                self._radios[(form, name)] = a.get("value", "on")
        elif kind not in ("submit", "button", "reset", "image", "file"):
            self.forms[form]["fields"].append((name, a.get("value", "on" * (kind == "checkbox"))))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            options = self._options.get(self._select, [])
            chosen = [v for v, selected in options if selected] or [v for v, _s in options[:1]]
            self.forms[self._select[0]]["fields"] += [(self._select[1], v) for v in chosen]
            self._select = None

    def urls(self) -> list[str]:
        for (form, name), value in self._radios.items():
            self.forms[form]["fields"].append((name, value))
        return self.hrefs + [
            f["action"] + ("?" + urlencode(f["fields"]) if f["fields"] else "")
            for f in self.forms.values()
        ]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.urls()


class Walk:
    """GETs URLs as one client, follows the staff pages and documents they link to, and scans
    what each response shows."""

    def __init__(self, app, client, scanner: Scanner):
        self.adapter = app.url_map.bind("localhost")
        self.client = client
        self.scanner = scanner
        self.findings: list[tuple[str, Finding]] = []
        self.reached: set[str] = set()
        self.seen: set[str] = set()
        self.patterns: Counter = Counter()
        self.not_read: Counter = Counter()
        self.queue: deque[str] = deque()
        self.missing: set[str] = set()  # answered 404

    def add(self, url: str, seed: bool = False) -> None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost", "lantoa.example") or url in self.seen:
            return
        path = parts.path
        if not (path.startswith("/staff") or DOCUMENT.search(path)):
            return
        try:
            endpoint, _args = self.adapter.match(path, method="GET")
        except Exception:
            return
        key = (endpoint, frozenset(k for k, _v in parse_qsl(parts.query)), parts.query == "")
        if not seed and self.patterns[key] >= PER_PATTERN:
            return
        self.patterns[key] += 1
        self.seen.add(url)
        self.queue.append(path + (f"?{parts.query}" if parts.query else ""))

    def run(self, pdfs_per_route: int) -> None:
        """Every queued URL; of one route's PDFs (a second or so each to make) only the first
        few: the same template, other rows."""
        pdfs: Counter = Counter()
        while self.queue:
            url = self.queue.popleft()
            endpoint = self.adapter.match(urlsplit(url).path, method="GET")[0]
            is_pdf = urlsplit(url).path.endswith(".pdf")
            if is_pdf and pdfs[endpoint] >= pdfs_per_route:
                continue
            response = self.client.get(url)
            if response.status_code == 404:
                self.missing.add(url)
            if response.status_code != 200:
                continue
            pdfs[endpoint] += is_pdf
            self.reached.add(endpoint)
            self.read(endpoint, url, response)

    def read(self, endpoint: str, url: str, response) -> None:
        mimetype = response.mimetype
        body = response.get_data()
        if mimetype == "text/html":
            html = body.decode("utf-8")
            parts = html_parts(html)
            for href in _links(html):
                self.add(urljoin(url, href))
        elif mimetype == "text/csv":
            parts = csv_parts(body)
        elif mimetype.endswith("spreadsheetml.sheet"):
            parts = xlsx_parts(body)
        elif mimetype == "application/pdf":
            parts = [("pdf", pdf_text(body))]
        elif mimetype in NOT_READ:
            self.not_read[mimetype] += 1
            return
        else:
            raise AssertionError(f"{url}: the scanner cannot read {mimetype}; teach it")
        for where, text in parts:
            self.findings += [(endpoint, f) for f in self.scanner.scan(url, where, text)]


def _walk(app, actor: str, lang: str, missing: set[str]) -> Walk:
    """One actor's walk; `missing`: URLs that do not exist (404 to the admin), left out."""
    client = app.test_client()
    if lang != "vi":
        client.set_cookie("lang", lang)
    WORLD["login"](client, PROVINCE_LOGIN if actor == "province" else actor)
    scanner = Scanner(code_words(), vietnamese=lang == "vi", utc_times=WORLD["utc_times"])
    walk = Walk(app, client, scanner)
    with app.app_context():
        for rule in walked_rules(app):
            for url in _urls(rule):
                if url not in missing:
                    walk.add(url, seed=True)
        for url in WORLD["chosen"]:
            walk.add(url, seed=True)
    # English pages are scanned for snake_case only: their documents are the same figures.
    walk.run(pdfs_per_route=3 if lang == "vi" else 0)
    return walk


RESULTS: dict[tuple[str, str], Walk] = {}


def walk_for(app, actor: str, lang: str = "vi") -> Walk:
    """The walk of `actor` in `lang`, made once. The admin's goes first: what does not exist
    for the admin does not exist for anyone, and the others skip it."""
    if (actor, lang) not in RESULTS:
        first = ("admin", "vi")
        missing = set() if (actor, lang) == first else walk_for(app, *first).missing
        RESULTS[(actor, lang)] = _walk(app, actor, lang, missing)
    return RESULTS[(actor, lang)]


def _report(findings) -> str:
    """The findings by route and word, with one example each (the URL, where, the context)."""
    first: dict[tuple[str, str], object] = {}
    for endpoint, finding in findings:
        word = finding.word.split(": ")[0] if ": " in finding.word else finding.word
        first.setdefault((endpoint, word), finding)
    routes = {endpoint for endpoint, _word in first}
    lines = [f"{len(findings)} findings, {len(first)} distinct, on {len(routes)} routes:"]
    lines += [f"{endpoint}: {first[(endpoint, w)]}" for endpoint, w in sorted(first)]
    return "\n".join(lines)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_code_word_or_machine_time_on_vietnamese_staff_pages(app, world, actor):
    walk = walk_for(app, actor)
    print(f"\n{actor}: {len(walk.seen)} URLs, {len(walk.reached)} routes answered")
    assert not walk.findings, _report(walk.findings)


def test_no_snake_case_or_machine_time_on_english_staff_pages(app, world):
    walk = walk_for(app, "admin", "en")
    assert not walk.findings, _report(walk.findings)


def test_every_staff_page_is_walked(app, world):
    """Each staff GET route answered a page to one of the actors, or says why it cannot."""
    reached = set().union(*(walk_for(app, actor).reached for actor in ACTORS))
    staff_routes = {r.endpoint for r in walked_rules(app) if r.rule.startswith("/staff")}
    missing = sorted(staff_routes - reached - set(UNWALKED))
    assert not missing, f"staff routes no actor reached (give the world their rows): {missing}"
    assert not set(UNWALKED) & reached, "UNWALKED lists a route the walk reaches"


def test_the_scanner_reads_what_people_read():
    """A code word in text, a title or a button is found; in a form value or a class, not."""
    scanner = Scanner(
        frozenset({"villager", "officer"}), vietnamese=True, utc_times={"03/12/2026 08:15"}
    )
    html = (
        '<p class="villager">Vai trò: <b>officer</b></p><input value="villager">'
        '<span title="villager">x</span><input type="submit" value="officer">'
        "<script>var officer = 1</script><p>admin.xa, an-toan, 03/12/2026 22:30</p>"
        "<p>2026-12-03T15:04:35+00:00 UTC and filed_at, Zalo Official Account</p>"
        "<td>03/12/2026 08:15</td>"
    )
    found = [
        (f.where, f.word)
        for where, text in html_parts(html)
        for f in scanner.scan("/", where, text)
    ]
    assert ("text", "officer") in found
    assert ("title attribute of <span>", "villager") in found
    assert ("value of a button", "officer") in found
    assert ("text", "UTC time: 03/12/2026 08:15") in found
    assert ("text", "filed_at") in found
    assert any(word.startswith("ISO date and time") for _w, word in found)
    assert any(word.startswith("UTC offset") for _w, word in found)
    assert ("text", "UTC: UTC") in found
    assert len(found) == 8, found
    english = Scanner(frozenset({"villager"}), vietnamese=False, utc_times=frozenset())
    assert [f.word for f in english.scan("/", "text", "Villager, villager, in_progress")] == [
        "in_progress"
    ]
