"""Admin views: create, edit and disable staff accounts; office settings; the audit log."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.admin import audit_export as audit_export_file
from blueprints.admin import bp
from blueprints.admin.forms import SettingsForm, StaffForm, TargetForm
from blueprints.common import audit_trail, export_delivery
from blueprints.common.dates import day_from_arg
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.common.query import query_int
from extensions import db
from models import StaffUser, Target, Unit
from models.staff import COMMUNE_ROLES
from services.common import limits, vocabulary
from services.common.errors import InvalidInput
from services.content import diff as content_diff
from services.org import audit, passwords
from services.org import settings as office_settings
from services.org import staff as staff_service
from services.render import exports
from services.reporting import targets as target_service

AUDIT_PAGE = 200
USERNAME_RULE = _l("Tên đăng nhập 3–60 ký tự a-z, 0-9, dấu chấm, gạch; chưa ai dùng.")
MESSAGES = {
    ("username", "invalid"): USERNAME_RULE,
    ("username", "taken"): USERNAME_RULE,
    ("unit_id", "officer_needs_unit"): _l("Cán bộ đơn vị cần chọn đơn vị."),
    ("role", "unknown"): _l("Vai trò không hợp lệ."),
    ("role", "province_change"): _l(
        "Tài khoản của xã không đổi được thành tài khoản của tỉnh (và ngược lại): hãy tạo tài"
        " khoản mới."
    ),
    ("unit_id", "province_no_unit"): _l("Tài khoản của Sở không gắn với đơn vị hay lớp nào."),
    ("display_name", "empty"): _l("Nhập họ tên."),
}


SETTINGS_MESSAGES = {
    ("public_address", "empty"): _l("Nhập địa chỉ công khai, ví dụ https://lantoa.xa.gov.vn."),
    ("public_address", "scheme"): _l("Địa chỉ công khai phải bắt đầu bằng http:// hoặc https://."),
    ("public_address", "host"): _l("Địa chỉ công khai thiếu tên máy chủ hoặc có cổng sai."),
    ("public_address", "path"): _l(
        "Địa chỉ công khai chỉ gồm giao thức và tên máy chủ (có thể kèm cổng), không có đường dẫn "
        "hay dấu ?."
    ),
    ("commune_name", "empty"): _l("Nhập tên xã."),
    ("province_name", "empty"): _l("Nhập tên tỉnh."),
    "too_long": _l("Tối đa %(limit)d ký tự."),
    # the commune's channels (optional): whole http(s) addresses, a path allowed
    "scheme": _l("Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
    "host": _l("Địa chỉ thiếu tên trang (tên miền) hoặc có cổng sai."),
    "chars": _l('Địa chỉ không được có dấu cách hay các ký tự < > " { }.'),
}


def _choices(form: StaffForm) -> None:
    units = staff_service.home_unit_options()
    form.unit_id.choices = [("", "—")] + [(str(u.id), u.name) for u in units]
    form.class_ids.choices = [
        (c.id, f"{c.name} — {c.parent.name if c.parent else ''}")
        for c in staff_service.class_options()
    ]


def _unit(form: StaffForm) -> Unit | None:
    raw = form.unit_id.data
    return staff_service.home_unit(int(raw)) if raw and raw.isdigit() else None


def _user_form(form: StaffForm, user, status: int):
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.get("/users")
@roles_required("admin")
def users():
    """Every staff account of the commune (the province office's are not the commune's)."""
    accounts = StaffUser.query.filter(StaffUser.role.in_(COMMUNE_ROLES))
    return render_template("admin/users.html", users=accounts.order_by(StaffUser.username).all())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create an account; the password is generated and shown once."""
    form = StaffForm()
    _choices(form)
    if not form.validate_on_submit():
        return _user_form(form, None, 400 if form.is_submitted() else 200)
    password = passwords.generate_password()
    try:
        user = staff_service.create_staff(
            form.username.data,
            form.display_name.data,
            password,
            form.role.data,
            _unit(form),
            staff_service.classes_by_id(form.class_ids.data or []),
            handed_over=True,
        )
        user.second_factor_required = form.second_factor_required.data
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return _user_form(form, None, 400)
    audit_trail.record("staff_created", user.username, role=user.role)
    return render_template("admin/password.html", user=user, password=password)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    """Change role, unit, classes; disable; issue a new password."""
    user = db.session.get(StaffUser, user_id)
    if user is None or user.is_province:
        abort(404)
    form = StaffForm(obj=user) if request.method == "GET" else StaffForm()
    _choices(form)
    if request.method == "GET":
        form.unit_id.data = str(user.unit_id or "")
        form.class_ids.data = [c.id for c in user.classes]
    if not form.validate_on_submit():
        return _user_form(form, user, 400 if form.is_submitted() else 200)
    change = staff_service.StaffChange(
        display_name=form.display_name.data,
        role=form.role.data,
        unit=_unit(form),
        classes=tuple(staff_service.classes_by_id(form.class_ids.data or [])),
        active=form.active.data,
        second_factor_required=form.second_factor_required.data,
    )
    try:
        staff_service.change_staff(current_user, user, change)
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return _user_form(form, user, 400)
    except staff_service.SelfLockout:
        flash(_("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."))
        return redirect(url_for("admin.edit_user", user_id=user.id), code=303)
    audit_trail.record(
        "staff_changed",
        user.username,
        role=user.role,
        active=user.active,
        second_factor=user.second_factor_required,
    )
    if form.reset_second_factor.data and user.totp_secret:
        staff_service.reset_second_factor(user)
        audit_trail.record("second_factor_reset", user.username)
    if form.reset_password.data:
        password = passwords.generate_password()
        staff_service.set_password(user, password, handed_over=True)
        audit_trail.record("staff_password_reset", user.username)
        return render_template("admin/password.html", user=user, password=password)
    flash(_("Đã lưu."))
    return redirect(url_for("admin.users"), code=303)


