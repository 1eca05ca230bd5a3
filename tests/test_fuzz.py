"""Every route, fed valid and hostile path values, odd query strings, malformed forms and
malformed uploads, answers below 500 and logs no error (issue 13).

One test per URL rule (not per case), each walking its cases with one client that is both a
known learner and a logged-in admin, in a small world (places, staff, content, a poster, a
passed attempt with its certificate). The world is built once for the module and rebuilt only
when a case changed or deleted one of its rows; the costly payloads are built once too. The
count of cases is printed (`-s` shows it).
"""

import io
import json
import logging
import os
import re
import zipfile
from functools import cache

import pytest
from conftest import csrf_token
from helpers import ALL_RIGHT, answer_form
from werkzeug.datastructures import MultiDict

import database
from extensions import db, limiter
from models import Attempt, Certificate, Lesson, Participant
from services.common import limits
from services.content import loader as content_loader
from services.participation import catalog

pytest_plugins = ["staff_fixtures"]

BIG = 2**64
HOSTILE_IDS = ["-1", "0", str(2**31), str(2**63), str(BIG), str(10**30), "１２３", "1e9"]
HOSTILE_TEXT = [
    "a" * 5000,
    "%00",
    "x%00y",
    "\u202eevil",
    "a\u0301\u0301\u0301\u0301",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded: not valid UTF-8
    "\U0001f600\U0001f4a9",
    "１２３",
    "..%2F..%2Fetc%2Fpasswd",
    "%25",
    str(BIG),
    "<script>",
]
HOSTILE_TEXT_OR_IDS = list(dict.fromkeys(HOSTILE_TEXT + HOSTILE_IDS))  # without repeats
QUERIES = [
    "from=99999-01-01&to=00000-13-45",
    "from=2025-02-30&to=1-1-1",
    "page=-1",
    f"page={BIG}",
    f"unit={BIG}",
    f"unit=-1&period={BIG}",
    "unit=%00&period=%00&code=%00",
    "period=2025-H9&size=%ED%A0%80&table=%00",
    "lan=99999999999999999999&sua=1&da_gui=1&saved=1",
    "lang=%00&next=%2F%2Fevil.example&added=..%2F..&alt=" + "a" * 3000,
    "code=" + "Z" * 5000,
    "unit=１２３&page=１",
]
HOSTILE_FORM_VALUES = [
    "",
    "\x00",
    "a\x00b",
    "9" * 40,
    str(BIG),
    "-1",
    "1e309",
    "nan",
    "１２３",
    "\u202e\u0301\ufeff",
    "x" * 100_000,
]
GENERIC_FIELDS = [
    "version", "submission_token", "stamp", "name", "unit_id", "kind", "value", "period",
    "participant_id", "year", "half", "title", "status", "text", "q_otp", "answers",
]  # fmt: skip
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
NAME_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
READABLE = {"csv NUL bytes", "csv unterminated quote"}  # only "never a 5xx" for these
UPLOAD_ENDPOINTS = {
    "staff.import_roster": ("file", "roster"),
    "units.import_units": ("file", "roster"),
    "content_files.import_files": ("file", "content"),
    "content_files.library": ("file", "media"),
}


# --- malformed files ---------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_with(sheet: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.'
            b'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            b'sheet.main+xml"/></Types>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxml'
            b'formats.org/spreadsheetml/2006/main"><sheets><sheet name="a" sheetId="1"/>'
            b"</sheets></workbook>",
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
YAML_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "id: laughs\nkind: survey\n"
).encode()


MB = 1024 * 1024
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_JSON_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


@cache
def _costly_payloads() -> dict[str, bytes]:
    """The payloads that take time to build, built once for every upload endpoint. A bomb
    need only unpack to just over its limit to show the refusal."""
    return {
        "random 5 MB": os.urandom(5 * MB),
        "xlsx zip bomb": _xlsx_with(b"<a>" + b" " * (limits.XLSX_MAX_UNPACKED + MB) + b"</a>"),
        "zip with 10,000 entries": _zip(
            {f"e{i}.yaml": b"" for i in range(10_000)}, zipfile.ZIP_STORED
        ),
        "zip bomb": _zip({"a.yaml": b"\n" * (limits.ZIP_MAX_UNPACKED + MB)}),
    }


