"""The login form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"), validators=[InputRequired(_l("Nhập tên đăng nhập.")), Length(max=60)]
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[InputRequired(_l("Nhập mật khẩu.")), Length(max=200)]
    )
    next = HiddenField()


class SecondFactorForm(FlaskForm):
    """The code an authenticator app shows (six digits)."""

    code = StringField(
        _l("Mã 6 số trong ứng dụng xác thực"),
        validators=[InputRequired(_l("Nhập mã 6 số.")), Length(max=20)],
    )


class PasswordChangeForm(FlaskForm):
    """The user's own new password, given the current one."""

    current = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[InputRequired(_l("Nhập mật khẩu hiện tại.")),
                                              Length(max=200)]
    )  # fmt: skip
    password = PasswordField(
        _l("Mật khẩu mới (ít nhất 10 ký tự)"),
        validators=[InputRequired(_l("Nhập mật khẩu mới.")), Length(max=200)],
    )
    repeat = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[InputRequired(_l("Nhập lại mật khẩu mới.")), Length(max=200)],
    )
