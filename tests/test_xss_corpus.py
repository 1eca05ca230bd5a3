"""An XSS corpus in every authored field, loaded from a content file, and in what learners type.

Every page that shows them (learner: home, lesson, quiz, result, survey and its answers shown
back, certificate check; staff: home, posters, unit report, survey results) is parsed as a
browser would (html5lib) and must carry no executable markup: no script but the app's own
files, no event handler attribute, no javascript:/vbscript:/data: URL, no frame, object,
embed, base or foreignObject, no meta refresh. The text itself must still be there, shown
literally. The PDFs (certificate, poster, unit report) show the text literally (pdftotext),
fetch nothing but the app's static files and carry no script or link action.
"""

import html as html_lib
import io
import re
from pathlib import Path

import html5lib
import pytest
from conftest import FIXTURE_CONTENT, csrf_token, hidden
from helpers import answer_form, pdf_text
from pypdf import PdfReader

import database
from blueprints.learn.survey_forms import field_name, other_name
from extensions import db
from models import Lesson, Survey, Unit
from services.content import loader as content_loader
from services.participation.posters import create_poster
from services.render import pdf

pytest_plugins = ["staff_fixtures"]

# Each payload tries one way in; the markers (x01…) tell which one got through, if any.
PAYLOADS = [
    '<script>alert("x01")</script>',
    '<img src=x onerror=alert("x02")>',
    '"><img src=x onerror=alert("x03")>',
    "'><svg onload=alert('x04')>",
    '<svg><script>alert("x05")</script></svg>',
    "<a href=\"javascript:alert('x06')\">bấm</a>",
    '[bấm vào](javascript:alert("x07"))',
    "[bấm](JaVaScRiPt:alert('x08'))",
    "[bấm](&#106;avascript:alert('x09'))",
    "[bấm](java%0ascript:alert('x10'))",
    '![ảnh](javascript:alert("x11"))',
    "![ảnh](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ3gxMicpPg==)",
    "[tệp](data:text/html;base64,PHNjcmlwdD5hbGVydCgneDEzJyk8L3NjcmlwdD4=)",
    "[vb](vbscript:msgbox('x14'))",
    "<iframe src=\"javascript:alert('x15')\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('x16')>",
    "<a href=\"&#x6A;avascript:alert('x17')\">x</a>",
    "<div style=\"background:url(javascript:alert('x18'))\">",
    '<base href="//evil.example/">',
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('x20')\">",
    "<form action=javascript:alert('x21')><button>gửi</button></form>",
    "<<script>script>alert('x22')<</script>/script>",
    "<scr<script>ipt>alert('x23')</script>",
    "&lt;script&gt;alert('x24')&lt;/script&gt;",
    "\u202e<script>alert('x25')</script>",
    "ｊａｖａｓｃｒｉｐｔ：alert('x26') ＜script＞alert('x26')＜/script＞",
    "<ſcript>alert('x27')</ſcript>",
    "<svg><animate attributeName=href values=javascript:alert('x28') /><a><text>x</text></a>",
    "<svg><foreignObject><img src=x onerror=alert('x29')></foreignObject></svg>",
    "`<script>alert('x30')</script>` {{ 7*7 }} {% raw %}",
    "![x](http://evil.example/x31.png)",
    '<a href=\' javascript:alert("x32")\'>x</a> <img src="x"onerror="alert(\'x32\')">',
]
TITLE = '<script>alert("t1")</script>"><img src=x onerror=alert(1)>'
SUMMARY = "Tóm tắt \"><svg onload=alert('s1')> <a href=javascript:alert(2)>x</a>"
NAME = "<img src=x onerror=alert('n1')>"  # what a learner may type as their name
OTHER_TEXT = "\"><script>alert('o1')</script>"
FREE_TEXT = "<a href=\"javascript:alert('f1')\">góp ý</a> ![x](javascript:alert('f2'))"


def q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


