"""Activity views: officers file their unit's activities; the office sees who has filed.

Editing an activity is blueprints.activities.edit_routes; its evidence, .evidence_routes."""

import datetime as dt
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.activities import bp
from blueprints.activities.forms import ActivityForm, DeleteForm
from blueprints.activities.messages import (
    ACTIVITY_MESSAGES,
    EVIDENCE_MESSAGES,
    FROZEN,
    shown_evidence_error,
)
from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.form_errors import message_for, put_errors
from blueprints.common.guards import roles_required
from extensions import db
from models import Activity, Unit
from services.common import periods
from services.common.errors import WHOLE, InvalidInput
from services.common.vietnamese import local_datetime, table_date
from services.common.vocabulary import UNIT_KIND_LABELS, label
from services.org import access
from services.reporting import activities as activity_service
from services.reporting import evidence as evidence_service

MESSAGES = ACTIVITY_MESSAGES  # the table tests and other views name


@bp.url_value_preprocessor
def _request_size(endpoint, _values):
    """A filing or an evidence upload carries a file: raise the request limit before anything
    (the CSRF check) reads the body."""
    if request.method == "POST" and endpoint in ("activities.index", "activities.add_evidence"):
        request.max_content_length = evidence_service.Limits.from_config(
            current_app.config
        ).request_max_bytes


def _period(today: dt.date) -> periods.NamedPeriod:
    """?period=2026-H1 or 2026-H2; the current half-year window by default; 400 otherwise."""
    key = request.args.get("period", "").strip()
    named = periods.parse(key) if key else periods.containing(today)
    if named is None or "-H" not in named.key:
        abort(400, description=_("Kỳ báo cáo không hợp lệ (ví dụ 2026-H1 hoặc 2026-H2)."))
    return named


def filing_units() -> list[Unit]:
    """The units this user may file for: those they see, except classes."""
    visible = access.visible_unit_ids(current_user)
    query = Unit.query.filter(Unit.kind.notin_(activity_service.NOT_FILING_KINDS))
    if visible is not None:
        query = query.filter(Unit.id.in_(visible or [0]))
    order = list(UNIT_KIND_LABELS)  # the commune first, then villages, schools, …
    return sorted(query.all(), key=lambda u: (order.index(u.kind), u.name.casefold(), u.id))


def unit_choices(form: ActivityForm, units: list[Unit]) -> None:
    form.unit_id.choices = [("", "—")] + [
        (str(u.id), f"{u.name} ({label(UNIT_KIND_LABELS, u.kind)})") for u in units
    ]


def chosen_unit(raw: str | None) -> Unit | None:
    """The unit picked in the form: None when missing or unknown; 403 when not visible."""
    raw = (raw or "").strip()
    unit = db.session.get(Unit, int(raw)) if raw.isdigit() and len(raw) <= 9 else None
    if unit is not None and not access.can_see_unit(current_user, unit):
        abort(403)
    return unit


def own_activity(activity_id: int) -> Activity:
    """The activity, 404 if none; 403 unless the user sees its unit (the admin: every one)."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    if not access.can_see_unit(current_user, activity.unit):
        abort(403)
    return activity


def _page(
    form: ActivityForm,
    named: periods.NamedPeriod,
    today: dt.date,
    status: int = 200,
    refusal: str | None = None,
):
    rows = activity_service.activities_for(
        access.visible_unit_ids(current_user), named.start, named.end
    )
    return render_template(
        "activities/index.html",
        form=form,
        period=named,
        recent=periods.recent(today),
        activities=rows,
        tally=evidence_service.tally,
        delete_form=DeleteForm(),
        filed_at=lambda a: local_datetime(a.filed_at, current_app.config["TIMEZONE"]),
        table_date=table_date,
        today=today,
        refusal=refusal,
    ), status


def _checked_evidence(form: ActivityForm) -> evidence_service.Checked | None:
    """The filing's evidence file checked (None when none was chosen); InvalidInput else."""
    upload = form.evidence.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    limits = evidence_service.Limits.from_config(current_app.config)
    return evidence_service.check_upload(
        upload.read(), form.evidence_kind.data, upload.filename, limits
    )


