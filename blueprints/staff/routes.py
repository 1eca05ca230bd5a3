"""Staff views: thin — check access, act through services, redirect."""

import json

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.form_errors import message_for
from blueprints.common.guards import roles_required, visible_participant, visible_unit
from blueprints.staff import bp
from blueprints.staff.forms import ConfirmForm, NewClassForm, RosterForm
from extensions import db
from models import Participant, RosterEntry, StaffUser, Unit
from models.staff import PROVINCE_ROLES
from models.units import PROVINCE
from services import documents
from services.common.name_order import sorted_by_name
from services.common.text import clean_line
from services.org import access, roster
from services.org.settings import public_url
from services.org.units import create_unit
from services.participation import assignments, privacy, privacy_sheet
from services.render import exports
from services.render.qr import qr_png, qr_svg

ROSTER_ERRORS = {
    "format": _l("Chỉ nhận tệp .csv hoặc .xlsx."),
    "encoding": _l("Tệp CSV phải lưu dạng UTF-8 (trong Excel: Lưu thành “CSV UTF-8”)."),
    "unreadable": _l("Không đọc được tệp. Hãy lưu lại bằng Excel rồi thử lại."),
    "empty": _l("Tệp không có dòng nào."),
    "no_rows": _l("Tệp chỉ có dòng tiêu đề, chưa có học sinh nào."),
    "no_name_column": _l(
        "Không tìm thấy dòng tiêu đề có cột “Họ và tên” (hoặc hai cột “Họ” và “Tên”) "
        "trong 30 dòng đầu."
    ),
    "too_many": _l("Danh sách quá dài (tối đa %(n)d học sinh).", n=roster.MAX_ROWS),
    "missing_name": _l("Thiếu họ tên."),
    "name_too_long": _l("Họ tên dài quá %(n)d ký tự.", n=roster.MAX_NAME),
    "number_too_long": _l("Mã học sinh dài quá %(n)d ký tự.", n=roster.MAX_NUMBER),
    "duplicate": _l(
        "Trùng với một dòng phía trên. Nếu là hai học sinh cùng họ tên, hãy thêm cột "
        "“Ngày sinh” hoặc “Mã học sinh” để phân biệt."
    ),
    "bad_birth_date": _l("Ngày sinh không hợp lệ: viết ngày/tháng/năm, ví dụ 12/03/2013."),
}

ALL_STAFF = ("admin", "officer", "teacher")


@bp.get("/")
@roles_required(*ALL_STAFF, *PROVINCE_ROLES)
def home():
    """What this staff member looks after (the province office: its communes)."""
    if current_user.is_province:
        return redirect(url_for("province.dashboard"), code=303)
    visible = access.visible_unit_ids(current_user)
    if visible is None:
        # The tops of the communes in the scope (the province above them is not shown).
        tops = or_(Unit.kind == "commune", Unit.parent_id.is_(None) & (Unit.kind != PROVINCE))
        units = Unit.query.filter(tops).order_by(Unit.name).all()
    elif current_user.role == "officer":
        units = [current_user.unit] if current_user.unit else []
    else:
        units = list(current_user.classes)
    return render_template("staff/home.html", units=units)


@bp.route("/classes/new", methods=["GET", "POST"])
@roles_required("teacher", "admin")
def new_class():
    """A teacher creates a class and gets its join link."""
    form = NewClassForm()
    schools = Unit.query.filter_by(kind="school").order_by(Unit.name).all()
    form.school_id.choices = [(s.id, s.name) for s in schools]
    if not schools:
        flash(_("Chưa có trường nào. Nhờ Phòng Văn hóa - Xã hội thêm trường trước."))
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("staff/new_class.html", form=form), status
    school = visible_school(form.school_id.data)
    name = (
        f"Lớp {form.name.data.strip()}"
        if not form.name.data.lower().startswith("lớp")
        else form.name.data.strip()
    )
    klass = create_unit("class", name, school, target_population=form.students.data)
    if current_user.role == "teacher":
        current_user.classes.append(klass)
    audit_trail.record("class_created", klass.name, unit_id=klass.id)
    return redirect(url_for("staff.unit", unit_id=klass.id), code=303)


def visible_school(school_id: int) -> Unit:
    school = db.session.get(Unit, school_id)
    if school is None or school.kind != "school":
        abort(400)
    return school


@bp.get("/units/<int:unit_id>")
@roles_required(*ALL_STAFF)
def unit(unit_id: int):
    """A unit: for a class, its join link and QR code and its roster."""
    return _unit_page(visible_unit(unit_id), RosterForm())


