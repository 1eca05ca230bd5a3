"""Form fields shared by staff forms: whole numbers and days, with Vietnamese messages."""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

from blueprints.common.dates import parse_day

TYPED_YEARS = (1900, 2999)  # a form's own rules refuse a wrong year with their message
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


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
    """A day typed as dd/mm/yyyy (as Vietnamese write it; yyyy-mm-dd is read too), shown as
    dd/mm/yyyy, or None when left empty."""

    widget = TextInput()

    def _value(self):
        if isinstance(self.data, dt.date):
            return self.data.strftime("%d/%m/%Y")
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        self.data = parse_day(raw, years=TYPED_YEARS)
        if self.data is None:
            raise ValueError(_l("Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 05/06/2026."))
