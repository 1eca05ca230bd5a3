"""Report views: the unit's report on screen and as downloads; poster funnels."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today, range_from_args
from blueprints.common.downloads import download
from blueprints.common.guards import roles_required, visible_unit
from blueprints.reports import bp
from blueprints.reports.tables import all_sheets, items_sheet, people_sheet, quizzes_sheet
from services import documents
from services.common.periods import Period
from services.org import access
from services.render import exports
from services.reporting.unit_reports import unit_report

CSV_TABLES = {"people": people_sheet, "quizzes": quizzes_sheet, "items": items_sheet}


def _period() -> Period:
    """The date range from the query string; all time when none is given."""
    return range_from_args() or Period(timezone=current_app.config["TIMEZONE"])


def _report(unit_id: int):
    unit = visible_unit(unit_id)
    period = _period()
    return unit, unit_report(unit.name, access.report_unit_ids(current_user, unit), period)


@bp.get("/units/<int:unit_id>/report")
@roles_required("admin", "officer", "teacher")
def unit_report_page(unit_id: int):
    """Per person, per quiz, and which questions most people get wrong."""
    unit, report = _report(unit_id)
    return render_template("reports/unit_report.html", unit=unit, report=report, args=request.args)


@bp.get("/units/<int:unit_id>/items")
@roles_required("admin", "officer", "teacher")
def item_analysis(unit_id: int):
    """Per quiz version, per question: answered, share right, each choice, the combinations
    ticked; the questions most got wrong first."""
    unit, report = _report(unit_id)
    return render_template(
        "reports/item_analysis.html",
        unit=unit,
        report=report,
        args={k: v for k, v in request.args.items() if k in ("from", "to")},
    )


@bp.get("/units/<int:unit_id>/report.<fmt>")
@roles_required("admin", "officer", "teacher")
def unit_report_download(unit_id: int, fmt: str):
    """The same report as CSV (?table=people|quizzes|items), XLSX or PDF."""
    if fmt not in ("csv", "xlsx", "pdf"):
        abort(404)
    unit, report = _report(unit_id)
    stem = f"bao-cao-{unit.id}-{local_today().isoformat()}"
    if fmt == "csv":
        table = request.args.get("table", "people")
        if table not in CSV_TABLES:
            abort(400)
        body, mime, stem = (
            exports.csv_bytes(CSV_TABLES[table](report)),
            "text/csv",
            f"{stem}-{table}",
        )
    elif fmt == "xlsx":
        body = exports.xlsx_bytes(all_sheets(report))
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = documents.report_pdf(report, all_sheets(report))
        mime = "application/pdf"
    audit_trail.record("report_exported", unit.name, format=fmt)
    return download(body, mime, f"{stem}.{fmt}")
