"""The activity form. Fields only parse what was typed (with Vietnamese messages, since
WTForms has no Vietnamese catalog); the rules are in services.activities.check."""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.widgets import TextInput

KIND_LABELS = {
    "article": _l("Bài viết trên trang thông tin điện tử xã"),
    "social_post": _l("Bài đăng Zalo/Facebook"),
    "loudspeaker": _l("Phát thanh trên hệ thống loa"),
    "meeting": _l("Hội nghị, tọa đàm"),
    "training": _l("Lớp tập huấn"),
    "competition": _l("Cuộc thi"),
    "other": _l("Khác"),
}

WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class WholeNumberField(Field):
    """An integer, or None when left empty; anything else is a Vietnamese error."""

    widget = TextInput(input_type="number")

    def _value(self):
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if not WHOLE_NUMBER.fullmatch(raw):
            raise ValueError(_l("Nhập một số nguyên, ví dụ 12."))
        self.data = int(raw)


class DayField(Field):
    """A day as the browser's date input sends it (YYYY-MM-DD), or None when left empty."""

    widget = TextInput(input_type="date")

    def _value(self):
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        try:
            if not ISO_DATE.fullmatch(raw):
                raise ValueError(raw)
            self.data = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _l("Ngày không hợp lệ: dùng dạng năm-tháng-ngày, ví dụ 2026-06-05.")
            ) from None


class ActivityForm(FlaskForm):
    """One communication activity of a unit."""

    unit_id = SelectField(_l("Đơn vị"), coerce=str, validate_choice=False)
    kind = SelectField(
        _l("Hình thức"), choices=list(KIND_LABELS.items()), coerce=str, validate_choice=False
    )
    held_on = DayField(_l("Ngày thực hiện"))
    title = StringField(_l("Tiêu đề hoặc nội dung chính"))
    count = WholeNumberField(_l("Số lượng (bài, buổi, lượt phát…)"), default=1)
    people_reached = WholeNumberField(_l("Số người được tiếp cận"))
    notes = TextAreaField(_l("Ghi chú"))
    link = StringField(_l("Đường dẫn (nếu có)"))


class DeleteForm(FlaskForm):
    """A delete button: only the CSRF token."""
