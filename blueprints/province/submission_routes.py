"""The province office's list of the communes' half-year reports: who sent what, the frozen
PDF as sent, and the receipt (the only row of a commune the office writes)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.form_errors import message_for
from blueprints.common.guards import roles_required
from blueprints.province import bp
from extensions import db
from models import HalfYearSubmission
from models.staff import PROVINCE_ROLES
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vocabulary import period_name
from services.reporting import submissions

RECEIPT_MESSAGES = {
    "not_province": _l("Chỉ cán bộ Sở Khoa học và Công nghệ ghi nhận được báo cáo đã nhận."),
    "already_received": _l("Báo cáo này đã được ghi nhận là đã nhận."),
}


def _periods() -> list[periods.NamedPeriod]:
    return periods.recent(local_today(), 8)


@bp.get("/submissions")
@roles_required(*PROVINCE_ROLES)
def submissions_list():
    """Which communes have sent their half-year report for a period (every commune listed)."""
    choices = _periods()
    wanted = request.args.get("period") or choices[0].key
    named = periods.parse(wanted)
    if named is None or "-H" not in named.key:
        abort(404)
    rows = submissions.of_province(named.key)
    return render_template(
        "province/submissions.html",
        rows=rows,
        period_key=named.key,
        choices=[(p.key, period_name(p.key)) for p in choices],
        sent_count=sum(1 for row in rows if row.latest is not None),
    )


def _submission(submission_id: int) -> HalfYearSubmission:
    return db.session.get(HalfYearSubmission, submission_id) or abort(404)


@bp.get("/submissions/<int:submission_id>.pdf")
@roles_required(*PROVINCE_ROLES)
def submission_pdf(submission_id: int):
    """A version as the commune sent it: the frozen PDF's bytes."""
    sent = _submission(submission_id)
    audit_trail.record("report_exported", sent.snapshot["report"]["number"], format="pdf")
    name = f"bao-cao-{sent.period_key}-xa-{sent.commune_id}-lan-{sent.version}.pdf"
    return download(sent.pdf, "application/pdf", name)


@bp.post("/submissions/<int:submission_id>/receive")
@roles_required(*PROVINCE_ROLES)
def receive(submission_id: int):
    """The office marks a commune's submission received (the time and who are kept)."""
    sent = _submission(submission_id)
    back = url_for("province.submissions_list", period=sent.period_key)
    try:
        submissions.receive(sent, current_user)
    except InvalidInput as exc:
        rows = submissions.of_province(sent.period_key)
        html = render_template(
            "province/submissions.html",
            rows=rows,
            period_key=sent.period_key,
            choices=[(p.key, period_name(p.key)) for p in _periods()],
            sent_count=sum(1 for row in rows if row.latest is not None),
            error=message_for(exc.field, exc.code, RECEIPT_MESSAGES),
        )
        return html, 409
    audit_trail.record(
        "half_year_report_received",
        sent.snapshot["report"]["number"],
        period=sent.period_key,
        version=sent.version,
    )
    flash(_("Đã ghi nhận Sở đã nhận báo cáo."))
    return redirect(back, code=303)
