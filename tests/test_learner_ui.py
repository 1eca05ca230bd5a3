"""Learner pages for weak signal and phones: audio per language with its size, data-saver mode,
in-app browser hints, readable text and one small deferred script (all without JavaScript)."""

import gzip
import re
from pathlib import Path

import pytest
from helpers import ALL_RIGHT, take_quiz

import database
from models import Lesson
from services.content import media_files

ROOT = Path(__file__).resolve().parent.parent
MEDIA = Path(__file__).parent / "fixtures" / "content" / "media"
CHROME = (
    "Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
)
IN_APP = {
    "Zalo": CHROME + " Zalo android/12 ZaloTheme/light ZaloLanguage/vi",
    "Facebook": CHROME + " [FB_IAB/FB4A;FBAV/450.0.0.40.104;]",
    "Facebook ": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/450.0.0.38.108;FBBV/1;FBDV/iPhone14,5]",
    "Messenger": CHROME + " [FB_IAB/Orca-Android;FBAV/440.0.0.31.116;]",
    "Instagram": CHROME + " Instagram 312.1.0.34.111 Android (29/10; 420dpi; 1080x2220)",
    "TikTok": CHROME + " musical_ly_2023405030 JsSdk/1.0 NetType/WIFI Channel/googleplay "
    "AppName/musical_ly app_version/34.5.3 ByteLocale/vi BytedanceWebview/d8a21c6",
}


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def recorded(app, content):
    """The lesson 'an-toan' recorded in Vietnamese, Tày and Nùng (real OGG files)."""
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        lesson.audio = {f"{lang}": f"media/an-toan-{lang}.ogg" for lang in ("nun", "vi", "tay")}
        database.commit()
    media_files.clear_cache()
    return "/lessons/an-toan"


# --- audio --------------------------------------------------------------------------------


def test_lesson_offers_one_listen_link_per_language_with_its_size(client, identify, recorded):
    identify(client)
    page = _text(client.get(recorded))
    links = re.findall(r'<a class="btn alt" href="([^"]+)" type="audio/ogg" hreflang="(\w+)" '
                       r"data-audio>.*?</span> ([^<]+) <span class=\"size\">\(([^)]+)\)</span></a>",
                       page)  # fmt: skip
    sizes = {lang: (MEDIA / f"an-toan-{lang}.ogg").stat().st_size for lang in ("vi", "tay", "nun")}
    assert links == [
        ("/media/an-toan-vi.ogg", "vi", "Nghe tiếng Việt", f"{round(sizes['vi'] / 1024)} KB"),
        ("/media/an-toan-tay.ogg", "tyz", "Nghe tiếng Tày", f"{round(sizes['tay'] / 1024)} KB"),
        ("/media/an-toan-nun.ogg", "nut", "Nghe tiếng Nùng", f"{round(sizes['nun'] / 1024)} KB"),
    ]
    # Nothing on the page makes the phone fetch audio before a tap.
    assert "<audio" not in page and "<source" not in page
    assert client.get("/media/an-toan-tay.ogg").status_code == 200


def test_listen_links_in_english(client, identify, recorded):
    identify(client)
    client.get("/lang/en")
    page = _text(client.get(recorded))
    assert "Listen in Vietnamese" in page and "Listen in Tày" in page and "Listen in Nùng" in page


def test_a_plain_audio_path_is_the_vietnamese_recording(app, client, identify, content):
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        lesson.audio, lesson.audio_path = {}, "media/an-toan-vi.ogg"
        database.commit()
    identify(client)
    page = _text(client.get("/lessons/an-toan"))
    assert page.count("data-audio") == 1 and 'href="/media/an-toan-vi.ogg"' in page
    assert "Nghe tiếng Việt" in page


def test_lesson_without_audio_has_no_listen_link(client, identify, content):
    identify(client)
    page = _text(client.get("/lessons/an-toan"))
    assert "data-audio" not in page and "Nghe tiếng" not in page


def test_bundled_lesson_audio_is_a_real_ogg_file():
    clip = ROOT / "quizzes" / "media" / "dien-thoai-an-toan-vi.ogg"
    data = clip.read_bytes()
    assert data[:4] == b"OggS" and b"\x01vorbis" in data[:64]
    assert 10_000 < len(data) < 200_000
    assert (
        "media/dien-thoai-an-toan-vi.ogg"
        in (ROOT / "quizzes" / "03-dien-thoai-an-toan.yaml").read_text()
    )


@pytest.mark.parametrize(
    "n_bytes, vi, en",
    [
        (77, "1 KB", "1 KB"),
        (42 * 1024, "42 KB", "42 KB"),
        (1024 * 1024 - 1, "1024 KB", "1024 KB"),
        (int(2.1 * 1024 * 1024), "2,1 MB", "2.1 MB"),
        (10 * 1024 * 1024, "10 MB", "10 MB"),
    ],
)
def test_human_size(n_bytes, vi, en):
    assert media_files.human_size(n_bytes, "vi") == vi
    assert media_files.human_size(n_bytes, "en") == en


@pytest.mark.parametrize(
    "path",
    ["media/../01-an-toan.yaml", "../01-an-toan.yaml", "/etc/passwd", "media/", "", "a\\..\\b"],
)
def test_media_size_never_leaves_the_media_folder(path):
    assert media_files.media_size(MEDIA, path) is None


def test_media_size_of_a_media_path():
    size = (MEDIA / "an-toan-vi.ogg").stat().st_size
    assert media_files.media_size(MEDIA, "media/an-toan-vi.ogg") == size
    assert media_files.media_size(MEDIA, "an-toan-vi.ogg") == size


