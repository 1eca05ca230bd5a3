"""Posters: printable A4/A5 PDFs with a QR code for /p/<code>, QR downloads, CLI and funnel.

Checked with the real tools (pdftotext, pdffonts, pdftoppm, zbarimg), which are required.
"""

import re
import xml.etree.ElementTree as ET

import pypdf
import pytest
from conftest import csrf_token, hidden
from helpers import (
    ALL_RIGHT,
    collapsed,
    confirm_who,
    decode_qr_pdf,
    decode_qr_png,
    pdf_fonts,
    pdf_text,
    save,
    take_quiz,
)

import database
from extensions import db
from models import Participant, Poster, Scan, Unit
from services.common.codes import ALPHABET
from services.org.units import create_unit
from services.reporting.funnel import Funnel, poster_funnel

BASE_URL = "https://lantoa.example"
SHORT_CODE_RE = re.compile(rf"^[{ALPHABET}]{{6,8}}$")
PAGE_SIZES = {"A4": (595.3, 841.9), "A5": (419.5, 595.3)}
PREVIEW_BOT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def poster_count(app) -> int:
    with app.app_context():
        return Poster.query.count()


@pytest.fixture
def villages(app, places):
    """Two more villages in the commune: three in all; ids by name."""
    with app.app_context():
        commune = db.session.get(Unit, places["commune"])
        for name in ("Thôn Bản Cầu", "Thôn Khuổi Sáp"):
            create_unit("village", name, commune, target_population=200)
        database.commit()
        return {u.name: u.id for u in Unit.query.filter_by(kind="village")}


# --- the printable PDF -------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_poster_pdf_in_both_sizes(app, client, make_poster, tmp_path, size):
    code = make_poster()
    query = "" if size == "A4" else f"?size={size}"
    response = client.get(f"/posters/{code}/poster.pdf{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"ap-phich-{code}.pdf" in response.headers["Content-Disposition"]
    pdf = save(response.data, tmp_path)

    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width, height = PAGE_SIZES[size]
    assert float(box.width) == pytest.approx(width, abs=2)
    assert float(box.height) == pytest.approx(height, abs=2)

    text = collapsed(pdf_text(pdf))
    assert "An toàn trên mạng" in text  # the lesson's title
    assert f"lantoa.example/p/{code}" in text  # the short URL, for people who type it
    assert "Thôn Nà Pàn" in text  # where the poster hangs
    assert "Quét mã QR" in text  # the call to action
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))
    assert decode_qr_pdf(pdf) == [f"{BASE_URL}/p/{code}"]


def test_poster_pdf_for_a_quiz_and_a_lower_case_size(app, client, make_poster, tmp_path):
    code = make_poster(target="quiz", unit="class")
    response = client.get(f"/posters/{code.lower()}/poster.pdf?size=a5")
    assert response.status_code == 200
    pdf = save(response.data, tmp_path)
    assert float(pypdf.PdfReader(pdf).pages[0].mediabox.width) == pytest.approx(419.5, abs=2)
    text = collapsed(pdf_text(pdf))
    assert "An toàn trên mạng" in text and "Lớp 7A" in text
    assert decode_qr_pdf(pdf) == [f"{BASE_URL}/p/{code}"]


def test_the_printed_qr_link_works(client, make_poster):
    code = make_poster()
    response = client.get(f"/p/{code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/lessons/an-toan")


@pytest.mark.parametrize("download", ["poster.pdf", "poster.pdf?size=A5", "qr.svg", "qr.png"])
def test_unknown_poster_is_not_found(client, make_poster, download):
    make_poster()
    response = client.get(f"/posters/ZZZZZZZ/{download}")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


@pytest.mark.parametrize("size", ["A3", "letter", "", "A4A5"])
def test_bad_poster_size_is_refused(client, make_poster, size):
    code = make_poster()
    response = client.get(f"/posters/{code}/poster.pdf", query_string={"size": size})
    assert response.status_code == 400
    assert "Thông tin chưa đúng" in response.get_data(as_text=True)


# --- QR downloads ------------------------------------------------------------------------------


