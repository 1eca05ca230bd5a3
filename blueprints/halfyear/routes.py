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
from blueprints.halfyear.forms import CorrectionForm, HalfYearForm, SubmitForm
from extensions import db
from models import HalfYearReport, HalfYearSubmission
from services import documents
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vocabulary import period_name
from services.org.settings import commune_settings
from services.reporting import half_year, half_year_annex, submissions

MESSAGES = {
    ("period_key", "unknown_period"): _l("Chọn kỳ báo cáo."),
    ("report_date", "outside_period"): _l(
        "Ngày báo cáo phải từ %(first)s đến %(last)s (trong kỳ, hoặc muộn nhất 60 ngày sau "
        "ngày cuối kỳ)."
    ),
    ("signer_capacity", "unknown"): _l("Chọn người ký."),
}
SUBMISSION_MESSAGES = {
    "already_submitted": _l(
        "Báo cáo kỳ này đã được gửi lên Sở. Muốn thay đổi, hãy gửi bản sửa đổi kèm nội dung "
        "sửa đổi."
    ),
    "not_latest": _l("Chỉ gửi được bản sửa đổi thay cho bản gửi mới nhất."),
    "note_empty": _l("Ghi rõ nội dung sửa đổi (Sở cần biết bản mới khác bản cũ ở đâu)."),
    "note_too_long": _l("Nội dung sửa đổi dài quá %(limit)s ký tự."),
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
    own = HalfYearReport.query.filter_by(commune_id=submissions.commune_of(current_user))
    reports = own.order_by(HalfYearReport.period_end.desc(), HalfYearReport.id.desc())
    status = 400 if form.is_submitted() else 200
    return render_template("halfyear/index.html", form=form, reports=reports.all()), status


@bp.route("/<int:report_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(report_id: int):
    """Edit the narrative and the signer; the figures stay as saved unless refreshed."""
    report = _own_report(report_id)
    form = _form(report)
    form.period_key.data = report.period_key
    if form.validate_on_submit() and _update(report, form):
        audit_trail.record("half_year_report_saved", report.number)
        flash(_("Đã lưu báo cáo."))
        return redirect(url_for("halfyear.edit", report_id=report.id), code=303)
    status = 400 if form.is_submitted() else 200
    return _page(report, form=form, status=status)


def _own_report(report_id: int) -> HalfYearReport:
    """The report, if it is of the admin's own commune (404 otherwise, as a missing one)."""
    report = db.session.get(HalfYearReport, report_id)
    if report is None or report.commune_id != submissions.commune_of(current_user):
        abort(404)
    return report


def _page(report, form=None, submit_form=None, correction_form=None, status=200):
    """The report's page: its form, where it stands with Sở KH&CN, and the versions sent."""
    if form is None:
        form = _form(report)
        form.period_key.data = report.period_key
    sent = submissions.of_report(report)
    html = render_template(
        "halfyear/edit.html",
        form=form,
        report=report,
        sent=sent,
        latest=sent[0] if sent else None,
        received_by=submissions.received_by_name(sent[0]) if sent else None,
        submit_form=submit_form or SubmitForm(formdata=None),
        correction_form=correction_form or CorrectionForm(formdata=None),
    )
    return html, status


@bp.post("/<int:report_id>/submit")
@roles_required("admin")
def submit(report_id: int):
    """Send the report, as saved, to Sở KH&CN: its figures, texts and PDF frozen."""
    report = _own_report(report_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return _page(report, submit_form=form, status=400)
    try:
        sent = submissions.submit(
            report, current_user, commune_settings(), documents.half_year_submission_pdf
        )
    except InvalidInput as exc:
        put_errors(form, exc, SUBMISSION_MESSAGES)
        return _page(report, submit_form=form, status=409)
    audit_trail.record(
        "half_year_report_submitted", report.number, period=report.period_key, version=1
    )
    flash(_("Đã gửi báo cáo lên Sở Khoa học và Công nghệ."))
    return redirect(url_for("halfyear.edit", report_id=report.id, _anchor=f"v{sent.version}"), 303)


@bp.post("/<int:report_id>/correct")
@roles_required("admin")
def correct(report_id: int):
    """Send the report as it now stands as a new version, replacing the latest sent."""
    report = _own_report(report_id)
    form = CorrectionForm()
    newest = submissions.latest(report.commune_id, report.period_key)
    if newest is None:
        form.form_errors.append(_("Báo cáo kỳ này chưa được gửi: hãy gửi báo cáo trước."))
        return _page(report, correction_form=form, status=409)
    if not form.validate_on_submit():
        return _page(report, correction_form=form, status=400)
    try:
        sent = submissions.correct(
            newest,
            form.note.data,
            current_user,
            commune_settings(),
            documents.half_year_submission_pdf,
        )
    except InvalidInput as exc:
        put_errors(form, exc, SUBMISSION_MESSAGES)
        return _page(report, correction_form=form, status=400)
    audit_trail.record(
        "half_year_report_corrected",
        report.number,
        period=report.period_key,
        version=sent.version,
        reason=sent.correction_note,
    )
    flash(_("Đã gửi bản sửa đổi (lần gửi thứ %(n)s) lên Sở.", n=sent.version))
    return redirect(url_for("halfyear.edit", report_id=report.id, _anchor=f"v{sent.version}"), 303)


@bp.get("/sent/<int:submission_id>.pdf")
@roles_required("admin")
def sent_pdf(submission_id: int):
    """A version as sent: the frozen PDF's bytes, whatever the report or settings say now."""
    commune_id = submissions.commune_of(current_user)
    sent = submissions.for_commune(submission_id, commune_id) or abort(404)
    audit_trail.record("report_exported", sent.snapshot["report"]["number"], format="pdf")
    return download(sent.pdf, "application/pdf", _sent_name(sent))


def _sent_name(sent: HalfYearSubmission) -> str:
    return f"bao-cao-{sent.period_key}-lan-{sent.version}.pdf"


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
    report = _own_report(report_id)
    body = documents.half_year_pdf(report)
    audit_trail.record("report_exported", report.number, format="pdf")
    return _download(body, "application/pdf", report, "pdf")


@bp.get("/<int:report_id>-phu-luc.xlsx")
@roles_required("admin")
def annex(report_id: int):
    """The annex: per-unit figures, targets and activities, as saved."""
    report = _own_report(report_id)
    body = half_year_annex.xlsx(report.snapshot, half_year_annex.title(report))
    audit_trail.record("report_exported", report.number, format="xlsx")
    return _download(body, half_year_annex.MIME, report, "xlsx")


def _download(body: bytes, mime: str, report: HalfYearReport, ext: str) -> Response:
    name = f"bao-cao-{report.period_key}-{report.id}.{ext}"
    return download(body, mime, name)
