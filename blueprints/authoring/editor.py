"""The editor's form, read back into the content-file mapping it edits.

Every input is named by the schema's own path for it ('title', 'lesson.body',
'quiz.questions[2].choices[1].text', 'questions[0].max' …), so the schema's errors land next
to their fields. Buttons carry an action ('add_question', 'up:2', 'remove_choice:1:0' …)
applied to the mapping on the server: questions are added, moved and removed without
JavaScript. Ids are kept from the item (a question's id never changes once published);
anything posted that the item does not know gets a new id.
"""

import re
from collections.abc import Mapping

from blueprints.common.dates import parse_day
from services.common.text import clean_line, clean_text
from services.content import authoring
from services.content.schema import AUDIO_LANGUAGES, QUESTION_TYPES, TRANSLATION_LANGUAGES
from services.content.survey_schema import SURVEY_QUESTION_TYPES

MAX_ROWS = 40  # questions or choices read from one form (the schema allows far fewer)
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
ACTION = re.compile(
    r"^(?:save|publish|preview|refresh|add_question"
    r"|(?:up|down|remove_question|add_choice):\d{1,2}|remove_choice:\d{1,2}:\d{1,2})$"
)
CHOICE_TYPES = ("single", "multiple")


def valid_action(action: str) -> bool:
    return bool(ACTION.match(action or ""))


def _line(form: Mapping, name: str) -> str:
    return clean_line(form.get(name))


def _day(form: Mapping, name: str) -> str:
    """A day typed dd/mm/yyyy as the file writes it (yyyy-mm-dd); anything else as typed, for
    the schema to refuse with its message."""
    raw = _line(form, name)
    day = parse_day(raw) if raw else None
    return day.isoformat() if day else raw


def _number(form: Mapping, name: str):
    """An int (or float) when the field holds a number, the text otherwise, None if empty."""
    raw = _line(form, name)
    if not raw:
        return None
    if NUMBER.match(raw):
        value = float(raw.replace(",", "."))
        return int(value) if value.is_integer() else value
    return raw


def _text(form: Mapping, name: str, before) -> str:
    """A text area's text, cleaned; the item's own text when only the trimming differs (a
    file's block text ends with a line break the browser does not keep)."""
    text = clean_text(form.get(name))
    return before if isinstance(before, str) and before.strip() == text else text


def _checked(form: Mapping, name: str) -> bool:
    return form.get(name) in ("1", "on", "true")


def _indices(form: Mapping, prefix: str) -> list[int]:
    pattern = re.compile(re.escape(prefix) + r"\[(\d{1,2})\]\.id$")
    found = {int(m.group(1)) for key in form if (m := pattern.match(key))}
    return sorted(found)[:MAX_ROWS]


def _choices(form: Mapping, prefix: str, known: set[str], exclusive: bool = False) -> list[dict]:
    """The posted choices; with `exclusive` (a survey's multiple choice), those ticked in
    "<prefix>.exclusive" (by their posted id) get `exclusive: true`."""
    choices, seen = [], set()
    alone = set(form.getlist(f"{prefix}.exclusive")) if exclusive else set()
    for j in _indices(form, f"{prefix}.choices"):
        posted = _line(form, f"{prefix}.choices[{j}].id")
        cid = posted
        if cid not in known or cid in seen:
            cid = authoring.new_choice_id(known | seen)
        seen.add(cid)
        choice = {"id": cid, "text": _line(form, f"{prefix}.choices[{j}].text")}
        if posted in alone:
            choice["exclusive"] = True
        choices.append(choice)
    return choices


def _show_if(form: Mapping, p: str, before: dict) -> dict | None:
    """ "Chỉ hỏi khi": the earlier question chosen and its ticked choices (the file's own list
    when the same choices are ticked, so that an unchanged question makes no new version)."""
    earlier = _line(form, f"{p}.show_if.question")
    if not earlier:
        return None
    ticked = [c for c in form.getlist(f"{p}.show_if.choices") if c]
    old = before.get("show_if")
    if (
        isinstance(old, dict)
        and old.get("question") == earlier
        and isinstance(old.get("choices"), list)
        and sorted(map(str, old["choices"])) == sorted(ticked)
    ):
        ticked = list(old["choices"])
    return {"question": earlier, "choices": ticked}


