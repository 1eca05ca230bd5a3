"""Survey result views: the list of surveys, one survey's results, and its exports.

Scope: admin sees every response, an officer those from their unit's subtree, a teacher
those from their classes (a teacher can run a survey in class; other classes stay hidden).
"""

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import audit_trail, export_delivery
from blueprints.common.dates import range_from_args
from blueprints.common.guards import roles_required, visible_unit
from blueprints.survey_results import bp
from blueprints.survey_results import exports as survey_exports
from blueprints.survey_results.tables import chosen_labels
from models import Survey, Unit
from services.common.periods import Period
from services.org import access, unit_tree
from services.render import charts, exports
from services.reporting import survey_results

STAFF = ("admin", "officer", "teacher")


def _chosen_unit() -> Unit | None:
    """?unit=<id>: a unit the user may see (403/404), None when not given."""
    raw = request.args.get("unit", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        abort(400, description=_("Đơn vị không hợp lệ."))
    return visible_unit(int(raw))


def _filters() -> tuple[Unit | None, set[int] | None, Period]:
    """The chosen unit, the unit ids in scope (None: all) and the period (all time if none)."""
    unit = _chosen_unit()
    period = range_from_args() or Period(timezone=current_app.config["TIMEZONE"])
    if unit is not None:
        return unit, access.report_unit_ids(current_user, unit), period
    return None, access.visible_unit_ids(current_user), period


def _survey(slug: str) -> Survey:
    return Survey.query.filter_by(slug=slug).first_or_404()


def _unit_choices() -> list[tuple[Unit, int]]:
    """The units the user may filter by, as a tree (unit, depth)."""
    visible = access.visible_unit_ids(current_user)
    if visible is None:
        return unit_tree.tree()
    rows = [(unit, depth) for unit, depth in unit_tree.tree() if unit.id in visible]
    top = min((depth for _unit, depth in rows), default=0)
    return [(unit, depth - top) for unit, depth in rows]


@bp.get("/")
@roles_required(*STAFF)
def index():
    """Every survey with the number of responses the user may see."""
    items = Survey.query.order_by(Survey.position, Survey.id).all()
    counts = survey_results.response_counts(access.visible_unit_ids(current_user))
    return render_template("survey_results/index.html", surveys=items, counts=counts)


def _charts(result: survey_results.QuestionResult):
    if result.kind == "likert":
        return charts.stacked_bar([(t.label, t.count) for t in result.tallies])
    if result.kind in survey_results.CHOICE_KINDS:
        return charts.answer_bars([(t.label, t.count, t.share) for t in result.tallies])
    return None


@bp.get("/<slug>")
@roles_required(*STAFF)
def results(slug: str):
    """Counts and shares per answer with charts, Likert distributions, numbers, free text."""
    survey = _survey(slug)
    unit, unit_ids, period = _filters()
    found = survey_results.results(survey, unit_ids, period)
    return render_template(
        "survey_results/results.html",
        survey=survey,
        results=found,
        charts={q.id: _charts(q) for q in found.questions},
        unit=unit,
        units=_unit_choices(),
        text_limit=survey_results.TEXT_LIMIT,
        args=request.args,
        chosen_labels=chosen_labels,
    )


@bp.get("/<slug>/export.<fmt>")
@roles_required(*STAFF)
def export(slug: str, fmt: str):
    """One row per response, a column per question: CSV (UTF-8 with BOM) or XLSX, streamed;
    a big one is prepared in the background (the page says where to fetch it)."""
    if fmt not in exports.MIMETYPES:
        abort(404)
    survey = _survey(slug)
    unit, unit_ids, period = _filters()
    rows = survey_results.export_count(survey, unit_ids, period)
    if export_delivery.too_big(rows):
        chosen = survey_exports.parameters(survey, unit, period, fmt)
        return export_delivery.queue(survey_exports.KIND, chosen, rows, f"survey:{survey.slug}")
    output = survey_exports.output(survey, unit_ids, period, fmt)
    audit_trail.record(
        "survey_exported",
        survey.slug,
        format=fmt,
        unit=unit.id if unit else None,
        rows=rows,
    )
    return export_delivery.send_now(output, fmt)
