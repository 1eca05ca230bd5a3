"""A pupil on a class roster: correct the name, move to another class, take off the list.

Teachers act on their own classes only (and move only to another of their classes in the same
school); the admin on every class. Each change is in the audit log, without the pupil's name.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required, visible_unit
from blueprints.staff import bp
from blueprints.staff.forms import MoveForm, RemoveForm, RosterEntryForm
from extensions import db
from models import RosterEntry, Unit
from services.common.errors import InvalidInput
from services.common.vietnamese import table_date
from services.org import access, roster

ENTRY_ERRORS = {
    ("name", "required"): _l("Nhập họ và tên."),
    ("name", "too_long"): _l("Họ tên dài quá %(n)d ký tự.", n=roster.MAX_NAME),
    ("name", "duplicate"): _l("Lớp đã có một học sinh cùng họ tên và ngày sinh."),
    ("date_of_birth", "invalid"): _l(
        "Ngày sinh không hợp lệ: viết ngày/tháng/năm, ví dụ 12/03/2013."
    ),
    ("unit_id", "duplicate"): _l("Lớp này đã có một học sinh cùng họ tên và ngày sinh."),
}


def visible_entry(entry_id: int) -> RosterEntry:
    """The roster entry (404), if its class is the current staff member's to see (403)."""
    entry = db.session.get(RosterEntry, entry_id)
    if entry is None:
        abort(404)
    visible_unit(entry.unit_id)
    return entry


def move_targets(entry: RosterEntry) -> list[Unit]:
    """The other classes of the same school this staff member may see."""
    classes = Unit.query.filter(
        Unit.kind == "class", Unit.parent_id == entry.unit.parent_id, Unit.id != entry.unit_id
    ).order_by(Unit.name)
    return [unit for unit in classes if access.can_see_unit(current_user, unit)]


def _page(entry: RosterEntry, status: int = 200, **forms):
    edit = forms.get("edit") or RosterEntryForm(
        name=entry.name,
        date_of_birth=table_date(entry.date_of_birth) if entry.date_of_birth else "",
        formdata=None,
    )
    move = forms.get("move") or MoveForm(formdata=None)
    move.unit_id.choices = [(str(u.id), u.name) for u in move_targets(entry)]
    remove = forms.get("remove") or RemoveForm(formdata=None)
    page = render_template(
        "staff/roster_entry.html", entry=entry, edit=edit, move=move, remove=remove
    )
    return page, status


@bp.get("/roster/<int:entry_id>")
@roles_required("teacher", "admin")
def roster_entry(entry_id: int):
    """One pupil of a class list: the forms to correct, move or remove them."""
    return _page(visible_entry(entry_id))


@bp.post("/roster/<int:entry_id>")
@roles_required("teacher", "admin")
def correct_roster_entry(entry_id: int):
    """Correct a pupil's name or date of birth (and a joined pupil's name)."""
    entry = visible_entry(entry_id)
    form = RosterEntryForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changes = roster.correct(entry, form.name.data or "", form.date_of_birth.data or "")
    except InvalidInput as exc:
        put_errors(form, exc, ENTRY_ERRORS)
        return _page(entry, 400, edit=form)
    if changes:
        audit_trail.record(
            "roster_entry_changed",
            entry.unit.name,
            list_number=entry.list_number,
            name_corrected="name" in changes,
            birth_date_corrected="date_of_birth" in changes,
            joined=entry.participant_id is not None,
        )
    flash(_("Đã lưu."))
    return redirect(url_for("staff.unit", unit_id=entry.unit_id), code=303)


@bp.post("/roster/<int:entry_id>/move")
@roles_required("teacher", "admin")
def move_roster_entry(entry_id: int):
    """Move a pupil (and, if they joined, their records) to another class of the school."""
    entry = visible_entry(entry_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    raw = form.unit_id.data or ""
    target = db.session.get(Unit, int(raw)) if raw.isascii() and raw.isdigit() else None
    same_school = target is not None and target.parent_id == entry.unit.parent_id
    if not same_school or target.kind != "class" or target.id == entry.unit_id:
        form.unit_id.errors = [_("Chọn lớp để chuyển sang (cùng trường).")]
        return _page(entry, 400, move=form)
    visible_unit(target.id)
    origin, origin_id = entry.unit.name, entry.unit_id
    try:
        roster.move(entry, target)
    except InvalidInput as exc:
        put_errors(form, exc, ENTRY_ERRORS)
        return _page(entry, 400, move=form)
    audit_trail.record(
        "roster_entry_moved",
        target.name,
        from_class=origin,
        to_class=target.name,
        joined=entry.participant_id is not None,
    )
    flash(_("Đã chuyển %(name)s sang %(unit)s.", name=entry.name, unit=target.name))
    return redirect(url_for("staff.unit", unit_id=origin_id), code=303)


@bp.post("/roster/<int:entry_id>/remove")
@roles_required("teacher", "admin")
def remove_roster_entry(entry_id: int):
    """Take a pupil off the class list, after ticking the confirmation."""
    entry = visible_entry(entry_id)
    form = RemoveForm()
    if not form.validate_on_submit() or not form.confirm.data:
        form.confirm.errors = [_("Đánh dấu ô xác nhận để xóa em khỏi danh sách.")]
        return _page(entry, 400, remove=form)
    unit, number, joined = entry.unit, entry.list_number, entry.participant_id is not None
    roster.remove(entry)
    audit_trail.record("roster_entry_removed", unit.name, list_number=number, joined=joined)
    flash(_("Đã xóa một học sinh khỏi danh sách lớp."))
    return redirect(url_for("staff.unit", unit_id=unit.id), code=303)
