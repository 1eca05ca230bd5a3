"""The commune's official channels: the office saves them on the settings page, and a lesson's
`{{kenh.…}}` and `{{xa}}` placeholders read them on every page that shows the lesson (or a clear
fallback while a channel is not saved); `content check` refuses a placeholder it does not know."""

import re

import pytest
from conftest import csrf_token
from test_content_validation import assert_one_error, errors_for, make_folder, topic
from test_printed_links import SETTINGS, save_settings

import database
from models import OfficeSetting
from services.content import loader as content_loader
from services.content import placeholders
from services.org import settings
from services.render import markdown

pytest_plugins = ["staff_fixtures"]

WEBSITE = "https://hoangvanthu.langson.gov.vn"
NEWS = "https://hoangvanthu.langson.gov.vn/tin-tuc"
FACEBOOK = "https://www.facebook.com/ubnd.hoangvanthu"
ZALO = "UBND xã Hoàng Văn Thụ"
FALLBACK = "(xã chưa công bố — hỏi cán bộ văn hóa - xã hội xã)"
BODY = (
    "## Kênh của {{xa}}\n\n"
    "- Trang: {{kenh.website}}\n"
    "- Tin tức: {{ kenh.tin_tuc }}\n"
    "- Zalo: {{kenh.zalo}}\n"
    "- Facebook: {{kenh.facebook}}\n"
)
BODY_EN = "Website of {{xa}}: {{kenh.website}}. Zalo: {{kenh.zalo}}."
LESSON = "/lessons/thu-nghiem"


@pytest.fixture
def channel_lesson(app, tmp_path):
    """A loaded topic whose body (and English body) names every channel."""
    data = topic()
    data["lesson"]["body"] = BODY
    data["translations"]["en"]["lesson"]["body"] = BODY_EN
    folder = make_folder(tmp_path, {"01-thu-nghiem.yaml": data})
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    return LESSON


@pytest.fixture
def admin(staff_client):
    return staff_client("admin")


def article(client, headers=None) -> str:
    response = client.get(LESSON, headers=headers)
    assert response.status_code == 200
    match = re.search(r"<article>(.*?)</article>", response.get_data(as_text=True), re.S)
    assert match, "no lesson article on the page"
    return match.group(1)


def all_channels() -> dict:
    return dict(
        channel_website=WEBSITE,
        channel_news=NEWS,
        channel_zalo=ZALO,
        channel_facebook=FACEBOOK,
    )


# --- the lesson page -------------------------------------------------------------------------


def test_placeholders_read_the_saved_channels(client, admin, channel_lesson, identify):
    assert save_settings(admin, **all_channels()).status_code == 303
    identify(client)
    html = article(client)
    for address in (WEBSITE, NEWS, FACEBOOK):
        assert f'<a href="{address}" rel="noopener noreferrer nofollow">{address}</a>' in html
    assert f"Zalo: {ZALO}" in html
    assert "Kênh của xã Hoàng Văn Thụ" in html
    assert "{{" not in html and FALLBACK not in html


def test_an_unsaved_channel_reads_the_fallback(client, admin, channel_lesson, identify):
    assert save_settings(admin, channel_website=WEBSITE).status_code == 303
    identify(client)
    html = article(client)
    assert f'href="{WEBSITE}"' in html
    assert html.count(FALLBACK) == 3  # news, Zalo, Facebook
    assert "{{" not in html


def test_nothing_is_invented_by_default(client, channel_lesson, identify):
    identify(client)
    html = article(client)
    assert html.count(FALLBACK) == 4
    assert "<a " not in html


def test_a_changed_setting_changes_the_page_at_once(client, admin, channel_lesson, identify):
    identify(client)
    assert FALLBACK in article(client)  # rendered (and cached) before the office saves
    assert save_settings(admin, channel_website=WEBSITE).status_code == 303
    assert f'href="{WEBSITE}"' in article(client)
    assert save_settings(admin, channel_website="https://xa-moi.langson.gov.vn").status_code == 303
    html = article(client)
    assert 'href="https://xa-moi.langson.gov.vn"' in html and WEBSITE not in html


def test_the_english_page_fills_its_own_body(client, admin, channel_lesson, identify):
    assert save_settings(admin, **all_channels()).status_code == 303
    identify(client)
    html = article(client, headers={"Accept-Language": "en"})
    assert "Website of xã Hoàng Văn Thụ" in html
    assert f'href="{WEBSITE}"' in html and f"Zalo: {ZALO}." in html


