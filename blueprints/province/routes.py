"""The province office's pages: thin — check the role, read the aggregates, render.

The province office (Sở KH&CN) reads every commune and writes nothing of theirs: its
requests run in a read-only unit of work (services.org.read_only), whose only writes are its
own audit events (every download records the communes it read)."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.downloads import download
from blueprints.common.guards import roles_required
from blueprints.province import bp
from blueprints.province.sheets import XLSX, summary_sheets
from extensions import db
from models.base import utcnow
from models.staff import PROVINCE_OFFICER, PROVINCE_ROLES
from services import documents
from services.common import periods
from services.common.periods import NamedPeriod
from services.common.vietnamese import local_date, table_date
from services.common.vocabulary import period_name
from services.org import read_only
from services.render import exports
from services.reporting import province_board


@bp.record_once
def _install(_state) -> None:
    read_only.install()


@bp.before_app_request
def _province_office_reads_only() -> None:
    """Every staff request of the province office: a unit of work that writes none of the
    communes' rows (its own audit events, session and account only)."""
    if not request.path.startswith("/staff"):
        return
    if current_user.is_authenticated and current_user.role == PROVINCE_OFFICER:
        read_only.enter(db.session, current_user.id)


def _today():
    return local_date(utcnow(), current_app.config["TIMEZONE"])


def _chosen_period() -> NamedPeriod:
    """?period=2026-H1|2026-H2|2026, else the current half-year (the aggregate keeps named
    periods only)."""
    key = request.args.get("period", "")
    named = periods.parse(key) if key else periods.containing(_today())
    if named is None:
        abort(400, description=_("Kỳ báo cáo không hợp lệ (ví dụ 2026-H1, 2026-H2 hoặc 2026)."))
    return named


def _period_label(named: NamedPeriod) -> str:
    return f"{period_name(named.key)}: {table_date(named.start)} – {table_date(named.end)}"


def _board(named: NamedPeriod) -> province_board.Board:
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    if sort not in province_board.SORTS or direction not in ("asc", "desc"):
        abort(400, description=_("Không sắp xếp được theo cột này."))
    return province_board.board(
        named, _today(), current_app.config["TIMEZONE"], sort, direction == "desc"
    )


def _sort_link(named: NamedPeriod, board: province_board.Board, column: str) -> str:
    """The column's header link: sorted by it, the other way round when it is already."""
    descending = not board.descending if board.sort == column else column != "name"
    return url_for(
        "province.dashboard",
        period=named.key,
        sort=column,
        dir="desc" if descending else "asc",
    )


@bp.get("/")
@roles_required(*PROVINCE_ROLES)
def dashboard():
    """Every commune side by side for a half-year window: reached, trained, against the
    targets, who is behind, the province's total; sortable by any column."""
    named = _chosen_period()
    board = _board(named)
    return render_template(
        "province/dashboard.html",
        board=board,
        named=named,
        label=_period_label(named),
        recent=periods.recent(_today()),
        sort_link=lambda column: _sort_link(named, board, column),
    )


@bp.get("/communes/<int:commune_id>")
@roles_required(*PROVINCE_ROLES)
def commune(commune_id: int):
    """One commune's own dashboard figures, unit by unit (read from the aggregate)."""
    unit = province_board.commune_unit(commune_id) or abort(404)
    named = _chosen_period()
    rows = province_board.commune_rows(named, current_app.config["TIMEZONE"], unit)
    return render_template(
        "province/commune.html",
        commune_unit=unit,
        rows=rows,
        named=named,
        label=_period_label(named),
        recent=periods.recent(_today()),
    )


@bp.get("/summary.xlsx")
@roles_required(*PROVINCE_ROLES)
def summary_xlsx():
    """The compiled province summary: a sheet per indicator, a row per commune."""
    named = _chosen_period()
    board = _board(named)
    audit_trail.record(
        "province_summary_exported", named.key, format="xlsx", communes=board.commune_ids()
    )
    body = exports.xlsx_bytes(summary_sheets(board, _period_label(named)))
    return download(body, XLSX, f"tong-hop-tinh-{named.key}.xlsx")


@bp.get("/summary.pdf")
@roles_required(*PROVINCE_ROLES)
def summary_pdf():
    """The same summary as the Sở's report to the province People's Committee."""
    named = _chosen_period()
    board = _board(named)
    audit_trail.record(
        "province_summary_exported", named.key, format="pdf", communes=board.commune_ids()
    )
    body = documents.province_summary_pdf(board, _today())
    return download(body, "application/pdf", f"bao-cao-tong-hop-tinh-{named.key}.pdf")
