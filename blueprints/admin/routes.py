"""Admin views: create, edit and disable staff accounts; read the audit log."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.admin import bp
from blueprints.admin.forms import StaffForm, TargetForm
from blueprints.common.client import client_ip
from blueprints.common.guards import roles_required
from blueprints.common.query import query_int
from extensions import db
from models import StaffUser, Target, Unit
from services.common import limits
from services.common.text import clean_line
from services.org import audit, passwords
from services.org import staff as staff_service
from services.reporting import targets as target_service

FIELD_MESSAGES = {
    "username": _l("Tên đăng nhập 3–60 ký tự a-z, 0-9, dấu chấm, gạch; chưa ai dùng."),
    "unit_id": _l("Cán bộ đơn vị cần chọn đơn vị."),
    "role": _l("Vai trò không hợp lệ."),
    "display_name": _l("Nhập họ tên."),
}


def _choices(form: StaffForm) -> None:
    units = Unit.query.filter(Unit.kind != "class").order_by(Unit.kind, Unit.name).all()
    form.unit_id.choices = [("", "—")] + [(str(u.id), u.name) for u in units]
    classes = Unit.query.filter_by(kind="class").order_by(Unit.name).all()
    form.class_ids.choices = [
        (c.id, f"{c.name} — {c.parent.name if c.parent else ''}") for c in classes
    ]


def _unit(form: StaffForm) -> Unit | None:
    raw = form.unit_id.data
    return db.session.get(Unit, int(raw)) if raw and raw.isdigit() else None


@bp.get("/users")
@roles_required("admin")
def users():
    """Every staff account."""
    return render_template(
        "admin/users.html", users=StaffUser.query.order_by(StaffUser.username).all()
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create an account; the password is generated and shown once."""
    form = StaffForm()
    _choices(form)
    if not form.validate_on_submit():
        return render_template(
            "admin/user_form.html", form=form, user=None
        ), 400 if form.is_submitted() else 200
    password = passwords.generate_password()
    try:
        user = staff_service.create_staff(
            form.username.data, form.display_name.data, password, form.role.data, _unit(form)
        )
    except staff_service.StaffError as exc:
        getattr(form, exc.field).errors = [
            FIELD_MESSAGES.get(exc.field, _("Thông tin không hợp lệ."))
        ]
        return render_template("admin/user_form.html", form=form, user=None), 400
    user.classes = Unit.query.filter(
        Unit.id.in_(form.class_ids.data or [0]), Unit.kind == "class"
    ).all()
    audit.record(current_user, "staff_created", user.username, client_ip(), role=user.role)
    return render_template("admin/password.html", user=user, password=password)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    """Change role, unit, classes; disable; issue a new password."""
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = StaffForm(obj=user) if request.method == "GET" else StaffForm()
    _choices(form)
    if request.method == "GET":
        form.unit_id.data = str(user.unit_id or "")
        form.class_ids.data = [c.id for c in user.classes]
    if not form.validate_on_submit():
        return render_template(
            "admin/user_form.html", form=form, user=user
        ), 400 if form.is_submitted() else 200
    unit = _unit(form)
    if form.role.data == "officer" and unit is None:
        form.unit_id.errors = [FIELD_MESSAGES["unit_id"]]
        return render_template("admin/user_form.html", form=form, user=user), 400
    if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
        flash(_("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."))
        return redirect(url_for("admin.edit_user", user_id=user.id), code=303)
    user.display_name = form.display_name.data.strip()[:120]
    user.role = form.role.data
    user.unit = unit if user.role == "officer" else None
    user.classes = Unit.query.filter(
        Unit.id.in_(form.class_ids.data or [0]), Unit.kind == "class"
    ).all()
    staff_service.set_active(user, form.active.data)
    audit.record(
        current_user,
        "staff_changed",
        user.username,
        client_ip(),
        role=user.role,
        active=user.active,
    )
    if form.reset_password.data:
        password = passwords.generate_password()
        staff_service.set_password(user, password)
        audit.record(current_user, "staff_password_reset", user.username, client_ip())
        return render_template("admin/password.html", user=user, password=password)
    flash(_("Đã lưu."))
    return redirect(url_for("admin.users"), code=303)


@bp.get("/audit")
@roles_required("admin")
def audit_log():
    """The latest staff actions."""
    page = query_int("page", 1, maximum=limits.PAGE_MAX)
    events = audit.recent(limit=200, offset=(page - 1) * 200)
    return render_template("admin/audit.html", events=events, page=page)


@bp.route("/targets", methods=["GET", "POST"])
@roles_required("admin")
def targets():
    """The plan's targets; the office edits them and adds new ones."""
    form = TargetForm()
    if form.validate_on_submit():
        target = Target(
            indicator=form.indicator.data,
            year=form.year.data,
            roles=list(form.roles.data or []),
            target_percent=form.target_percent.data,
            description=clean_line(form.description.data),
        )
        db.session.add(target)
        audit.record(
            current_user, "target_added", target.description, client_ip(), year=target.year
        )
        return redirect(url_for("admin.targets"), code=303)
    rows = Target.query.order_by(Target.year, Target.indicator, Target.id).all()
    status = 400 if form.is_submitted() else 200
    return render_template("admin/targets.html", targets=rows, form=form), status


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_target(target_id: int):
    """Change a target's percentage or wording."""
    target = db.session.get(Target, target_id) or abort(404)
    form = TargetForm(obj=target)
    if form.validate_on_submit():
        target_service.update(target, form.target_percent.data, clean_line(form.description.data))
        target.indicator, target.year = form.indicator.data, form.year.data
        target.roles = list(form.roles.data or [])
        audit.record(
            current_user, "target_changed", target.description, client_ip(),
            percent=target.target_percent, year=target.year,
        )  # fmt: skip
        flash(_("Đã lưu."))
        return redirect(url_for("admin.targets"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/target_form.html", form=form, target=target), status
