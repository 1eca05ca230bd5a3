"""Editing a filed activity: the filing rules, the filing scope, audited with what changed;
refused once a saved half-year report holds its period."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.activities import bp
from blueprints.activities.forms import ActivityForm, DeleteForm, EvidenceForm
from blueprints.activities.messages import ACTIVITY_MESSAGES, FROZEN
from blueprints.activities.routes import (
    activity_fields,
    chosen_unit,
    filing_units,
    own_activity,
    unit_choices,
)
from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.form_errors import message_for, put_errors
from blueprints.common.guards import roles_required
from models import Activity
from services.common import periods
from services.common.errors import WHOLE, InvalidInput
from services.common.vietnamese import local_datetime, table_date
from services.content.media_files import human_size
from services.reporting import activities as activity_service
from services.reporting import evidence as evidence_service


def frozen_message(activity: Activity) -> str | None:
    """Why the activity can no longer change, or None while it can."""
    try:
        activity_service.check_not_frozen(activity.held_on)
    except InvalidInput as exc:
        return message_for(WHOLE, exc.code, {(WHOLE, "frozen"): FROZEN}, exc.params)
    return None


def edit_page(
    activity: Activity,
    form: ActivityForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
):
    """The edit page: the activity's form, its evidence, and the form to attach more."""
    if form is None:
        form = ActivityForm(obj=activity, formdata=None)
        form.unit_id.data = str(activity.unit_id)
    unit_choices(form, _choices_with(activity))
    return render_template(
        "activities/edit.html",
        activity=activity,
        form=form,
        evidence_form=evidence_form or EvidenceForm(formdata=None),
        delete_form=DeleteForm(),
        tally=evidence_service.tally(activity.evidence),
        size_text=human_size,
        frozen=frozen_message(activity),
        uploaded_at=lambda e: local_datetime(e.uploaded_at, current_app.config["TIMEZONE"]),
        period_key=periods.containing(activity.held_on).key,
        table_date=table_date,
        today=local_today(),
    ), status


def _choices_with(activity: Activity):
    units = filing_units()
    return units if activity.unit in units else [activity.unit, *units]


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required("admin", "officer")
def edit(activity_id: int):
    """Change a filed activity (its unit among those the user may file for)."""
    activity = own_activity(activity_id)
    form = ActivityForm()
    if not form.is_submitted():
        return edit_page(activity)
    unit_choices(form, _choices_with(activity))
    unit = chosen_unit(form.unit_id.data)
    if not form.validate():
        return edit_page(activity, form, status=400)
    try:
        changes = activity_service.update_activity(
            activity, unit, **activity_fields(form), today=local_today()
        )
    except InvalidInput as exc:
        put_errors(form, exc, ACTIVITY_MESSAGES)
        return edit_page(activity, form, status=409 if exc.code == "frozen" else 400)
    if changes:
        audit_trail.record(
            "activity_changed",
            activity.title,
            activity_id=activity.id,
            unit_id=activity.unit_id,
            changes=changes,
        )
        flash(_("Đã lưu thay đổi của hoạt động."))
    else:
        flash(_("Không có gì thay đổi."))
    return redirect(url_for("activities.edit", activity_id=activity.id), code=303)
