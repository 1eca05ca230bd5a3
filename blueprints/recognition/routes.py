"""Recognition views: rankings for a period, nominating, and the nomination list downloads."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail, downloads
from blueprints.common.dates import local_today
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.recognition import bp
from blueprints.recognition.forms import NominationForm, RemoveForm
from extensions import db
from models.recognition import Nomination
from services import documents
from services.common import periods
from services.common.errors import InvalidInput
from services.common.vietnamese import table_date
from services.org import access
from services.reporting import recognition as service
from services.reporting import recognition_output

MESSAGES = {
    "period": _l("Kỳ không hợp lệ (ví dụ 2026-H1, 2026-H2 hoặc 2026)."),
    "subject": _l("Không tìm thấy đối tượng được đề nghị."),
    "duplicate": _l("Đối tượng này đã được đề nghị khen thưởng trong kỳ này."),
    "reason": _l("Nhập lý do đề nghị."),
    "reason_long": _l("Lý do dài quá %(n)d ký tự.", n=service.MAX_REASON),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _named(key: str | None) -> periods.NamedPeriod:
    """?period=2026-H1|2026-H2|2026; the current half-year window by default; 400 otherwise."""
    key = (key or "").strip()
    named = periods.parse(key) if key else periods.containing(local_today())
    if named is None:
        abort(400, description=_("Kỳ không hợp lệ (ví dụ 2026-H1, 2026-H2 hoặc 2026)."))
    return named


def _page(named: periods.NamedPeriod, form: NominationForm | None = None, status: int = 200):
    tz = current_app.config["TIMEZONE"]
    period = service.named_period(named, tz)
    visible = access.visible_unit_ids(current_user)
    rankings = service.unit_rankings(period, visible)
    if form is None:
        form = NominationForm(formdata=None, period_key=named.key)
    nominees = service.nominations(named.key, visible)
    return render_template(
        "recognition/index.html",
        period=named,
        recent=periods.recent(local_today()),
        villages=rankings["village"],
        classes=rankings["class"],
        people=service.person_ranking(period, visible),
        nominations=nominees,
        nominated={(n.subject_kind, n.participant_id or n.unit_id) for n in nominees},
        form=form,
        remove_form=RemoveForm(),
        is_admin=current_user.role == "admin",
        table_date=table_date,
        top=service.TOP_PEOPLE,
    ), status


@bp.get("/")
@roles_required("admin", "officer")
def index():
    """The three rankings for the period, with their rules, and the period's nominees."""
    return _page(_named(request.args.get("period")))


@bp.post("/nominate")
@roles_required("admin")
def nominate():
    """Nominate a village, class or person for the period (once per subject and period)."""
    form = NominationForm()
    named = periods.parse((form.period_key.data or "").strip())
    if not form.validate_on_submit() or named is None:
        if form.is_submitted() and named is None:
            form.period_key.errors = [MESSAGES["period"]]
        return _page(named or periods.containing(local_today()), form, 400)
    try:
        nomination = service.nominate(
            named.key, form.subject_kind.data, form.subject_id.data, form.reason.data, current_user
        )
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return _page(named, form, 409 if exc.code == "duplicate" else 400)
    audit_trail.record(
        "nomination_added",
        service.subject_name(nomination),
        nomination_id=nomination.id,
        period=nomination.period_key,
        kind=nomination.subject_kind,
        subject_id=nomination.participant_id or nomination.unit_id,
    )
    flash(_("Đã thêm vào danh sách đề nghị khen thưởng."))
    return redirect(url_for("recognition.index", period=named.key), code=303)


@bp.post("/nominations/<int:nomination_id>/remove")
@roles_required("admin")
def remove(nomination_id: int):
    """Take a nominee off the period's list."""
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    key = nomination.period_key
    audit_trail.record(
        "nomination_removed",
        service.subject_name(nomination),
        nomination_id=nomination.id,
        period=key,
        kind=nomination.subject_kind,
        subject_id=nomination.participant_id or nomination.unit_id,
    )
    service.remove(nomination)
    flash(_("Đã bỏ khỏi danh sách đề nghị."))
    return redirect(url_for("recognition.index", period=key), code=303)


@bp.get("/nominations.<fmt>")
@roles_required("admin")
def download(fmt: str):
    """The period's nomination list, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", as XLSX or PDF."""
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    named = _named(request.args.get("period"))
    if fmt == "xlsx":
        tz = current_app.config["TIMEZONE"]
        body, mime = recognition_output.nominations_xlsx(named, tz), XLSX
    else:
        body, mime = documents.nominations_pdf(named), "application/pdf"
    audit_trail.record("nominations_exported", named.key, period=named.key, format=fmt)
    name = f"de-nghi-khen-thuong-{named.key}.{fmt}"
    return downloads.download(body, mime, name)
