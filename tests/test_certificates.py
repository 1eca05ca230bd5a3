"""Certificates: issued once on a pass, printed as a real PDF, verifiable at /v/<code>.

The PDFs are checked with the real tools (poppler's pdftotext, pdffonts and pdftoppm, and zbar's
zbarimg); they are required, as in CI, and a missing one fails the test rather than skipping it.
"""

import datetime as dt
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
from helpers import (
    ALL_RIGHT,
    HALF_RIGHT,
    collapsed,
    decode_qr_pdf,
    pdf_fonts,
    pdf_text,
    run,
    save,
    take_quiz,
)

import database
from config import Config
from models import Attempt, Certificate, Participant
from services import documents
from services.common.codes import ALPHABET
from services.common.vietnamese import admin_date, local_date, masked_name, table_date
from services.org.settings import commune_settings
from services.org.units import create_unit
from services.participation import certificates
from services.render.pdf import StaticOnlyFetcher

BASE_URL = "https://lantoa.example"
SERIAL_RE = re.compile(r"^HVT-\d{4}-\d{6}$")
CODE_RE = re.compile(rf"^[{ALPHABET}]{{12}}$")
GROUPED_RE = re.compile(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")
DATE_RE = re.compile(r"ngày (\d{2}) tháng (0[12]|[3-9]|1[0-2]) năm (\d{4})")

# Every lower-case Vietnamese letter with a diacritic (a, ă, â, đ, e, ê, i, o, ô, ơ, u, ư, y).
DIACRITIC_GROUPS = [
    "àáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "đ",
    "èéẻẽẹ",
    "êềếểễệ",
    "ìíỉĩị",
    "òóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "ùúủũụ",
    "ưừứửữự",
    "ỳýỷỹỵ",
]
VIETNAMESE_LETTERS = "".join(DIACRITIC_GROUPS)

# Names typed into the identity form; together they use every letter above.
NAMES = [
    "Nguyễn Thị Ánh Hồng",
    "Đặng Quốc Việt",
    "Lê Thị Ngọc Hưởng",
    "Trịnh Văn Sỹ Tuấn",
    "Hoàng Ỷ Lan",
    "Phạm Thị Ửng Ờ",
    "Bùi Thị Thảo Hằng",
    "Lã Quách Đức Thắng",
    "Trần Tân Cẩm Mẫn Hậu",
    "Chu Văn Ẵm Bé Mè Trẻ Đẹp Vẽ",
    "Kiều Tiến Thể Thìn Chí Chỉnh Vĩnh",
    "Lò Võ Nhỏ Khổng Đỗ Lộc Phó",
    "Sơn Thới Mỡ Lợi",
    "Cúc Thủy Lụa Vũ",
    "Lữ Hừng Lực",
    "Nông Thị Kỳ Lý Mỵ",
    "Tạ Văn Đẳng",
]


def _local_day(moment: dt.datetime) -> dt.date:
    """The commune's day of a stored (UTC) time: after 17:00 UTC it is the next day."""
    return local_date(moment, Config.TIMEZONE)


# --- the learner side --------------------------------------------------------------------------


@pytest.fixture
def learner(app, content, identify):
    """Factory: a fresh browser (test client) identified through the form with this name."""

    def make(name="Nguyễn Văn An", **extra):
        client = app.test_client()
        identify(client, name=name, **extra)
        return client

    return make


@pytest.fixture
def cookie_learner(app, content, participant_in_db):
    """Factory: a browser recognised by the cookie of a participant made in the database."""

    def make(name, role="villager", unit="village", age="30-44"):
        _pid, token = participant_in_db(name=name, role=role, unit=unit, age=age)
        client = app.test_client()
        client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
        return client

    return make


def certificate_of(app, name: str) -> dict:
    """The certificate of the participant with this name, as plain data."""
    with app.app_context():
        cert = (
            Certificate.query.join(Participant, Certificate.participant_id == Participant.id)
            .filter(Participant.display_name == name)
            .one()
        )
        return {
            "serial": cert.serial,
            "code": cert.verification_code,
            "holder": cert.holder_name,
            "issued": cert.issued_at,
            "achievement": cert.achievement,
        }


def certificate_pdf(client, result_url: str, folder: Path) -> Path:
    response = client.get(f"{urlsplit(result_url).path}/certificate.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return save(response.data, folder)


@pytest.fixture
def passed(learner, tmp_path):
    """Factory: a learner who passed 'an-toan'; returns (client, result url, pdf path)."""

    def make(name="Nguyễn Văn An", **extra):
        client = learner(name, **extra)
        result = take_quiz(client, ALL_RIGHT)
        folder = tmp_path / f"c{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        return client, result, certificate_pdf(client, result, folder)

    return make


def transient_certificate(holder: str, **overrides) -> Certificate:
    """A certificate that is rendered but never stored (for names longer than the form allows)."""
    values = {
        "serial": "HVT-2026-000123",
        "verification_code": "K0M1N2P3QRST",
        "holder_name": holder,
        "holder_is_minor": False,
        "achievement": "An toàn trên mạng",
        "score_percent": 100,
        "issued_at": dt.datetime(2026, 6, 5, 3, 0),
    }
    values.update(overrides)
    return Certificate(**values)


# --- issuing -----------------------------------------------------------------------------------


def test_passing_issues_exactly_one_certificate_and_passing_again_none(app, learner):
    client = learner("Hà Thị Lan")
    first = take_quiz(client, ALL_RIGHT)
    with app.app_context():
        assert Certificate.query.count() == 1
        cert = Certificate.query.one()
        first_attempt = Attempt.query.one()
        assert cert.attempt_id == first_attempt.id and cert.score_percent == 100
        serial, code = cert.serial, cert.verification_code
    second = take_quiz(client, ALL_RIGHT, number=2)
    assert second != first
    with app.app_context():
        assert Attempt.query.count() == 2
        assert Certificate.query.count() == 1
        assert Certificate.query.one().serial == serial
    # The second result page offers the same certificate.
    page = client.get(second).get_data(as_text=True)
    assert serial in page and certificates.format_code(code) in page


def test_failing_issues_none(app, learner):
    client = learner("Hà Văn Sơn")
    result = take_quiz(client, HALF_RIGHT)
    with app.app_context():
        assert Attempt.query.one().passed is False
        assert Certificate.query.count() == 0
    page = client.get(result).get_data(as_text=True)
    assert "Tải giấy chứng nhận" not in page
    assert client.get(f"{urlsplit(result).path}/certificate.pdf").status_code == 404


def test_failing_then_passing_issues_one_for_the_passed_attempt(app, learner):
    client = learner("Vi Văn Bằng")
    take_quiz(client, HALF_RIGHT)
    take_quiz(client, ALL_RIGHT, number=2)
    with app.app_context():
        cert = Certificate.query.one()
        assert cert.attempt.number == 2 and cert.attempt.passed


def test_serial_numbers_are_readable_and_increase(app, learner):
    serials = []
    for name in ("Người Thứ Nhất", "Người Thứ Hai", "Người Thứ Ba"):
        take_quiz(learner(name), ALL_RIGHT)
        serials.append(certificate_of(app, name)["serial"])
    for serial in serials:
        assert SERIAL_RE.match(serial), serial
    year = certificate_of(app, "Người Thứ Nhất")["issued"].year
    assert serials == [f"HVT-{year}-{n:06d}" for n in (1, 2, 3)]


def test_verification_code_is_12_crockford_characters_shown_grouped(app, learner):
    client = learner("Đinh Thị Thu")
    result = take_quiz(client, ALL_RIGHT)
    take_quiz(learner("Đinh Văn Hạ"), ALL_RIGHT)
    code = certificate_of(app, "Đinh Thị Thu")["code"]
    assert CODE_RE.match(code), code
    assert not set(code) & set("ILOU")
    assert certificates.VERIFICATION_CODE_LENGTH * 5 >= 60  # 5 bits a character
    assert code != certificate_of(app, "Đinh Văn Hạ")["code"]
    page = client.get(result).get_data(as_text=True)
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert grouped in page and GROUPED_RE.search(page)
    assert "Tải giấy chứng nhận (PDF)" in page


def test_certificate_pdf_is_only_for_its_owner(app, learner, passed):
    owner, result, _pdf = passed("Chủ Nhân Giấy")
    path = f"{urlsplit(result).path}/certificate.pdf"
    other = learner("Người Khác")
    assert other.get(path).status_code == 404
    assert app.test_client().get(path).status_code == 404  # nobody identified
    response = owner.get(path)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]


# --- the PDF -----------------------------------------------------------------------------------


def test_the_names_together_use_every_vietnamese_diacritic():
    used = set(unicodedata.normalize("NFC", " ".join(NAMES)).lower())
    missing = [ch for ch in VIETNAMESE_LETTERS if ch not in used]
    assert not missing, f"no test name uses {' '.join(missing)}"
    assert all(len(name) <= 60 for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_pdf_text_contains_the_holders_name_exactly(passed, name):
    _client, _result, pdf = passed(name)
    text = pdf_text(pdf)
    assert name in text, f"{name!r} not found in:\n{text}"


def test_a_name_typed_decomposed_prints_composed(passed):
    name = "Nguyễn Thị Ánh Hồng"
    _client, _result, pdf = passed(unicodedata.normalize("NFD", name))
    raw = run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    assert name in raw  # stored and printed in NFC, not only after normalising the output


@pytest.mark.parametrize("case", ["lower", "upper"])
def test_one_certificate_with_every_vietnamese_letter(app, tmp_path, case):
    holder = " ".join(DIACRITIC_GROUPS)
    holder = holder.upper() if case == "upper" else holder
    assert len(holder) <= 80  # the column's size
    with app.app_context():
        pdf = save(documents.certificate_pdf([transient_certificate(holder)]), tmp_path)
    text = pdf_text(pdf)
    # Only the name's own lines count: other words on the page use some of these letters too.
    name_part = text.split("Chứng nhận", 1)[1].split("đã hoàn thành", 1)[0]
    missing = [ch for ch in holder if not ch.isspace() and ch not in name_part]
    assert not missing, f"missing from the PDF text: {' '.join(missing)}"
    assert collapsed(name_part) == holder


def test_certificate_pdf_has_the_administrative_layout(app, passed):
    _client, _result, pdf = passed("Lương Thị Mai")
    cert = certificate_of(app, "Lương Thị Mai")
    text = pdf_text(pdf)
    flat = collapsed(text)
    for phrase in (
        "GIẤY CHỨNG NHẬN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN XÃ HOÀNG VĂN THỤ",
        "Lương Thị Mai",
        "An toàn trên mạng",
        cert["serial"],
        certificates.format_code(cert["code"]),
        f"{BASE_URL}/v/{cert['code']}",
    ):
        assert phrase in flat, f"{phrase!r} not in:\n{text}"
    date = DATE_RE.search(flat)
    assert date, f"no 'ngày DD tháng M năm YYYY' in:\n{text}"
    assert date.group(0) == admin_date(_local_day(cert["issued"]))
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=2)  # A4 landscape
    assert float(box.height) == pytest.approx(595, abs=2)


def test_certificate_date_line_is_printed_on_one_line(app, tmp_path):
    """'Hoàng Văn Thụ, ngày 15 tháng 12 năm 2026' must not wrap (the year alone on a line)."""
    issued = dt.datetime(2026, 12, 15, 3, 0)
    with app.app_context():
        cert = transient_certificate("Lê Văn Tám", issued_at=issued)
        pdf = save(documents.certificate_pdf([cert]), tmp_path)
        place = commune_settings().place_name
    lines = [collapsed(line) for line in pdf_text(pdf, layout=True).splitlines()]
    expected = f"{place}, ngày 15 tháng 12 năm 2026"
    assert any(expected in line for line in lines), "\n".join(lines)


def test_certificate_date_is_the_date_in_vietnam(app, passed, monkeypatch):
    """Issued at 03:30 on 6 June in Vietnam (20:30 UTC on 5 June): dated 6 June, not 5 June."""
    monkeypatch.setattr(certificates, "utcnow", lambda: dt.datetime(2026, 6, 5, 20, 30))
    client, _result, pdf = passed("Sầm Văn Khuya")
    cert = certificate_of(app, "Sầm Văn Khuya")
    printed = DATE_RE.search(collapsed(pdf_text(pdf)))
    assert printed and printed.group(0) == "ngày 06 tháng 6 năm 2026", printed
    page = client.get(f"/v/{cert['code']}").get_data(as_text=True)
    assert "06/06/2026" in page


def test_every_font_in_the_certificate_is_embedded(passed):
    _client, _result, pdf = passed("Triệu Thị Hương")
    fonts = pdf_fonts(pdf)
    assert fonts, "the PDF lists no fonts"
    not_embedded = [font["name"] for font in fonts if font["emb"] != "yes"]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"


def test_certificate_qr_code_is_exactly_the_verification_url(app, passed):
    _client, _result, pdf = passed("Hoàng Văn Quý")
    code = certificate_of(app, "Hoàng Văn Quý")["code"]
    assert decode_qr_pdf(pdf) == [f"{BASE_URL}/v/{code}"]


# --- verification ------------------------------------------------------------------------------


def test_verification_page_shows_a_valid_certificate(app, client, passed):
    passed("Đặng Quốc Việt")
    cert = certificate_of(app, "Đặng Quốc Việt")
    response = client.get(f"/v/{cert['code']}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in page
    assert "Đặng Quốc Việt" in page
    assert "An toàn trên mạng" in page
    assert table_date(_local_day(cert["issued"])) in page
    assert cert["serial"] in page
    assert certificates.format_code(cert["code"]) in page
    assert "thu hồi" not in page


def test_lookup_form_leads_to_the_verification_page(app, client, passed):
    passed("Mã Thị Tra")
    code = certificate_of(app, "Mã Thị Tra")["code"]
    assert "Xác minh giấy chứng nhận" in client.get("/v").get_data(as_text=True)
    found = client.get("/v", query_string={"code": code.lower()}, follow_redirects=True)
    assert found.status_code == 200 and "Mã Thị Tra" in found.get_data(as_text=True)


def test_misread_and_differently_typed_codes_find_the_certificate(app, client, passed):
    passed("Ma Văn Đọc")
    with app.app_context():
        cert = Certificate.query.one()
        cert.verification_code = "K0M1NP0QR1ST"  # has the digits people misread as O, I, L
        database.commit()
    for typed in (
        "K0M1NP0QR1ST",
        "k0m1np0qr1st",
        "K0M1-NP0Q-R1ST",
        "k0m1-np0q-r1st",
        "KOMINPOQRLST",
        "kom1-npoq-rlst",
        "K0ML NP0Q RIST",
    ):
        response = client.get(f"/v/{typed}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200, typed
        assert "Giấy chứng nhận hợp lệ" in page and "Ma Văn Đọc" in page, typed


def test_revoked_certificate_says_so_and_why(app, client, passed):
    passed("Phan Văn Thu")
    code = certificate_of(app, "Phan Văn Thu")["code"]
    reason = "Cấp nhầm người, đã cấp lại"
    result = app.test_cli_runner().invoke(
        args=["certificates", "revoke", certificates.format_code(code).lower(), "--reason", reason]
    )
    assert result.exit_code == 0, result.output
    assert "Phan Văn Thu" in result.output
    with app.app_context():
        cert = Certificate.query.one()
        assert cert.is_revoked and cert.revoked_reason == reason
        assert cert.verification_code == code  # the code keeps working
    response = client.get(f"/v/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "đã bị thu hồi" in page and reason in page
    assert "Giấy chứng nhận hợp lệ" not in page


def test_revoking_an_unknown_code_fails(app, content):
    result = app.test_cli_runner().invoke(
        args=["certificates", "revoke", "ZZZZ-ZZZZ-ZZZZ", "--reason", "thử"]
    )
    assert result.exit_code != 0


def test_unknown_well_formed_code_is_not_found(app, client, passed):
    passed("Người Có Giấy")
    real = certificate_of(app, "Người Có Giấy")["code"]
    unknown = "ZZZZZZZZZZZZ" if real != "ZZZZZZZZZZZZ" else "YYYYYYYYYYYY"
    response = client.get(f"/v/{unknown}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không tìm thấy" in page
    assert "Người Có Giấy" not in page


@pytest.mark.parametrize(
    "code",
    ["ABCD", "ABCD-EFGH-123", "ABCD-EFGH-12345", "ABCD-EFGH-12U4", "ABCD-EF*H-1234", "A" * 200],
    ids=["too short", "11 chars", "13 chars", "letter U", "star", "200 chars"],
)
def test_malformed_code_is_refused_in_vietnamese(client, content, code):
    response = client.get(f"/v/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Mã không đúng định dạng" in page


def test_malformed_code_with_markup_is_escaped(client, content):
    response = client.get("/v/<script>alert(1)</script>")
    assert response.status_code in (400, 404)
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_minors_name_is_masked_and_adults_is_shown(app, client, cookie_learner):
    child = cookie_learner("Nguyễn Thị Ánh Hồng", role="student", unit="class", age="under16")
    take_quiz(child, ALL_RIGHT)
    adult = cookie_learner("Trần Văn Bình")
    take_quiz(adult, ALL_RIGHT)

    page = client.get(f"/v/{certificate_of(app, 'Nguyễn Thị Ánh Hồng')['code']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Giấy chứng nhận hợp lệ" in html
    assert "Nguyễn T. Á. H." in html
    for hidden in ("Nguyễn Thị Ánh Hồng", "Thị", "Ánh", "Hồng"):
        assert hidden not in html, hidden

    html = client.get(f"/v/{certificate_of(app, 'Trần Văn Bình')['code']}").get_data(as_text=True)
    assert "Trần Văn Bình" in html and "Trần V. B." not in html


def test_verification_is_rate_limited(app, client, passed):
    passed("Hỏi Nhiều Lần")
    code = certificate_of(app, "Hỏi Nhiều Lần")["code"]
    saved = app.config["VERIFY_RATE_LIMIT"]
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get(f"/v/{code}").status_code for _ in range(3)]
        refused = client.get(f"/v/{code}")
    finally:
        app.config["VERIFY_RATE_LIMIT"] = saved
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Quá nhiều yêu cầu" in page
    # The explanation is Vietnamese too, not the limiter's own English ("3 per 1 minute").
    assert "per 1 minute" not in page
    assert "Vui lòng đợi" in page
    assert "Hỏi Nhiều Lần" not in page


# --- locked-down rendering ---------------------------------------------------------------------

FILE_TAG = '<img src="file:///etc/passwd">'
HTTP_TAG = '<img src="http://127.0.0.1:1/x">'


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the app's fetcher for, in order."""
    urls: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    return urls


def assert_only_static_files(app, urls: list[str]) -> None:
    static = Path(app.static_folder).resolve()
    assert urls, "the fetcher was never called (not even for the fonts): is the spy in place?"
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "file" and not parts.netloc, url
        path = Path(parts.path).resolve()
        assert path.is_relative_to(static) and path.is_file(), url
    assert any(url.endswith(".ttf") for url in urls)


@pytest.mark.parametrize("name", [FILE_TAG, HTTP_TAG, f"Lê {FILE_TAG}"])
def test_html_in_a_name_prints_as_text_and_fetches_nothing(app, client, passed, fetched, name):
    _client, _result, pdf = passed(name)
    assert name in pdf_text(pdf)
    assert_only_static_files(app, fetched)
    code = certificate_of(app, name)["code"]
    page = client.get(f"/v/{code}").get_data(as_text=True)
    assert "&lt;img" in page and "<img src=" not in page


def test_both_tags_in_one_name_print_as_text_and_fetch_nothing(app, tmp_path, fetched):
    holder = f"{FILE_TAG} {HTTP_TAG}"  # longer than the form allows: rendered directly
    with app.app_context():
        pdf = save(documents.certificate_pdf([transient_certificate(holder)]), tmp_path)
    assert holder in collapsed(pdf_text(pdf))
    assert_only_static_files(app, fetched)


@pytest.fixture
def fetcher(app) -> StaticOnlyFetcher:
    return StaticOnlyFetcher(Path(app.static_folder))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.com/font.ttf",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "data:text/plain;base64,aGVsbG8=",
        "ftp://example.com/x",
    ],
)
def test_static_only_fetcher_refuses_other_urls(fetcher, url):
    with pytest.raises(Exception):  # any refusal will do
        fetcher.fetch(url)
    assert url in fetcher.refused


def test_static_only_fetcher_refuses_escaping_the_static_folder(app, fetcher):
    static = Path(app.static_folder).resolve()
    escaping = static.as_uri() + "/fonts/../../config.py"
    assert (static / "fonts" / ".." / ".." / "config.py").resolve().is_file()
    with pytest.raises(Exception):
        fetcher.fetch(escaping)
    encoded = static.as_uri() + "/%2E%2E/config.py"
    with pytest.raises(Exception):
        fetcher.fetch(encoded)
    with pytest.raises(Exception):
        fetcher.fetch(static.as_uri() + "/fonts/no-such-font.ttf")


def test_static_only_fetcher_serves_a_font(app, fetcher):
    font = Path(app.static_folder).resolve() / "fonts" / "LiberationSerif-Regular.ttf"
    response = fetcher.fetch(font.as_uri())
    try:
        assert response.read() == font.read_bytes()
    finally:
        response.close()
    assert not fetcher.refused


# --- a class batch -----------------------------------------------------------------------------


def batch(app, unit_id: int, out: Path, quiz: str = "an-toan"):
    """`flask certificates batch --unit ID --quiz SLUG --out FILE`."""
    args = ["certificates", "batch", "--unit", str(unit_id), "--quiz", quiz, "--out", str(out)]
    return app.test_cli_runner().invoke(args=args)


def test_batch_prints_one_page_per_student_who_passed(app, places, cookie_learner, tmp_path):
    passing = ["Hoàng Văn Nam", "Lương Thị Mai", "Vi Đức Anh"]
    for name in passing:
        take_quiz(cookie_learner(name, role="student", unit="class", age="under16"), ALL_RIGHT)
    failing = cookie_learner("Nông Văn Khánh", role="student", unit="class", age="under16")
    take_quiz(failing, HALF_RIGHT)
    take_quiz(cookie_learner("Lò Văn Ngoài Lớp"), ALL_RIGHT)  # passed, but lives in the village
    out = tmp_path / "lop-7a.pdf"
    result = batch(app, places["class"], out)
    assert result.exit_code == 0, result.output
    assert len(pypdf.PdfReader(out).pages) == 3
    pages = [pdf_text(out, page=n) for n in (1, 2, 3)]
    named = []
    for text in pages:
        on_page = [name for name in passing if name in text]
        assert len(on_page) == 1, text
        named.append(on_page[0])
        assert "Nông Văn Khánh" not in text and "Lò Văn Ngoài Lớp" not in text
    assert sorted(named) == sorted(passing)
    codes = {certificate_of(app, name)["code"]: name for name in passing}
    for number, name in enumerate(named, start=1):
        (url,) = decode_qr_pdf(out, page=number)
        assert codes[url.rsplit("/", 1)[1]] == name


def test_batch_with_nobody_who_passed_fails(app, content, places, tmp_path):
    out = tmp_path / "empty.pdf"
    result = batch(app, places["class"], out)
    assert result.exit_code != 0 and not out.exists()


def test_batch_includes_classes_below_the_unit(app, cookie_learner, tmp_path):
    take_quiz(cookie_learner("Hà Thị Học", role="student", unit="class", age="under16"), ALL_RIGHT)
    with app.app_context():
        klass = Participant.query.one().unit
        other = create_unit("class", "Lớp 8B", klass.parent)
        database.commit()
        school_id, other_id = klass.parent_id, other.id
    out = tmp_path / "school.pdf"
    result = batch(app, school_id, out)
    assert result.exit_code == 0, result.output
    assert len(pypdf.PdfReader(out).pages) == 1
    result = batch(app, other_id, tmp_path / "8b.pdf")
    assert result.exit_code != 0


# --- Vietnamese formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 5), "ngày 05 tháng 6 năm 2026"),
        (dt.date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
        (dt.date(2027, 1, 1), "ngày 01 tháng 01 năm 2027"),
        (dt.date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
        (dt.date(2026, 3, 31), "ngày 31 tháng 3 năm 2026"),
        (dt.date(2026, 10, 20), "ngày 20 tháng 10 năm 2026"),
    ],
)
def test_admin_date(day, expected):
    assert admin_date(day) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Thị Ánh Hồng", "Nguyễn T. Á. H."),
        ("Nguyễn Thị Hoa", "Nguyễn T. H."),
        ("Đặng Quốc Việt", "Đặng Q. V."),
        ("Lò  Văn   Tùng", "Lò V. T."),
        ("Hoa", "H."),
        ("Ánh", "Á."),
        ("", ""),
    ],
)
def test_masked_name(name, expected):
    assert masked_name(name) == expected


def test_masked_name_keeps_composed_initials():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Hồng")
    masked = masked_name(unicodedata.normalize("NFC", decomposed))
    assert masked == "Nguyễn T. Á. H." and unicodedata.is_normalized("NFC", masked)
