"""The content-file views' messages for the codes the importer and the media checks raise."""

from flask_babel import lazy_gettext as _l

from services.common.errors import InvalidInput

IMPORT_MESSAGES = {
    "empty": _l("Tệp rỗng."),
    "not_content": _l("Chỉ nhận tệp nội dung .yaml (.yml) hoặc tệp .zip chứa các tệp đó."),
    "bad_zip": _l("Không đọc được tệp ZIP: tệp hỏng hoặc chưa tải lên hết."),
    "too_many_entries": _l("Tệp ZIP có quá nhiều mục (tối đa %(limit)d)."),
    "too_large": _l("Nội dung giải nén quá lớn (tối đa %(limit)s MB)."),
    "entry_too_large": _l("“%(name)s” quá lớn (tối đa %(limit)s KB)."),
    "unsafe_name": _l("Tên “%(name)s” trong tệp ZIP không hợp lệ (đường dẫn ra ngoài thư mục)."),
    "link": _l("“%(name)s” là liên kết (symlink); tệp ZIP không được chứa liên kết."),
    "encrypted": _l("“%(name)s” được đặt mật khẩu; hãy nén lại không mật khẩu."),
    "duplicate": _l("Tên “%(name)s” xuất hiện hai lần trong tệp ZIP."),
    "unexpected": _l(
        "“%(name)s” không thuộc nội dung: chỉ nhận tệp .yaml, thư mục media/ và uploads/."
    ),
    "bad_upload": _l("“%(name)s” không phải tệp do trang tải lên tạo ra (tên hoặc nội dung sai)."),
    "no_files": _l("Không có tệp nội dung (.yaml) nào."),
}

MB = 1024 * 1024
MEDIA_MESSAGES = {
    "empty": _l("Tệp rỗng."),
    "svg": _l("Không nhận ảnh SVG (có thể chứa mã chạy được). Hãy lưu ảnh thành PNG hoặc JPEG."),
    "unknown_type": _l(
        "Chỉ nhận ảnh JPEG, PNG, WebP và âm thanh MP3, M4A, OGG. Nội dung tệp này không phải "
        "loại nào trong số đó (đuôi tên tệp không quyết định loại tệp)."
    ),
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