# Images in the lesson body must be files under media/ (the check refuses anything else), so
# image payloads go where no path check applies: the translated body.
IMAGES = [p for p in PAYLOADS if p.startswith("![")]
BODY = "\n\n".join(
    [
        *(p for p in PAYLOADS if p not in IMAGES),
        "```\n<script>alert('x33')</script>\n```",
        "    <script>alert('x34')</script>",
    ]
)
EN_BODY = "\n\n".join([PAYLOADS[7], *IMAGES, "![ảnh](media/otp.png)", PAYLOADS[12]])
TOPIC = f"""kind: topic
id: xss-bai
title: {q(TITLE)}
summary: {q(SUMMARY)}
topic: {q(PAYLOADS[1])}
audience: [villager, student, official, worker, other]
minutes: 3
facts_checked: 2026-11-20
sources: [{q(PAYLOADS[5])}, {q(PAYLOADS[6])}]
lesson:
  body: |
{indent(BODY, 4)}
quiz:
  pass_mark: 50
  max_attempts: 0
  questions:
    - id: q1
      type: single
      text: {q(PAYLOADS[0])}
      choices:
        - {{id: a, text: {q(PAYLOADS[2])}}}
        - {{id: b, text: {q(PAYLOADS[3])}}}
        - {{id: c, text: {q(PAYLOADS[16])}}}
      answer: a
      explanation: {q(PAYLOADS[6] + " " + PAYLOADS[11])}
    - id: q2
      type: multiple
      text: {q(PAYLOADS[4])}
      choices:
        - {{id: a, text: {q(PAYLOADS[5])}}}
        - {{id: b, text: {q(PAYLOADS[20])}}}
        - {{id: c, text: {q(PAYLOADS[27])}}}
      answer: [a, b]
      explanation: {q(PAYLOADS[14])}
    - id: q3
      type: true_false
      text: {q(PAYLOADS[21])}
      answer: true
      explanation: {q(PAYLOADS[28])}
    - id: q4
      type: single
      text: {q(PAYLOADS[25])}
      choices:
        - {{id: a, text: {q(PAYLOADS[26])}}}
        - {{id: b, text: {q(PAYLOADS[31])}}}
      answer: a
      explanation: {q(PAYLOADS[29])}
translations:
  en:
    title: {q(PAYLOADS[3])}
    summary: {q(PAYLOADS[2])}
    lesson:
      body: |
{indent(EN_BODY, 8)}
    questions:
      q1:
        text: {q(PAYLOADS[17])}
        choices: {{a: {q(PAYLOADS[0])}, b: {q(PAYLOADS[22])}}}
        explanation: {q(PAYLOADS[12])}
"""
LABELS = ", ".join(q(p[:80]) for p in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[3], PAYLOADS[16], NAME))
SURVEY = f"""kind: survey
id: xss-phieu
title: {q(PAYLOADS[2][:120])}
summary: {q(PAYLOADS[1])}
audience: [villager, student, official, worker, other]
reach: true
questions:
  - id: chon
    type: single
    other: true
    text: {q(PAYLOADS[0])}
    choices:
      - {{id: a, text: {q(PAYLOADS[4])}}}
      - {{id: b, text: {q(PAYLOADS[5])}}}
  - id: nhieu
    type: multiple
    text: {q(PAYLOADS[15])}
    choices:
      - {{id: a, text: {q(PAYLOADS[19])}}}
      - {{id: b, text: {q(PAYLOADS[28])}}}
  - id: thang
    type: likert
    text: {q(PAYLOADS[6])}
    labels: [{LABELS}]
  - id: so
    type: number
    required: false
    text: {q(PAYLOADS[20])}
  - id: y-kien
    type: text
    required: false
    text: {q(PAYLOADS[18])}
translations:
  en:
    title: {q(PAYLOADS[3])}
    questions:
      chon:
        text: {q(PAYLOADS[21])}
        choices: {{a: {q(PAYLOADS[22])}}}
        other: {q(PAYLOADS[1][:80])}
"""

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background",
    "data", "cite", "ping", "manifest", "codebase", "values", "to", "from", "by", "lowsrc",
    "dynsrc", "longdesc", "usemap", "archive", "classid",
}  # fmt: skip
BANNED_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "foreignobject",
    "portal", "template", "noscript", "xmp", "plaintext", "listing", "math", "style",
}  # fmt: skip
DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|livescript|data):", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def executable_markup(page: str) -> list[str]:
    """Everything in an HTML page that a browser could run, as readable findings."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag)
        attributes = {_local(k): v for k, v in element.attrib.items()}
        if tag == "script":
            src = attributes.get("src", "")
            if not src.startswith("/static/js/") or (element.text or "").strip():
                found.append(f"<script src={src!r}>{element.text!r}")
        if tag in BANNED_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES or name.endswith(":href"):
                url = CONTROL.sub("", value)
                if DANGEROUS_SCHEME.match(url) and url != "data:,":  # data:, = the app's no-icon
                    found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"javascript|expression\(|url\(", value, re.I):
                found.append(f"<{tag} style={value!r}>")
    return found


def text_of(page: str) -> str:
    """The page's text as a reader sees it (tags gone, entities decoded)."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    return " ".join("".join(document.itertext()).split())


