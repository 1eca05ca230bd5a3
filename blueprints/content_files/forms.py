"""Forms for uploading media and importing content files."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import Length

MAX_DESCRIPTION = 200


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp ảnh hoặc âm thanh"), validators=[FileRequired(_l("Chọn tệp."))])
    description = StringField(
        _l("Mô tả ảnh (cho người không xem được ảnh)"),
        validators=[
            Length(max=MAX_DESCRIPTION, message=_l("Mô tả dài quá %(n)d ký tự.", n=MAX_DESCRIPTION))
        ],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Tệp nội dung (.yaml) hoặc tệp .zip"), validators=[FileRequired(_l("Chọn tệp."))]
    )
    overwrite_edited = BooleanField(_l("Ghi đè cả những bài đã sửa trên trình duyệt"))
