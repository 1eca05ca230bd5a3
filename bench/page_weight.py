"""Page weight: what a phone downloads for each learner page, against a 14 KB budget.

Run:  .venv/bin/python bench/page_weight.py            (starts its own server on SQLite)
      .venv/bin/python bench/page_weight.py --base-url http://127.0.0.1:5000 --poster CODE

For each page the walk fetches the HTML and every resource the page makes a browser fetch
(stylesheets and what they import, scripts, icons, images that are not lesson media under
/media/), with `Accept-Encoding: gzip` like a phone, and counts the bytes as they came over
the wire: bodies as sent (compressed when the server compressed them) plus an estimate of the
response headers (status line and header lines as text). Each page is counted with a cold
cache: its stylesheet is counted on every page, as for a first visit that lands there.

`measure_pages(base_url, session)` is the reusable part (no side effect at import); a test can
call it with a `requests.Session` against a live server and check `page.over_budget`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET = 14 * 1024
PHONE_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip",
    "Accept-Language": "vi-VN,vi;q=0.9",
}
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
FETCHED_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "preload",
    "modulepreload",
    "mask-icon",
}

FETCHED_SRC_TAGS = {"script", "img", "iframe", "embed"}


def _is_image_input(tag: str, attrs: dict) -> bool:
    return tag == "input" and attrs.get("type", "").lower() == "image"


# --- one HTTP transfer ----------------------------------------------------------------------


@dataclass
class Transfer:
    """One response as it came over the wire."""

    method: str
    url: str
    status: int
    header_bytes: int  # status line + header lines + blank line, as text (an estimate)
    body_bytes: int  # body as sent: compressed if Content-Encoding says so
    decoded_bytes: int  # body after decompression
    encoding: str
    content_type: str
    location: str | None
    text: str = field(default="", repr=False)

    @property
    def total(self) -> int:
        return self.header_bytes + self.body_bytes


def fetch(session, method: str, url: str, data=None) -> Transfer:
    """One request, no redirect followed; the body is read undecoded to count its wire size."""
    resp = session.request(method, url, data=data, allow_redirects=False, stream=True)
    try:
        # requests reads a redirect's body itself (to free the connection), so the wire size
        # comes from Content-Length, else from urllib3's count of bytes read off the socket.
        body = resp.content or b""
        length = resp.headers.get("Content-Length", "")
        wire = int(length) if length.isdigit() else (resp.raw.tell() or len(body))
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(resp.raw, "version", 11), "HTTP/1.1")
        header_bytes = len(f"{version} {resp.status_code} {resp.reason or ''}\r\n") + 2
        for name, value in resp.raw.headers.items():  # keeps repeated headers (Set-Cookie)
            header_bytes += len(name) + 2 + len(value.encode("latin-1", "replace")) + 2
        encoding = resp.headers.get("Content-Encoding", "")
        content_type = resp.headers.get("Content-Type", "")
        text = ""
        if "html" in content_type or "css" in content_type:
            text = body.decode(resp.encoding or "utf-8", "replace")
        return Transfer(
            method=method,
            url=url,
            status=resp.status_code,
            header_bytes=header_bytes,
            body_bytes=wire,
            decoded_bytes=len(body),
            encoding=encoding or "identity",
            content_type=content_type.split(";")[0],
            location=resp.headers.get("Location"),
            text=text,
        )
    finally:
        resp.close()


def fetch_following(session, method: str, url: str, data=None, limit: int = 6) -> list[Transfer]:
    """A request and the redirects after it, as a browser follows them (POST 303 → GET)."""
    chain = [fetch(session, method, url, data)]
    while chain[-1].status in (301, 302, 303, 307, 308) and chain[-1].location:
        if len(chain) > limit:
            raise RuntimeError(f"too many redirects from {url}")
        keep_method = chain[-1].status in (307, 308)
        chain.append(
            fetch(
                session,
                method if keep_method else "GET",
                urljoin(chain[-1].url, chain[-1].location),
                data if keep_method else None,
            )
        )
    return chain


# --- what a page makes the browser fetch, and its forms -------------------------------------


class PageParser(HTMLParser):
    """Subresources a browser fetches at load, links, and forms with their fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.has_icon = False
        self._style = False
        self._styles: list[str] = []
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & FETCHED_LINK_RELS and a.get("href"):
                self.resources.append(a["href"])
            if rels & {"icon", "apple-touch-icon", "shortcut"}:
                self.has_icon = True
        elif a.get("src") and (tag in FETCHED_SRC_TAGS or _is_image_input(tag, a)):
            self.resources.append(a["src"])
        elif tag == "video" and a.get("poster"):
            self.resources.append(a["poster"])
        elif tag == "style":
            self._style = True
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get"),
                    "fields": [],
                    "selects": {},
                }
            )
        elif tag in ("input", "button") and self.forms and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            checked = "checked" in a
            self.forms[-1]["fields"].append((a["name"], kind, a.get("value", ""), checked))
        elif tag == "select" and self.forms and a.get("name"):
            self._select = self.forms[-1]["selects"].setdefault(a["name"], {"options": []})
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._style:
            self._styles.append(data)

    def css_urls(self) -> list[str]:
        return css_references("".join(self._styles))


