"""Forms for the unit tree: add, edit, import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from services.common.vocabulary import UNIT_KIND_LABELS, choices
from services.org.unit_tree import MAX_NAME, MAX_YEAR, MIN_YEAR


class EditUnitForm(FlaskForm):
    """Name, parent, target population and its year (the kind never changes)."""

    name = StringField(
        _l("Tên"),
        validators=[
            InputRequired(_l("Nhập tên đơn vị.")),
            Length(max=MAX_NAME, message=_l("Tên dài quá %(n)d ký tự.", n=MAX_NAME)),
        ],
    )
    parent_id = SelectField(_l("Thuộc"), coerce=str, validate_choice=False)
    target_population = IntegerField(
        _l("Dân số mục tiêu"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Dân số mục tiêu phải là số không âm.")),
        ],
    )
    population_year = IntegerField(
        _l("Năm áp dụng"),
        validators=[
            Optional(),
            NumberRange(
                MIN_YEAR,
                MAX_YEAR,
                _l("Năm từ %(a)d đến %(b)d.", a=MIN_YEAR, b=MAX_YEAR),
            ),
        ],
    )


class UnitForm(EditUnitForm):
    """A new unit: its kind as well."""

    kind = SelectField(
        _l("Loại"),
        choices=choices(UNIT_KIND_LABELS),
        validators=[InputRequired(_l("Chọn loại đơn vị."))],
        validate_choice=False,
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách đơn vị (CSV hoặc XLSX)"), validators=[FileRequired(_l("Chọn tệp."))]
    )