@cache
def malformed_files(kind: str) -> dict[str, tuple[str, bytes]]:
    """Named malformed uploads: (filename, bytes)."""
    rng = os.urandom
    ext = {"roster": ".csv", "content": ".yaml", "media": ".png"}[kind]
    costly = _costly_payloads()
    files = {
        "empty": ("empty" + ext, b""),
        "random 5 MB": ("random" + ext, costly["random 5 MB"]),
        "random 200 KB": ("random" + ext, rng(200 * 1024)),
        "no extension": ("noext", b"abc"),
        "NUL name": ("a\x00b" + ext, b"abc"),
        "broken xlsx xml": ("bang.xlsx", _xlsx_with(b"<worksheet><sheetData><row><c>")),
        "xlsx zip bomb": ("bomb.xlsx", costly["xlsx zip bomb"]),
        "xlsx billion laughs": ("lol.xlsx", _xlsx_with(LAUGHS)),
        "xlsx not a zip": ("fake.xlsx", b"PK\x03\x04" + rng(1000)),
        "zip with 10,000 entries": (
            "many.zip" if kind != "roster" else "many.xlsx",
            costly["zip with 10,000 entries"],
        ),
        "zip bomb": ("bomb.zip", costly["zip bomb"]),
        "yaml billion laughs": ("laughs.yaml", YAML_LAUGHS),
        "yaml laughs in zip": ("laughs.zip", _zip({"laughs.yaml": YAML_LAUGHS})),
        "yaml deep nesting": ("deep.yaml", b"[" * 50_000 + b"]" * 50_000),
        "yaml not utf-8": ("latin.yaml", b"id: \xff\xfe\xfa"),
    }
    if kind == "roster":
        files |= {
            "csv 10 MB field": ("big.csv", b'ho ten\n"' + b"a" * (10 * MB) + b'"\n'),
            "csv 900 KB field": ("big.csv", b'ho ten\n"' + b"a" * (900 * 1024) + b'"\n'),
            "csv 100,001 rows": ("rows.csv", b"ho ten\n" + b"An\n" * 100_001),
            "csv long line": ("line.csv", b"ho ten," + b"a," * 300_000 + b"\n"),
            "csv NUL bytes": ("nul.csv", b"ho ten\nA\x00n\n"),
            "csv not utf-8": ("latin.csv", b"ho ten\n\xff\xfe\xfa\n"),
            "csv unterminated quote": ("q.csv", b'ho ten\n"An\n'),
            "csv binary": ("bin.csv", rng(100 * 1024)),
        }
    return files


# --- the world ---------------------------------------------------------------------------------


def _empty_database(app) -> None:
    """What conftest's `_clean_database` does after each test: every table emptied."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _rows(app) -> dict[str, dict[tuple, tuple]]:
    """Every row of every table, by primary key."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: {
                tuple(row._mapping[c.name] for c in table.primary_key): tuple(row)
                for row in conn.execute(table.select())
            }
            for table in db.metadata.sorted_tables
        }


