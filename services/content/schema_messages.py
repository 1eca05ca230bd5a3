"""The content schema's messages in the staff's language, next to the field they name.

services/content/schema.py, survey_schema.py, course_schema.py and guard.py are the
one source of the rules and of the English message templates that `flask content check`
prints. Each error they return is a SchemaError carrying its field (`where`), template and
values; here each template has its Vietnamese form (translated to English in the catalog like
every other string), so that the browser editor says the same thing in Vietnamese.
tests/test_authoring.py checks that every template the schema can produce has a form here.
"""

import re

from flask_babel import lazy_gettext as _l

VIETNAMESE = {
    "is required": _l("Bắt buộc phải có."),
    "must be non-empty text": _l("Không được để trống."),
    "is longer than {n} characters": _l("Dài quá {n} ký tự."),
    "unknown key": _l("Mục này không có trong mẫu nội dung."),
    "must be a whole number from {low} to {high}": _l("Phải là số nguyên từ {low} đến {high}."),
    "names {named} minutes but the lesson takes {minutes} (minutes)": _l(
        "Tên bài hứa {named} phút nhưng bài ghi thời lượng {minutes} phút: sửa cho khớp."
    ),
    "must be a non-empty list of roles ({roles})": _l("Chọn ít nhất một đối tượng."),
    "{value!r} is not a role ({roles})": _l("{value!r} không phải là một đối tượng."),
    "{value!r} is not a file name given by the upload page": _l(
        "{value!r} không phải tên tệp do trang tải lên đặt."
    ),
    "{value!r} does not exist in the uploaded files": _l(
        "Không có tệp {value!r} trong các tệp đã tải lên."
    ),
    "{value!r} must be a path inside media/": _l(
        "{value!r} phải là đường dẫn trong thư mục media/."
    ),
    "{value!r} is not an allowed media type": _l("{value!r} không phải loại tệp được phép."),
    "{value!r} does not exist in quizzes/media": _l("Không có tệp {value!r} trong quizzes/media."),
    "must be a path inside media/ or a mapping of language (vi, tay, nun) to path": _l(
        "Phải là đường dẫn trong media/, hoặc đường dẫn theo từng ngôn ngữ (vi, tay, nun)."
    ),
    "must be a path inside media/": _l("Phải là đường dẫn trong thư mục media/."),
    "must be a mapping of language to reader": _l(
        "Giọng đọc phải ghi theo từng ngôn ngữ (vi, tay, nun)."
    ),
    "names a reader but the lesson has no audio in this language": _l(
        "Có tên người đọc nhưng bài chưa có âm thanh bằng ngôn ngữ này."
    ),
    "must be a mapping with by (and recorded_at)": _l(
        "Phải ghi tên người đọc (by) và có thể ghi thời điểm ghi âm (recorded_at)."
    ),
    "must be a date and time (YYYY-MM-DDTHH:MM)": _l("Phải là ngày và giờ (YYYY-MM-DDTHH:MM)."),
    "must be a mapping with id, type, text, answer, explanation": _l(
        "Câu hỏi phải có mã, loại, nội dung, đáp án và giải thích."
    ),
    "must be a mapping with id, type and text": _l("Câu hỏi phải có mã, loại và nội dung."),
    "must be a slug (a-z, 0-9, -)": _l("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang."),
    "must be one of {options}": _l("Phải là một trong các loại: {options}."),
    "must be a list of {low}–{high} choices": _l("Cần từ {low} đến {high} lựa chọn."),
    "must be a mapping": _l("Sai cấu trúc."),
    "is required and must be a list": _l("Bắt buộc phải có danh sách câu hỏi."),
    "must have {low}–{high} questions": _l("Cần từ {low} đến {high} câu hỏi."),
    "draws {draw} questions but the quiz has only {count}": _l(
        "Mỗi lần làm rút {draw} câu nhưng bài chỉ có {count} câu."
    ),
    "a training quiz needs at least {need} questions in its bank to draw {draw} "
    "(it has {count})": _l(
        "Bài tính là tập huấn cần ít nhất {need} câu trong ngân hàng câu hỏi để mỗi lần làm "
        "rút {draw} câu (hiện có {count} câu): thêm câu hỏi, hoặc giảm số câu mỗi lần làm."
    ),
    "a multiple-choice question's choice must not contain a comma "
    "(a printed key joins the choices with commas)": _l(
        "Lựa chọn của câu chọn nhiều đáp án không được có dấu phẩy (đáp án in ra nối các lựa "
        "chọn bằng dấu phẩy)."
    ),
    "must be a mapping of language code to texts": _l("Bản dịch phải theo từng ngôn ngữ."),
    "the file must be a YAML mapping (key: value)": _l("Nội dung sai cấu trúc."),
    "must be 'topic' or 'survey'": _l("Loại nội dung phải là bài học hoặc khảo sát."),
    "is required and must be a slug (a-z, 0-9, -), 3–60 characters": _l(
        "Mã bắt buộc, 3–60 ký tự, chỉ gồm chữ thường không dấu, số và dấu gạch ngang."
    ),
    "is required, as a date YYYY-MM-DD": _l("Bắt buộc phải có ngày (ngày/tháng/năm)."),
    "must list at least one source": _l("Ghi ít nhất một nguồn."),
    "is required and must be a mapping with body": _l("Bắt buộc phải có nội dung bài học."),
    "must be a mapping with body": _l("Phải có nội dung bài học."),
    "unknown placeholder {placeholder} (use {known})": _l(
        "Không có ô điền {placeholder}: chỉ dùng {known}."
    ),
    "unknown language (use {languages})": _l("Ngôn ngữ không hỗ trợ (dùng: {languages})."),
    "duplicate question id {value!r}": _l("Trùng mã câu hỏi {value!r}."),
    "duplicate choice id {value!r}": _l("Trùng mã lựa chọn {value!r}."),
    "a true_false question has no choices": _l("Câu Đúng/Sai không có lựa chọn."),
    "must be true or false": _l("Chọn Đúng hoặc Sai."),
    "must be a block with question and choices": _l(
        "Phần “reach” phải ghi câu hỏi (question) và các lựa chọn được tính (choices)."
    ),
    "must name a single or multiple choice question": _l(
        "Phải ghi mã một câu hỏi chọn đáp án của phiếu."
    ),
    "must list choice ids of {question}": _l("Phải ghi các mã lựa chọn của câu {question}."),
    "must name an earlier single or multiple choice question": _l(
        "Phải chọn một câu hỏi chọn đáp án đứng trước câu này."
    ),
    "only the choices of a multiple choice question can be exclusive": _l(
        "Chỉ lựa chọn của câu chọn nhiều ý mới đánh dấu “chọn riêng” được."
    ),
    "must be a mapping with id and text": _l("Lựa chọn phải có mã và nội dung."),
    "a single-choice answer is one choice id, not a list": _l(
        "Câu chọn một đáp án chỉ được đánh dấu một đáp án đúng."
    ),
    "a multiple-choice answer is a non-empty list": _l("Đánh dấu ít nhất một đáp án đúng."),
    "lists a choice twice": _l("Một lựa chọn được ghi hai lần."),
    "{value!r} is not one of the choices ({choices})": _l(
        "Đáp án đúng phải là một trong các lựa chọn."
    ),
    "must be a mapping of question id to texts": _l("Bản dịch câu hỏi sai cấu trúc."),
    "names a question the quiz does not have": _l("Bản dịch cho một câu hỏi không còn trong bài."),
    "names a question the survey does not have": _l(
        "Bản dịch cho một câu hỏi không còn trong phiếu."
    ),
    "names a choice the question does not have": _l(
        "Bản dịch cho một lựa chọn không còn trong câu hỏi."
    ),
    "must be a mapping of choice id to text": _l("Bản dịch lựa chọn sai cấu trúc."),
    "must be a list of exactly {n} labels": _l("Cần đúng {n} nhãn."),
    "must be non-empty text of at most 80 characters": _l("Không được để trống, tối đa 80 ký tự."),
    "must not be smaller than min": _l("Không được nhỏ hơn giá trị nhỏ nhất."),
    "an anonymous survey cannot count people as reached (no one is named)": _l(
        "Khảo sát ẩn danh không thể tính là đã tiếp cận (không biết ai trả lời)."
    ),
    "is before opens": _l("Ngày đóng trước ngày mở."),
    "must be a number": _l("Phải là một số."),
    "must be between -{n} and {n}": _l("Phải nằm trong khoảng từ -{n} đến {n}."),
    "not used by a {kind} question": _l("Loại câu hỏi này không dùng mục này."),
    "must be a date YYYY-MM-DD": _l("Phải là một ngày (ngày/tháng/năm)."),
    "cannot change from {old} to {new}: the survey already has {n} response(s), and "
    "named and anonymous answers must not mix; make a new survey (with a new id) instead": _l(
        "Phiếu đã có {n} câu trả lời nên không đổi được chế độ ẩn danh: câu trả lời có tên và "
        "ẩn danh không được lẫn vào nhau. Muốn hỏi theo cách khác, hãy tạo một phiếu khảo sát "
        "mới (mã mới)."
    ),
    "cannot change from {old} to {new}: question {qid!r} was published as {old} "
    "and its answers are kept by id; add a new question (with a new id) instead": _l(
        "Câu hỏi này đã được xuất bản với loại khác; đổi loại sẽ trộn lẫn các câu trả lời cũ "
        "và mới. Hãy giữ loại cũ, hoặc bỏ câu này và thêm một câu hỏi mới."
    ),
    "must list {low}–{high} topic ids": _l("Khóa học cần từ {low} đến {high} bài."),
    "lists topic {value!r} twice": _l("Bài {value!r} được ghi hai lần trong khóa học."),
    "{value!r} is not a topic with a quiz in these files": _l(
        "{value!r} không phải là một bài học có bài kiểm tra."
    ),
    "'other' is reserved: write `other: true` instead": _l(
        "Mã “other” dành cho lựa chọn “Khác”: hãy đánh dấu ô “Có lựa chọn Khác”."
    ),
}

