"""Work a teacher gives one of their classes: a lesson (its quiz) or a survey, by a due date
typed as dd/mm/yyyy. Teachers for their own classes, admins for any; every change audited."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_
from wtforms import SelectField, StringField

from blueprints.common import audit_trail
from blueprints.common.dates import parse_day
from blueprints.common.guards import roles_required, visible_unit
from blueprints.staff import bp
from extensions import db
from models import Assignment, Lesson, Survey, Unit
from services.common.vietnamese import table_date
from services.participation import assignments


class AssignmentForm(FlaskForm):
    item = SelectField(_l("Giao bài gì"), choices=[], validate_choice=False)
    due_on = StringField(_l("Hạn làm (ngày/tháng/năm)"))


def _class(unit_id: int) -> Unit:
    unit = visible_unit(unit_id)
    if unit.kind != "class":
        abort(404)
    return unit


def _choices() -> list[tuple[str, str]]:
    """What this staff member may give: published lessons of the commune (and, for a teacher,
    their own topics); named surveys (an anonymous one cannot tell who answered)."""
    lessons = Lesson.query.filter(Lesson.status == "published")
    if current_user.role != "admin":
        lessons = lessons.filter(
            or_(
                Lesson.commune_wide.is_(True),
                Lesson.owner_id.is_(None),
                Lesson.owner_id == current_user.id,
            )
        )
    surveys = Survey.query.filter(Survey.status == "published", Survey.anonymous.is_(False))
    return [
        (f"lesson:{lesson.id}", _("Bài học: %(title)s", title=lesson.title))
        for lesson in lessons.order_by(Lesson.position, Lesson.id)
    ] + [
        (f"survey:{survey.id}", _("Khảo sát: %(title)s", title=survey.title))
        for survey in surveys.order_by(Survey.position, Survey.id)
    ]


def _item(value: str, allowed: list[tuple[str, str]]) -> Lesson | Survey | None:
    if value not in {v for v, _label in allowed}:
        return None
    kind, _sep, raw_id = value.partition(":")
    return db.session.get(Lesson if kind == "lesson" else Survey, int(raw_id))


@bp.route("/units/<int:unit_id>/assignments/new", methods=["GET", "POST"])
@roles_required("teacher", "admin")
def new_assignment(unit_id: int):
    """Give the class a lesson or a survey with a due date."""
    unit = _class(unit_id)
    form = AssignmentForm()
    form.item.choices = _choices()
    problems = {}
    if form.is_submitted():
        item = _item(form.item.data or "", form.item.choices)
        due_on = parse_day(form.due_on.data or "")
        if item is None:
            problems["item"] = [_("Chọn một bài học hoặc một phiếu khảo sát trong danh sách.")]
        if due_on is None:
            problems["due_on"] = [
                _("Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 05/06/2026.")
            ]
        if form.validate() and not problems:
            lesson = item if isinstance(item, Lesson) else None
            survey = item if isinstance(item, Survey) else None
            assignments.create(unit, lesson, survey, due_on, current_user)
            audit_trail.record(
                "assignment_created", unit.name, item=item.title, due_on=table_date(due_on)
            )
            flash(_("Đã giao “%(title)s”, hạn %(day)s.", title=item.title, day=table_date(due_on)))
            return redirect(url_for("staff.unit", unit_id=unit.id), code=303)
        if not problems:
            problems["item"] = [_("Phiên làm việc đã hết hạn. Hãy tải lại trang rồi thử lại.")]
    status = 400 if form.is_submitted() else 200
    return render_template(
        "staff/new_assignment.html", unit=unit, form=form, problems=problems
    ), status


@bp.post("/units/<int:unit_id>/assignments/<int:assignment_id>/delete")
@roles_required("teacher", "admin")
def delete_assignment(unit_id: int, assignment_id: int):
    """Take back work given to the class."""
    unit = _class(unit_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.unit_id != unit.id:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    title = assignment.item.title
    due_on = table_date(assignment.due_on)
    assignments.delete(assignment)
    audit_trail.record("assignment_deleted", unit.name, item=title, due_on=due_on)
    flash(_("Đã bỏ việc đã giao “%(title)s”.", title=title))
    return redirect(url_for("staff.unit", unit_id=unit.id), code=303)
