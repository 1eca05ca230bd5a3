"""The province admin's forms: onboarding a commune."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from services.org.tenancy import CODE_LENGTH
from services.org.unit_tree import MAX_NAME


class NewCommuneForm(FlaskForm):
    name = StringField(
        _l("Tên xã"), validators=[InputRequired(_l("Nhập tên xã.")), Length(max=MAX_NAME)]
    )
    code = StringField(
        _l("Mã xã"), validators=[InputRequired(_l("Nhập mã xã.")), Length(max=CODE_LENGTH)]
    )
    serial_prefix = StringField(
        _l("Tiền tố số hiệu chứng nhận"),
        validators=[InputRequired(_l("Nhập tiền tố số hiệu.")), Length(max=8)],
    )
    admin_username = StringField(
        _l("Tên đăng nhập của quản trị viên xã"),
        validators=[InputRequired(_l("Nhập tên đăng nhập.")), Length(max=60)],
    )
    units = FileField(
        _l("Danh sách thôn, trường, lớp, cơ quan (CSV hoặc XLSX)"),
        validators=[FileRequired(_l("Chọn tệp."))],
    )
