"""Forms for staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

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


class TargetForm(FlaskForm):
    """A target of the plan: indicator, year, roles, percent."""

    indicator = SelectField(
        _l("Chỉ số"),
        choices=[("reached", _l("Được tiếp cận")), ("trained", _l("Được tập huấn"))],
    )
    year = IntegerField(
        _l("Năm"), validators=[InputRequired(_l("Nhập năm.")), NumberRange(2024, 2100)]
    )
    roles = SelectMultipleField(
        _l("Đối tượng (để trống: mọi người)"),
        choices=[
            ("villager", _l("Người dân")),
            ("student", _l("Học sinh")),
            ("official", _l("Cán bộ, công chức, viên chức")),
            ("worker", _l("Người lao động ở doanh nghiệp")),
        ],
    )
    target_percent = IntegerField(
        _l("Mục tiêu (%)"),
        validators=[
            InputRequired(_l("Nhập mục tiêu.")),
            NumberRange(0, 100, _l("Mục tiêu từ 0 đến 100%%.")),
        ],
    )
    description = StringField(
        _l("Mô tả"), validators=[InputRequired(_l("Nhập mô tả.")), Length(max=300)]
    )
