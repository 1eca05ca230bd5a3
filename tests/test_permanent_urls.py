"""The printed links are a contract (DESIGN.md, "Permanent URLs"): /p/<code> and /c/<code> keep
working for years, tolerant of how people type and scan them, and count every real scan."""

import re

import pytest

import database
from models import Participant, Poster, Scan, Unit
from services.common import codes
from services.org.units import CLASS_CODE_LENGTH
from services.participation.posters import POSTER_CODE_LENGTH

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TEMPORARY_REDIRECTS = (302, 303, 307)  # never 301/308: a browser would skip the count next time

ZALO_ANDROID = (
    "Mozilla/5.0 (Linux; Android 11; SM-A125F Build/RP1A.200720.012; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 "
    "Zalo android/12110630 ZaloTheme/light ZaloLanguage/vn"
)
ZALO_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Zalo iOS/23.12.01"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36"
)
CUBOT_ZALO = (
    "Mozilla/5.0 (Linux; Android 11; CUBOT_NOTE_20_PRO Build/RP1A.200720.011; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Mobile "
    "Safari/537.36 Zalo android/12110630 ZaloTheme/light ZaloLanguage/vn"
)


def _set_poster_code(app, code: str, new_code: str) -> None:
    with app.app_context():
        Poster.query.filter_by(code=code).one().code = new_code
        database.commit()


def _set_class_code(app, unit_id: int, new_code: str) -> None:
    with app.app_context():
        Unit.query.filter_by(id=unit_id).one().join_code = new_code
        database.commit()


def _scans(app) -> list[Scan]:
    with app.app_context():
        return Scan.query.order_by(Scan.id).all()


# --- the URL rules themselves ------------------------------------------------------------


def test_poster_and_class_rules_exist_and_take_get(app):
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}
    for path in ("/p/<code>", "/c/<code>", "/v/<code>"):
        assert path in rules, f"the printed link {path} must stay"
        assert "GET" in rules[path].methods and "HEAD" in rules[path].methods
    adapter = app.url_map.bind("lantoa.example")
    assert adapter.match("/p/ABC1234")[1] == {"code": "ABC1234"}
    assert adapter.match("/c/ab-c123")[1] == {"code": "ab-c123"}


# --- poster links ------------------------------------------------------------------------


def test_generated_poster_and_class_codes_are_crockford(app, make_poster, places):
    assert POSTER_CODE_LENGTH == 7 and CLASS_CODE_LENGTH == 8
    assert codes.ALPHABET == CROCKFORD
    poster_codes = [make_poster() for _ in range(5)]
    for code in poster_codes:
        assert re.fullmatch(rf"[{CROCKFORD}]{{7}}", code), code
    assert len(set(poster_codes)) == 5
    assert re.fullmatch(rf"[{CROCKFORD}]{{8}}", places["class_code"])
    for length in (6, 7, 8):
        assert re.fullmatch(rf"[{CROCKFORD}]{{{length}}}", codes.generate(length))


def test_scan_is_counted_for_poster_and_placement_then_redirects(app, client, make_poster, places):
    code = make_poster()
    response = client.get(f"/p/{code}")
    assert response.status_code in TEMPORARY_REDIRECTS
    assert response.headers["Location"].endswith("/lessons/an-toan")
    (scan,) = _scans(app)
    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        assert scan.poster_id == poster.id
    assert scan.unit_id == places["village"]
    assert scan.participant_id is None  # not identified yet
    assert scan.scanned_at is not None


def test_scan_by_a_known_participant_is_attributed(app, client, make_poster, identify):
    code = make_poster(unit="agency")
    identify(client)
    assert client.get(f"/p/{code}").status_code in TEMPORARY_REDIRECTS
    (scan,) = _scans(app)
    with app.app_context():
        assert scan.participant_id == Participant.query.one().id
    with app.app_context():
        assert scan.unit_id == Poster.query.filter_by(code=code).one().unit_id


