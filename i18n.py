"""Language choice: Vietnamese first, English second, by switch or by browser."""

import datetime as dt
import re

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale

from services.common.vietnamese import (
    local_date,
    local_datetime,
    table_date,
    vn_number,
    vn_percent,
)
from services.content.localize import localized, questions_untranslated, untranslated

LANG_COOKIE = "lang"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def select_locale() -> str:
    """The language switch wins; otherwise the browser's preference; otherwise Vietnamese
    (also outside a request: a command, the background jobs worker)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=languages[0])


def current_language() -> str:
    return str(get_locale() or "vi")


def translated(item, key: str) -> str:
    """Template helper: a lesson's or quiz's text in the current language."""
    translations = getattr(item, "translations", None)
    if translations is None and getattr(item, "lesson", None) is not None:
        translations = item.lesson.translations
    return localized(translations, key, getattr(item, key), current_language())


def vietnamese_only(item=None, definition: dict | None = None) -> bool:
    """Template helper: whether a lesson (`item`) or a quiz or survey version (`definition`)
    is shown in Vietnamese on a page in another language, so the page says so."""
    lang = current_language()
    if definition is not None:
        return questions_untranslated(definition, lang)
    return untranslated(getattr(item, "translations", None), "lesson", lang)


def day_text(value) -> str:
    """Template filter: a day (a date or yyyy-mm-dd) as dd/mm/yyyy, for inputs and tables;
    other text (what someone typed) as it is."""
    if isinstance(value, dt.date):
        return table_date(value)
    if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
        try:
            return table_date(dt.date.fromisoformat(value.strip()))
        except ValueError:
            return value  # not a real day: shown as typed, next to its error
    return "" if value is None else str(value)


def local_day(utc_naive) -> str:
    """Template filter: a stored UTC timestamp as dd/mm/yyyy in the commune's time zone."""
    if utc_naive is None:
        return ""
    return table_date(local_date(utc_naive, current_app.config["TIMEZONE"]))


def local_time(utc_naive) -> str:
    """Template filter: a stored UTC timestamp as dd/mm/yyyy HH:MM in the commune's time zone."""
    if utc_naive is None:
        return ""
    return local_datetime(utc_naive, current_app.config["TIMEZONE"]).strftime("%d/%m/%Y %H:%M")


def calendar_day(day) -> str:
    """Template filter: a date (a day, not a timestamp) as dd/mm/yyyy; empty for none."""
    return table_date(day) if day is not None else ""


def register_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["day_text"] = day_text
    app.jinja_env.filters["calendar_day"] = calendar_day
    app.jinja_env.filters["share"] = vn_percent
    app.jinja_env.filters["vn_number"] = vn_number
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["translated"] = translated
    app.jinja_env.globals["vietnamese_only"] = vietnamese_only
