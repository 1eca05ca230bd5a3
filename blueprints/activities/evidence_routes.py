"""An activity's evidence: attach a photo or the minutes, open one (staff who see the unit
only), remove one. Refused once a saved half-year report holds the activity's period."""

from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.activities import bp
from blueprints.activities.edit_routes import edit_page
from blueprints.activities.forms import DeleteForm, EvidenceForm
from blueprints.activities.messages import EVIDENCE_MESSAGES, shown_evidence_error
from blueprints.activities.routes import evidence_folder, own_activity, record_evidence_added
from blueprints.common import audit_trail
from blueprints.common.downloads import disposition
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from extensions import db
from models import ActivityEvidence
from services.common.errors import InvalidInput
from services.reporting import activities as activity_service
from services.reporting import evidence as evidence_service


def _own_evidence(activity_id: int, evidence_id: int) -> ActivityEvidence:
    activity = own_activity(activity_id)
    item = db.session.get(ActivityEvidence, evidence_id)
    if item is None or item.activity_id != activity.id:
        abort(404)
    return item


@bp.post("/<int:activity_id>/evidence")
@roles_required("admin", "officer")
def add_evidence(activity_id: int):
    """Attach one photo or the minutes to the activity."""
    activity = own_activity(activity_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return edit_page(activity, evidence_form=form, status=400)
    upload = form.evidence.data
    try:
        activity_service.check_not_frozen(activity.held_on)
        if upload is None or not getattr(upload, "filename", ""):
            raise InvalidInput.of(evidence_service.FIELD, "required")
        limits = evidence_service.Limits.from_config(current_app.config)
        checked = evidence_service.check_upload(
            upload.read(), form.evidence_kind.data, upload.filename, limits
        )
        item = evidence_service.attach(activity, checked, evidence_folder(), current_user)
    except InvalidInput as exc:
        put_errors(form, shown_evidence_error(exc), EVIDENCE_MESSAGES)
        status = 409 if exc.code == "frozen" else 400
        return edit_page(activity, evidence_form=form, status=status)
    record_evidence_added(activity, item)
    flash(_("Đã đính kèm minh chứng."))
    return redirect(url_for("activities.edit", activity_id=activity.id), code=303)


@bp.get("/<int:activity_id>/evidence/<int:evidence_id>")
@roles_required("admin", "officer")
def evidence_file(activity_id: int, evidence_id: int):
    """The file itself, for staff who may see the activity's unit: photos shown in the page,
    PDF and DOCX saved (never opened by the browser as a page)."""
    item = _own_evidence(activity_id, evidence_id)
    path = evidence_service.path_of(item, evidence_folder())
    if path is None:
        abort(404)
    inline = item.suffix == "webp"
    response = send_file(path, mimetype=evidence_service.content_type(item), conditional=True)
    name = f"minh-chung-{item.activity_id}-{item.id}.{item.suffix}"
    response.headers["Content-Disposition"] = disposition(
        name, "inline" if inline else "attachment"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:activity_id>/evidence/<int:evidence_id>/delete")
@roles_required("admin", "officer")
def remove_evidence(activity_id: int, evidence_id: int):
    """Remove one file from the activity."""
    item = _own_evidence(activity_id, evidence_id)
    activity = item.activity
    if not DeleteForm().validate_on_submit():
        abort(400)
    detail = {
        "activity_id": activity.id,
        "evidence_id": item.id,
        "unit_id": activity.unit_id,
        "kind": item.kind,
        "file": item.file_name,
        "original": item.original_name,
    }
    try:
        activity_service.check_not_frozen(activity.held_on)
    except InvalidInput as exc:
        form = EvidenceForm(formdata=None)
        put_errors(form, exc, EVIDENCE_MESSAGES)
        return edit_page(activity, evidence_form=form, status=409)
    evidence_service.remove(item, evidence_folder())
    audit_trail.record("evidence_removed", activity.title, **detail)
    flash(_("Đã bỏ minh chứng."))
    return redirect(url_for("activities.edit", activity_id=activity.id), code=303)
