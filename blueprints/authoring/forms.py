"""Forms of the authoring pages. The editor itself is read by blueprints/authoring/editor.py;
its FlaskForm only carries the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from services.common.text import clean_line
from services.content.schema import AUDIO_LANGUAGES, READER_MAX, TOPIC_ID


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


class RecordingForm(FlaskForm):
    """One language's recording of a lesson: the file (recorded in the page or chosen) and
    who read it."""

    language = HiddenField(
        validators=[
            AnyOf(
                AUDIO_LANGUAGES,
                message=_l("Chọn ngôn ngữ của bản ghi: tiếng Việt, Tày hoặc Nùng."),
            ),
        ],
    )
    reader = StringField(
        _l("Người đọc (họ và tên)"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Nhập tên người đọc.")),
            Length(max=READER_MAX, message=_l("Tên người đọc dài quá %(n)d ký tự.", n=READER_MAX)),
        ],
    )
    file = FileField(_l("Chọn tệp ghi âm"), validators=[FileRequired(_l("Chọn tệp ghi âm."))])