def _unit_page(found: Unit, form: RosterForm, problems=None, status: int = 200):
    """The unit page; for a class its roster in class-list order, namesakes told apart."""
    join_url = public_url(f"/c/{found.join_code}", found.commune_id) if found.join_code else None
    class_list = roster.class_list(found) if found.kind == "class" else []
    labels = roster.staff_labels(class_list)
    on_list = {e.participant_id: labels[e.id] for e in class_list if e.participant_id}
    members = sorted_by_name(
        Participant.query.filter_by(unit_id=found.id).order_by(Participant.id).all(),
        lambda member: member.display_name,
    )
    page = render_template(
        "staff/unit.html",
        unit=found,
        join_url=join_url,
        qr=qr_svg(join_url) if join_url else None,
        roster=class_list,
        labels=labels,
        member_labels={m.id: on_list.get(m.id, m.display_name) for m in members},
        members=members,
        form=form,
        roster_problems=problems,
        work=assignments.class_work(found, local_today()) if found.kind == "class" else [],
    )
    return page, status


@bp.get("/units/<int:unit_id>/join-qr.<fmt>")
@roles_required(*ALL_STAFF)
def join_qr(unit_id: int, fmt: str):
    """The class join QR code as SVG (projector) or PNG (print)."""
    found = visible_unit(unit_id)
    if not found.join_code or fmt not in ("svg", "png"):
        abort(404)
    url = public_url(f"/c/{found.join_code}", found.commune_id)
    body, mime = (qr_svg(url), "image/svg+xml") if fmt == "svg" else (qr_png(url), "image/png")
    return download(body, mime, f"lop-{found.join_code}.{fmt}")


@bp.get("/units/<int:unit_id>/join-sheet.pdf")
@roles_required(*ALL_STAFF)
def join_sheet(unit_id: int):
    """One A4 page for the classroom: the class name, its join QR code and link."""
    found = visible_unit(unit_id)
    if not found.join_code:
        abort(404)
    teachers = [
        user.display_name
        for user in StaffUser.query.filter(StaffUser.classes.any(Unit.id == found.id))
        .order_by(StaffUser.id)
        .all()
        if user.active
    ]
    has_roster = RosterEntry.query.filter_by(unit_id=found.id).first() is not None
    pdf = documents.class_sheet_pdf(found, teachers, has_roster)
    return download(pdf, "application/pdf", f"lop-{found.join_code}.pdf")


@bp.post("/units/<int:unit_id>/roster")
@roles_required("teacher", "admin")
def import_roster(unit_id: int):
    """Replace the class roster from a file; a file with any bad row changes nothing."""
    found = visible_unit(unit_id)
    if found.kind != "class":
        abort(404)
    form = RosterForm()
    if not form.validate_on_submit():
        flash(_("Chọn một tệp CSV hoặc XLSX."))
        return redirect(url_for("staff.unit", unit_id=unit_id), code=303)
    upload = form.file.data
    parsed = roster.parse(upload.filename or "", upload.read())
    if parsed.errors:
        problems = [(row, message_for("", code, ROSTER_ERRORS)) for row, code in parsed.errors]
        return _unit_page(found, form, problems, 400)
    count = roster.replace_roster(found, parsed.rows)
    audit_trail.record("roster_imported", found.name, rows=count)
    flash(_("Đã nhập %(n)d học sinh vào danh sách lớp.", n=count))
    return redirect(url_for("staff.unit", unit_id=unit_id), code=303)


@bp.get("/people/<int:participant_id>/export.<fmt>")
@roles_required(*ALL_STAFF)
def export_person(participant_id: int, fmt: str):
    """Everything recorded about one person (a data request), as JSON or CSV."""
    person = visible_participant(participant_id)
    data = privacy.export_participant(person)
    audit_trail.record("person_exported", f"participant {person.id}", format=fmt)
    filename = f"du-lieu-{person.id}.{fmt}"
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
        return download(body, "application/json", filename)
    if fmt == "csv":
        rows = privacy_sheet.rows(data, current_app.config["TIMEZONE"])
        sheet = exports.Sheet(_("Dữ liệu"), privacy_sheet.headers(), rows)
        return download(exports.csv_bytes(sheet), "text/csv", filename)
    abort(404)


@bp.route("/people/<int:participant_id>/delete", methods=["GET", "POST"])
@roles_required("teacher", "officer", "admin")
def delete_person(participant_id: int):
    """Delete a person's records on request, after typing XÓA to confirm."""
    person = visible_participant(participant_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or clean_line(form.confirm.data).upper() != "XÓA":
        status = 400 if form.is_submitted() else 200
        return render_template("staff/delete_person.html", person=person, form=form), status
    unit_id = person.unit_id
    counts = privacy.delete_participant(person)
    audit_trail.record("person_deleted", f"participant {participant_id}", **counts)
    flash(_("Đã xóa toàn bộ dữ liệu của người học này."))
    target = url_for("staff.unit", unit_id=unit_id) if unit_id else url_for("staff.home")
    return redirect(target, code=303)
