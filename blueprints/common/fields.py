"""Form fields shared by staff forms: whole numbers and days, with Vietnamese messages."""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

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
