"""Poster forms. Fields only parse what was sent; the rules (who may place what where) are in
the views and services.participation.posters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Optional


class NewPostersForm(FlaskForm):
    """A batch of posters for one lesson, quiz or survey: every unit of a kind, or chosen ones."""

    target = SelectField(
        _l("Áp phích dẫn tới"),
        validators=[InputRequired(_l("Chọn bài học, bài kiểm tra hoặc khảo sát."))],
        validate_choice=False,
    )
    scope = RadioField(
        _l("Dán ở đâu"),
        choices=[
            ("kind", _l("Mọi đơn vị của một loại (ví dụ: mọi thôn)")),
            ("units", _l("Chỉ các đơn vị tôi chọn")),
        ],
        default="kind",
        validators=[Optional()],
    )
    every = SelectField(_l("Loại đơn vị"), validate_choice=False, validators=[Optional()])
    units = SelectMultipleField(
        _l("Đơn vị"), coerce=str, validate_choice=False, validators=[Optional()]
    )
    location = StringField(_l("Nơi dán (không bắt buộc)"), validators=[Optional()])


class RetireForm(FlaskForm):
    """Take a poster out of use, with the reason."""

    reason = StringField(_l("Lý do thu hồi"))


class LocationForm(FlaskForm):
    """Where a poster hangs."""

    location = StringField(_l("Nơi dán"))
