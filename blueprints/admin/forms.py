"""Forms for staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional

ROLE_CHOICES = [
    ("teacher", _l("Giáo viên")),
    ("officer", _l("Cán bộ đơn vị (thôn, cơ quan, trường, doanh nghiệp)")),
    ("admin", _l("Quản trị (Phòng Văn hóa - Xã hội)")),
]


class StaffForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[Length(max=60)])
    display_name = StringField(
        _l("Họ và tên"), validators=[InputRequired(_l("Nhập họ tên.")), Length(max=120)]
    )
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES, validators=[InputRequired()])
    unit_id = SelectField(_l("Đơn vị (với cán bộ đơn vị)"), coerce=str, validators=[Optional()])
    class_ids = SelectMultipleField(_l("Lớp phụ trách (với giáo viên)"), coerce=int)
    active = BooleanField(_l("Đang hoạt động"), default=True)
    reset_password = BooleanField(_l("Tạo mật khẩu mới"))