def test_the_staff_preview_fills_the_placeholders(admin, channel_lesson):
    assert save_settings(admin, channel_website=WEBSITE).status_code == 303
    page = admin.get("/staff/content/topic/thu-nghiem/preview")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    assert f'href="{WEBSITE}"' in html and FALLBACK in html and "{{kenh" not in html


# --- the one function ------------------------------------------------------------------------


def test_a_setting_is_shown_as_written_never_as_markdown(app):
    with app.test_request_context():
        base = settings.commune_settings()
        custom = settings.CommuneSettings(
            **{**base.__dict__, "channel_zalo": "*Xã* [bấm](https://lua.example)"}
        )
        html = markdown.render(placeholders.fill("Zalo: {{kenh.zalo}}", "vi", custom))
    assert html.strip() == "<p>Zalo: *Xã* [bấm](https://lua.example)</p>"


def test_a_zalo_link_becomes_a_link(app):
    with app.test_request_context():
        base = settings.commune_settings()
        custom = settings.CommuneSettings(
            **{**base.__dict__, "channel_zalo": "https://zalo.me/123456789"}
        )
        assert placeholders.fill("{{kenh.zalo}}", "vi", custom) == "<https://zalo.me/123456789>"


# --- content check ---------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_naming_it(tmp_path):
    data = topic()
    data["lesson"]["body"] = "Xem {{kenh.website}} và {{kenh.youtube}}."
    message = assert_one_error(errors_for(tmp_path, data), "lesson.body", "{{kenh.youtube}}")
    assert "{{kenh.website}}" in message  # the message lists the known ones


def test_an_unknown_placeholder_in_the_english_body_is_refused(tmp_path):
    data = topic()
    data["translations"]["en"]["lesson"]["body"] = "See {{commune}}."
    assert_one_error(errors_for(tmp_path, data), "translations.en.lesson.body", "{{commune}}")


def test_a_misspelt_name_is_refused_and_other_braces_are_text(app, tmp_path):
    data = topic()
    data["lesson"]["body"] = "Trang {{ Kenh.Website }}; công thức {{ 7*7 }} và {{ }}."
    assert_one_error(errors_for(tmp_path, data), "lesson.body", "{{ Kenh.Website }}")
    with app.test_request_context():
        filled = placeholders.fill("Tính {{ 7*7 }} nhé", "vi")
    assert filled == "Tính {{ 7*7 }} nhé"


def test_known_placeholders_pass_the_check(tmp_path):
    data = topic()
    data["lesson"]["body"] = BODY
    data["translations"]["en"]["lesson"]["body"] = BODY_EN
    assert errors_for(tmp_path, data) == []


# --- the settings page -----------------------------------------------------------------------


def test_the_channels_are_saved_through_the_page(app, admin):
    response = save_settings(admin, **all_channels())
    assert response.status_code == 303
    with app.test_request_context():
        saved = settings.commune_settings()
    assert (saved.channel_website, saved.channel_news) == (WEBSITE, NEWS)
    assert (saved.channel_zalo, saved.channel_facebook) == (ZALO, FACEBOOK)
    page = admin.get(SETTINGS).get_data(as_text=True)
    assert f'value="{NEWS}"' in page


def test_channels_are_optional(app, admin):
    assert save_settings(admin, **all_channels()).status_code == 303
    cleared = dict.fromkeys(all_channels(), "")
    assert save_settings(admin, **cleared).status_code == 303
    with app.test_request_context():
        assert settings.commune_settings().channel_website == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "channel_website",
            "hoangvanthu.langson.gov.vn",
            "phải bắt đầu bằng http:// hoặc https://",
        ),
        ("channel_news", "ftp://langson.gov.vn/tin", "phải bắt đầu bằng http:// hoặc https://"),
        ("channel_facebook", "https://", "thiếu tên trang"),
        ("channel_website", "https://xa.gov.vn:cong", "thiếu tên trang"),
        ("channel_facebook", "https://facebook.com/ubnd xa", "không được có dấu cách"),
        ("channel_news", 'https://xa.gov.vn/"><b>', "không được có dấu cách"),
        ("channel_zalo", "zalo.me/123456789", "phải bắt đầu bằng http:// hoặc https://"),
        ("channel_zalo", "x" * 301, "Tối đa 300 ký tự"),
    ],
)
def test_a_bad_channel_is_refused_in_vietnamese(app, admin, field, value, message):
    response = save_settings(admin, **{field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert OfficeSetting.query.count() == 0


def test_the_settings_form_lists_the_channels(admin):
    html = admin.get(SETTINGS).get_data(as_text=True)
    for name in settings.CHANNELS:
        assert f'name="{name}"' in html
    assert csrf_token(html)