@bp.get("/audit")
@roles_required("admin")
def audit_log():
    """The staff actions, newest first, filtered by person, action and date."""
    page = query_int("page", 1, maximum=limits.PAGE_MAX)
    chosen = _audit_filter()
    timezone = current_app.config["TIMEZONE"]
    events = audit.search(chosen, timezone, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    return render_template(
        "admin/audit.html",
        lines=[audit.readable(event, timezone, content_diff.describe) for event in events],
        more=len(events) == AUDIT_PAGE,
        page=page,
        chosen=chosen,
        people=StaffUser.query.order_by(StaffUser.username).all(),
        actions=sorted(vocabulary.choices(vocabulary.AUDIT_ACTION_LABELS), key=lambda c: str(c[1])),
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/audit.<fmt>")
@roles_required("admin")
def audit_export(fmt: str):
    """The filtered log as CSV or XLSX, in the same words and local times as the page,
    streamed; a big one is prepared in the background (the page says where to fetch it)."""
    if fmt not in exports.MIMETYPES:
        abort(404)
    chosen = _audit_filter()
    rows = audit.count(chosen, current_app.config["TIMEZONE"], limits.AUDIT_EXPORT_MAX)
    if export_delivery.too_big(rows):
        wanted = audit_export_file.parameters(chosen, fmt)
        return export_delivery.queue(audit_export_file.KIND, wanted, rows, None)
    output = audit_export_file.output(chosen, fmt)
    audit_trail.record("audit_exported", None, format=fmt, rows=rows)
    return export_delivery.send_now(output, fmt)


def _audit_filter() -> audit.AuditFilter:
    staff = request.args.get("staff", "").strip()
    if staff and staff != audit.COMMAND_LINE:
        staff = query_int("staff")
    action = request.args.get("action", "").strip()
    if action and action not in vocabulary.AUDIT_ACTION_LABELS:
        abort(400, description=_("Thao tác không có trong danh sách."))
    start, end = day_from_arg("from"), day_from_arg("to")
    if start and end and start > end:
        abort(400, description=_("Ngày bắt đầu phải trước ngày kết thúc."))
    return audit.AuditFilter(staff or None, action or None, start, end)


def _target_input(form: TargetForm) -> target_service.TargetInput:
    return target_service.TargetInput(
        indicator=form.indicator.data,
        year=form.year.data,
        roles=tuple(form.roles.data or []),
        percent=form.target_percent.data,
        description=form.description.data,
        quiz_ids=tuple(form.quiz_ids.data or []),
        course_ids=tuple(form.course_ids.data or []),
    )


def _target_form(**kwargs) -> TargetForm:
    """The target form, offering the commune's quizzes and courses a "trained" target may
    name."""
    form = TargetForm(**kwargs)
    form.quiz_ids.choices = target_service.quiz_choices()
    form.course_ids.choices = target_service.course_choices()
    return form


@bp.route("/targets", methods=["GET", "POST"])
@roles_required("admin")
def targets():
    """The plan's targets; the office edits them and adds new ones."""
    form = _target_form()
    if form.validate_on_submit():
        target = target_service.add(_target_input(form))
        audit_trail.record("target_added", target.description, year=target.year)
        return redirect(url_for("admin.targets"), code=303)
    rows = Target.query.order_by(Target.year, Target.indicator, Target.id).all()
    status = 400 if form.is_submitted() else 200
    return render_template("admin/targets.html", targets=rows, form=form), status


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_target(target_id: int):
    """Change a target's percentage or wording."""
    target = db.session.get(Target, target_id) or abort(404)
    form = _target_form(obj=target)
    if form.validate_on_submit():
        target_service.change(target, _target_input(form))
        audit_trail.record("target_changed", target.description,
            percent=target.target_percent, year=target.year,
        )  # fmt: skip
        flash(_("Đã lưu."))
        return redirect(url_for("admin.targets"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/target_form.html", form=form, target=target), status


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    """The office's settings: the public address printed on every code, the commune, signers,
    and the commune's official channels that lessons name."""
    form = SettingsForm(data=office_settings.editable_values() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = office_settings.save(
                {name: form[name].data for name in office_settings.EDITABLE}
            )
        except InvalidInput as exc:
            put_errors(form, exc, SETTINGS_MESSAGES)
        else:
            if changed:
                audit_trail.record("settings_changed", ", ".join(sorted(changed)), **changed)
            flash(_("Đã lưu."))
            return redirect(url_for("admin.settings"), code=303)
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "admin/settings.html", form=form, province_locked=office_settings.province_locked()
        ),
        status,
    )