def css_references(css: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in CSS_URL_RE.finditer(css)]


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def _is_lesson_media(url: str, base_url: str) -> bool:
    parts = urlsplit(url)
    same_site = parts.netloc in ("", urlsplit(base_url).netloc)
    return same_site and parts.path.startswith("/media/")


def _fill_identity_form(form: dict) -> dict:
    """The identity form as an adult villager fills it in."""
    data, radios = {}, {}
    for name, kind, value, _checked in form["fields"]:
        if kind == "hidden":
            data[name] = value
        elif kind == "radio":
            radios.setdefault(name, []).append(value)
    data["display_name"] = "Người đo trang"
    if "role" in radios:
        data["role"] = "villager" if "villager" in radios["role"] else radios["role"][0]
    if "age_band" in radios:
        bands = radios["age_band"]
        data["age_band"] = "30-44" if "30-44" in bands else next(b for b in bands if b != "under16")
    if "unit_id" in form["selects"]:
        options = form["selects"]["unit_id"]["options"]
        chosen = [v for v, selected in options if selected and v] or [v for v, _s in options if v]
        data["unit_id"] = chosen[0]
    return data


def _fill_quiz_form(form: dict) -> dict:
    """A quiz form answered with the first choice of every question."""
    data: dict[str, str | list[str]] = {}
    for name, kind, value, _checked in form["fields"]:
        if kind == "hidden":
            data[name] = value
        elif kind in ("radio", "checkbox") and name not in data:
            data[name] = [value] if kind == "checkbox" else value
    return data


def _fill_survey_form(form: dict) -> dict:
    """A survey answered with the first choice of every choice question; the optional number
    and text questions are left empty."""
    data: dict[str, str | list[str]] = {}
    for name, kind, value, _checked in form["fields"]:
        if kind == "hidden":
            data[name] = value
        elif kind in ("radio", "checkbox") and name not in data:
            data[name] = [value] if kind == "checkbox" else value
    return data


def _form_with(parser: PageParser, field_name: str) -> dict:
    for form in parser.forms:
        if any(name == field_name for name, *_rest in form["fields"]):
            return form
    raise RuntimeError(f"no form with a {field_name!r} field on the page")


# --- pages ----------------------------------------------------------------------------------


@dataclass
class PageWeight:
    """One learner page: its documents (with the redirects that led there) and subresources."""

    name: str
    url: str
    documents: list[Transfer]
    assets: list[Transfer]
    skipped: list[str] = field(default_factory=list)  # lesson media, other sites, data: URIs
    budget: int = BUDGET

    @property
    def html_bytes(self) -> int:
        return sum(t.body_bytes for t in self.documents)

    @property
    def asset_bytes(self) -> int:
        return sum(t.body_bytes for t in self.assets)

    @property
    def header_bytes(self) -> int:
        return sum(t.header_bytes for t in self.documents + self.assets)

    @property
    def body_bytes(self) -> int:
        return self.html_bytes + self.asset_bytes

    @property
    def total(self) -> int:
        return self.body_bytes + self.header_bytes

    @property
    def over_budget(self) -> bool:
        return self.total > self.budget

    @property
    def errors(self) -> list[str]:
        return [
            f"{t.status} {t.method} {t.url}"
            for t in self.documents + self.assets
            if t.status >= 400
        ]


def _subresources(session, base_url: str, page: Transfer) -> tuple[list[Transfer], list[str]]:
    """Fetch what the page makes a browser fetch, each URL once, stylesheets recursively."""
    parser = parse(page.text)
    queue = [(page.url, ref) for ref in parser.resources + parser.css_urls()]
    seen, assets, skipped = set(), [], []
    while queue:
        referrer, ref = queue.pop(0)
        if ref.startswith(("data:", "#", "about:", "javascript:")):
            continue
        url = urljoin(referrer, ref)
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).netloc != urlsplit(base_url).netloc:
            skipped.append(f"other site: {url}")
            continue
        if _is_lesson_media(url, base_url):
            skipped.append(f"lesson media: {url}")
            continue
        asset = fetch(session, "GET", url)
        assets.append(asset)
        if asset.content_type == "text/css":
            queue.extend((url, r) for r in css_references(asset.text))
    return assets, skipped


