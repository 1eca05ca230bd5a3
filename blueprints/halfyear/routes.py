"""Half-year report views: write it, save it (figures frozen), print PDF and XLSX annex."""

from dataclasses import fields

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.halfyear import bp
from blueprints.halfyear.forms import HalfYearForm
from extensions import db
from models import HalfYearReport
from services import documents
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vocabulary import period_name
from services.reporting import half_year, half_year_annex

MESSAGES = {
    ("period_key", "unknown_period"): _l("Chọn kỳ báo cáo."),
    ("report_date", "outside_period"): _l(
        "Ngày báo cáo phải từ %(first)s đến %(last)s (trong kỳ, hoặc muộn nhất 60 ngày sau "
        "ngày cuối kỳ)."
    ),
    ("signer_capacity", "unknown"): _l("Chọn người ký."),
}


def _form(report: HalfYearReport | None) -> HalfYearForm:
    form = HalfYearForm(obj=report)
    form.period_key.choices = [
        (p.key, period_name(p.key)) for p in periods.recent(local_today(), 8)
    ]
    if report is None and not form.is_submitted():
        form.report_date.data = local_today()
        form.recipients.data = half_year.DEFAULT_RECIPIENTS
        form.signer_name.data = current_app.config["CERTIFICATE_SIGNER_NAME"]
    return form


def _edits(form: HalfYearForm) -> half_year.ReportEdits:
    """The written parts of a validated form, as plain data."""
    return half_year.ReportEdits(
        **{f.name: form[f.name].data for f in fields(half_year.ReportEdits)}
    )


def _create(form: HalfYearForm) -> HalfYearReport | None:
    """The report a submitted form makes, or None (the errors are on the form). A period that
    has a report already raises half_year.ReportExists."""
    try:
        named = half_year.report_period(form.period_key.data)
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return None
    if not form.validate():
        return None
    timezone = current_app.config["TIMEZONE"]
    try:
        return half_year.create_report(
            named, _edits(form), current_user.id, timezone, local_today()
        )
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return None


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    """Saved reports, and a form for a new one (a period's second report opens its first)."""
    form = _form(None)
    try:
        report = _create(form) if form.is_submitted() else None
    except half_year.ReportExists as exists:
        found = exists.report
        named = period_name(found.period_key)
        flash(_("Kỳ %(k)s đã có báo cáo số %(n)s: mở báo cáo đó để sửa.", k=named, n=found.number))
        return redirect(url_for("halfyear.edit", report_id=found.id), code=303)
    if report is not None:
        audit_trail.record("half_year_report_saved", report.number)
        return redirect(url_for("halfyear.edit", report_id=report.id), code=303)
    reports = HalfYearReport.query.order_by(
        HalfYearReport.period_end.desc(), HalfYearReport.id.desc()
    )
    status = 400 if form.is_submitted() else 200
    return render_template("halfyear/index.html", form=form, reports=reports.all()), status


@bp.route("/<int:report_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(report_id: int):
    """Edit the narrative and the signer; the figures stay as saved unless refreshed."""
    report = db.session.get(HalfYearReport, report_id) or abort(404)
    form = _form(report)
    form.period_key.data = report.period_key
    if form.validate_on_submit() and _update(report, form):
        audit_trail.record("half_year_report_saved", report.number)
        flash(_("Đã lưu báo cáo."))
        return redirect(url_for("halfyear.edit", report_id=report.id), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("halfyear/edit.html", form=form, report=report), status


def _update(report: HalfYearReport, form: HalfYearForm) -> bool:
    """Save a validated form into the report; False with the errors on the form."""
    try:
        half_year.update_report(
            report, _edits(form), form.refresh.data, current_app.config["TIMEZONE"], local_today()
        )
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return False
    return True


@bp.get("/<int:report_id>.pdf")
@roles_required("admin")
def pdf(report_id: int):
    """The report in the layout of Nghị định 30/2020/NĐ-CP."""
    report = db.session.get(HalfYearReport, report_id) or abort(404)
    body = documents.half_year_pdf(report)
    audit_trail.record("report_exported", report.number, format="pdf")
    return _download(body, "application/pdf", report, "pdf")


@bp.get("/<int:report_id>-phu-luc.xlsx")
@roles_required("admin")
def annex(report_id: int):
    """The annex: per-unit figures, targets and activities, as saved."""
    report = db.session.get(HalfYearReport, report_id) or abort(404)
    body = half_year_annex.xlsx(report.snapshot, half_year_annex.title(report))
    audit_trail.record("report_exported", report.number, format="xlsx")
    return _download(body, half_year_annex.MIME, report, "xlsx")


def _download(body: bytes, mime: str, report: HalfYearReport, ext: str) -> Response:
    name = f"bao-cao-{report.period_key}-{report.id}.{ext}"
    return download(body, mime, name)
