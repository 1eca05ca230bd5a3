"""Poster pages: funnels, a batch for every village/class/agency in one go, printing a batch as
one PDF, where each poster hangs, retiring one. Officers act on their own units, teachers on
their own classes, admins on all."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.form_errors import message_for
from blueprints.common.guards import roles_required
from blueprints.reports import bp
from blueprints.reports.forms import LocationForm, NewPostersForm, RetireForm
from models import Poster, Unit
from models.base import utcnow
from services import documents
from services.common.errors import InvalidInput
from services.common.vocabulary import CONTENT_KIND_LABELS, UNIT_KIND_LABELS
from services.org import access
from services.participation import attempts as participation
from services.participation import posters as poster_service
from services.reporting import anomalies, funnel

STAFF = ("admin", "officer", "teacher")
TARGET_LABELS = {
    "lesson": CONTENT_KIND_LABELS["topic"],
    "quiz": CONTENT_KIND_LABELS["quiz"],
    "survey": CONTENT_KIND_LABELS["survey"],
}
MESSAGES = {
    ("units", "empty"): _l("Không có đơn vị nào để dán: hãy chọn ít nhất một đơn vị."),
    ("units", "not_allowed"): _l("Chỉ chọn được các đơn vị trong danh sách."),
    ("units", "too_many"): _l("Mỗi lần tạo tối đa %(n)d áp phích."),
    ("units", "outside"): _l(
        "Bài này chỉ dành cho các lớp của giáo viên soạn bài, nên áp phích chỉ dán ở các lớp "
        "đó (người quét ở nơi khác sẽ không mở được bài). Không dán được ở: %(names)s."
    ),
    ("kind", "unknown"): _l("Chọn một loại đơn vị trong danh sách."),
    ("location", "too_long"): _l("Nơi dán dài quá %(n)d ký tự."),
    ("reason", "required"): _l("Ghi lý do thu hồi (ví dụ: đã thay bằng áp phích mới)."),
    ("reason", "too_long"): _l("Lý do dài quá %(n)d ký tự."),
    ("poster", "already_retired"): _l("Áp phích này đã được thu hồi trước đó."),
}


def _message(refused: InvalidInput) -> str:
    return message_for(refused.field, refused.code, MESSAGES, refused.params)


def _visible_poster(code: str) -> Poster:
    """The poster (404) if the current staff member may see its unit (403)."""
    poster = participation.find_poster(code)
    if poster is None:
        abort(404)
    if not access.can_see_unit(current_user, poster.unit):
        abort(403)
    return poster


@bp.get("/posters")
@roles_required(*STAFF)
def posters():
    """Each visible poster's funnel: scans → people → lesson → quiz → finished → passed; with
    ?code=… only those (a batch just made), ready to print together."""
    visible = access.visible_unit_ids(current_user)
    query = Poster.query.order_by(Poster.retired_at.isnot(None), Poster.id)
    if visible is not None:
        query = query.filter(Poster.unit_id.in_(visible))
    chosen = request.args.getlist("code")
    if chosen:
        query = query.filter(Poster.code.in_(chosen))
    rows = [(poster, funnel.poster_funnel(poster)) for poster in query.all()]
    unusual = anomalies.unusual_units(local_today(), current_app.config["TIMEZONE"], visible)
    return render_template(
        "reports/posters.html",
        rows=rows,
        unusual=unusual,
        anomaly_rule=anomalies.RULE,
        batch=[poster.code for poster, _f in rows if not poster.is_retired] if chosen else None,
    )


def _new_posters_form(visible: set[int] | None) -> NewPostersForm:
    form = NewPostersForm()
    form.target.choices = [("", _("— Chọn —"))] + [
        (f"{kind}:{item.slug}", f"{TARGET_LABELS[kind]}: {item.title}")
        for kind, item in poster_service.targets()
    ]
    units = _placeable_units(visible)
    kinds = [k for k in poster_service.BATCH_KINDS if any(u.kind == k for u in units)]
    form.every.choices = [(k, UNIT_KIND_LABELS[k]) for k in kinds]
    form.units.choices = [(str(u.id), _unit_choice(u)) for u in units]
    return form


def _unit_choice(unit: Unit) -> str:
    """A unit's name, with its kind when the name does not say it ("UBND xã (Cơ quan)")."""
    kind = str(UNIT_KIND_LABELS[unit.kind])
    return unit.name if unit.name.lower().startswith(kind.lower()) else f"{unit.name} ({kind})"


def _placeable_units(visible: set[int] | None) -> list[Unit]:
    query = Unit.query.filter(Unit.kind.in_(poster_service.BATCH_KINDS))
    if visible is not None:
        query = query.filter(Unit.id.in_(visible))
    return query.order_by(Unit.kind, Unit.name).all()