def _page(session, base_url: str, name: str, chain: list[Transfer]) -> PageWeight:
    final = chain[-1]
    assets, skipped = _subresources(session, base_url, final) if final.text else ([], [])
    return PageWeight(name=name, url=final.url, documents=chain, assets=assets, skipped=skipped)


def measure_pages(
    base_url: str, session, poster_code: str | None = None, lesson_slug: str | None = None
) -> list[PageWeight]:
    """Walk the learner pages as a new visitor and weigh each one.

    `session` is a `requests.Session` (it keeps the visitor's cookies); a new session gives
    the path of a first visit. Without `poster_code` the poster landing is left out and the
    lesson is `lesson_slug`, or else the first lesson on the home page. The walk creates one
    participant and one quiz attempt on the server.
    """
    base_url = base_url.rstrip("/")
    for key, value in PHONE_HEADERS.items():
        session.headers.setdefault(key, value)
    session.headers["Accept-Encoding"] = "gzip"
    pages: list[PageWeight] = []

    if poster_code:
        chain = fetch_following(session, "GET", f"{base_url}/p/{poster_code}")
        pages.append(_page(session, base_url, "poster landing", chain))
        for transfer in chain:
            match = re.search(r"/lessons/([^/?#]+)", urlsplit(transfer.url).path)
            if match:
                lesson_slug = lesson_slug or match.group(1)
    if not lesson_slug:
        home = fetch(session, "GET", f"{base_url}/")
        lesson_links = [h for h in parse(home.text).links if "/lessons/" in h]
        if not lesson_links:
            raise RuntimeError("the home page lists no lesson")
        lesson_slug = urlsplit(lesson_links[0]).path.rsplit("/", 1)[-1]

    lesson_path = f"/lessons/{lesson_slug}"
    chain = fetch_following(session, "GET", f"{base_url}/identify?next={lesson_path}")
    identify = _page(session, base_url, "identify", chain)
    pages.append(identify)

    form = _form_with(parse(chain[-1].text), "display_name")
    action = urljoin(chain[-1].url, form["action"] or chain[-1].url)
    chain = fetch_following(session, "POST", action, _fill_identity_form(form))
    if urlsplit(chain[-1].url).path != lesson_path:
        raise RuntimeError(f"identity form led to {chain[-1].url}, not {lesson_path}")
    lesson = _page(session, base_url, "lesson", chain)
    pages.append(lesson)

    quiz_links = [h for h in parse(chain[-1].text).links if "/quizzes/" in h]
    if not quiz_links:
        raise RuntimeError(f"lesson {lesson_slug} links to no quiz")
    quiz_url = urljoin(chain[-1].url, quiz_links[0])
    chain = fetch_following(session, "GET", quiz_url)
    pages.append(_page(session, base_url, "quiz", chain))

    form = _form_with(parse(chain[-1].text), "submission_token")
    action = urljoin(chain[-1].url, form["action"] or chain[-1].url)
    chain = fetch_following(session, "POST", action, _fill_quiz_form(form))
    if "/results/" not in chain[-1].url:
        raise RuntimeError(f"quiz submit led to {chain[-1].url} ({chain[-1].status})")
    pages.append(_page(session, base_url, "result", chain))

    home = fetch_following(session, "GET", f"{base_url}/")
    pages.append(_page(session, base_url, "home", home))
    chain = fetch_following(session, "GET", quiz_url.split("?")[0])
    if 'name="submission_token"' in chain[-1].text:
        raise RuntimeError("the quiz page after an attempt still shows the form, not quiz-done")
    pages.append(_page(session, base_url, "quiz done", chain))
    pages += _survey_pages(session, base_url, home[-1])
    return pages


def _survey_pages(session, base_url: str, home: Transfer) -> list[PageWeight]:
    """The first survey on the home page: its form, then the thank-you page after sending it."""
    survey_links = [h for h in parse(home.text).links if "/surveys/" in h]
    if not survey_links:
        return []
    chain = fetch_following(session, "GET", urljoin(home.url, survey_links[0]))
    form_page = _page(session, base_url, "survey", chain)
    form = _form_with(parse(chain[-1].text), "submission_token")
    action = urljoin(chain[-1].url, form["action"] or chain[-1].url)
    chain = fetch_following(session, "POST", action, _fill_survey_form(form))
    if "da_gui=1" not in chain[-1].url:
        raise RuntimeError(f"survey submit led to {chain[-1].url} ({chain[-1].status})")
    return [form_page, _page(session, base_url, "survey done", chain)]


