"""The certificates page: search and filter the certificates of one's own people, print a
class's as one PDF, revoke one with a reason, re-issue one in a corrected name. An admin acts
on all, an officer on the people of their units, a teacher on their own classes; a certificate
outside that is "not found"."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.form_errors import message_for
from blueprints.common.guards import roles_required, visible_unit
from blueprints.common.query import query_int
from blueprints.staff import bp
from blueprints.staff.forms import ReissueCertificateForm, RevokeCertificateForm
from extensions import db
from models import Certificate, Course, Quiz
from services import documents
from services.common import limits
from services.common.errors import InvalidInput
from services.org import access, unit_tree
from services.participation import certificate_search, certificates
from services.participation.quiz_taking import CertificateRules

STAFF = ("admin", "officer", "teacher")
STATUS_LABELS = {
    "all": _l("Tất cả"),
    "valid": _l("Còn hiệu lực"),
    "revoked": _l("Đã thu hồi"),
    "replaced": _l("Đã được thay thế"),
}
MESSAGES = {
    ("reason", "required"): _l("Ghi lý do thu hồi (lý do sẽ hiện trên trang xác minh)."),
    ("reason", "too_long"): _l("Lý do dài quá %(n)d ký tự."),
    ("name", "required"): _l("Nhập họ và tên đúng của người được cấp."),
    ("name", "too_long"): _l("Họ tên dài quá %(n)d ký tự."),
    ("name", "unchanged"): _l(
        "Họ tên này giống hệt trên giấy chứng nhận. Sửa họ tên rồi mới cấp lại."
    ),
    ("certificate", "revoked"): _l("Giấy chứng nhận này đã bị thu hồi, không cấp lại được."),
    ("certificate", "replaced"): _l(
        "Giấy chứng nhận này đã được thay thế bằng giấy khác. Hãy làm trên giấy mới."
    ),
    ("confirm", "required"): _l("Đánh dấu ô xác nhận để thu hồi."),
}


def _message(refused: InvalidInput) -> str:
    return message_for(refused.field, refused.code, MESSAGES, refused.params)


def _visible_certificate(certificate_id: int) -> Certificate:
    """The certificate, if its holder is among the current staff member's people; else 404
    (the same answer as for a certificate that does not exist)."""
    found = db.session.get(Certificate, certificate_id)
    if found is None:
        abort(404)
    visible = access.visible_unit_ids(current_user)
    unit_id = found.participant.unit_id
    if visible is not None and unit_id not in visible:
        abort(404)
    return found


def _own_units(visible: set[int] | None):
    """The units one may filter by, in unit-tree order with their depth: only one's own."""
    return [(u, depth) for u, depth in unit_tree.tree() if visible is None or u.id in visible]


def _chosen() -> certificate_search.CertificateQuery:
    args = request.args
    return certificate_search.CertificateQuery(
        name=args.get("name", "")[:80],
        number=args.get("number", "")[:40],
        achievement=args.get("achievement", "")[:20],
        status=args.get("status", "all") or "all",
    )


def _achievement(raw: str) -> Quiz | Course | None:
    """The quiz or course a "quiz:3" / "course:1" value names; 400 when malformed, 404 unknown."""
    try:
        parsed = certificate_search.parse_achievement(raw)
    except ValueError:
        abort(400, description=_("Bộ lọc không hợp lệ. Chọn lại trong danh sách."))
    if parsed is None:
        return None
    kind, item_id = parsed
    found = db.session.get(Quiz if kind == "quiz" else Course, item_id)
    if found is None:
        abort(404)
    return found


