"""Placeholders in a lesson's text that read the commune's own settings: `{{xa}}` (the commune's
name) and `{{kenh.website}}`, `{{kenh.tin_tuc}}`, `{{kenh.zalo}}`, `{{kenh.facebook}}` (its
official channels, as the office saved them on the settings page).

A lesson names the channels without spelling an address that differs per commune and may
change; every page that shows a lesson body (the lesson page, its English version, the page
the offline pack keeps, the staff preview) fills it through `fill`. A channel not saved reads a
fallback that sends the reader to the commune's officer, never an invented address.
`flask content check` refuses a name in double braces that is not one of these (see `unknown`).
"""

import re

from flask_babel import force_locale
from flask_babel import gettext as _

from services.org.settings import CommuneSettings, commune_settings

# A placeholder is a name in double braces; other text in braces ("{{ 7*7 }}") is shown as
# written, never evaluated.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")

# The placeholder's name → the setting it reads.
SETTING_OF = {
    "xa": "commune_name",
    "kenh.website": "channel_website",
    "kenh.tin_tuc": "channel_news",
    "kenh.zalo": "channel_zalo",
    "kenh.facebook": "channel_facebook",
}
NAMES = tuple(SETTING_OF)

# Any ASCII punctuation may be backslash-escaped in CommonMark: a setting's text (a Zalo
# account's name, the fallback) is then shown exactly as written, never read as Markdown.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINK = re.compile(r"^https?://[^\s<>\"]+$")


def unknown(text: str) -> list[str]:
    """The placeholders in `text` that are not one of NAMES, as written ("{{kenh.web}}")."""
    return [m.group(0) for m in PLACEHOLDER.finditer(text or "") if m.group(1) not in SETTING_OF]


def _as_markdown(value: str) -> str:
    """A setting as Markdown: an address becomes a link showing itself, other text stays text."""
    if _LINK.match(value):
        return f"<{value}>"
    return _PUNCTUATION.sub(r"\\\1", value)


def _fallback(lang: str) -> str:
    with force_locale(lang):
        return _("(xã chưa công bố — hỏi cán bộ văn hóa - xã hội xã)")


def fill(
    markdown_text: str,
    lang: str,
    settings: CommuneSettings | None = None,
    commune_id: int | None = None,
) -> str:
    """A lesson's Markdown with each known placeholder replaced by the saved setting (or, when
    the setting is empty, by a fallback in `lang`); unknown ones are left as written. The
    settings are `settings`, else those of the commune `commune_id` (the learner's; None: the
    request's commune)."""
    if "{{" not in (markdown_text or ""):
        return markdown_text
    settings = settings or commune_settings(commune_id)

    def replace(match: re.Match) -> str:
        setting = SETTING_OF.get(match.group(1))
        if setting is None:
            return match.group(0)
        value = (getattr(settings, setting) or "").strip()
        return _as_markdown(value) if value else _as_markdown(_fallback(lang))

    return PLACEHOLDER.sub(replace, markdown_text)