class IdKeeper:
    """Which ids the item already knows: posted ids are kept only if they are among them."""

    def __init__(self, item: authoring.Item, base: dict):
        self.item = item
        self.base_questions = {q.get("id"): q for q in questions_of(base)}
        self.known = set(self.base_questions) | authoring.used_question_ids(item)
        self.seen: set[str] = set()

    def question_id(self, posted: str) -> str:
        qid = posted if posted in self.known and posted not in self.seen else None
        if qid is None:
            qid = authoring.new_question_id(self.known | self.seen)
        self.seen.add(qid)
        return qid

    def base_question(self, question_id: str) -> dict:
        return self.base_questions.get(question_id) or {}

    def choice_ids(self, question_id: str) -> set[str]:
        base = self.base_questions.get(question_id) or {}
        current = {c.get("id") for c in base.get("choices") or [] if isinstance(c, dict)}
        return current | authoring.choice_ids_used(self.item, question_id)


def questions_of(data: dict) -> list[dict]:
    if data.get("kind") == "survey":
        return data.setdefault("questions", [])
    return data.setdefault("quiz", {}).setdefault("questions", [])


def _quiz_question(form: Mapping, p: str, keeper: IdKeeper) -> dict:
    qtype = form.get(f"{p}.type")
    qtype = qtype if qtype in QUESTION_TYPES else "single"
    question = {"id": keeper.question_id(_line(form, f"{p}.id")), "type": qtype}
    before = keeper.base_question(question["id"])
    question["text"] = _text(form, f"{p}.text", before.get("text"))
    if qtype == "true_false":
        answer = form.get(f"{p}.tf")
        if answer in ("true", "false"):
            question["answer"] = answer == "true"
    else:
        question["choices"] = _choices(form, p, keeper.choice_ids(question["id"]))
        ids = [c["id"] for c in question["choices"]]
        ticked = set(form.getlist(f"{p}.correct"))
        correct = [cid for cid in ids if cid in ticked]
        if qtype == "multiple":
            answer = before.get("answer")
            same = isinstance(answer, list) and sorted(map(str, answer)) == sorted(correct)
            question["answer"] = list(answer) if same else correct  # keep the file's order
        elif len(correct) == 1:
            question["answer"] = correct[0]
        elif correct:
            question["answer"] = correct  # the schema says: one answer only
    question["explanation"] = _text(form, f"{p}.explanation", before.get("explanation"))
    why = _text(form, f"{p}.why", before.get("why"))
    if why:  # optional: why the question matters, shown under a wrong answer before a pass
        question["why"] = why
    return question


def _flag(question: dict, key: str, value: bool, default: bool, before: dict) -> None:
    """A yes/no rule, written when it differs from the default or the item already wrote it
    (so that an unchanged question stays identical and makes no new version)."""
    if value != default or key in before:
        question[key] = value


def _survey_question(form: Mapping, p: str, keeper: IdKeeper) -> dict:
    qtype = form.get(f"{p}.type")
    qtype = qtype if qtype in SURVEY_QUESTION_TYPES else "single"
    question = {"id": keeper.question_id(_line(form, f"{p}.id")), "type": qtype}
    before = keeper.base_question(question["id"])
    question["text"] = _text(form, f"{p}.text", before.get("text"))
    _flag(question, "required", _checked(form, f"{p}.required"), True, before)
    show_if = _show_if(form, p, before)
    if show_if is not None:
        question["show_if"] = show_if
    if qtype in CHOICE_TYPES:
        question["choices"] = _choices(
            form, p, keeper.choice_ids(question["id"]), exclusive=qtype == "multiple"
        )
        _flag(question, "other", _checked(form, f"{p}.other"), False, before)
    elif qtype == "likert":
        labels = [clean_line(x) for x in clean_text(form.get(f"{p}.labels")).split("\n")]
        if any(labels):
            question["labels"] = [label for label in labels if label]
    elif qtype == "number":
        for key in ("min", "max"):
            value = _number(form, f"{p}.{key}")
            if value is not None:
                question[key] = value
        _flag(question, "integer", _checked(form, f"{p}.integer"), False, before)
    else:
        value = _number(form, f"{p}.max_length")
        if value is not None:
            question["max_length"] = value
    return question


