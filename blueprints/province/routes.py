"""The province office's pages: thin — check the role, read the aggregates, render."""

from flask import render_template
from flask_login import current_user

from blueprints.common.guards import roles_required
from blueprints.province import bp
from models.staff import PROVINCE_ROLES


@bp.get("/")
@roles_required(*PROVINCE_ROLES)
def dashboard():
    """Every commune side by side for a half-year window."""
    return render_template("province/dashboard.html", user=current_user)