def test_every_scan_counts(app, client, make_poster):
    code = make_poster()
    for _ in range(3):
        assert client.get(f"/p/{code}").status_code in TEMPORARY_REDIRECTS
    assert len(_scans(app)) == 3


def test_poster_for_a_quiz_redirects_to_the_quiz(app, client, make_poster):
    code = make_poster(slug="gioi-han", target="quiz")
    response = client.get(f"/p/{code}")
    assert response.status_code in TEMPORARY_REDIRECTS
    assert response.headers["Location"].endswith("/quizzes/gioi-han")
    assert len(_scans(app)) == 1


SPELLINGS = {
    "as printed": "0A1B2C3",
    "lower case": "0a1b2c3",
    "O for zero": "OA1B2C3",
    "o for zero": "oa1b2c3",
    "I for one": "0AIB2C3",
    "L for one": "0ALB2C3",
    "l for one": "0alb2c3",
    "i for one": "0aib2c3",
    "hyphens": "0A1-B2C-3",
    "lower case with hyphens and misreadings": "oa-lb-2c-3",
    "space (%20)": "0A1B%202C3",
}


@pytest.mark.parametrize("typed", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_poster_code_tolerates_case_misreadings_and_hyphens(app, client, make_poster, typed):
    _set_poster_code(app, make_poster(), "0A1B2C3")
    response = client.get(f"/p/{typed}")
    assert response.status_code in TEMPORARY_REDIRECTS, typed
    assert response.headers["Location"].endswith("/lessons/an-toan")
    assert len(_scans(app)) == 1


@pytest.mark.parametrize("stored", ["ABCDEF", "ABCDEFG", "ABCDEFGH"], ids=["6", "7", "8"])
def test_poster_codes_of_6_to_8_characters_work(app, client, make_poster, stored):
    _set_poster_code(app, make_poster(), stored)
    assert client.get(f"/p/{stored}").status_code in TEMPORARY_REDIRECTS
    assert client.get(f"/p/{stored.lower()}").status_code in TEMPORARY_REDIRECTS
    assert len(_scans(app)) == 2


@pytest.mark.parametrize(
    "agent",
    [
        "facebookexternalhit/1.1",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Facebot",
        "TelegramBot (like TwitterBot)",
        "Twitterbot/1.0",
    ],
)
def test_link_preview_bots_are_redirected_but_not_counted(app, client, make_poster, agent):
    code = make_poster()
    response = client.get(f"/p/{code}", headers={"User-Agent": agent})
    assert response.status_code in TEMPORARY_REDIRECTS
    assert response.headers["Location"].endswith("/lessons/an-toan")
    assert _scans(app) == []


def test_head_requests_are_redirected_but_not_counted(app, client, make_poster):
    code = make_poster()
    response = client.head(f"/p/{code}")
    assert response.status_code in TEMPORARY_REDIRECTS
    assert response.headers["Location"].endswith("/lessons/an-toan")
    assert _scans(app) == []


@pytest.mark.parametrize(
    "agent",
    [ZALO_ANDROID, ZALO_IOS, CHROME_ANDROID],
    ids=["zalo-android", "zalo-ios", "chrome-android"],
)
def test_phones_and_zalo_in_app_browser_are_counted(app, client, make_poster, agent):
    code = make_poster()
    response = client.get(f"/p/{code}", headers={"User-Agent": agent})
    assert response.status_code in TEMPORARY_REDIRECTS
    assert len(_scans(app)) == 1


def test_a_phone_whose_model_name_contains_bot_is_counted(app, client, make_poster):
    """Cubot is a budget Android brand: 'CUBOT' is a device, not a crawler."""
    code = make_poster()
    response = client.get(f"/p/{code}", headers={"User-Agent": CUBOT_ZALO})
    assert response.status_code in TEMPORARY_REDIRECTS
    assert len(_scans(app)) == 1


def test_unknown_poster_code_counts_nothing(app, client, make_poster):
    make_poster()
    assert client.get("/p/ZZZZZZZ").status_code == 404
    assert _scans(app) == []


# --- class join links --------------------------------------------------------------------


CLASS_SPELLINGS = {
    "as printed": "1A0B1C",
    "lower case": "1a0b1c",
    "misreadings": "IAOBLC",
    "lower misreadings and hyphens": "ia-ob-lc",
}


@pytest.mark.parametrize("typed", CLASS_SPELLINGS.values(), ids=CLASS_SPELLINGS.keys())
def test_class_link_tolerates_case_misreadings_and_hyphens(app, client, content, places, typed):
    _set_class_code(app, places["class"], "1A0B1C")
    response = client.get(f"/c/{typed}")
    assert response.status_code in TEMPORARY_REDIRECTS
    assert "/identify" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lớp 7A" in page and "Bạn đang vào lớp" in page


def test_generated_class_code_works_in_lower_case(app, client, content, places):
    response = client.get(f"/c/{places['class_code'].lower()}", follow_redirects=True)
    assert response.status_code == 200
    assert "Lớp 7A" in response.get_data(as_text=True)


def test_poster_code_is_not_a_class_code(app, client, make_poster):
    code = make_poster()
    assert client.get(f"/c/{code}").status_code == 404


# --- services.common.codes.normalize ------------------------------------------------------------

NORMALIZED = [
    ("ABCDEF", 6, 8, "ABCDEF"),
    ("abcdef", 6, 8, "ABCDEF"),
    ("AbCdEfGh", 6, 8, "ABCDEFGH"),
    ("O0o0O0", 6, 8, "000000"),
    ("IiLl11", 6, 8, "111111"),
    ("ab-cd-ef", 6, 8, "ABCDEF"),
    ("ab cd ef", 6, 8, "ABCDEF"),
    ("ab\tcd\tef", 6, 8, "ABCDEF"),
    ("--abcdef--", 6, 8, "ABCDEF"),
    ("AB-CD-EF-GH", 6, 8, "ABCDEFGH"),
    ("0123456789", 10, 10, "0123456789"),
    ("VWXYZ", 5, 5, "VWXYZ"),
]
NOT_CODES = [
    ("ABCDE", 6, 8),  # too short
    ("ABCDEFGHJ", 6, 8),  # too long
    ("ABCDEU", 6, 8),  # U is not in the alphabet
    ("abcdeu", 6, 8),
    ("ABC.EF", 6, 8),
    ("ABC_EF", 6, 8),
    ("ABC/EF", 6, 8),
    ("ÀBCDEF", 6, 8),
    ("", 6, 8),
    ("------", 6, 8),
    ("A" * 500, 6, 8),
    ("A-" * 30, 6, 8),  # hyphens do not stretch the limit forever
]


@pytest.mark.parametrize("raw, low, high, expected", NORMALIZED)
def test_normalize_accepts_what_people_type(raw, low, high, expected):
    assert codes.normalize(raw, low, high) == expected


@pytest.mark.parametrize("raw, low, high", NOT_CODES)
def test_normalize_refuses_what_cannot_be_a_code(raw, low, high):
    assert codes.normalize(raw, low, high) is None


@pytest.mark.parametrize("raw", [None, 1234567, b"ABCDEF", ["ABCDEF"]])
def test_normalize_refuses_non_strings(raw):
    assert codes.normalize(raw, 6, 8) is None


def test_normalize_short_is_6_to_8_characters():
    assert codes.normalize_short("abcde") is None
    assert codes.normalize_short("abcdef") == "ABCDEF"
    assert codes.normalize_short("abc-defg-h") == "ABCDEFGH"
    assert codes.normalize_short("abcdefghj") is None


def test_normalize_is_idempotent_and_lands_in_the_alphabet():
    for _ in range(50):
        code = codes.generate(7)
        assert codes.normalize_short(code) == code
        assert codes.normalize_short(code.lower()) == code
        spaced = "-".join(code[i : i + 3] for i in range(0, 7, 3))
        assert codes.normalize_short(spaced) == code