def _prune_translations(translations: dict | None, questions: list[dict]) -> dict:
    """Translations of questions and choices that no longer exist are dropped with them."""
    kept = {}
    choice_ids = {q["id"]: {c["id"] for c in q.get("choices") or []} for q in questions}
    for lang, texts in (translations or {}).items():
        texts = dict(texts)
        qtexts = {}
        for qid, qt in (texts.get("questions") or {}).items():
            if qid not in choice_ids or not isinstance(qt, dict):
                continue
            qt = dict(qt)
            if isinstance(qt.get("choices"), dict):
                qt["choices"] = {c: t for c, t in qt["choices"].items() if c in choice_ids[qid]}
                if not qt["choices"]:
                    del qt["choices"]
            if qt:
                qtexts[qid] = qt
        texts.pop("questions", None)
        if qtexts:
            texts["questions"] = qtexts
        if texts:
            kept[lang] = texts
    return kept


def _reach(form: Mapping, base: dict):
    """The "counts as reached" box; ticked, it keeps the item's `reach` block (which answers
    show the information arrived) rather than turn it into "any answer"."""
    if not _checked(form, "reach"):
        return False
    return base.get("reach") if isinstance(base.get("reach"), dict) else True


def parse(item: authoring.Item, form: Mapping, base: dict, sets_training: bool = False) -> dict:
    """The item as the posted editor form describes it (translations kept from `base`).

    Which roles passing the quiz trains (`quiz.training_for`, counted by the commune's
    "trained" indicator) is the office's to say: unless `sets_training`, it is kept from
    `base` whatever was posted."""
    keeper = IdKeeper(item, base)
    data = {
        "kind": item.kind,
        "id": item.slug,
        "title": _line(form, "title"),
        "summary": _line(form, "summary"),
    }
    if item.kind == "topic":
        data["topic"] = _line(form, "topic")
    data["audience"] = [role for role in form.getlist("audience") if role]
    if item.kind == "survey":
        data["anonymous"] = _checked(form, "anonymous")
        data["reach"] = _reach(form, base)
        for key in ("opens", "closes"):
            if _line(form, key):
                data[key] = _day(form, key)
        data["questions"] = [
            _survey_question(form, f"questions[{i}]", keeper) for i in _indices(form, "questions")
        ]
    else:
        data["minutes"] = _number(form, "minutes")
        data["facts_checked"] = _day(form, "facts_checked") or None
        data["sources"] = [
            clean_line(s) for s in clean_text(form.get("sources")).split("\n") if clean_line(s)
        ]
        data["lesson"] = {
            "body": _text(form, "lesson.body", (base.get("lesson") or {}).get("body"))
        }
        audio = {
            lang: _line(form, f"lesson.audio.{lang}")
            for lang in AUDIO_LANGUAGES
            if _line(form, f"lesson.audio.{lang}")
        }
        if audio:
            data["lesson"]["audio"] = audio
        credits = kept_credits(base.get("lesson") or {}, audio)
        if credits:
            data["lesson"]["audio_credits"] = credits
        quiz = {
            "pass_mark": _number(form, "quiz.pass_mark"),
            "max_attempts": _number(form, "quiz.max_attempts"),
        }
        draw = _number(form, "quiz.draw")
        if draw is not None:  # empty: every question of the bank is asked
            quiz["draw"] = draw
        if sets_training:
            training = [role for role in form.getlist("quiz.training_for") if role]
        else:
            training = (base.get("quiz") or {}).get("training_for")
        if training:
            quiz["training_for"] = training
        quiz["questions"] = [
            _quiz_question(form, f"quiz.questions[{i}]", keeper)
            for i in _indices(form, "quiz.questions")
        ]
        data["quiz"] = quiz
    data = {k: v for k, v in data.items() if v is not None}
    translations = _prune_translations(base.get("translations"), questions_of(data))
    if translations:
        data["translations"] = translations
    return data


def kept_credits(before: dict, audio: dict) -> dict:
    """Who read each recording, kept for the languages whose file is still the same one (a
    path typed by hand is another recording: its reader is not known)."""
    old = before.get("audio")
    old = {"vi": old} if isinstance(old, str) else old if isinstance(old, dict) else {}
    credits = before.get("audio_credits")
    if not isinstance(credits, dict):
        return {}
    return {
        lang: credit
        for lang, credit in credits.items()
        if lang in audio and audio.get(lang) == old.get(lang)
    }


