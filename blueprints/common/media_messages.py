"""The media checks' refusals (services/content/media.py codes) in Vietnamese, for the upload
page and the authoring page's recordings."""

from flask_babel import lazy_gettext as _l

from services.common.errors import InvalidInput

MB = 1024 * 1024
MEDIA_MESSAGES = {
    "empty": _l("Tệp rỗng."),
    "svg": _l("Không nhận ảnh SVG (có thể chứa mã chạy được). Hãy lưu ảnh thành PNG hoặc JPEG."),
    "unknown_type": _l(
        "Chỉ nhận ảnh JPEG, PNG, WebP và âm thanh MP3, M4A, OGG, WebM. Nội dung tệp này không "
        "phải loại nào trong số đó (đuôi tên tệp không quyết định loại tệp)."
    ),
    "not_audio": _l(
        "Chỉ nhận tệp âm thanh (WebM, OGG, M4A, MP3). Nội dung tệp này không phải âm thanh "
        "(đuôi tên tệp không quyết định loại tệp)."
    ),
    "video": _l("Tệp này có hình (video). Chỉ nhận âm thanh: hãy ghi âm hoặc chọn tệp âm thanh."),
    "too_large": _l("Tệp quá lớn (tối đa %(limit)s MB)."),
    "too_many_pixels": _l("Ảnh quá lớn (tối đa %(limit)s triệu điểm ảnh)."),
    "unreadable": _l("Không đọc được ảnh: tệp hỏng hoặc chưa tải lên hết."),
    "too_complex": _l("Ảnh quá chi tiết, không nén được xuống 60 KB. Hãy cắt bớt ảnh rồi thử lại."),
}


def shown_media_error(exc: InvalidInput) -> InvalidInput:
    """The refusal with its limit as people read it: megabytes, or millions of pixels."""
    params = dict(exc.params)
    if exc.code == "too_large":
        params["limit"] = f"{params['limit'] / MB:g}"
    elif exc.code == "too_many_pixels":
        params["limit"] = f"{params['limit'] / 1_000_000:g}"
    return InvalidInput(exc.errors, **params)