@bp.route("/posters/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_posters():
    """Posters for one lesson, quiz or survey: one per unit of a kind, or per chosen unit."""
    visible = access.visible_unit_ids(current_user)
    form = _new_posters_form(visible)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("reports/new_posters.html", form=form), status
    kind, _sep, slug = form.target.data.partition(":")
    target = poster_service.find_target(slug, kind)
    if target is None:
        form.target.errors = [_("Chọn bài học, bài kiểm tra hoặc khảo sát trong danh sách.")]
        return render_template("reports/new_posters.html", form=form), 400
    chosen = [int(v) for v in form.units.data if v.isdigit()] if form.scope.data == "units" else []
    if visible is not None and any(unit_id not in visible for unit_id in chosen):
        abort(403)  # a unit that is not theirs
    every = form.every.data if form.scope.data != "units" else None
    try:
        units = poster_service.batch_units(every, chosen, visible)
        outside = poster_service.units_outside_reach(target, units)
        if outside:
            raise InvalidInput.of("units", "outside", names=", ".join(u.name for u in outside))
        created = poster_service.create_for_units(units, target, form.location.data)
    except InvalidInput as refused:
        field = {"units": form.units, "kind": form.every, "location": form.location}
        field.get(refused.field, form.units).errors = [_message(refused)]
        return render_template("reports/new_posters.html", form=form), 400
    for poster in created:
        audit_trail.record(
            "poster_created", poster.label, code=poster.code, location=poster.location or ""
        )
    flash(_("Đã tạo %(n)d áp phích. In tất cả một lần bằng nút tải PDF.", n=len(created)))
    return redirect(url_for("reports.posters", code=[p.code for p in created]), code=303)


@bp.get("/posters/print.pdf")
@roles_required(*STAFF)
def print_posters():
    """The chosen posters (?code=…&code=…) as one PDF, a page each, A4 or A5 (?size=A5)."""
    size = request.args.get("size", "A4").upper()
    codes = request.args.getlist("code")
    if size not in documents.POSTER_SIZES or not codes or len(codes) > poster_service.MAX_BATCH:
        abort(400)
    chosen = [_visible_poster(code) for code in dict.fromkeys(codes)]
    retired = [poster.code for poster in chosen if poster.is_retired]
    if retired:
        flash(_("Áp phích đã thu hồi thì không in lại: %(codes)s.", codes=", ".join(retired)))
        return redirect(url_for("reports.posters"), code=303)
    pdf = documents.poster_pdf(chosen, size)
    name = f"ap-phich-{len(chosen)}-{size.lower()}-{local_today().isoformat()}.pdf"
    return download(pdf, "application/pdf", name)


def _poster_page(poster: Poster, retire_form=None, location_form=None, status: int = 200):
    location_form = location_form or LocationForm(data={"location": poster.location or ""})
    return (
        render_template(
            "reports/poster.html",
            poster=poster,
            item=poster.lesson or poster.quiz or poster.survey,
            kind_label=TARGET_LABELS[documents.poster_target(poster)],
            funnel=funnel.poster_funnel(poster),
            url=documents.poster_url(poster),
            retire_form=retire_form or RetireForm(),
            location_form=location_form,
        ),
        status,
    )


@bp.get("/posters/<code>")
@roles_required(*STAFF)
def poster_page(code: str):
    """One poster: where it leads, where it hangs, its funnel; say where it hangs; retire it."""
    return _poster_page(_visible_poster(code))


@bp.post("/posters/<code>/location")
@roles_required(*STAFF)
def poster_location(code: str):
    """Say where the poster hangs (e.g. "Nhà văn hóa thôn Nà Pàn, bảng tin cạnh cửa")."""
    poster = _visible_poster(code)
    form = LocationForm()
    if "location" not in request.form or not form.validate_on_submit():
        return _poster_page(poster, location_form=form, status=400)
    try:
        poster_service.set_location(poster, form.location.data)
    except InvalidInput as refused:
        form.location.errors = [_message(refused)]
        return _poster_page(poster, location_form=form, status=400)
    audit_trail.record(
        "poster_changed", poster.label, code=poster.code, location=poster.location or ""
    )
    flash(_("Đã lưu nơi dán áp phích."))
    return redirect(url_for("reports.poster_page", code=poster.code), code=303)


@bp.post("/posters/<code>/retire")
@roles_required(*STAFF)
def retire_poster(code: str):
    """Retire the poster: its link then says so kindly and points to the lesson list."""
    poster = _visible_poster(code)
    form = RetireForm()
    if not form.validate_on_submit():
        return _poster_page(poster, retire_form=form, status=400)
    try:
        poster_service.retire(poster, form.reason.data, utcnow())
    except InvalidInput as refused:
        form.reason.errors = [_message(refused)]
        return _poster_page(poster, retire_form=form, status=400)
    audit_trail.record(
        "poster_retired", poster.label, code=poster.code, reason=poster.retired_reason
    )
    flash(
        _(
            "Đã thu hồi áp phích %(code)s. Người quét mã sẽ được báo và chỉ tới danh sách bài học.",
            code=poster.code,
        )
    )
    return redirect(url_for("reports.poster_page", code=poster.code), code=303)
