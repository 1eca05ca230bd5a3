"""The labels people read for the domain's code words (roles, age bands, unit kinds, activity
kinds, statuses, indicators), lazily translated: forms, pages, PDFs and exports all take them
from here, and nowhere else spells them.

Each vocabulary is a dict of code → lazy string, in the order forms offer the choices.
`label` turns one into text; `vietnamese` gives a whole vocabulary as Vietnamese text, for the
administrative documents (PDFs, XLSX annexes) that are Vietnamese whatever the reader's locale.
"""

from flask_babel import force_locale, gettext
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
    "province_officer": _l("Cán bộ Sở Khoa học và Công nghệ (chỉ xem)"),
    "province_admin": _l("Quản trị tỉnh (Sở Khoa học và Công nghệ)"),
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
EVIDENCE_KIND_LABELS = {
    "photo": _l("Ảnh hoạt động"),
    "minutes": _l("Biên bản"),
}
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

# The kinds of content an action names.
CONTENT_KIND_LABELS = {
    "topic": _l("Bài học"),
    "quiz": _l("Bài kiểm tra"),
    "survey": _l("Khảo sát"),
}
# What a person opened (a visit's kind).
VISIT_KIND_LABELS = {
    "lesson": CONTENT_KIND_LABELS["topic"],
    "quiz": CONTENT_KIND_LABELS["quiz"],
    "survey": CONTENT_KIND_LABELS["survey"],
}
# Who agreed to what when a person first took part.
CONSENT_KIND_LABELS = {
    "guardian": _l("Cha mẹ hoặc người giám hộ đồng ý"),
}
# The parts and facts of a person's records, as their data request export names them
# (services.participation.privacy.export_participant's keys).
PERSON_DATA_LABELS = {
    "participant": _l("Người tham gia"),
    "consents": _l("Đồng ý"),
    "visits": _l("Lượt xem"),
    "indicator_people": _l("Được tính vào chỉ tiêu"),
    "reached_at": _l("Được tiếp cận từ"),
    "trained_at": _l("Được tập huấn từ"),
    "scans": _l("Lượt quét"),
    "attempts": _l("Lượt làm bài"),
    "answers": _l("Câu trả lời"),
    "survey_responses": _l("Phiếu khảo sát"),
    "survey_answers": _l("Câu trả lời khảo sát"),
    "certificates": _l("Giấy chứng nhận"),
    "roster_entries": _l("Danh sách lớp"),
    "nominations": _l("Đề nghị khen thưởng"),
    "display_name": _l("Họ và tên"),
    "role": _l("Vai trò"),
    "unit": _l("Đơn vị"),
    "age_band": _l("Độ tuổi"),
    "created_at": _l("Tham gia từ"),
    "last_seen_at": _l("Lần cuối vào"),
    "token": _l("Mã nhận ra thiết bị"),
    "issued_at": _l("Cấp lúc"),
    "last_used_at": _l("Dùng lần cuối"),
    "kind": _l("Loại"),
    "text_version": _l("Phiên bản lời đồng ý"),
    "agreed_at": _l("Đồng ý lúc"),
    "item_id": _l("Mã nội dung"),
    "visited_at": _l("Xem lúc"),
    "poster": _l("Áp phích"),
    "scanned_at": _l("Quét lúc"),
    "quiz": _l("Bài kiểm tra"),
    "survey": _l("Khảo sát"),
    "version": _l("Phiên bản"),
    "number": _l("Lần làm"),
    "attempt": _l("Lần làm"),
    "score_percent": _l("Điểm (%)"),
    "passed": _l("Đạt"),
    "submitted_at": _l("Nộp lúc"),
    "updated_at": _l("Sửa lúc"),
    "question": _l("Câu hỏi"),
    "choices": _l("Lựa chọn"),
    "choice": _l("Lựa chọn"),
    "correct": _l("Đúng"),
    "text": _l("Câu trả lời viết"),
    "serial": _l("Số hiệu"),
    "achievement": _l("Nội dung chứng nhận"),
    "revoked": _l("Đã thu hồi"),
    "class": _l("Lớp"),
    "name": _l("Họ tên trong danh sách lớp"),
    "student_number": _l("Mã học sinh"),
    "list_number": _l("Số thứ tự trong danh sách"),
    "date_of_birth": _l("Ngày sinh"),
    "period": _l("Kỳ"),
    "reason": _l("Lý do"),
    "nominated_at": _l("Đề nghị ngày"),
}
# The languages of content, translations and recordings.
LANGUAGE_LABELS = {
    "vi": _l("tiếng Việt"),
    "en": _l("tiếng Anh"),
    "tay": _l("tiếng Tày"),
    "nun": _l("tiếng Nùng"),
}
# Actions in the audit log (services.org.audit), as the admin reads them.
JOB_STATUS_LABELS = {
    "queued": _l("Đang chờ"),
    "running": _l("Đang chuẩn bị"),
    "done": _l("Đã xong"),
    "failed": _l("Không chuẩn bị được"),
}
JOB_KIND_LABELS = {
    "survey_export": _l("Kết quả khảo sát"),
    "audit_export": _l("Nhật ký thao tác"),
}
AUDIT_ACTION_LABELS = {
    "login": _l("Đăng nhập"),
    "province_summary_exported": _l("Tải bảng tổng hợp các xã của tỉnh"),
    "login_failed": _l("Đăng nhập sai"),
    "logout": _l("Đăng xuất"),
    "staff_created": _l("Tạo tài khoản cán bộ"),
    "staff_changed": _l("Sửa tài khoản cán bộ"),
    "staff_password_reset": _l("Cấp lại mật khẩu"),
    "password_changed": _l("Tự đổi mật khẩu"),
    "second_factor_enrolled": _l("Cài xác thực hai bước"),
    "second_factor_failed": _l("Nhập sai mã xác thực hai bước"),
    "second_factor_reset": _l("Cài lại xác thực hai bước"),
    "settings_changed": _l("Sửa cài đặt"),
    "unit_created": _l("Thêm đơn vị"),
    "unit_changed": _l("Sửa đơn vị"),
    "units_imported": _l("Nhập danh sách đơn vị"),
    "commune_added": _l("Thêm xã"),
    "class_created": _l("Tạo lớp"),
    "roster_imported": _l("Nhập danh sách học sinh"),
    "roster_entry_changed": _l("Sửa họ tên, ngày sinh của học sinh"),
    "roster_entry_moved": _l("Chuyển học sinh sang lớp khác"),
    "roster_entry_removed": _l("Xóa học sinh khỏi danh sách lớp"),
    "poster_created": _l("Tạo áp phích"),
    "poster_changed": _l("Sửa nơi dán áp phích"),
    "poster_retired": _l("Thu hồi áp phích"),
    "target_added": _l("Thêm chỉ tiêu"),
    "target_changed": _l("Sửa chỉ tiêu"),
    "targets_seeded": _l("Nạp chỉ tiêu của kế hoạch"),
    "indicators_rebuilt": _l("Tính lại số liệu chỉ tiêu"),
    "science_task_added": _l("Thêm nhiệm vụ khoa học"),
    "science_task_changed": _l("Sửa nhiệm vụ khoa học"),
    "content_created": _l("Tạo nội dung"),
    "content_published": _l("Xuất bản nội dung"),
    "content_withdrawn": _l("Gỡ nội dung"),
    "content_promoted": _l("Đưa nội dung lên toàn xã"),
    "content_draft_discarded": _l("Bỏ bản nháp"),
    "content_loaded": _l("Nạp bài học từ tệp"),
    "content_imported": _l("Nhập gói nội dung"),
    "certificate_revoked": _l("Thu hồi giấy chứng nhận"),
    "certificate_reissued": _l("Cấp lại giấy chứng nhận (sửa họ tên)"),
    "certificates_printed": _l("In giấy chứng nhận"),
    "half_year_report_saved": _l("Lưu báo cáo 6 tháng"),
    "report_exported": _l("Tải báo cáo"),
    "half_year_report_submitted": _l("Gửi báo cáo 6 tháng lên Sở KH&CN"),
    "half_year_report_corrected": _l("Gửi bản sửa đổi báo cáo 6 tháng"),
    "half_year_report_received": _l("Sở KH&CN ghi nhận đã nhận báo cáo 6 tháng"),
    "nominations_exported": _l("Tải danh sách đề nghị khen thưởng"),
    "person_exported": _l("Tải dữ liệu của một người"),
    "person_deleted": _l("Xóa dữ liệu của một người"),
    "purge_expired": _l("Xóa dữ liệu quá hạn lưu"),
    "demo_seeded": _l("Nạp dữ liệu mẫu"),
    "audit_exported": _l("Tải nhật ký thao tác"),
    "activity_filed": _l("Ghi hoạt động tuyên truyền"),
    "activity_deleted": _l("Xóa hoạt động tuyên truyền"),
    "activity_changed": _l("Sửa hoạt động tuyên truyền"),
    "evidence_added": _l("Đính kèm minh chứng hoạt động"),
    "evidence_removed": _l("Bỏ minh chứng hoạt động"),
    "media_uploaded": _l("Tải lên ảnh, âm thanh"),
    "lesson_audio_recorded": _l("Ghi âm bài học"),
    "nomination_added": _l("Thêm đề nghị khen thưởng"),
    "nomination_removed": _l("Bỏ đề nghị khen thưởng"),
    "survey_exported": _l("Tải kết quả khảo sát"),
    "export_job_requested": _l("Yêu cầu chuẩn bị tệp xuất lớn"),
    "export_job_downloaded": _l("Tải tệp xuất đã chuẩn bị"),
    "dashboard_exported": _l("Tải bảng chỉ tiêu"),
    "assignment_created": _l("Giao bài cho lớp"),
    "assignment_deleted": _l("Bỏ việc đã giao"),
    "gradebook_exported": _l("Tải bảng điểm"),
}
# The facts an audit event carries, by their key in the event's detail.
AUDIT_DETAIL_LABELS = {
    "role": _l("Vai trò"),
    "second_factor": _l("Bắt buộc xác thực hai bước"),
    "active": _l("Còn hoạt động"),
    "rows": _l("Số dòng"),
    "format": _l("Định dạng"),
    "communes": _l("Mã các xã đã đọc"),
    "job": _l("Số tệp xuất"),
    "code": _l("Mã"),
    "kind": _l("Loại"),
    "year": _l("Năm"),
    "percent": _l("Chỉ tiêu (%)"),
    "status": _l("Trạng thái"),
    "published": _l("Đã công bố"),
    "period": _l("Kỳ"),
    "reason": _l("Lý do"),
    "changes": _l("Thay đổi"),
    "name": _l("Tên"),
    "unit_id": _l("Mã đơn vị"),
    "parent_id": _l("Đơn vị cấp trên"),
    "target_population": _l("Số dân"),
    "population_year": _l("Năm số dân"),
    "created": _l("Thêm mới"),
    "serial_prefix": _l("Tiền tố số hiệu"),
    "commune": _l("Xã"),
    "posters": _l("Áp phích"),
    "updated": _l("Cập nhật"),
    "unchanged": _l("Không đổi"),
    "kept": _l("Giữ bản đã sửa"),
    "certificates": _l("Giấy chứng nhận"),
    "answers": _l("Câu trả lời"),
    "attempts": _l("Lượt làm bài"),
    "visits": _l("Lượt xem"),
    "survey_responses": _l("Phiếu khảo sát"),
    "consents": _l("Đồng ý"),
    "nominations": _l("Đề nghị khen thưởng"),
    "scans": _l("Lượt quét"),
    "public_address": _l("Địa chỉ công khai"),
    "commune_name": _l("Tên xã"),
    "province_name": _l("Tỉnh"),
    "issuer_name": _l("Cơ quan cấp"),
    "certificate_signer_title": _l("Chức vụ người ký giấy chứng nhận"),
    "certificate_signer_name": _l("Họ tên người ký giấy chứng nhận"),
    "report_signer_title": _l("Chức vụ người ký báo cáo"),
    "report_signer_name": _l("Họ tên người ký báo cáo"),
    "file": _l("Tệp"),
    "unit": _l("Đơn vị"),
    "activity_id": _l("Mã hoạt động"),
    "bytes": _l("Dung lượng (byte)"),
    "files": _l("Số tệp"),
    "held_on": _l("Ngày tổ chức"),
    "kept_edited": _l("Giữ bản đã sửa"),
    "overwrite_edited": _l("Ghi đè bản đã sửa"),
    "new_versions": _l("Phiên bản mới"),
    "version": _l("Phiên bản"),
    "nomination_id": _l("Mã đề nghị"),
    "subject_id": _l("Mã đối tượng"),
    "original": _l("Tên tệp gốc"),
    "lang": _l("Ngôn ngữ"),
    "reader": _l("Người đọc"),
    "serial": _l("Số hiệu"),
    "holder": _l("Người được cấp"),
    "previous_holder": _l("Họ tên trước khi sửa"),
    "new_serial": _l("Số hiệu mới"),
    "achievement": _l("Bài, khóa học"),
    "action": _l("Thao tác"),
    "staff": _l("Người làm"),
    "from": _l("Từ ngày"),
    "to": _l("Đến ngày"),
    "list_number": _l("Số thứ tự trong danh sách"),
    "name_corrected": _l("Sửa họ tên"),
    "birth_date_corrected": _l("Sửa ngày sinh"),
    "joined": _l("Đã vào lớp"),
    "from_class": _l("Từ lớp"),
    "to_class": _l("Sang lớp"),
    "location": _l("Nơi dán"),
    "item": _l("Bài được giao"),
    "due_on": _l("Hạn làm"),
    "title": _l("Tiêu đề"),
    "count": _l("Số lượng"),
    "people_reached": _l("Số người được tiếp cận"),
    "notes": _l("Ghi chú"),
    "link": _l("Đường dẫn"),
    "evidence_id": _l("Mã minh chứng"),
}


