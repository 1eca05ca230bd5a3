"""A person's records (privacy.export_participant) as a table the person reads: one row per
fact, parts and facts named in Vietnamese, times in the commune's time, codes as their labels.
The JSON export keeps the field names, for programs."""

import datetime as dt

from flask_babel import gettext as _

from services.common import vocabulary
from services.common.vietnamese import local_datetime

# Facts whose value is a code, read through its vocabulary.
VALUE_LABELS = {
    "role": vocabulary.ROLE_LABELS,
    "age_band": vocabulary.AGE_LABELS,
}
KIND_LABELS = {  # "kind" means a different code in each part
    "visits": vocabulary.VISIT_KIND_LABELS,
    "consents": vocabulary.CONSENT_KIND_LABELS,
}


def headers() -> list[str]:
    return [_("Phần"), _("Mục"), _("Thông tin"), _("Nội dung")]


def rows(data: dict, timezone: str) -> list[list]:
    """[part, item number, fact, value] for every fact of the export."""
    found = []
    data = dict(data)
    person = data.pop("participant", {})
    for key, value in person.items():
        found += _fact_rows("participant", "", key, value, timezone)
    for part, items in data.items():
        for number, item in enumerate(items, 1):
            for key, value in item.items():
                found += _fact_rows(part, number, key, value, timezone)
    return found


def _label(key: str) -> str:
    return vocabulary.label(vocabulary.PERSON_DATA_LABELS, key)


def _fact_rows(part: str, number, key: str, value, timezone: str) -> list[list]:
    if isinstance(value, dict) and key not in ("answers",):  # a group of facts: the token
        return [
            [_label(part), number, f"{_label(key)}: {_label(sub)}", _value(sub, v, timezone)]
            for sub, v in value.items()
        ]
    shown = _value(key, value, timezone, KIND_LABELS.get(part))
    return [[_label(part), number, _label(key), shown]]


def _value(key: str, value, timezone: str, kinds: dict | None = None):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if key.endswith("_at") and isinstance(value, str):
        return local_datetime(dt.datetime.fromisoformat(value), timezone)
    if key == "date_of_birth":
        return dt.date.fromisoformat(value)
    if key == "period":
        return vocabulary.period_name(value)
    labels = kinds if key == "kind" else VALUE_LABELS.get(key)
    if labels is not None:
        return vocabulary.label(labels, value)
    if key == "answers" and isinstance(value, dict):
        return "; ".join(f"{question}: {_answer(given)}" for question, given in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _answer(given) -> str:
    """A quiz answer (the choices) or a survey answer (choices, other text, number, text)."""
    if isinstance(given, dict):
        parts = [*given.get("choices", []), given.get("other"), given.get("number")]
        parts.append(given.get("text"))
        return ", ".join(str(p) for p in parts if p not in (None, ""))
    return ", ".join(str(g) for g in given) if isinstance(given, list) else str(given)
