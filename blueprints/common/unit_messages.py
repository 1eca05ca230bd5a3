"""The Vietnamese messages of the unit forms and of a unit table's import (the units page, the
province's commune onboarding and `flask communes add`)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.common.form_errors import message_for
from services.common.errors import WHOLE, InvalidInput
from services.org import unit_tree

UNIT_ERRORS = {
    "bad_kind": _l("Loại đơn vị không hợp lệ."),
    "missing_name": _l("Nhập tên đơn vị."),
    "name_too_long": _l("Tên dài quá %(n)d ký tự.", n=unit_tree.MAX_NAME),
    "cycle": _l("Không thể đặt một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó."),
    "commune_has_parent": _l("Xã là cấp cao nhất, không thuộc đơn vị nào."),
    "missing_parent": _l("Chọn đơn vị cấp trên."),
    "bad_parent_kind": _l(
        "Đơn vị cấp trên không hợp lệ: thôn, trường, cơ quan, doanh nghiệp thuộc xã; "
        "lớp thuộc trường."
    ),
    "duplicate": _l("Đã có đơn vị cùng loại, cùng tên ở cấp này."),
    "bad_population": _l("Dân số mục tiêu phải là số không âm."),
    "bad_year": _l("Năm từ %(a)d đến %(b)d.", a=unit_tree.MIN_YEAR, b=unit_tree.MAX_YEAR),
    "missing_year": _l("Nhập năm áp dụng của dân số mục tiêu."),
}

IMPORT_ERRORS = {
    **UNIT_ERRORS,
    "format": _l("Chỉ nhận tệp .csv hoặc .xlsx."),
    "encoding": _l("Tệp CSV phải lưu dạng UTF-8 (trong Excel: Lưu thành “CSV UTF-8”)."),
    "unreadable": _l("Không đọc được tệp. Hãy lưu lại bằng Excel rồi thử lại."),
    "empty": _l("Tệp không có dòng nào."),
    "no_rows": _l("Tệp chỉ có dòng tiêu đề, chưa có đơn vị nào."),
    "no_columns": _l("Dòng đầu phải có cột “Loại” và cột “Tên”."),
    "too_many": _l("Tệp quá dài (tối đa %(n)d dòng)."),
    "bad_kind": _l("Loại “%(value)s” không hợp lệ (xã, thôn, trường, lớp, cơ quan, doanh nghiệp)."),
    "bad_population": _l("Dân số mục tiêu phải là một số nguyên."),
    "negative_population": _l("Dân số mục tiêu phải là số không âm."),
    "bad_year": _l(
        "Năm phải là số từ %(a)d đến %(b)d.", a=unit_tree.MIN_YEAR, b=unit_tree.MAX_YEAR
    ),
    "unknown_parent": _l("Không tìm thấy đơn vị cấp trên “%(parent)s”."),
    "bad_parent_kind": _l(
        "“%(parent)s” không thể là cấp trên: thôn, trường, cơ quan, doanh nghiệp thuộc xã; "
        "lớp thuộc trường."
    ),
    "ambiguous_parent": _l("Có nhiều đơn vị tên “%(parent)s”, không biết chọn đơn vị nào."),
    "duplicate_row": _l("Trùng với dòng %(row)d."),
    "other_commune": _l("“%(name)s” là một xã khác: tệp này chỉ gồm các đơn vị của xã mới."),
}

# Onboarding a commune: (field, code) first, then the sheet's codes above.
COMMUNE_ERRORS = {
    **IMPORT_ERRORS,
    ("code", "bad_code"): _l(
        "Mã xã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 20 ký tự), "
        "ví dụ: tan-van."
    ),
    ("code", "code_taken"): _l("Mã xã “%(code)s” đã có."),
    ("name", "missing_name"): _l("Nhập tên xã."),
    ("name", "name_too_long"): _l("Tên xã dài quá %(n)d ký tự."),
    ("name", "name_taken"): _l("Đã có một xã cùng tên."),
    ("serial_prefix", "bad_prefix"): _l(
        "Tiền tố số hiệu chứng nhận gồm 2 đến 8 chữ cái in hoa không dấu hoặc chữ số, ví dụ: TV."
    ),
    ("serial_prefix", "prefix_taken"): _l("Tiền tố số hiệu “%(prefix)s” đã được dùng cho xã khác."),
    ("admin_username", "bad_username"): _l(
        "Tên đăng nhập gồm 3 đến 60 chữ thường không dấu, chữ số, dấu chấm, gạch ngang."
    ),
    ("admin_username", "username_taken"): _l("Tên đăng nhập này đã có người dùng."),
    ("poster_lesson", "unknown_lesson"): _l("Không có bài học đã đăng “%(slug)s”."),
    ("poster_lesson", "class_only_lesson"): _l(
        "Bài “%(slug)s” chỉ dành cho lớp của một giáo viên, không in áp phích cho cả xã được."
    ),
    ("poster_lesson", "no_lesson"): _l(
        "Chưa có bài học nào để in áp phích: hãy nạp nội dung bài học trước."
    ),
}


def commune_problems(exc: InvalidInput) -> list[str]:
    """Every reason a commune was refused, in Vietnamese: each bad field, or each bad row of
    its sheet ("Dòng 4: …")."""
    rows = getattr(exc, "rows", None)
    if rows is None:
        return [
            message_for(field, code, COMMUNE_ERRORS, exc.params)
            for field, code in exc.errors.items()
        ]
    return [
        _(
            "Dòng %(line)d: %(problem)s",
            line=line,
            problem=message_for(WHOLE, code, COMMUNE_ERRORS, params),
        )
        if line is not None
        else message_for(WHOLE, code, COMMUNE_ERRORS, params)
        for line, code, params in rows
    ]