def record_evidence_added(activity: Activity, item) -> None:
    audit_trail.record(
        "evidence_added",
        activity.title,
        activity_id=activity.id,
        evidence_id=item.id,
        unit_id=activity.unit_id,
        kind=item.kind,
        file=item.file_name,
        original=item.original_name,
        bytes=item.size,
    )


def activity_fields(form: ActivityForm) -> dict:
    """What the form says of the activity, as the services take it."""
    return {
        "kind": form.kind.data,
        "held_on": form.held_on.data,
        "title": form.title.data,
        "count": form.count.data,
        "people_reached": form.people_reached.data,
        "notes": form.notes.data,
        "link": form.link.data,
    }


def _file(form: ActivityForm, unit: Unit | None, today: dt.date) -> Activity | None:
    """File the validated form with its evidence, if any; None (nothing added) with the
    errors on the form."""
    fields = activity_fields(form)
    try:
        checked = _checked_evidence(form)
    except InvalidInput as exc:
        _values, errors = activity_service.check(unit, **fields, today=today)
        if errors:
            refusal = activity_service.refusal(unit, errors, fields["people_reached"])
            put_errors(form, refusal, MESSAGES)
        put_errors(form, shown_evidence_error(exc), EVIDENCE_MESSAGES)
        return None
    try:
        activity = activity_service.file_activity(
            unit, **fields, filed_by=current_user, today=today
        )
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return None
    audit_trail.record(
        "activity_filed",
        activity.title,
        activity_id=activity.id,
        unit_id=activity.unit_id,
        kind=activity.kind,
        held_on=activity.held_on.isoformat(),
    )
    if checked is not None:
        item = evidence_service.attach(activity, checked, evidence_folder(), current_user)
        record_evidence_added(activity, item)
    return activity


def evidence_folder() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin", "officer")
def index():
    """File an activity; below, the period's activities of every unit the user may see."""
    today = local_today()
    named = _period(today)
    form = ActivityForm()
    units = filing_units()
    unit_choices(form, units)
    if not form.is_submitted():
        form.held_on.data = today
        if len(units) == 1:
            form.unit_id.data = str(units[0].id)
        return _page(form, named, today)
    unit = chosen_unit(form.unit_id.data)
    if form.validate():
        activity = _file(form, unit, today)
        if activity is not None:
            flash(_("Đã ghi nhận hoạt động."))
            key = periods.containing(activity.held_on).key
            return redirect(url_for("activities.index", period=key), code=303)
    return _page(form, named, today, 400)


@bp.post("/<int:activity_id>/delete")
@roles_required("admin", "officer")
def delete(activity_id: int):
    """Delete a wrongly filed activity: the admin, or an officer who sees its unit; refused
    (409) once its period's report is saved."""
    activity = own_activity(activity_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    named = periods.containing(activity.held_on)
    title = activity.title
    detail = {
        "activity_id": activity.id,
        "unit_id": activity.unit_id,
        "kind": activity.kind,
        "held_on": activity.held_on.isoformat(),
    }
    try:
        evidence_service.forget_files_of(activity, evidence_folder())
        activity_service.delete_activity(activity)
    except InvalidInput as exc:
        form = ActivityForm(formdata=None)
        unit_choices(form, filing_units())
        text = message_for(WHOLE, exc.code, {(WHOLE, "frozen"): FROZEN}, exc.params)
        return _page(form, named, local_today(), 409, refusal=text)
    audit_trail.record("activity_deleted", title, **detail)
    flash(_("Đã xóa hoạt động."))
    return redirect(url_for("activities.index", period=named.key), code=303)


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
