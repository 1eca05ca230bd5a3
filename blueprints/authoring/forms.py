"""Forms of the authoring pages. The editor itself is read by blueprints/authoring/editor.py;
its FlaskForm only carries the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from services.content.schema import TOPIC_ID


class CsrfForm(FlaskForm):
    """The editor, the translation pages and the one-button actions (CSRF only)."""


class NewItemForm(FlaskForm):
    title = StringField(
        _l("Tiêu đề"),
        validators=[
            InputRequired(_l("Nhập tiêu đề.")),
            Length(max=120, message=_l("Tối đa 120 ký tự.")),
        ],
    )
    slug = StringField(
        _l("Mã (không bắt buộc; để trống thì tạo từ tiêu đề, không đổi được về sau)"),
        validators=[
            Optional(),
            Regexp(
                TOPIC_ID,
                message=_l("Mã gồm 3–60 ký tự: chữ thường không dấu, số và dấu gạch ngang."),
            ),
        ],
    )


class PosterForm(FlaskForm):
    # The places offered depend on the item; the view checks the choice with its own message.
    unit_id = SelectField(
        _l("Nơi dán"), validators=[InputRequired(_l("Chọn nơi dán."))], validate_choice=False
    )
    target = RadioField(
        _l("Áp phích dẫn tới"),
        choices=[("lesson", _l("Bài học")), ("quiz", _l("Bài kiểm tra"))],
        default="lesson",
        validators=[Optional()],
    )