def attribute_values(page: str, inside: str, attribute: str) -> list[str]:
    """Every value of `attribute` on the elements inside the first <inside> element."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    container = next(document.iter(inside))
    return [e.attrib[attribute] for e in container.iter() if attribute in e.attrib]


def assert_safe(response, *shown: str) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    assert executable_markup(page) == []
    assert not re.search(r"<script[^>]*>\s*alert", page, re.I)
    text = text_of(page)
    for literal in shown:
        assert " ".join(literal.split()) in text, literal
    return page


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def xss(app, tmp_path, places, monkeypatch):
    """The corpus loaded from content files, and a poster for the lesson and the survey."""
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "media").symlink_to(FIXTURE_CONTENT / "media")
    (folder / "01-xss-bai.yaml").write_text(TOPIC, encoding="utf-8")
    (folder / "02-xss-phieu.yaml").write_text(SURVEY, encoding="utf-8")
    with app.app_context():
        result = content_loader.load(folder)
        assert sorted(result.created) == ["xss-bai", "xss-phieu"]
        village = db.session.get(Unit, places["village"])
        lesson = Lesson.query.filter_by(slug="xss-bai").one()
        survey = Survey.query.filter_by(slug="xss-phieu").one()
        codes = {
            "lesson": create_poster(PAYLOADS[0], village, lesson).code,
            "survey": create_poster(PAYLOADS[2], village, survey).code,
        }
        database.commit()
    return codes


@pytest.fixture
def learner(app, client, xss, identify):
    """A villager named with a payload, who passed the quiz and answered the survey."""
    client.get(f"/p/{xss['lesson']}")
    identify(client, name=NAME)
    quiz = client.get("/quizzes/xss-bai").get_data(as_text=True)
    answers = {"q1": "a", "q2": ["a", "b"], "q3": "true", "q4": "b"}
    submitted = client.post("/quizzes/xss-bai", data=answer_form(quiz, answers))
    assert submitted.status_code == 303
    result_url = submitted.headers["Location"]
    form = client.get("/surveys/xss-phieu").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(form),
        "submission_token": hidden(form, "submission_token"),
        "version": hidden(form, "version"),
        field_name("chon"): "other",
        other_name("chon"): OTHER_TEXT,
        field_name("nhieu"): ["a", "b"],
        field_name("thang"): "3",
        field_name("y-kien"): FREE_TEXT,
    }
    sent = client.post("/surveys/xss-phieu", data=data)
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return result_url


# --- learner pages -----------------------------------------------------------------------------


@pytest.fixture
def newcomer(app, xss, identify):
    """Another villager who has not answered anything yet (the forms are shown in full)."""
    client = app.test_client()
    identify(client, name="Lò Văn Mới")
    return client


def test_learner_pages_in_vietnamese(client, learner, newcomer):
    assert_safe(client.get("/"), TITLE, PAYLOADS[2][:120])
    lesson = assert_safe(client.get("/lessons/xss-bai"), TITLE, NAME, PAYLOADS[0], PAYLOADS[15])
    # Raw HTML and unsafe links in the Markdown are shown as text, never as markup or links:
    # the one link left is "java%0ascript:…", which browsers read as a relative path.
    assert attribute_values(lesson, "article", "href") == ["java%0ascript:alert('x10')"]
    assert '[bấm vào](javascript:alert("x07"))' in text_of(lesson)
    assert_safe(newcomer.get("/quizzes/xss-bai"), PAYLOADS[0], PAYLOADS[2], PAYLOADS[21])
    assert_safe(client.get(learner), PAYLOADS[0], PAYLOADS[14], PAYLOADS[29], PAYLOADS[31])
    assert_safe(newcomer.get("/surveys/xss-phieu"), PAYLOADS[0], PAYLOADS[15], PAYLOADS[19])
    assert_safe(client.get("/surveys/xss-phieu?da_gui=1"), OTHER_TEXT, FREE_TEXT)


def test_learner_pages_in_english(client, learner, newcomer):
    for visitor in (client, newcomer):
        visitor.get("/lang/en")
    lesson = assert_safe(client.get("/lessons/xss-bai"), PAYLOADS[3], PAYLOADS[7])
    # Images: only the one from this site's media; the others are text or their description.
    assert attribute_values(lesson, "article", "src") == ["/media/otp.png"]
    assert IMAGES[0] in text_of(lesson)
    assert_safe(newcomer.get("/quizzes/xss-bai"), PAYLOADS[17], PAYLOADS[22])
    assert_safe(client.get(learner), PAYLOADS[17], PAYLOADS[12])
    assert_safe(newcomer.get("/surveys/xss-phieu"), PAYLOADS[21], PAYLOADS[22])


def test_the_certificate_check_page(app, client, learner):
    page = html_lib.unescape(client.get(learner).get_data(as_text=True))
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</p>", page)
    assert code, "the result page shows the verification code"
    assert_safe(client.get(f"/v/{code.group(1)}"), TITLE)


def test_poster_scans_lead_to_the_pages_without_markup(app, xss, identify):
    visitor = app.test_client()
    identify(visitor, name="Hoàng Thị Quét")
    for code in xss.values():
        response = visitor.get(f"/p/{code}", follow_redirects=True)
        assert_safe(response)


# --- staff pages -------------------------------------------------------------------------------


def test_staff_pages(app, learner, staff_client, places):
    admin = staff_client("admin")
    assert_safe(admin.get("/staff/"))
    assert_safe(admin.get("/staff/posters"), PAYLOADS[0], PAYLOADS[2])
    report = admin.get(f"/staff/units/{places['village']}/report")
    assert_safe(report, NAME, PAYLOADS[0], PAYLOADS[4])
    assert_safe(admin.get("/staff/surveys/xss-phieu"), PAYLOADS[0], OTHER_TEXT, FREE_TEXT)
    assert_safe(admin.get("/staff/content-files/"), TITLE)


# --- PDFs --------------------------------------------------------------------------------------


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks for while rendering."""
    urls: list[str] = []
    real = pdf.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", recording)
    return urls