def _changed(app, built: dict) -> bool:
    """True when a row the world was built with is gone or different (new rows are fine)."""
    now = _rows(app)
    return any(
        now[table].get(key) != row for table, rows in built.items() for key, row in rows.items()
    )


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Overrides conftest's: the world outlives a test (building it takes about a second), so
    only the caches are reset here; `_empty_after_module` empties the database at the end."""
    yield
    catalog._html_cache.clear()
    limiter.reset()


WORLD: dict = {}  # "rows": the rows it was built with, "cookies", "values"
TOTAL = {"cases": 0, "failures": 0, "worlds": 0, "routes": 0}


@pytest.fixture(scope="module", autouse=True)
def _empty_after_module(app):
    yield
    WORLD.clear()
    _empty_database(app)
    catalog._html_cache.clear()
    limiter.reset()


def _build_world(app, request) -> None:
    """Places, staff, content, two posters, a passed attempt with its certificate, and a client
    that is both that learner and a logged-in admin."""
    staff = request.getfixturevalue("staff")
    make_poster = request.getfixturevalue("make_poster")
    request.getfixturevalue("surveys")
    client = app.test_client()
    request.getfixturevalue("identify")(client, name="Nguyễn Văn Fuzz")
    page = client.get("/quizzes/an-toan")
    result = client.post(
        "/quizzes/an-toan", data=answer_form(page.get_data(as_text=True), ALL_RIGHT)
    )
    assert result.status_code == 303
    poster = make_poster()
    survey_poster = make_poster("y-kien", "survey")
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).first()
        certificate = db.session.scalars(db.select(Certificate)).first()
        participant = db.session.scalars(db.select(Participant)).first()
        lesson = db.session.scalars(db.select(Lesson)).first()
        values = {
            "public_id": attempt.public_id,
            "participant_id": str(participant.id),
            "cert": certificate.verification_code,
            "lesson": lesson.slug,
        }
        database.commit()
    request.getfixturevalue("login")(client, "admin")
    WORLD["values"] = values | {
        "unit_id": str(staff.class_a),
        "user_id": str(staff.teacher_a),
        "class_code": staff.class_a_code,
        "poster": poster,
        "survey_poster": survey_poster,
    }
    WORLD["cookies"] = dict(client._cookies)  # werkzeug's cookie jar: immutable Cookie values
    WORLD["rows"] = _rows(app)
    TOTAL["worlds"] += 1


@pytest.fixture
def world(app, request):
    """A fresh client with the world's cookies (learner and admin), and valid values for each
    path parameter name. The world is rebuilt when an earlier rule changed it."""
    if not WORLD or _changed(app, WORLD["rows"]):
        _empty_database(app)
        _build_world(app, request)
    client = app.test_client()
    client._cookies = dict(WORLD["cookies"])
    return client, WORLD["values"]


def _valid(rule, name: str, values: dict) -> str:
    """A plausible valid value for the path parameter `name` of `rule`."""
    converter = rule._converters[name]
    if hasattr(converter, "items") and converter.items:  # any(...)
        return sorted(converter.items)[0]
    by_rule = {
        ("/c/", "code"): values["class_code"],
        ("/v/", "code"): values["cert"],
        ("/p/", "code"): values["poster"],
        ("/posters/", "code"): values["poster"],
        ("/lang/", "code"): "en",
        ("/surveys/", "slug"): "y-kien",
        ("/offline/surveys/", "slug"): "y-kien",
        ("/staff/surveys/", "slug"): "y-kien",
    }
    for (prefix, param), value in by_rule.items():
        if rule.rule.startswith(prefix) and name == param:
            return value
    simple = {
        "slug": values["lesson"],
        "public_id": values["public_id"],
        "participant_id": values["participant_id"],
        "unit_id": values["unit_id"],
        "user_id": values["user_id"],
        "state": "on",
        "filename": "app.css",
        "name": "x.png",
        "fmt": "csv",
    }
    return simple.get(name, "1")


def _url(rule, params: dict[str, str]) -> str:
    url = rule.rule
    for name, value in params.items():
        url = re.sub(rf"<(?:[^>:]+:)?{name}>", value.replace("\\", "\\\\"), url)
    return url


def _path_variants(rule, values: dict) -> list[str]:
    """The rule with valid values, then with one parameter at a time made hostile."""
    valid = {name: _valid(rule, name, values) for name in rule.arguments}
    urls = [_url(rule, valid)]
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        hostile = HOSTILE_IDS if converter == "IntegerConverter" else HOSTILE_TEXT_OR_IDS
        if converter == "AnyConverter":
            hostile = ["zz", "%00"]
        for value in hostile:
            urls.append(_url(rule, valid | {name: value}))
    return urls


def _form_variants(names: list[str], token: str) -> list[tuple[str, object, dict]]:
    """(label, data, headers) for a POST: missing, hostile, duplicated, wrong-shape fields."""
    names = [n for n in names if n != "csrf_token"] or GENERIC_FIELDS
    cases = [("only the token", {"csrf_token": token}, {})]
    for value in HOSTILE_FORM_VALUES:
        cases.append(
            (f"every field {value[:10]!r}", {n: value for n in names} | {"csrf_token": token}, {})
        )
    duplicated = MultiDict([("csrf_token", token)])
    for n in names:
        duplicated.add(n, "1")
        duplicated.add(n, "2" * 300)
    cases.append(("duplicated fields", duplicated, {}))
    as_lists = MultiDict([("csrf_token", token)] + [(n, v) for n in names for v in ("a", "b", "c")])
    cases.append(("lists for scalars", as_lists, {}))
    cases.append(
        ("1 MB field", {n: "x" * (1024 * 1024) for n in names[:1]} | {"csrf_token": token}, {})
    )
    cases.append(("no token", {n: "1" for n in names}, {}))
    return cases


def _json_variants(token: str) -> list[tuple[str, bytes, dict]]:
    headers = {"X-CSRFToken": token, "X-Lantoa-Offline": "1", "Content-Type": "application/json"}
    return [
        ("deep JSON", DEEP_JSON, headers),
        ("deep JSON object", DEEP_JSON_OBJECT, headers),
        ("big number JSON", json.dumps({"version": 10**400}).encode(), headers),
        ("broken JSON", b'{"a": [1, 2', headers),
        ("NUL JSON", b'{"a\\u0000": "\x00"}', headers),
    ]


# --- the walk ----------------------------------------------------------------------------------


class Walk:
    """Sends requests, collects the ones that answered 5xx."""

    def __init__(self, client):
        self.client = client
        self.count = 0
        self.failures: list[str] = []

    def send(self, method: str, url: str, label: str = "", **kwargs):
        self.count += 1
        try:
            response = getattr(self.client, method)(url, **kwargs)
        except Exception as exc:  # a crash in the test client is a failure too
            self.failures.append(f"{method.upper()} {url[:120]} [{label}] raised {exc!r:.200}")
            return None
        body = response.get_data()
        if response.status_code >= 500 or b"Traceback" in body:
            self.failures.append(f"{method.upper()} {url[:120]} [{label}] → {response.status_code}")
        return response


def _rules():
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
    )


RULES = _rules()


def _fuzz_queries(walk: Walk, urls: list[str], pdf: bool) -> None:
    """The odd query strings on the valid URL. A PDF takes a second or so to render: there
    they go to a hostile id instead, and all together once to the valid one."""
    target = urls[1] if pdf and len(urls) > 1 else urls[0]
    for query in QUERIES:
        walk.send("get", f"{target}?{query}", "query")
    if pdf:
        walk.send("get", f"{urls[0]}?{'&'.join(QUERIES)}", "queries together")


def _fuzz_rule(walk: Walk, rule, values: dict, token: str) -> None:
    urls = _path_variants(rule, values)
    valid_url = urls[0]
    names: list[str] = []
    if "GET" in rule.methods:
        mimetype = None
        for url in urls:
            response = walk.send("get", url, "path")
            if url == valid_url and response is not None and response.status_code == 200:
                mimetype = response.mimetype
                if mimetype == "text/html":
                    names = sorted(set(NAME_RE.findall(response.get_data(as_text=True))))
        _fuzz_queries(walk, urls, pdf=mimetype == "application/pdf")
    if "POST" in rule.methods:
        for url in urls[:: max(1, len(urls) // 6)]:
            walk.send("post", url, "path", data={"csrf_token": token})
        for label, data, headers in _form_variants(names, token):
            walk.send("post", valid_url, label, data=data, headers=headers)
            if rule.rule.startswith("/offline/"):
                walk.send("post", valid_url, label, data=data, headers={"X-Lantoa-Offline": "1"})
        for label, body, headers in _json_variants(token):
            walk.send("post", valid_url, label, data=body, headers=headers)


def _fuzz_uploads(walk: Walk, rule, values: dict, token: str) -> list[str]:
    """Malformed uploads: each must be refused with a 4xx and a Vietnamese message."""
    field, kind = UPLOAD_ENDPOINTS[rule.endpoint]
    url = _url(rule, {n: _valid(rule, n, values) for n in rule.arguments})
    refused_wrongly = []
    for label, (filename, data) in malformed_files(kind).items():
        form = {"csrf_token": token, field: (io.BytesIO(data), filename)}
        response = walk.send("post", url, label, data=form, content_type="multipart/form-data")
        if response is None:
            continue
        body = response.get_data().decode("utf-8", "replace")
        if label in READABLE:
            continue  # a well-formed table after all: may be imported (its NUL bytes stripped)
        if not (400 <= response.status_code < 500 and VIETNAMESE.search(body)):
            refused_wrongly.append(f"{rule.endpoint} [{label}] → {response.status_code}")
    return refused_wrongly


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.endpoint}" for r in RULES])
def test_route_never_answers_5xx(app, world, rule, caplog):
    client, values = world
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    walk = Walk(client)
    caplog.set_level(logging.WARNING)
    _fuzz_rule(walk, rule, values, token)
    refused_wrongly = []
    if rule.endpoint in UPLOAD_ENDPOINTS:
        refused_wrongly = _fuzz_uploads(walk, rule, values, token)
    errors = [
        f"{r.levelname}: {r.getMessage()[:200]}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info or "Traceback" in r.getMessage()
    ]
    TOTAL["cases"] += walk.count
    TOTAL["failures"] += len(walk.failures)
    TOTAL["routes"] += 1
    print(f"\n{rule.endpoint}: {walk.count} cases, {len(walk.failures)} ≥ 500")
    assert not walk.failures, "\n".join(walk.failures[:40])
    assert not errors, "\n".join(errors[:20])
    assert not refused_wrongly, "\n".join(refused_wrongly)


def test_loader_refuses_yaml_alias_bombs(app, tmp_path):
    """The loader itself (flask content check/load) refuses a nested-alias file quickly."""
    (tmp_path / "laughs.yaml").write_bytes(YAML_LAUGHS)
    with app.app_context():
        result = content_loader.check(tmp_path)
    assert result.errors and not result.topics
    assert "laughs.yaml" in result.errors[0]


def test_case_count_is_in_the_thousands():
    """Printed for the record: the per-rule tests run thousands of cases over every route.
    Under pytest-xdist this process ran only its share of the routes, so the cases it ran are
    projected over all of them (the mean per route times the number of routes)."""
    cases, routes = TOTAL["cases"], TOTAL["routes"]
    print(f"\nfuzz: {cases} cases on {routes} of {len(RULES)} routes, {TOTAL['failures']} ≥ 500")
    print(f"fuzz: the world was built {TOTAL['worlds']} times")
    if routes:
        assert cases / routes * len(RULES) > 1000