# A reporting period as people name it (the key "2026-H1" is for addresses only).
def period_name(key: str) -> str:
    """'6 tháng đầu năm 2026' for "2026-H1", 'Năm 2026' for "2026"; the key itself when it
    is neither."""
    year, _sep, half = key.partition("-H")
    if year.isdigit() and half == "1":
        return gettext("6 tháng đầu năm %(year)s", year=year)
    if year.isdigit() and half == "2":
        return gettext("6 tháng cuối năm %(year)s", year=year)
    if key.isdigit():
        return gettext("Năm %(year)s", year=key)
    return key


def vietnamese_period_name(key: str) -> str:
    """The period's name in Vietnamese, for documents, whatever the reader's locale."""
    with force_locale("vi"):
        return period_name(key)


# The vocabularies by name, as templates see them: `label_of(vocabulary.unit_kinds, u.kind)`.
VOCABULARIES = {
    "roles": ROLE_LABELS,
    "ages": AGE_LABELS,
    "staff_roles": STAFF_ROLE_LABELS,
    "unit_kinds": UNIT_KIND_LABELS,
    "nominee_kinds": NOMINEE_KIND_LABELS,
    "activity_kinds": ACTIVITY_KIND_LABELS,
    "evidence_kinds": EVIDENCE_KIND_LABELS,
    "filing_statuses": FILING_STATUS_LABELS,
    "task_statuses": TASK_STATUS_LABELS,
    "indicators": INDICATOR_LABELS,
    "progress": PROGRESS_LABELS,
    "audit_actions": AUDIT_ACTION_LABELS,
    "content_kinds": CONTENT_KIND_LABELS,
    "languages": LANGUAGE_LABELS,
    "consent_kinds": CONSENT_KIND_LABELS,
    "visit_kinds": VISIT_KIND_LABELS,
    "job_statuses": JOB_STATUS_LABELS,
    "job_kinds": JOB_KIND_LABELS,
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


def evidence_summary(photos: int, minutes: int) -> str:
    """'2 ảnh, 1 biên bản' (what is there only); '—' for nothing."""
    parts = []
    if photos:
        parts.append(gettext("%(n)s ảnh", n=photos))
    if minutes:
        parts.append(gettext("%(n)s biên bản", n=minutes))
    return ", ".join(parts) or "—"


def vietnamese_evidence_summary(photos: int, minutes: int) -> str:
    """evidence_summary in Vietnamese, for documents, whatever the reader's locale."""
    with force_locale("vi"):
        return evidence_summary(photos, minutes)


def register_vocabulary(app) -> None:
    """Templates see `label` as `label_of(...)` and the vocabularies as `vocabulary.<name>`."""
    app.jinja_env.globals["label_of"] = label
    app.jinja_env.globals["vocabulary"] = VOCABULARIES
    app.jinja_env.globals["period_name"] = period_name
    app.jinja_env.globals["evidence_text"] = lambda t: evidence_summary(t.photos, t.minutes)
