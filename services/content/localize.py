"""Content texts in the learner's language, falling back to the Vietnamese original."""


def localized(translations: dict | None, key: str, default: str, lang: str) -> str:
    """A translated content text (title, summary, lesson body) or the original."""
    if lang == "vi" or not translations:
        return default
    value = (translations.get(lang) or {}).get(key)
    if isinstance(value, dict):
        value = value.get("body")
    return value or default


def localized_question(definition: dict, question: dict, lang: str) -> dict:
    """Question text, choice texts, explanation and why (quizzes), Likert labels and the
    "other" label (surveys) in `lang`, where translated."""
    texts = {}
    if lang != "vi":
        texts = ((definition.get("translations") or {}).get(lang) or {}).get("questions", {})
        texts = texts.get(question["id"]) or {}
    choice_texts = texts.get("choices") or {}
    return {
        "text": texts.get("text") or question["text"],
        "explanation": texts.get("explanation") or question.get("explanation"),
        "why": texts.get("why") or question.get("why"),
        "labels": texts.get("labels") or question.get("labels"),
        "other": texts.get("other"),
        "choices": {
            c["id"]: choice_texts.get(c["id"]) or c["text"] for c in question.get("choices", [])
        },
    }


def untranslated(translations: dict | None, key: str, lang: str) -> bool:
    """Whether a content text (e.g. the lesson body) falls back to Vietnamese in `lang`."""
    if lang == "vi":
        return False
    return localized(translations, key, "", lang) == ""


def questions_untranslated(definition: dict, lang: str) -> bool:
    """Whether any question of a quiz or survey version shows its Vietnamese text in `lang`."""
    if lang == "vi":
        return False
    texts = ((definition.get("translations") or {}).get(lang) or {}).get("questions") or {}
    return any(not (texts.get(q["id"]) or {}).get("text") for q in definition["questions"])