@bp.get("/certificates")
@roles_required(*STAFF)
def certificates_page():
    """The certificates of one's people: search, filter, one page at a time; a class's PDF."""
    visible = access.visible_unit_ids(current_user)
    unit_id = query_int("unit")
    unit_ids = access.report_unit_ids(current_user, visible_unit(unit_id)) if unit_id else visible
    chosen = _chosen()
    _achievement(chosen.achievement)
    if chosen.status not in certificate_search.STATUSES:
        abort(400, description=_("Bộ lọc không hợp lệ. Chọn lại trong danh sách."))
    found = certificate_search.search(
        chosen, unit_ids, query_int("page", 1, maximum=limits.PAGE_MAX)
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    units = _own_units(visible)
    return render_template(
        "staff/certificates.html",
        found=found,
        chosen=chosen,
        unit_id=unit_id,
        units=[(str(u.id), "\u2002" * depth + u.name) for u, depth in units],
        classes=[(str(u.id), u.name) for u, _depth in units if u.kind == "class"],
        achievements=certificate_search.achievements(),
        statuses=STATUS_LABELS,
        args=args,
    )


@bp.get("/certificates/class.pdf")
@roles_required(*STAFF)
def class_certificates_pdf():
    """Every current, valid certificate of a class (and the classes below a unit) for one quiz
    or course, as one PDF with a page each, in class-list order."""
    unit_id = query_int("unit")
    item = _achievement(request.args.get("achievement", "")[:20]) if unit_id else None
    if item is None:
        abort(400, description=_("Chọn một lớp và một bài kiểm tra hoặc khóa học."))
    unit = visible_unit(unit_id)
    unit_ids = access.report_unit_ids(current_user, unit)
    if isinstance(item, Quiz):
        items = certificates.valid_in_units(unit_ids, quiz=item)
    else:
        items = certificates.valid_in_units(unit_ids, course=item)
    if not items:
        flash(
            _(
                "%(unit)s chưa có ai còn giấy chứng nhận “%(item)s”.",
                unit=unit.name,
                item=item.title,
            )
        )
        return redirect(url_for("staff.certificates_page", unit=unit.id), code=303)
    pdf = documents.certificate_pdf(items)
    audit_trail.record(
        "certificates_printed", unit.name, achievement=item.title, certificates=len(items)
    )
    name = f"giay-chung-nhan-{unit.id}-{local_today().isoformat()}.pdf"
    return download(pdf, "application/pdf", name)


def _certificate_page(
    found: Certificate, revoke_form=None, reissue_form=None, status=200, problem=None
):
    """One certificate: what it says, its status and link, and the forms that act on it;
    `problem` a refusal about the certificate itself (already revoked or replaced)."""
    name = found.participant.display_name
    return (
        render_template(
            "staff/certificate.html",
            certificate=found,
            code=certificates.format_code(found.verification_code),
            url=documents.verification_url(found),
            statuses=STATUS_LABELS,
            replaced_by=found.replaced_by,
            revoke_form=revoke_form or RevokeCertificateForm(),
            reissue_form=reissue_form
            or ReissueCertificateForm(data={"name": name if name != found.holder_name else ""}),
            roster_name=name,
            problem=problem,
        ),
        status,
    )


def _refused(found: Certificate, refused: InvalidInput, **forms):
    """The certificate page again with the refusal: beside its field, or above everything."""
    form = next(iter(forms.values()))
    target = getattr(form, refused.field, None) if refused.field != "certificate" else None
    if target is None:
        return _certificate_page(found, status=409, problem=_message(refused), **forms)
    target.errors = [_message(refused)]
    return _certificate_page(found, status=400, **forms)


@bp.get("/certificates/<int:certificate_id>")
@roles_required(*STAFF)
def certificate_page(certificate_id: int):
    """One certificate, with revoke and re-issue."""
    return _certificate_page(_visible_certificate(certificate_id))


@bp.get("/certificates/<int:certificate_id>/certificate.pdf")
@roles_required(*STAFF)
def certificate_pdf(certificate_id: int):
    """One certificate as a PDF (for a re-issued one: to hand over in place of the old)."""
    found = _visible_certificate(certificate_id)
    if not found.is_current or found.is_revoked:
        abort(404, description=_("Giấy chứng nhận này không còn hiệu lực nên không in lại."))
    pdf = documents.certificate_pdf([found])
    audit_trail.record(
        "certificates_printed", found.serial, achievement=found.achievement, certificates=1
    )
    return download(pdf, "application/pdf", f"giay-chung-nhan-{found.serial}.pdf")


@bp.post("/certificates/<int:certificate_id>/revoke")
@roles_required(*STAFF)
def revoke_certificate(certificate_id: int):
    """Revoke with a reason (confirmed): the verification page then says so and why."""
    found = _visible_certificate(certificate_id)
    form = RevokeCertificateForm()
    if not form.validate_on_submit():
        return _certificate_page(found, revoke_form=form, status=400)
    try:
        if not form.confirm.data:
            raise InvalidInput.of("confirm", "required")
        certificates.revoke(found, form.reason.data)
    except InvalidInput as refused:
        return _refused(found, refused, revoke_form=form)
    audit_trail.record(
        "certificate_revoked", found.serial, holder=found.holder_name, reason=found.revoked_reason
    )
    flash(_("Đã thu hồi giấy chứng nhận %(serial)s.", serial=found.serial))
    return redirect(url_for("staff.certificate_page", certificate_id=found.id), code=303)


@bp.post("/certificates/<int:certificate_id>/reissue")
@roles_required(*STAFF)
def reissue_certificate(certificate_id: int):
    """Re-issue in the corrected name: a new certificate replaces this one."""
    found = _visible_certificate(certificate_id)
    form = ReissueCertificateForm()
    if not form.validate_on_submit():
        return _certificate_page(found, reissue_form=form, status=400)
    rules = CertificateRules.from_config(current_app.config, found.commune_id)
    previous = found.holder_name
    try:
        successor = certificates.reissue(found, form.name.data, rules.serial_prefix, rules.timezone)
    except InvalidInput as refused:
        return _refused(found, refused, reissue_form=form)
    audit_trail.record(
        "certificate_reissued",
        found.serial,
        new_serial=successor.serial,
        holder=successor.holder_name,
        previous_holder=previous,
    )
    flash(
        _(
            "Đã cấp lại: giấy chứng nhận %(new)s thay thế %(old)s.",
            new=successor.serial,
            old=found.serial,
        )
    )
    return redirect(url_for("staff.certificate_page", certificate_id=successor.id), code=303)