def measure_all_lessons(base_url: str, session) -> list[PageWeight]:
    """Every lesson on the home page and its quiz form, for a session already identified."""
    base_url = base_url.rstrip("/")
    home = fetch(session, "GET", f"{base_url}/")
    pages = []
    for href in dict.fromkeys(h for h in parse(home.text).links if "/lessons/" in h):
        chain = fetch_following(session, "GET", urljoin(home.url, href))
        slug = urlsplit(chain[-1].url).path.rsplit("/", 1)[-1]
        pages.append(_page(session, base_url, f"lesson {slug}", chain))
        for quiz_href in [h for h in parse(chain[-1].text).links if "/quizzes/" in h][:1]:
            quiz_chain = fetch_following(session, "GET", urljoin(chain[-1].url, quiz_href))
            pages.append(_page(session, base_url, f"quiz {slug}", quiz_chain))
    return pages


def implicit_favicon(base_url: str, session) -> Transfer:
    """What a browser gets for the /favicon.ico it asks for when a page names no icon."""
    return fetch(session, "GET", base_url.rstrip("/") + "/favicon.ico")


# --- report ---------------------------------------------------------------------------------


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def print_table(pages: list[PageWeight], verbose: bool = False, out=sys.stdout) -> None:
    w = out.write
    w(
        f"{'page':<28}{'HTML (gzip)':>13}{'assets (gzip)':>15}{'headers':>10}"
        f"{'total':>10}{'':>4}{'budget':<8}\n"
    )
    w("-" * 88 + "\n")
    for p in pages:
        verdict = "OVER" if p.over_budget else "OK"
        w(
            f"{p.name:<28}{p.html_bytes:>13,}{p.asset_bytes:>15,}{p.header_bytes:>10,}"
            f"{p.total:>10,}{'':>4}{verdict:<5}{_kb(p.total):>9}\n"
        )
        if verbose:
            for t in p.documents + p.assets:
                w(
                    f"    {t.status} {t.method:<4} {urlsplit(t.url).path[:44]:<44} "
                    f"body {t.body_bytes:>6,} ({t.encoding}, {t.decoded_bytes:,} decoded) "
                    f"hdr {t.header_bytes:>4}\n"
                )
            for s in p.skipped:
                w(f"    skipped {s}\n")
        for error in p.errors:
            w(f"    ! error: {error}\n")
    w("-" * 88 + "\n")
    w(
        f"Budget {BUDGET:,} bytes (14 KB) per page: response bodies as transferred (gzip where\n"
        "the server compressed them) + response headers estimated as text. HTML = the page and\n"
        "the redirects (or form POST) that led to it; assets = stylesheets, scripts, icons,\n"
        "non-lesson images, each counted on every page (cold cache).\n"
    )


def _run_own_server(args) -> tuple[list[PageWeight], Transfer]:
    import secrets
    import shutil
    import tempfile
    from pathlib import Path

    import requests

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import harness

    tmp = Path(tempfile.mkdtemp(prefix="lantoa-weight-"))
    server = None
    try:
        print(f"Preparing Lan Tỏa on SQLite in {tmp} ...")
        prepared = harness.prepare_lantoa(
            f"sqlite:///{tmp / 'weight.sqlite'}", secrets.token_hex(32)
        )
        server = harness.Server(
            "app:create_app()", prepared.env, workers=1, log_dir=tmp, name="lantoa"
        ).start()
        print(f"Server: gunicorn, 1 worker, {server.base_url}\n")
        with requests.Session() as session:
            pages = measure_pages(server.base_url, session, poster_code=prepared.lesson_poster())
            if args.all_lessons:
                pages += measure_all_lessons(server.base_url, session)
            return pages, implicit_favicon(server.base_url, session)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    import requests

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", help="measure a running server instead of starting one")
    ap.add_argument("--poster", help="poster code for the landing page (with --base-url)")
    ap.add_argument("--lesson", help="lesson slug (default: the poster's, or the first one)")
    ap.add_argument(
        "--all-lessons", action="store_true", help="also weigh every lesson page and its quiz form"
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="list every transfer")
    args = ap.parse_args(argv)

    if args.base_url:
        with requests.Session() as session:
            pages = measure_pages(args.base_url, session, args.poster, args.lesson)
            if args.all_lessons:
                pages += measure_all_lessons(args.base_url, session)
            favicon = implicit_favicon(args.base_url, session)
    else:
        pages, favicon = _run_own_server(args)
    print_table(pages, verbose=args.verbose)
    if not any(parse_has_icon(p) for p in pages):
        print(
            f"Note: no page names an icon, so browsers also ask for /favicon.ico on each page:"
            f" {favicon.status}, {favicon.total:,} bytes (not counted above)."
        )
    over = [p.name for p in pages if p.over_budget]
    errors = [e for p in pages for e in p.errors]
    if over:
        print(f"OVER budget: {', '.join(over)}")
    if errors:
        print(f"Errors: {len(errors)}")
    return 1 if over or errors else 0


def parse_has_icon(page: PageWeight) -> bool:
    return bool(page.documents[-1].text) and parse(page.documents[-1].text).has_icon


if __name__ == "__main__":
    sys.exit(main())