def test_qr_svg_is_valid_svg(client, make_poster):
    code = make_poster()
    response = client.get(f"/posters/{code}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert f"ap-phich-{code}.svg" in response.headers["Content-Disposition"]
    root = ET.fromstring(response.data)  # noqa: S314 - our own server's output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") or (root.get("width") and root.get("height"))
    assert root.find(".//{http://www.w3.org/2000/svg}path") is not None


def test_qr_png_decodes_to_the_poster_url(client, make_poster, tmp_path):
    code = make_poster()
    response = client.get(f"/posters/{code}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    png = tmp_path / "qr.png"
    png.write_bytes(response.data)
    assert decode_qr_png(png) == [f"{BASE_URL}/p/{code}"]


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_cli_saves_the_qr_code(app, make_poster, tmp_path, fmt):
    code = make_poster()
    out = tmp_path / f"qr.{fmt}"
    result = cli(app, "posters", "qr", code, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    if fmt == "png":
        assert decode_qr_png(out) == [f"{BASE_URL}/p/{code}"]
    else:
        root = ET.parse(out).getroot()  # noqa: S314 - our own output
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


# --- the CLI -----------------------------------------------------------------------------------


def test_create_one_poster_per_village(app, content, villages):
    result = cli(app, "posters", "create", "--lesson", "an-toan", "--every", "village")
    assert result.exit_code == 0, result.output
    with app.app_context():
        posters = Poster.query.all()
        assert len(posters) == len(villages) == 3
        assert {p.unit_id for p in posters} == set(villages.values())
        assert all(p.lesson.slug == "an-toan" and p.quiz is None for p in posters)
        codes = [p.code for p in posters]
        labels = {p.label for p in posters}
    assert len(set(codes)) == 3
    assert all(SHORT_CODE_RE.match(code) for code in codes)
    assert all(any(name in label for label in labels) for name in villages)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    for code in codes:
        assert f"{code}\t{BASE_URL}/p/{code}\t" in result.stdout


def test_create_a_poster_for_one_unit(app, content, places):
    result = cli(app, "posters", "create", "--quiz", "an-toan", "--unit", str(places["agency"]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        poster = Poster.query.one()
        assert poster.unit_id == places["agency"]
        assert poster.quiz.slug == "an-toan" and poster.lesson is None
        assert poster.code in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--lesson", "khong-co-bai-nay", "--every", "village"],
        ["--lesson", "an-toan", "--unit", "UNIT", "--every", "village"],
        ["--lesson", "an-toan"],
        ["--lesson", "an-toan", "--quiz", "an-toan", "--every", "village"],
        ["--every", "village"],
        ["--lesson", "an-toan", "--unit", "999999"],
        ["--lesson", "an-toan", "--every", "enterprise"],
    ],
    ids=[
        "unknown lesson",
        "both --unit and --every",
        "neither --unit nor --every",
        "both --lesson and --quiz",
        "no target",
        "unknown unit",
        "no unit of that kind",
    ],
)
def test_create_errors_exit_non_zero_and_create_nothing(app, content, places, args):
    args = [str(places["village"]) if a == "UNIT" else a for a in args]
    result = cli(app, "posters", "create", *args)
    assert result.exit_code != 0, result.output
    assert poster_count(app) == 0


def test_pdf_command_prints_a_page_per_poster(app, make_poster, villages, tmp_path):
    first = make_poster()
    second = make_poster(target="quiz", unit="class")
    out = tmp_path / "f.pdf"
    result = cli(app, "posters", "pdf", first, second.lower(), "--out", str(out))
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    assert "Thôn Nà Pàn" in collapsed(pdf_text(out, page=1))
    assert "Lớp 7A" in collapsed(pdf_text(out, page=2))
    assert decode_qr_pdf(out, page=1) == [f"{BASE_URL}/p/{first}"]
    assert decode_qr_pdf(out, page=2) == [f"{BASE_URL}/p/{second}"]


def test_pdf_command_a5_and_every_poster(app, content, villages, tmp_path):
    assert cli(app, "posters", "create", "--lesson", "an-toan", "--every", "village").exit_code == 0
    out = tmp_path / "all.pdf"
    result = cli(app, "posters", "pdf", "--all", "--size", "A5", "--out", str(out))
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 3
    assert all(float(p.mediabox.height) == pytest.approx(595.3, abs=2) for p in reader.pages)
    text = collapsed(pdf_text(out))
    assert all(name in text for name in villages)


def test_pdf_command_refuses_an_unknown_code(app, make_poster, tmp_path):
    code = make_poster()
    out = tmp_path / "x.pdf"
    result = cli(app, "posters", "pdf", code, "ZZZZZZZ", "--out", str(out))
    assert result.exit_code != 0
    assert not out.exists()


# --- the funnel --------------------------------------------------------------------------------


def test_funnel_after_a_scripted_journey(app, make_poster, identify, participant_in_db):
    code = make_poster()
    quiet = make_poster(target="quiz")  # a second poster nobody scans

    # A link preview (Zalo/Facebook fetching the link to draw a card) is not a scan.
    bot = app.test_client()
    assert bot.get(f"/p/{code}", headers={"User-Agent": PREVIEW_BOT}).status_code == 302

    # A first-time visitor scans, identifies, reads, and passes the quiz.
    first = app.test_client()
    assert first.get(f"/p/{code}").status_code == 302
    assert first.get("/lessons/an-toan").status_code == 302  # asked who they are first
    identify(first, name="Hà Thị Lan", next="/lessons/an-toan")
    assert first.get("/lessons/an-toan").status_code == 200
    take_quiz(first, ALL_RIGHT)

    # A returning participant scans and reads the lesson, and stops there.
    _pid, token = participant_in_db(name="Lò Văn Tùng")
    returning = app.test_client()
    returning.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    arrived = returning.get(f"/p/{code}")
    assert arrived.status_code == 302
    assert confirm_who(returning, arrived.headers["Location"]).status_code == 303
    assert returning.get("/lessons/an-toan").status_code == 200

    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        scans = Scan.query.order_by(Scan.id).all()
        assert len(scans) == 2
        people = {p.display_name: p.id for p in Participant.query.all()}
        # The first-time visitor's scan was attributed to them once they identified.
        assert [scan.participant_id for scan in scans] == [
            people["Hà Thị Lan"],
            people["Lò Văn Tùng"],
        ]
        assert poster_funnel(poster) == Funnel(
            poster_id=poster.id,
            scans=2,
            people=2,
            lesson_opened=2,
            quiz_started=1,
            finished=1,
            passed=1,
        )
        other = Poster.query.filter_by(code=quiet).one()
        assert poster_funnel(other) == Funnel(other.id, 0, 0, 0, 0, 0, 0)

    result = cli(app, "posters", "funnel")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert rows[0][:7] == ["code", "scans", "people", "lesson", "started", "finished", "passed"]
    by_code = {row[0]: row[1:7] for row in rows[1:]}
    assert by_code[code] == ["2", "2", "2", "1", "1", "1"]
    assert by_code[quiet] == ["0", "0", "0", "0", "0", "0"]

    only = cli(app, "posters", "funnel", code.lower())
    assert only.exit_code == 0
    assert [line.split("\t")[0] for line in only.stdout.strip().splitlines()] == ["code", code]


def test_a_survey_poster_leads_to_the_survey_and_counts_its_answers(
    app, client, surveys, make_poster, identify
):
    anonymous = make_poster("an-danh", target="survey")
    named = make_poster("y-kien", target="survey")
    # The anonymous survey is answered without the identity form.
    response = client.get(f"/p/{anonymous}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/surveys/an-danh")
    html = client.get("/surveys/an-danh").get_data(as_text=True)
    sent = client.post(
        "/surveys/an-danh",
        data={
            "csrf_token": csrf_token(html),
            "submission_token": hidden(html, "submission_token"),
            "version": hidden(html, "version"),
            "s_thanh_toan": "roi",
        },
    )
    assert sent.status_code == 303
    # The named one asks who you are first, then comes back to the survey.
    response = client.get(f"/p/{named}")
    assert "/identify?next=/surveys/y-kien" in response.headers["Location"]
    with app.app_context():
        poster = Poster.query.filter_by(code=anonymous).one()
        funnel = poster_funnel(poster)
        assert (funnel.scans, funnel.survey_answers) == (1, 1)
        assert funnel.steps()[-1] == ("Trả lời khảo sát", 1)
        quiet = Poster.query.filter_by(code=named).one()
        assert poster_funnel(quiet).survey_answers == 0
        assert ("Trả lời khảo sát", 0) not in poster_funnel(quiet).steps()
