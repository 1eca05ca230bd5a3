"""The class gradebook: the grid on screen (filtered by GET, no script needed), one pupil's
attempts with their answers, and the grid as CSV, XLSX and a signed landscape PDF."""

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.downloads import download
from blueprints.common.guards import roles_required, visible_unit
from blueprints.reports import bp
from models import Unit
from services import documents
from services.common.vietnamese import local_datetime
from services.participation.answer_sheets import pupil_sheets
from services.render import exports
from services.reporting.gradebook import SHOW, GradebookView, class_gradebook, pupil_of_class

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _class(unit_id: int) -> Unit:
    unit = visible_unit(unit_id)
    if unit.kind != "class":
        abort(404)
    return unit


def _view(unit: Unit) -> GradebookView:
    """The gradebook as the query string filters it (?show=…&quiz=…); bad values: a 400."""
    show = request.args.get("show", "all") or "all"
    raw_quiz = request.args.get("quiz", "").strip()
    book = class_gradebook(unit)
    try:
        return book.view(show, int(raw_quiz) if raw_quiz else None)
    except ValueError:
        abort(400, description=_("Bộ lọc không hợp lệ. Chọn lại trong danh sách."))


def _filters(view: GradebookView) -> dict:
    """The filter as query arguments, for the download links (empty ones left out)."""
    args = {}
    if view.show != "all":
        args["show"] = view.show
    if view.quiz_id is not None:
        args["quiz"] = view.quiz_id
    return args


@bp.get("/units/<int:unit_id>/gradebook")
@roles_required("admin", "officer", "teacher")
def gradebook(unit_id: int):
    """Every pupil × every quiz of the class: best score, attempts, passed, day."""
    unit = _class(unit_id)
    view = _view(unit)
    return render_template(
        "reports/gradebook.html",
        unit=unit,
        view=view,
        book=view.book,
        shows=SHOW,
        filters=_filters(view),
    )


@bp.get("/units/<int:unit_id>/gradebook/<int:participant_id>")
@roles_required("admin", "officer", "teacher")
def gradebook_pupil(unit_id: int, participant_id: int):
    """One pupil's attempts, each question as they saw it, what they ticked, and the key."""
    unit = _class(unit_id)
    found = pupil_of_class(unit, participant_id)
    if found is None:
        abort(404)
    _person, name = found
    timezone = current_app.config["TIMEZONE"]
    return render_template(
        "reports/gradebook_pupil.html",
        unit=unit,
        name=name,
        quizzes=pupil_sheets(participant_id),
        when=lambda moment: local_datetime(moment, timezone).strftime("%d/%m/%Y %H:%M"),
    )


def grid_sheet(view: GradebookView) -> exports.Sheet:
    """The filtered grid as one table: four columns per quiz (best %, attempts, passed, day)."""
    timezone = current_app.config["TIMEZONE"]
    headers = [_("STT"), _("Họ và tên"), _("Tình trạng")]
    for column in view.columns:
        headers += [
            _("%(quiz)s: điểm cao nhất (%%)", quiz=column.title),
            _("%(quiz)s: số lượt", quiz=column.title),
            _("%(quiz)s: đạt", quiz=column.title),
            _("%(quiz)s: ngày", quiz=column.title),
        ]
    rows = []
    for number, row in enumerate(view.rows, start=1):
        line = [number, row.name, _("Đã vào lớp") if row.joined else _("Chưa vào lớp")]
        for column in view.columns:
            cell = row.cells.get(column.quiz_id)
            if cell is None:
                line += [_("Chưa làm") if row.joined else None, None, None, None]
            else:
                line += [
                    cell.best,
                    cell.attempts,
                    _("Đạt") if cell.passed else _("Chưa đạt"),
                    local_datetime(cell.last, timezone).date(),
                ]
        rows.append(line)
    return exports.Sheet(_("Bảng điểm"), headers, rows)


@bp.get("/units/<int:unit_id>/gradebook.<fmt>")
@roles_required("admin", "officer", "teacher")
def gradebook_download(unit_id: int, fmt: str):
    """The same grid (same filter) as CSV, XLSX, or a landscape A4 PDF to sign."""
    unit = _class(unit_id)
    if fmt not in ("csv", "xlsx", "pdf"):
        abort(404)
    view = _view(unit)
    stem = f"bang-diem-{unit.id}-{local_today().isoformat()}"
    if fmt == "csv":
        body, mime = exports.csv_bytes(grid_sheet(view)), "text/csv"
    elif fmt == "xlsx":
        body, mime = exports.xlsx_bytes([grid_sheet(view)]), XLSX
    else:
        signer = current_user.display_name if current_user.role == "teacher" else None
        body, mime = documents.gradebook_pdf(view, signer), "application/pdf"
    audit_trail.record("gradebook_exported", unit.name, format=fmt)
    return download(body, mime, f"{stem}.{fmt}")
