"""The province admin onboards a commune: the same service as `flask communes add`."""

from flask import render_template
from flask_login import current_user

from blueprints.common.client import client_ip
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.common.unit_messages import COMMUNE_ERRORS, commune_problems
from blueprints.province import bp
from blueprints.province.forms import NewCommuneForm
from models.staff import PROVINCE_ADMIN
from services.common.errors import InvalidInput
from services.participation import onboarding

TEMPLATE = "province/commune_new.html"
FORM_FIELDS = ("code", "name", "serial_prefix", "admin_username")


@bp.get("/communes/new")
@roles_required(PROVINCE_ADMIN)
def new_commune():
    return render_template(TEMPLATE, form=NewCommuneForm(), problems=[])


@bp.post("/communes/new")
@roles_required(PROVINCE_ADMIN)
def add_commune():
    """Create the commune whole, then show its admin's password once; a refusal is a 400 and
    the request's unit of work writes nothing."""
    form = NewCommuneForm()
    if not form.validate_on_submit():
        return render_template(TEMPLATE, form=form, problems=[]), 400
    upload = form.units.data
    request_data = onboarding.NewCommune(
        code=form.code.data,
        name=form.name.data,
        serial_prefix=form.serial_prefix.data,
        admin_username=form.admin_username.data,
        sheet_name=upload.filename or "",
        sheet=upload.read(),
    )
    try:
        done = onboarding.add_commune(request_data, by=current_user, ip=client_ip())
    except InvalidInput as exc:
        return _refused(form, exc), 400
    return render_template("province/commune_added.html", done=done)


def _refused(form: NewCommuneForm, exc: InvalidInput):
    """Field problems next to their fields; the sheet's (and the curriculum's) above the form."""
    fields = {f: c for f, c in exc.errors.items() if f in FORM_FIELDS}
    if fields and not hasattr(exc, "rows"):
        put_errors(form, InvalidInput(fields, **exc.params), COMMUNE_ERRORS)
        rest = {f: c for f, c in exc.errors.items() if f not in FORM_FIELDS}
        problems = commune_problems(InvalidInput(rest, **exc.params)) if rest else []
    else:
        problems = commune_problems(exc)
    return render_template(TEMPLATE, form=form, problems=problems)
