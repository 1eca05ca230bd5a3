"""Half-year report views: write it, save it (figures frozen), print PDF and XLSX annex."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common.client import client_ip
from blueprints.common.guards import roles_required
from blueprints.halfyear import bp
from blueprints.halfyear.forms import HalfYearForm
from extensions import db
from models import HalfYearReport, Unit
from models.base import utcnow
from services import documents
from services.common import periods
from services.common.text import clean_line
from services.common.vietnamese import local_date
from services.org import audit
from services.render import exports
from services.reporting import activities, half_year

KIND_LABELS = {
    "article": "Bài viết trên trang thông tin điện tử xã",
    "social_post": "Bài đăng Zalo/Facebook",
    "loudspeaker": "Phát thanh trên hệ thống loa",
    "meeting": "Hội nghị, tọa đàm",
    "training": "Lớp tập huấn",
    "competition": "Cuộc thi",
    "other": "Khác",
}


def _today():
    return local_date(utcnow(), current_app.config["TIMEZONE"])


def _compute(named: periods.NamedPeriod) -> dict:
    unit_ids = [uid for (uid,) in db.session.query(Unit.id)]
    totals = activities.totals_by_kind(unit_ids, named.start, named.end)
    return half_year.snapshot(named, current_app.config["TIMEZONE"], _today(), totals)


def _form(report: HalfYearReport | None) -> HalfYearForm:
    form = HalfYearForm(obj=report)
    form.period_key.choices = [(p.key, p.key) for p in periods.recent(_today(), 8)]
    if report is None and not form.is_submitted():
        form.report_date.data = _today()
        form.recipients.data = half_year.DEFAULT_RECIPIENTS
        form.signer_name.data = current_app.config["CERTIFICATE_SIGNER_NAME"]
    return form


def _apply(report: HalfYearReport, form: HalfYearForm) -> None:
    report.number = clean_line(form.number.data)
    report.report_date = form.report_date.data
    report.results_text = form.results_text.data.strip()
    report.difficulties = form.difficulties.data.strip()
    report.proposals = form.proposals.data.strip()
    report.signer_authority = form.signer_authority.data
    report.signer_title = form.signer_title.data
    report.signer_name = clean_line(form.signer_name.data)
    report.recipients = form.recipients.data.strip()
    report.updated_at = utcnow()


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    """Saved reports, and a form for a new one."""
    form = _form(None)
    named = periods.parse(form.period_key.data or "")
    if form.is_submitted() and named is None:
        form.period_key.errors = [_("Chọn kỳ báo cáo.")]
    elif form.validate_on_submit():
        report = HalfYearReport(
            period_key=named.key,
            period_start=named.start,
            period_end=named.end,
            snapshot=_compute(named),
            created_by_id=current_user.id,
        )
        _apply(report, form)
        db.session.add(report)
        db.session.flush()
        audit.record(current_user, "half_year_report_saved", report.number, client_ip())
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
    if form.validate_on_submit():
        _apply(report, form)
        if form.refresh.data:
            report.snapshot = _compute(periods.parse(report.period_key))
        audit.record(current_user, "half_year_report_saved", report.number, client_ip())
        flash(_("Đã lưu báo cáo."))
        return redirect(url_for("halfyear.edit", report_id=report.id), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "halfyear/edit.html", form=form, report=report, kinds=KIND_LABELS
    ), status


@bp.get("/<int:report_id>.pdf")
@roles_required("admin")
def pdf(report_id: int):
    """The report in the layout of Nghị định 30/2020/NĐ-CP."""
    report = db.session.get(HalfYearReport, report_id) or abort(404)
    body = documents.half_year_pdf(report, KIND_LABELS)
    audit.record(current_user, "report_exported", report.number, client_ip(), format="pdf")
    return _download(body, "application/pdf", report, "pdf")


@bp.get("/<int:report_id>-phu-luc.xlsx")
@roles_required("admin")
def annex(report_id: int):
    """The annex: per-unit figures, targets and activities, as saved."""
    report = db.session.get(HalfYearReport, report_id) or abort(404)
    snap = report.snapshot
    sheets = [
        exports.Sheet(
            "Số liệu theo đơn vị",
            [
                "Đơn vị",
                "Loại",
                "Số người cần tiếp cận",
                "Được tiếp cận",
                "Tỉ lệ (%)",
                "Được tập huấn",
                "Tỉ lệ (%)",
            ],
            [
                [
                    ("  " * u["depth"]) + u["name"],
                    u["kind"],
                    u["population"],
                    u["reached"],
                    u["reached_percent"],
                    u["trained"],
                    u["trained_percent"],
                ]
                for u in snap["units"]
            ],
        ),
        exports.Sheet(
            "Chỉ tiêu",
            ["Chỉ tiêu", "Năm", "Mục tiêu (%)", "Tử số", "Mẫu số", "Thực hiện (%)"],
            [
                [
                    t["description"],
                    t["year"],
                    t["target_percent"],
                    t["numerator"],
                    t["denominator"],
                    t["actual_percent"],
                ]
                for t in snap["targets"]
            ],
        ),
        exports.Sheet(
            "Hoạt động truyền thông",
            ["Hình thức", "Số lượng", "Số người được tiếp cận"],
            [
                [KIND_LABELS.get(a["kind"], a["kind"]), a["count"], a["people_reached"]]
                for a in snap["activities"]
            ],
        ),
    ]
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record(current_user, "report_exported", report.number, client_ip(), format="xlsx")
    return _download(exports.xlsx_bytes(sheets), mime, report, "xlsx")


def _download(body: bytes, mime: str, report: HalfYearReport, ext: str) -> Response:
    name = f"bao-cao-{report.period_key}-{report.id}.{ext}"
    return Response(
        body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
