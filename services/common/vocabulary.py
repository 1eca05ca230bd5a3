"""The labels people read for the domain's code words (roles, age bands, unit kinds, activity
kinds, statuses, indicators), lazily translated: forms, pages, PDFs and exports all take them
from here, and nowhere else spells them.

Each vocabulary is a dict of code → lazy string, in the order forms offer the choices.
`label` turns one into text; `vietnamese` gives a whole vocabulary as Vietnamese text, for the
administrative documents (PDFs, XLSX annexes) that are Vietnamese whatever the reader's locale.
"""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

# An unknown code (e.g. in an old saved snapshot) reads as "Khác", never as the bare code word:
# the code means nothing to the reader, and the documents are in Vietnamese.
UNKNOWN = _l("Khác")

ROLE_LABELS = {
    "villager": _l("Người dân"),
    "student": _l("Học sinh"),
    "official": _l("Cán bộ, công chức, viên chức"),
    "worker": _l("Người lao động ở doanh nghiệp"),
    "other": _l("Khác"),
}
AGE_LABELS = {
    "under16": _l("Dưới 16 tuổi"),
    "16-29": _l("16 – 29 tuổi"),
    "30-44": _l("30 – 44 tuổi"),
    "45-59": _l("45 – 59 tuổi"),
    "60plus": _l("Từ 60 tuổi"),
}
STAFF_ROLE_LABELS = {
    "teacher": _l("Giáo viên"),
    "officer": _l("Cán bộ đơn vị (thôn, cơ quan, trường, doanh nghiệp)"),
    "admin": _l("Quản trị (Phòng Văn hóa - Xã hội)"),
}
UNIT_KIND_LABELS = {
    "commune": _l("Xã"),
    "village": _l("Thôn"),
    "school": _l("Trường"),
    "class": _l("Lớp"),
    "agency": _l("Cơ quan"),
    "enterprise": _l("Doanh nghiệp"),
}
NOMINEE_KIND_LABELS = {
    "village": UNIT_KIND_LABELS["village"],
    "class": UNIT_KIND_LABELS["class"],
    "participant": _l("Cá nhân"),
}
ACTIVITY_KIND_LABELS = {
    "article": _l("Bài viết trên trang thông tin điện tử xã"),
    "social_post": _l("Bài đăng Zalo/Facebook"),
    "loudspeaker": _l("Phát thanh trên hệ thống loa"),
    "meeting": _l("Hội nghị, tọa đàm"),
    "training": _l("Lớp tập huấn"),
    "competition": _l("Cuộc thi"),
    "other": _l("Khác"),
}
# Whether a unit has filed its activities for a period.
FILING_STATUS_LABELS = {
    "filed": _l("Đã báo cáo"),
    "late": _l("Báo cáo sau hạn"),
    "pending": _l("Chưa báo cáo"),
    "overdue": _l("Quá hạn, chưa báo cáo"),
}
TASK_STATUS_LABELS = {
    "planned": _l("Chưa triển khai"),
    "in_progress": _l("Đang thực hiện"),
    "completed": _l("Đã nghiệm thu"),
    "cancelled": _l("Đã dừng, hủy"),
}
INDICATOR_LABELS = {
    "reached": _l("Được tiếp cận"),
    "trained": _l("Được tập huấn"),
}
# How far a target is from being met (services.reporting.indicators.progress_status).
PROGRESS_LABELS = {
    "met": _l("Đạt"),
    "on_track": _l("Đúng tiến độ"),
    "behind": _l("Chậm"),
    "no_population": _l("Chưa có số dân"),
    "no_quiz": _l("Chưa chọn bài kiểm tra"),
}

# The vocabularies by name, as templates see them: `label_of(vocabulary.unit_kinds, u.kind)`.
VOCABULARIES = {
    "roles": ROLE_LABELS,
    "ages": AGE_LABELS,
    "staff_roles": STAFF_ROLE_LABELS,
    "unit_kinds": UNIT_KIND_LABELS,
    "nominee_kinds": NOMINEE_KIND_LABELS,
    "activity_kinds": ACTIVITY_KIND_LABELS,
    "filing_statuses": FILING_STATUS_LABELS,
    "task_statuses": TASK_STATUS_LABELS,
    "indicators": INDICATOR_LABELS,
    "progress": PROGRESS_LABELS,
}


def label(vocabulary: dict, code) -> str:
    """The label of `code` in the current locale; "Khác" for a code the vocabulary lacks."""
    return str(vocabulary.get(code, UNKNOWN))


def choices(vocabulary: dict, codes=None) -> list[tuple[str, object]]:
    """(code, lazy label) pairs for a form's choices: all of them, or those of `codes`."""
    return [(code, text) for code, text in vocabulary.items() if codes is None or code in codes]


def vietnamese(vocabulary: dict) -> dict[str, str]:
    """The whole vocabulary as Vietnamese text, for documents that are Vietnamese anyway."""
    with force_locale("vi"):
        return {code: str(text) for code, text in vocabulary.items()}


def vietnamese_label(vocabulary: dict, code) -> str:
    """The Vietnamese label of `code` ("Khác" when unknown), whatever the reader's locale."""
    with force_locale("vi"):
        return label(vocabulary, code)


def register_vocabulary(app) -> None:
    """Templates see `label` as `label_of(...)` and the vocabularies as `vocabulary.<name>`."""
    app.jinja_env.globals["label_of"] = label
    app.jinja_env.globals["vocabulary"] = VOCABULARIES
