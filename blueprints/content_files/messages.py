"""The content-file views' messages for the codes the importer raises (the media checks' are
shared with the authoring pages: blueprints/common/media_messages.py)."""

from flask_babel import lazy_gettext as _l

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