def test_file_size_of_a_missing_file_is_none(tmp_path):
    assert media_files.file_size(tmp_path / "none.ogg") is None
    assert media_files.file_size(tmp_path) is None  # a folder is no media file


# --- data-saver mode ------------------------------------------------------------------------


def test_data_saver_replaces_images_with_a_link_showing_their_size(client, identify, content):
    identify(client)
    normal = _text(client.get("/lessons/an-toan"))
    assert '<img src="/media/otp.png"' in normal
    assert "Bật tiết kiệm dữ liệu" in normal

    switched = client.get("/data-saver/on?next=/lessons/an-toan")
    assert switched.status_code == 302 and switched.headers["Location"] == "/lessons/an-toan"
    cookie = switched.headers["Set-Cookie"]
    assert cookie.startswith("lt_saver=1;") and "Max-Age=31536000" in cookie

    saver = _text(client.get("/lessons/an-toan"))
    assert "<img" not in saver
    assert re.search(
        r'<a href="/media/otp.png" class="ph" title="Ảnh minh họa"[^>]*>'
        r"Ảnh 1 KB — bấm để xem: Ảnh minh họa</a>",
        saver,
    ), saver
    assert "Tiết kiệm dữ liệu đang bật" in saver and "Tắt tiết kiệm dữ liệu" in saver
    # The placeholder is a plain link: without JavaScript it opens the image.
    assert client.get("/media/otp.png").status_code == 200

    off = client.get("/data-saver/off?next=/lessons/an-toan")
    assert "lt_saver=;" in off.headers["Set-Cookie"]
    assert '<img src="/media/otp.png"' in _text(client.get("/lessons/an-toan"))


def test_data_saver_placeholder_in_english(app, client, identify, content):
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        english = dict(lesson.translations["en"], lesson="OTP.\n\n![A picture](media/otp.png)")
        lesson.translations = {**lesson.translations, "en": english}
        database.commit()
    identify(client)
    client.get("/lang/en")
    client.get("/data-saver/on")
    page = _text(client.get("/lessons/an-toan"))
    assert "Image 1 KB — tap to view: A picture" in page and "<img" not in page


@pytest.mark.parametrize("state", ["maybe", "1", "ON"])
def test_unknown_data_saver_state_is_404(client, state):
    response = client.get(f"/data-saver/{state}")
    assert response.status_code == 404
    assert "lt_saver" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_data_saver_switch_only_returns_inside_the_site(client, target):
    response = client.get("/data-saver/on", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_footer_switch_returns_to_the_same_page(client, identify, content):
    identify(client)
    page = _text(client.get("/quizzes/an-toan"))
    assert 'href="/data-saver/on?next=/quizzes/an-toan?"' in page


# --- in-app browsers ------------------------------------------------------------------------


@pytest.fixture
def passed_result(app, content, identify):
    client = app.test_client()
    identify(client)
    return client, take_quiz(client, ALL_RIGHT)


@pytest.mark.parametrize("app_name", list(IN_APP))
def test_in_app_browser_gets_a_hint_before_the_certificate_download(passed_result, app_name):
    client, result = passed_result
    page = _text(client.get(result, headers={"User-Agent": IN_APP[app_name]}))
    hint = page.find('class="notice inapp-hint"')
    download = page.find("/certificate.pdf")
    assert 0 < hint < download
    assert f"Bạn đang mở trang trong {app_name.strip()}" in page
    assert "bấm ⋯ rồi chọn “Mở bằng trình duyệt”" in page
    assert 'aria-describedby="inapp-hint-certificate"' in page


@pytest.mark.parametrize(
    "agent",
    [
        CHROME,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        "",
    ],
)
def test_ordinary_browsers_get_no_hint(passed_result, agent):
    client, result = passed_result
    page = _text(client.get(result, headers={"User-Agent": agent}))
    assert "inapp-hint" not in page and "Mở bằng trình duyệt" not in page
    assert "Tải giấy chứng nhận (PDF)" in page


def test_in_app_hint_in_english(passed_result):
    client, result = passed_result
    client.get("/lang/en")
    page = _text(client.get(result, headers={"User-Agent": IN_APP["Zalo"]}))
    assert "Open in browser" in page and "You opened this page in Zalo" in page


# --- page furniture -------------------------------------------------------------------------


def test_every_learner_page_loads_one_deferred_script_and_scales_text(client, content):
    page = _text(client.get("/"))
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts.count('<script src="/static/js/ui.js" defer>') == 1
    own = r'<script src="/static/js/[\w.-]+\.js" defer(?: data-[\w-]+="[^"<>]*")*>'
    assert all(re.fullmatch(own, s) for s in scripts), scripts
    assert '<meta name="text-scale" content="scale">' in page


def test_ui_script_is_small():
    script = (ROOT / "static" / "js" / "ui.js").read_bytes()
    assert len(gzip.compress(script, 9)) < 3 * 1024


def test_stylesheet_sizes_text_in_rem_not_px():
    css = (ROOT / "static" / "css" / "app.css").read_text()
    fonts = re.findall(r"font(?:-size)?:([^;}]*)", css)
    assert fonts and not [f for f in fonts if re.search(r"\d(px|pt)\b", f)], fonts
    assert not re.search(r"html\{[^}]*font-size", css)  # the root follows the phone's setting


def test_main_actions_carry_a_hidden_icon(client, identify, recorded):
    identify(client)
    quiz = _text(client.get("/quizzes/an-toan"))
    assert re.search(r'<span class="i" aria-hidden="true">✓&#xFE0E;</span> Nộp bài', quiz)
    lesson = _text(client.get(recorded))
    assert re.search(r'aria-hidden="true">▶&#xFE0E;</span> Nghe tiếng Việt', lesson)