def assert_pdf_safe(response, folder: Path, fetched: list[str], *shown: str) -> None:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(pdf_text(response.data).split())  # table cells wrap words anywhere
    for literal in shown:
        assert "".join(literal.split()) in text, (literal, text[:400])
    static = (Path(__file__).resolve().parent.parent / "static").as_uri()
    assert fetched and all(url.startswith(static + "/") for url in fetched), fetched
    reader = PdfReader(io.BytesIO(response.data))
    raw = response.data
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/SubmitForm", b"/ImportData"):
        assert action not in raw
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            target = annotation.get_object().get("/A", {}).get("/URI", "")
            assert not DANGEROUS_SCHEME.match(CONTROL.sub("", str(target))), target
    fetched.clear()


def test_pdfs_show_the_text_literally_and_fetch_nothing(
    client, learner, xss, staff_client, places, tmp_path, fetched
):
    certificate = client.get(f"{learner}/certificate.pdf")
    assert_pdf_safe(certificate, tmp_path, fetched, TITLE, NAME)
    poster = client.get(f"/posters/{xss['lesson']}/poster.pdf")
    assert_pdf_safe(poster, tmp_path, fetched, TITLE)
    report = staff_client("admin").get(f"/staff/units/{places['village']}/report.pdf")
    assert_pdf_safe(report, tmp_path, fetched, NAME, PAYLOADS[0])


def test_image_payloads_in_the_lesson_body_are_refused_by_the_check(app, tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    body = indent("\n\n".join(IMAGES), 4)
    text = TOPIC.replace("  body: |\n", "  body: |\n" + body + "\n\n", 1)
    (folder / "01-xss-bai.yaml").write_text(text, encoding="utf-8")
    with app.app_context():
        errors = content_loader.check(folder).errors
    assert len(errors) == len(IMAGES)
    assert all(e.startswith("quizzes/01-xss-bai.yaml: lesson.body: ") for e in errors)


def test_the_checker_finds_what_it_looks_for():
    """The checker itself: each kind of executable markup is found."""
    samples = [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" &#x6A;avascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
        '<iframe src="/"></iframe>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<meta http-equiv="refresh" content="0;url=/">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<math><mi>x</mi></math>",
        '<script src="https://evil.example/x.js"></script>',
    ]
    for sample in samples:
        assert executable_markup(f"<!doctype html><p>{sample}</p>"), sample
    harmless = '<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="/a" title="javascript:">a</a>'
    assert executable_markup(harmless) == []
