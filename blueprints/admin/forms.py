"""Forms for staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from models.staff import COMMUNE_ROLES
from services.common.vocabulary import INDICATOR_LABELS, ROLE_LABELS, STAFF_ROLE_LABELS, choices
from services.reporting.indicators import ROLE_UNIT_KINDS


class StaffForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[Length(max=60)])
    display_name = StringField(
        _l("Họ và tên"), validators=[InputRequired(_l("Nhập họ tên.")), Length(max=120)]
    )
    role = SelectField(
        _l("Vai trò"),
        # A commune's own accounts: the province office's are made by the province.
        choices=choices(STAFF_ROLE_LABELS, COMMUNE_ROLES),
        validators=[InputRequired()],
    )
    unit_id = SelectField(_l("Đơn vị (với cán bộ đơn vị)"), coerce=str, validators=[Optional()])
    class_ids = SelectMultipleField(_l("Lớp phụ trách (với giáo viên)"), coerce=int)
    active = BooleanField(_l("Đang hoạt động"), default=True)
    reset_password = BooleanField(_l("Tạo mật khẩu mới"))
    second_factor_required = BooleanField(
        _l("Bắt buộc xác thực hai bước (mã từ ứng dụng xác thực trên điện thoại)")
    )
    reset_second_factor = BooleanField(_l("Cài lại xác thực hai bước (khi mất điện thoại)"))


class TargetForm(FlaskForm):
    """A target of the plan: indicator, year, roles, percent."""

    indicator = SelectField(
        _l("Chỉ số"),
        choices=choices(INDICATOR_LABELS),
    )
    year = IntegerField(
        _l("Năm"), validators=[InputRequired(_l("Nhập năm.")), NumberRange(2024, 2100)]
    )
    roles = SelectMultipleField(
        _l("Đối tượng (để trống: mọi người)"),
        # Only the roles whose people some unit kind holds (a target needs a denominator).
        choices=choices(ROLE_LABELS, ROLE_UNIT_KINDS),
    )
    quiz_ids = SelectMultipleField(
        _l("Bài kiểm tra tính là tập huấn (với chỉ số “được tập huấn”)"), coerce=int
    )
    course_ids = SelectMultipleField(
        _l("Khóa học tính là tập huấn: đạt mọi bài của khóa (với chỉ số “được tập huấn”)"),
        coerce=int,
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


# The settings service checks lengths too; the form says it in Vietnamese, before the service.
SETTING_LENGTH = Length(max=300, message=_l("Tối đa %(max)d ký tự."))


class SettingsForm(FlaskForm):
    """The office's settings: the public address, who the app speaks and signs for, and the
    commune's official channels (optional) that lessons name."""

    public_address = StringField(_l("Địa chỉ công khai"), validators=[SETTING_LENGTH])
    commune_name = StringField(_l("Tên xã"), validators=[SETTING_LENGTH])
    province_name = StringField(_l("Tỉnh"), validators=[SETTING_LENGTH])
    issuer_name = StringField(_l("Cơ quan cấp"), validators=[SETTING_LENGTH])
    certificate_signer_title = StringField(
        _l("Chức vụ người ký giấy chứng nhận"), validators=[SETTING_LENGTH]
    )
    certificate_signer_name = StringField(
        _l("Họ tên người ký giấy chứng nhận"), validators=[SETTING_LENGTH]
    )
    report_signer_title = StringField(_l("Chức vụ người ký báo cáo"), validators=[SETTING_LENGTH])
    report_signer_name = StringField(_l("Họ tên người ký báo cáo"), validators=[SETTING_LENGTH])
    channel_website = StringField(_l("Trang thông tin điện tử của xã"), validators=[SETTING_LENGTH])
    channel_news = StringField(_l("Chuyên mục tin tức"), validators=[SETTING_LENGTH])
    channel_zalo = StringField(_l("Zalo Official Account của xã"), validators=[SETTING_LENGTH])
    channel_facebook = StringField(_l("Trang Facebook của xã"), validators=[SETTING_LENGTH])
