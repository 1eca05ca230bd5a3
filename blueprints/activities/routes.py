"""Activity views: officers file their unit's activities; the office sees who has filed."""

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.activities import bp
from blueprints.activities.forms import ActivityForm, DeleteForm
from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from extensions import db
from models import Activity, Unit
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vietnamese import local_datetime, table_date
from services.common.vocabulary import UNIT_KIND_LABELS, label
from services.org import access
from services.reporting import activities as activity_service

MESSAGES = {
    ("unit_id", "required"): _l("Chọn đơn vị."),
    ("unit_id", "class"): _l("Lớp học không báo cáo hoạt động truyền thông: chọn trường."),
    ("kind", "unknown"): _l("Chọn hình thức trong danh sách."),
    ("held_on", "required"): _l("Nhập ngày thực hiện."),
    ("held_on", "future"): _l("Ngày thực hiện không được sau hôm nay."),
    ("held_on", "too_early"): _l("Ngày thực hiện phải từ năm 2024 trở đi."),
    ("title", "required"): _l("Nhập tiêu đề."),
    ("title", "too_long"): _l("Tiêu đề dài quá %(n)d ký tự.", n=activity_service.MAX_TITLE),
    ("count", "required"): _l("Nhập số lượng."),
    ("count", "too_small"): _l("Số lượng ít nhất là 1."),
    ("count", "too_large"): _l("Số lượng quá lớn."),
    ("people_reached", "required"): _l("Nhập số người được tiếp cận (0 nếu chưa rõ)."),
    ("people_reached", "negative"): _l("Số người được tiếp cận không được là số âm."),
    ("people_reached", "too_large"): _l("Số người được tiếp cận quá lớn."),
    ("people_reached", "above_population"): _l(
        "Số người được tiếp cận (%(people)s) lớn hơn dân số của %(unit)s (%(population)s "
        "người): kiểm tra lại số đã nhập, hoặc nhờ văn phòng xã cập nhật dân số của đơn vị."
    ),
    ("people_reached", "population_unknown"): _l(
        "%(unit)s chưa có dân số nên chưa kiểm tra được số người được tiếp cận: nhập 0 nếu "
        "chưa rõ, hoặc nhờ văn phòng xã nhập dân số của đơn vị trước."
    ),
    ("notes", "too_long"): _l("Ghi chú dài quá %(n)d ký tự.", n=activity_service.MAX_NOTES),
    ("link", "scheme"): _l("Đường dẫn phải bắt đầu bằng http:// hoặc https://."),
    ("link", "too_long"): _l("Đường dẫn dài quá %(n)d ký tự.", n=activity_service.MAX_LINK),
}


def _period(today: dt.date) -> periods.NamedPeriod:
    """?period=2026-H1 or 2026-H2; the current half-year window by default; 400 otherwise."""
    key = request.args.get("period", "").strip()
    named = periods.parse(key) if key else periods.containing(today)
    if named is None or "-H" not in named.key:
        abort(400, description=_("Kỳ báo cáo không hợp lệ (ví dụ 2026-H1 hoặc 2026-H2)."))
    return named


def _filing_units() -> list[Unit]:
    """The units this user may file for: those they see, except classes."""
    visible = access.visible_unit_ids(current_user)
    query = Unit.query.filter(Unit.kind.notin_(activity_service.NOT_FILING_KINDS))
    if visible is not None:
        query = query.filter(Unit.id.in_(visible or [0]))
    order = list(UNIT_KIND_LABELS)  # the commune first, then villages, schools, …
    return sorted(query.all(), key=lambda u: (order.index(u.kind), u.name.casefold(), u.id))


def _chosen_unit(raw: str | None) -> Unit | None:
    """The unit picked in the form: None when missing or unknown; 403 when not visible."""
    raw = (raw or "").strip()
    unit = db.session.get(Unit, int(raw)) if raw.isdigit() and len(raw) <= 9 else None
    if unit is not None and not access.can_see_unit(current_user, unit):
        abort(403)
    return unit


def _page(form: ActivityForm, named: periods.NamedPeriod, today: dt.date, status: int = 200):
    rows = activity_service.activities_for(
        access.visible_unit_ids(current_user), named.start, named.end
    )
    return render_template(
        "activities/index.html",
        form=form,
        period=named,
        recent=periods.recent(today),
        activities=rows,
        delete_form=DeleteForm(),
        filed_at=lambda a: local_datetime(a.filed_at, current_app.config["TIMEZONE"]),
        table_date=table_date,
        today=today,
    ), status


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin", "officer")
def index():
    """File an activity; below, the period's activities of every unit the user may see."""
    today = local_today()
    named = _period(today)
    form = ActivityForm()
    units = _filing_units()
    form.unit_id.choices = [("", "—")] + [
        (str(u.id), f"{u.name} ({label(UNIT_KIND_LABELS, u.kind)})") for u in units
    ]
    if not form.is_submitted():
        form.held_on.data = today
        if len(units) == 1:
            form.unit_id.data = str(units[0].id)
        return _page(form, named, today)
    unit = _chosen_unit(form.unit_id.data)
    if form.validate():
        try:
            activity = activity_service.file_activity(
                unit,
                kind=form.kind.data,
                held_on=form.held_on.data,
                title=form.title.data,
                count=form.count.data,
                people_reached=form.people_reached.data,
                notes=form.notes.data,
                link=form.link.data,
                filed_by=current_user,
                today=today,
            )
        except InvalidInput as exc:
            put_errors(form, exc, MESSAGES)
        else:
            audit_trail.record(
                "activity_filed",
                activity.title,
                activity_id=activity.id,
                unit_id=activity.unit_id,
                kind=activity.kind,
                held_on=activity.held_on.isoformat(),
            )
            flash(_("Đã ghi nhận hoạt động."))
            key = periods.containing(activity.held_on).key
            return redirect(url_for("activities.index", period=key), code=303)
    return _page(form, named, today, 400)


@bp.post("/<int:activity_id>/delete")
@roles_required("admin", "officer")
def delete(activity_id: int):
    """Delete a wrongly filed activity: the admin, or an officer who sees its unit."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    if not access.can_see_unit(current_user, activity.unit):
        abort(403)
    if not DeleteForm().validate_on_submit():
        abort(400)
    key = periods.containing(activity.held_on).key
    audit_trail.record(
        "activity_deleted",
        activity.title,
        activity_id=activity.id,
        unit_id=activity.unit_id,
        kind=activity.kind,
        held_on=activity.held_on.isoformat(),
    )
    activity_service.delete_activity(activity)
    flash(_("Đã xóa hoạt động."))
    return redirect(url_for("activities.index", period=key), code=303)


@bp.get("/status")
@roles_required("admin")
def status():
    """Which villages, agencies, schools and enterprises have filed for the period."""
    today = local_today()
    named = _period(today)
    rows = activity_service.filing_status(named, today, current_app.config["TIMEZONE"])
    return render_template(
        "activities/status.html",
        period=named,
        recent=periods.recent(today),
        rows=rows,
        filed=sum(1 for r in rows if r.filed),
        deadline_passed=activity_service.deadline_passed(named, today),
        table_date=table_date,
    )
