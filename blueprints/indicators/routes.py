"""Dashboard view: a period, the unit tree's figures, targets and server-rendered charts."""

import datetime as dt

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import audit_trail
from blueprints.common.dates import range_from_args
from blueprints.common.downloads import download
from blueprints.common.guards import roles_required
from blueprints.indicators import bp
from blueprints.indicators.sheets import XLSX, dashboard_sheets
from models.base import utcnow
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import local_date, table_date
from services.common.vocabulary import period_name
from services.org import access
from services.render import charts, exports
from services.reporting import anomalies, funnel, indicators, science, targets


def _chosen_period(today: dt.date) -> tuple[Period, str]:
    """?period=2026-H1|2026, or ?from=&to=, or the current half-year window."""
    tz = current_app.config["TIMEZONE"]
    chosen = range_from_args()
    if chosen is not None:
        start, end = chosen.start, chosen.end
        label = f"{table_date(start) if start else '…'} – {table_date(end) if end else '…'}"
        return chosen, label
    key = request.args.get("period", "")
    named = periods.parse(key) if key else periods.containing(today)
    if named is None:
        abort(400, description=_("Kỳ báo cáo không hợp lệ (ví dụ 2026-H1, 2026-H2 hoặc 2026)."))
    label = f"{period_name(named.key)}: {table_date(named.start)} – {table_date(named.end)}"
    return Period(named.start, named.end, tz), label


@bp.get("/")
@roles_required("admin", "officer")
def dashboard():
    """Reached and trained per unit and rolled up, against the plan's targets."""
    data = _dashboard_data()
    villages = [r for r in data["rows"] if r.kind == "village"]
    village_chart = charts.progress_bars(
        [(r.name, r.reached_share, data["reached_target"].get("villager")) for r in villages]
    )
    timeline_chart = charts.column_chart([(w.strftime("%d/%m"), n) for w, n in data["weekly"]])
    poster_ids = funnel.posters_in_units(data["visible"])
    funnel_chart = charts.funnel(funnel.funnel_for(poster_ids, period=data["period"]).steps())
    published, total_tasks = science.published_share()  # cancelled tasks excluded
    today = data["today"]
    return render_template(
        "indicators/dashboard.html",
        published_tasks=published,
        total_tasks=total_tasks,
        kind_roles=indicators.KIND_ROLES,
        recent=periods.recent(today),
        village_chart=village_chart,
        timeline_chart=timeline_chart,
        funnel_chart=funnel_chart,
        args=request.args,
        unusual=anomalies.unusual_units(today, current_app.config["TIMEZONE"], data["visible"]),
        anomaly_rule=anomalies.RULE,
        **{k: data[k] for k in ("rows", "progress", "unit_status", "reached_target", "label")},
    )


@bp.get("/export.xlsx")
@roles_required("admin", "officer")
def export():
    """The dashboard's tables as a workbook: targets, units, people per week."""
    data = _dashboard_data()
    sheets = dashboard_sheets(data)
    audit_trail.record("dashboard_exported", data["label"], format="xlsx")
    return download(exports.xlsx_bytes(sheets), XLSX, "chi-tieu-ke-hoach.xlsx")


def _dashboard_data() -> dict:
    today = local_date(utcnow(), current_app.config["TIMEZONE"])
    period, label = _chosen_period(today)
    visible = access.visible_unit_ids(current_user)
    rows = indicators.flatten(indicators.figures(period, visible))
    year = (period.end or today).year
    year_targets = targets.applicable(year)
    reached_target = {
        role: t.target_percent
        for t in year_targets
        if t.indicator == "reached"
        for role in (t.roles or [])
    }
    elapsed = indicators.year_elapsed(year, today)
    return {
        "today": today,
        "period": period,
        "label": label,
        "visible": visible,
        "rows": rows,
        "progress": [indicators.target_progress(t, period, visible, today) for t in year_targets],
        "reached_target": reached_target,
        "unit_status": {
            row.unit_id: indicators.status(
                row.reached_share, reached_target[indicators.KIND_ROLES[row.kind]], elapsed
            )
            for row in rows
            if indicators.KIND_ROLES.get(row.kind) in reached_target
        },
        "weekly": indicators.weekly_series(period, visible, today),
    }
