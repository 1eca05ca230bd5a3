"""Staff forms: a new class, a roster upload, a deletion confirmation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange


class NewClassForm(FlaskForm):
    school_id = SelectField(_l("Trường"), coerce=int, validators=[InputRequired()])
    grade = IntegerField(
        _l("Khối lớp"),
        validators=[
            InputRequired(_l("Nhập khối lớp.")),
            NumberRange(1, 12, _l("Khối lớp từ 1 đến 12.")),
        ],
    )
    name = StringField(
        _l("Tên lớp (ví dụ 7A)"),
        validators=[
            InputRequired(_l("Nhập tên lớp.")),
            Length(max=40, message=_l("Tên lớp quá dài.")),
        ],
    )
    students = IntegerField(
        _l("Sĩ số"),
        validators=[
            InputRequired(_l("Nhập sĩ số.")),
            NumberRange(1, 100, _l("Sĩ số từ 1 đến 100.")),
        ],
    )


class RosterForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách (CSV hoặc XLSX)"), validators=[FileRequired(_l("Chọn tệp."))]
    )


class ConfirmForm(FlaskForm):
    confirm = StringField(_l("Gõ XÓA để xác nhận"))
