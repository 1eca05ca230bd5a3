"""The activity services' refusals (services.reporting.activities, .evidence) in Vietnamese."""

from flask_babel import lazy_gettext as _l

from blueprints.common.media_messages import MEDIA_MESSAGES, shown_media_error
from services.common.errors import WHOLE, InvalidInput
from services.reporting import activities as activity_service
from services.reporting import evidence

FROZEN = _l(
    "Kỳ %(period)s đã có báo cáo số %(number)s gửi Sở KH&CN: các hoạt động trong kỳ không sửa, "
    "xóa hoặc thay minh chứng được nữa, để số liệu khớp với báo cáo đã gửi. Cần sửa, hãy liên "
    "hệ văn phòng xã."
)
ACTIVITY_MESSAGES = {
    ("unit_id", "required"): _l("Chọn đơn vị."),
    ("unit_id", "class"): _l("Lớp học không báo cáo hoạt động truyền thông: chọn trường."),
    ("kind", "unknown"): _l("Chọn hình thức trong danh sách."),
    ("held_on", "required"): _l("Nhập ngày thực hiện."),
    ("held_on", "future"): _l("Ngày thực hiện không được sau hôm nay."),
    ("held_on", "too_early"): _l("Ngày thực hiện phải từ năm 2024 trở đi."),
    ("title", "required"): _l("Nhập tiêu đề."),
    ("title", "too_long"): _l("Tiêu đề dài quá %(n)d ký tự.", n=activity_service.MAX_TITLE),
    ("count", "required"): _l("Nhập số lượng."),
    ("count", "too_small"): _l("Số lượng ít nhất là 1."),
    ("count", "too_large"): _l("Số lượng quá lớn."),
    ("people_reached", "required"): _l("Nhập số người được tiếp cận (0 nếu chưa rõ)."),
    ("people_reached", "negative"): _l("Số người được tiếp cận không được là số âm."),
    ("people_reached", "too_large"): _l("Số người được tiếp cận quá lớn."),
    ("people_reached", "above_population"): _l(
        "Số người được tiếp cận (%(people)s) lớn hơn dân số của %(unit)s (%(population)s "
        "người): kiểm tra lại số đã nhập, hoặc nhờ văn phòng xã cập nhật dân số của đơn vị."
    ),
    ("people_reached", "population_unknown"): _l(
        "%(unit)s chưa có dân số nên chưa kiểm tra được số người được tiếp cận: nhập 0 nếu "
        "chưa rõ, hoặc nhờ văn phòng xã nhập dân số của đơn vị trước."
    ),
    ("notes", "too_long"): _l("Ghi chú dài quá %(n)d ký tự.", n=activity_service.MAX_NOTES),
    ("link", "scheme"): _l("Đường dẫn phải bắt đầu bằng http:// hoặc https://."),
    ("link", "too_long"): _l("Đường dẫn dài quá %(n)d ký tự.", n=activity_service.MAX_LINK),
    (WHOLE, "frozen"): FROZEN,
}
EVIDENCE_MESSAGES = {
    **{(evidence.FIELD, code): text for code, text in MEDIA_MESSAGES.items()},
    (evidence.FIELD, "required"): _l("Chọn tệp minh chứng."),
    (evidence.FIELD, "unknown_type"): _l(
        "Chỉ nhận ảnh JPEG, PNG, WebP và biên bản PDF hoặc Word (DOCX). Nội dung tệp này không "
        "phải loại nào trong số đó (đuôi tên tệp không quyết định loại tệp)."
    ),
    (evidence.FIELD, "photo_not_image"): _l(
        "Ảnh hoạt động phải là ảnh JPEG, PNG hoặc WebP. Tệp PDF hoặc Word hãy chọn loại “Biên bản”."
    ),
    (evidence.FIELD, "old_office"): _l(
        "Không nhận tệp Word cũ (.doc): hãy lưu thành DOCX hoặc PDF rồi tải lên lại."
    ),
    (evidence.FIELD, "truncated"): _l("Tệp PDF chưa tải lên hết hoặc bị hỏng: hãy thử lại."),
    (evidence.FIELD, "active_content"): _l(
        "Tệp có chứa mã chạy được (macro, JavaScript hoặc tệp đính kèm): hãy in ra PDF thường "
        "rồi tải lên lại."
    ),
    (evidence.FIELD, "duplicate"): _l("Tệp này đã được đính kèm vào hoạt động."),
    (evidence.FIELD, "too_many"): _l("Mỗi hoạt động đính kèm tối đa %(limit)s tệp."),
    ("kind", "unknown_kind"): _l("Chọn loại minh chứng."),
    ("evidence_kind", "unknown_kind"): _l("Chọn loại minh chứng."),
    (WHOLE, "frozen"): FROZEN,
}


def shown_evidence_error(exc: InvalidInput) -> InvalidInput:
    """The refusal with its limits as people read them (MB, millions of pixels), and a wrong
    kind put on the form's kind field."""
    shown = shown_media_error(exc) if exc.code != "too_many" else exc
    errors = {("evidence_kind" if f == "kind" else f): c for f, c in shown.errors.items()}
    return InvalidInput(errors, **shown.params)
