"""What changed between two forms of a topic or a survey (content-file mappings), for the
version history: a list of [code, values] pairs, stored in the audit log and described in
the staff's language by `describe`."""

from flask_babel import lazy_gettext as _l

TOPIC_FIELDS = ("title", "summary", "topic", "audience", "minutes", "facts_checked", "sources")
SURVEY_FIELDS = ("title", "summary", "audience", "anonymous", "reach", "opens", "closes")
QUIZ_FIELDS = ("pass_mark", "max_attempts", "training_for", "draw")
QUESTION_FIELDS = ("type", "text", "choices", "answer", "explanation", "why")
SURVEY_QUESTION_FIELDS = (
    "type", "text", "required", "choices", "other", "labels", "min", "max", "integer",
    "max_length",
)  # fmt: skip


def _audio(audio) -> dict:
    """A lesson's audio as a mapping: a plain path is the Vietnamese recording."""
    return {"vi": audio} if isinstance(audio, str) else dict(audio or {})


def _questions(data: dict) -> list[dict]:
    if data.get("kind") == "survey":
        return list(data.get("questions") or [])
    return list((data.get("quiz") or {}).get("questions") or [])


def _question_changes(before: list[dict], after: list[dict], fields: tuple) -> list[list]:
    changes: list[list] = []
    old = {q.get("id"): q for q in before}
    new_ids = [q.get("id") for q in after]
    for number, question in enumerate(after, start=1):
        previous = old.get(question.get("id"))
        if previous is None:
            changes.append(["question_added", {"number": number, "text": question.get("text")}])
            continue
        for key in fields:
            if previous.get(key) != question.get(key):
                changes.append([f"question_{key}", {"number": number}])
    for question in before:
        if question.get("id") not in new_ids:
            changes.append(["question_removed", {"text": question.get("text")}])
    kept_before = [q.get("id") for q in before if q.get("id") in new_ids]
    kept_after = [qid for qid in new_ids if qid in old]
    if kept_before != kept_after:
        changes.append(["questions_order", {}])
    return changes


def changes(before: dict | None, after: dict) -> list[list]:
    """[code, values] for each difference from `before` (None: the item is new) to `after`."""
    if before is None:
        return [["created", {}]]
    survey = after.get("kind") == "survey"
    found: list[list] = []
    for key in SURVEY_FIELDS if survey else TOPIC_FIELDS:
        if str(before.get(key)) != str(after.get(key)):  # dates and their ISO text compare equal
            found.append([key, {}])
    if not survey:
        old_lesson, new_lesson = before.get("lesson") or {}, after.get("lesson") or {}
        if old_lesson.get("body") != new_lesson.get("body"):
            found.append(["lesson_body", {}])
        old_audio = (_audio(old_lesson.get("audio")), old_lesson.get("audio_credits") or {})
        if old_audio != (_audio(new_lesson.get("audio")), new_lesson.get("audio_credits") or {}):
            found.append(["audio", {}])
        old_quiz, new_quiz = before.get("quiz") or {}, after.get("quiz") or {}
        found += [[key, {}] for key in QUIZ_FIELDS if old_quiz.get(key) != new_quiz.get(key)]
    fields = SURVEY_QUESTION_FIELDS if survey else QUESTION_FIELDS
    found += _question_changes(_questions(before), _questions(after), fields)
    old_texts, new_texts = before.get("translations") or {}, after.get("translations") or {}
    for lang in sorted(set(old_texts) | set(new_texts)):
        if old_texts.get(lang) != new_texts.get(lang):
            found.append(["translation", {"lang": lang}])
    return found


DESCRIPTIONS = {
    "created": _l("Tạo mới"),
    "title": _l("Sửa tiêu đề"),
    "summary": _l("Sửa tóm tắt"),
    "topic": _l("Sửa chủ đề"),
    "audience": _l("Sửa đối tượng"),
    "minutes": _l("Sửa số phút"),
    "facts_checked": _l("Sửa ngày kiểm tra thông tin"),
    "sources": _l("Sửa nguồn"),
    "anonymous": _l("Đổi chế độ ẩn danh"),
    "reach": _l("Đổi cách tính “đã tiếp cận”"),
    "opens": _l("Sửa ngày mở"),
    "closes": _l("Sửa ngày đóng"),
    "lesson_body": _l("Sửa nội dung bài học"),
    "audio": _l("Sửa âm thanh"),
    "pass_mark": _l("Sửa điểm đạt"),
    "max_attempts": _l("Sửa số lần được làm"),
    "training_for": _l("Sửa đối tượng tính là đã tập huấn"),
    "draw": _l("Sửa số câu mỗi lần làm"),
    "question_added": _l("Thêm câu %(number)s: %(text)s"),
    "question_removed": _l("Bỏ câu: %(text)s"),
    "question_type": _l("Câu %(number)s: đổi loại câu hỏi"),
    "question_text": _l("Câu %(number)s: sửa nội dung"),
    "question_choices": _l("Câu %(number)s: sửa các lựa chọn"),
    "question_answer": _l("Câu %(number)s: đổi đáp án đúng"),
    "question_explanation": _l("Câu %(number)s: sửa giải thích"),
    "question_why": _l("Câu %(number)s: sửa lời nhắc vì sao quan trọng"),
    "question_required": _l("Câu %(number)s: đổi bắt buộc trả lời"),
    "question_other": _l("Câu %(number)s: đổi lựa chọn “Khác”"),
    "question_labels": _l("Câu %(number)s: sửa nhãn thang đo"),
    "question_min": _l("Câu %(number)s: sửa giá trị nhỏ nhất"),
    "question_max": _l("Câu %(number)s: sửa giá trị lớn nhất"),
    "question_integer": _l("Câu %(number)s: đổi yêu cầu số nguyên"),
    "question_max_length": _l("Câu %(number)s: sửa độ dài tối đa"),
    "questions_order": _l("Đổi thứ tự câu hỏi"),
    "translation": _l("Sửa bản dịch (%(lang)s)"),
}


def describe(change) -> str:
    """One stored change as a sentence in the current language."""
    try:
        code, values = change
        template = DESCRIPTIONS[code]
    except (KeyError, TypeError, ValueError):
        return str(change)
    values = {k: ("" if v is None else v) for k, v in (values or {}).items()}
    try:
        return str(template) % values if values else str(template)
    except (KeyError, TypeError):
        return str(template)