def _new_question(kind: str, qtype: str, qid: str) -> dict:
    question = {"id": qid, "type": qtype, "text": ""}
    if qtype in CHOICE_TYPES:
        question["choices"] = [{"id": "a", "text": ""}, {"id": "b", "text": ""}]
    if kind == "topic":
        question["explanation"] = ""
    return question


def apply(action: str, data: dict, item: authoring.Item, new_type: str | None) -> dict:
    """Apply a structural action (add, move, remove a question or a choice) to `data`."""
    questions = questions_of(data)
    name, _, rest = action.partition(":")
    numbers = [int(n) for n in rest.split(":")] if rest else []
    if name == "add_question":
        types = SURVEY_QUESTION_TYPES if item.kind == "survey" else QUESTION_TYPES
        qtype = new_type if new_type in types else "single"
        taken = {q.get("id") for q in questions} | authoring.used_question_ids(item)
        questions.append(_new_question(item.kind, qtype, authoring.new_question_id(taken)))
    elif numbers and numbers[0] < len(questions):
        i = numbers[0]
        if name == "remove_question":
            del questions[i]
        elif name == "up" and i > 0:
            questions[i - 1], questions[i] = questions[i], questions[i - 1]
        elif name == "down" and i + 1 < len(questions):
            questions[i + 1], questions[i] = questions[i], questions[i + 1]
        elif name == "add_choice":
            choices = questions[i].setdefault("choices", [])
            taken = {c.get("id") for c in choices} | authoring.choice_ids_used(
                item, questions[i]["id"]
            )
            choices.append({"id": authoring.new_choice_id(taken), "text": ""})
        elif name == "remove_choice" and len(numbers) == 2:
            choices = questions[i].get("choices") or []
            if numbers[1] < len(choices):
                removed = choices.pop(numbers[1])["id"]
                answer = questions[i].get("answer")
                if isinstance(answer, list):
                    questions[i]["answer"] = [a for a in answer if a != removed]
                elif answer == removed:
                    questions[i].pop("answer")
    _choice_types_have_choices(questions)
    translations = _prune_translations(data.get("translations"), questions)
    data.pop("translations", None)
    if translations:
        data["translations"] = translations
    return data


def _choice_types_have_choices(questions: list[dict]) -> None:
    """A question switched to a choice type starts with two empty choices."""
    for question in questions:
        if question.get("type") in CHOICE_TYPES and not question.get("choices"):
            question["choices"] = [{"id": "a", "text": ""}, {"id": "b", "text": ""}]


def parse_translation(item: authoring.Item, form: Mapping, data: dict, lang: str) -> dict:
    """One language's texts from the translation form; empty fields are left out."""
    before = (data.get("translations") or {}).get(lang) or {}
    texts: dict = {}
    for key in ("title", "summary"):
        if _line(form, key):
            texts[key] = _line(form, key)
    body = _text(form, "lesson.body", (before.get("lesson") or {}).get("body"))
    if item.kind == "topic" and body:
        texts["lesson"] = {"body": body}
    qtexts = {}
    for question in questions_of(dict(data)):
        qid, p = question.get("id"), f"questions.{question.get('id')}"
        old = (before.get("questions") or {}).get(qid) or {}
        qt: dict = {}
        for key in ("text", "explanation", "other"):
            value = _text(form, f"{p}.{key}", old.get(key))
            if value:
                qt[key] = value
        labels = [clean_line(x) for x in clean_text(form.get(f"{p}.labels")).split("\n")]
        if any(labels):
            qt["labels"] = [label for label in labels if label]
        choices = {
            c.get("id"): _line(form, f"{p}.choices.{c.get('id')}")
            for c in question.get("choices") or []
            if _line(form, f"{p}.choices.{c.get('id')}")
        }
        if choices:
            qt["choices"] = choices
        if qt:
            qtexts[qid] = qt
    if qtexts:
        texts["questions"] = qtexts
    return texts


def with_translation(data: dict, lang: str, texts: dict) -> dict:
    """`data` with one language's texts replaced (the language dropped when empty)."""
    assert lang in TRANSLATION_LANGUAGES
    translations = dict(data.get("translations") or {})
    translations.pop(lang, None)
    if texts:
        translations[lang] = texts
    updated = {k: v for k, v in data.items() if k != "translations"}
    if translations:
        updated["translations"] = translations
    return updated
