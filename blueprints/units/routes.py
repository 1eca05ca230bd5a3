"""The unit tree (admin only): see it, add a unit, edit one, import a CSV/XLSX table of units."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.common import audit_trail
from blueprints.common.form_errors import message_for, put_errors
from blueprints.common.guards import roles_required
from blueprints.common.unit_messages import IMPORT_ERRORS, UNIT_ERRORS
from blueprints.units import bp
from blueprints.units.forms import EditUnitForm, ImportForm, UnitForm
from extensions import db
from models import Unit
from services.common.errors import WHOLE, InvalidInput
from services.common.vocabulary import UNIT_KIND_LABELS, label
from services.org import roster, unit_import, unit_tree


def _parent_choices(form: EditUnitForm, unit: Unit | None = None) -> None:
    kind = unit.kind if unit is not None else None
    choices = unit_tree.parent_choices(kind, exclude=unit)
    form.parent_id.choices = [("", "—")] + [
        (str(u.id), f"{u.name} ({label(UNIT_KIND_LABELS, u.kind)})") for u in choices
    ]


def _parent(form: EditUnitForm) -> Unit | None:
    raw = form.parent_id.data or ""
    if not raw:
        return None
    unit = db.session.get(Unit, int(raw)) if raw.isdigit() else None
    if unit is None:
        raise InvalidInput.of("parent_id", "missing_parent")
    return unit


def _index(form=None, import_form=None, problems=None, status=200):
    if form is None:
        form = UnitForm(formdata=None)
        _parent_choices(form)
    return render_template(
        "units/index.html",
        rows=unit_tree.tree(),
        form=form,
        import_form=import_form or ImportForm(formdata=None),
        problems=problems,
    ), status


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    """The tree, indented, and the form to add a unit."""
    if request.method == "GET":
        return _index()
    form = UnitForm()
    _parent_choices(form)
    if not form.validate_on_submit():
        return _index(form=form, status=400)
    try:
        unit = unit_tree.add_unit(
            form.kind.data,
            form.name.data,
            _parent(form),
            form.target_population.data,
            form.population_year.data,
        )
    except InvalidInput as exc:
        put_errors(form, exc, UNIT_ERRORS)
        return _index(form=form, status=400)
    audit_trail.record("unit_created", unit.name,
        unit_id=unit.id, kind=unit.kind, parent_id=unit.parent_id,
        target_population=unit.target_population, year=unit.population_year,
    )  # fmt: skip
    flash(_("Đã thêm “%(name)s”.", name=unit.name))
    return redirect(url_for("units.index"), code=303)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(unit_id: int):
    """Rename a unit, move it, set its target population and year."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    if request.method == "GET":
        form = EditUnitForm(obj=unit)
        form.parent_id.data = str(unit.parent_id or "")
    else:
        form = EditUnitForm()
    _parent_choices(form, unit)
    template = "units/edit.html"
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(template, form=form, unit=unit), status
    try:
        changes = unit_tree.change_unit(
            unit,
            form.name.data,
            _parent(form),
            form.target_population.data,
            form.population_year.data,
        )
    except InvalidInput as exc:
        put_errors(form, exc, UNIT_ERRORS)
        return render_template(template, form=form, unit=unit), 400
    if changes:
        audit_trail.record("unit_changed", unit.name, unit_id=unit.id, **changes)
    flash(_("Đã lưu."))
    return redirect(url_for("units.index"), code=303)


@bp.post("/import")
@roles_required("admin")
def import_units():
    """Add or update units from a CSV/XLSX table; a file with any bad row changes nothing."""
    import_form = ImportForm()
    if not import_form.validate_on_submit():
        problems = [(None, _("Chọn một tệp CSV hoặc XLSX."))]
        return _index(import_form=import_form, problems=problems, status=400)
    upload = import_form.file.data
    try:
        table = roster.read_table(
            upload.filename or "", upload.read(), max_rows=unit_import.MAX_IMPORT_ROWS
        )
    except InvalidInput as exc:
        problems = [(None, message_for(WHOLE, exc.code, IMPORT_ERRORS, exc.params))]
        return _index(problems=problems, status=400)
    plan = unit_import.plan_import(table)
    if plan.errors:
        problems = [
            (line, message_for(WHOLE, code, IMPORT_ERRORS, params))
            for line, code, params in plan.errors
        ]
        return _index(problems=problems, status=400)
    created, updated = unit_import.apply_import(plan)
    audit_trail.record(
        "units_imported",
        upload.filename,
        rows=len(plan.actions),
        created=created,
        updated=updated,
    )
    flash(_("Đã nhập: %(c)d đơn vị mới, %(u)d đơn vị cập nhật.", c=created, u=updated))
    return redirect(url_for("units.index"), code=303)