_INDEX = re.compile(r"\[(\d+)\]")


def message(error) -> str:
    """An error from the schema in the current language (its English text as a last resort)."""
    template = getattr(error, "template", None)
    form = VIETNAMESE.get(template)
    if form is None:
        return str(error)
    try:
        return str(form).format(**error.params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return template.format(**error.params)


def by_field(errors: list) -> dict[str, list[str]]:
    """Messages grouped by the field they name ('' for the whole item)."""
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(getattr(error, "where", ""), []).append(message(error))
    return grouped


def summary(errors: list) -> list[tuple[str, str]]:
    """(the field as people read it, the message) for every error, in the schema's order."""
    return [(field_label(getattr(error, "where", "")), message(error)) for error in errors]


def field_label(where: str) -> str:
    """A field path as people read it: 'quiz.questions[2].text' → 'Bài kiểm tra › Câu hỏi 3 ›
    Nội dung' (questions and choices numbered from one)."""
    parts = []
    for part in where.split("."):
        match = _INDEX.search(part)
        name = _INDEX.sub("", part)
        label = str(FIELD_NAMES.get(name, name))
        parts.append(f"{label} {int(match.group(1)) + 1}" if match else label)
    return " › ".join(p for p in parts if p)


FIELD_NAMES = {
    "id": _l("Mã"),
    "title": _l("Tiêu đề"),
    "summary": _l("Tóm tắt"),
    "topic": _l("Chủ đề"),
    "audience": _l("Đối tượng"),
    "minutes": _l("Số phút"),
    "facts_checked": _l("Ngày kiểm tra thông tin"),
    "sources": _l("Nguồn"),
    "lesson": _l("Bài học"),
    "body": _l("Nội dung"),
    "audio": _l("Âm thanh"),
    "audio_credits": _l("Giọng đọc"),
    "by": _l("Người đọc"),
    "recorded_at": _l("Thời điểm ghi âm"),
    "quiz": _l("Bài kiểm tra"),
    "pass_mark": _l("Điểm đạt"),
    "max_attempts": _l("Số lần làm"),
    "training_for": _l("Tính là đã tập huấn cho"),
    "draw": _l("Số câu mỗi lần làm"),
    "questions": _l("Câu hỏi"),
    "type": _l("Loại"),
    "text": _l("Nội dung"),
    "choices": _l("Lựa chọn"),
    "answer": _l("Đáp án đúng"),
    "explanation": _l("Giải thích"),
    "why": _l("Vì sao quan trọng"),
    "translations": _l("Bản dịch"),
    "required": _l("Bắt buộc trả lời"),
    "other": _l("Lựa chọn Khác"),
    "labels": _l("Nhãn thang đo"),
    "min": _l("Nhỏ nhất"),
    "max": _l("Lớn nhất"),
    "integer": _l("Số nguyên"),
    "max_length": _l("Độ dài tối đa"),
    "anonymous": _l("Ẩn danh"),
    "reach": _l("Tính là đã tiếp cận"),
    "question": _l("Câu hỏi"),
    "show_if": _l("Chỉ hỏi khi"),
    "exclusive": _l("Chọn riêng"),
    "opens": _l("Ngày mở"),
    "closes": _l("Ngày đóng"),
    "topics": _l("Các bài trong khóa"),
}
