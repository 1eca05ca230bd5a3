"""Dashboard view: a period, the unit tree's figures, targets and server-rendered charts."""

import datetime as dt

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common.dates import range_from_args
from blueprints.common.guards import roles_required
from blueprints.indicators import bp
from models.base import utcnow
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import local_date, table_date
from services.org import access
from services.render import charts
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
    label = f"{named.key}: {table_date(named.start)} – {table_date(named.end)}"
    return Period(named.start, named.end, tz), label


@bp.get("/")
@roles_required("admin", "officer")
def dashboard():
    """Reached and trained per unit and rolled up, against the plan's targets."""
    today = local_date(utcnow(), current_app.config["TIMEZONE"])
    period, label = _chosen_period(today)
    visible = access.visible_unit_ids(current_user)
    rows = indicators.flatten(indicators.figures(period, visible))
    year = (period.end or today).year
    year_targets = targets.applicable(year)
    progress = [indicators.target_progress(t, period, visible, today) for t in year_targets]
    reached_target = {
        role: t.target_percent
        for t in year_targets
        if t.indicator == "reached"
        for role in (t.roles or [])
    }
    elapsed = indicators.year_elapsed(year, today)
    unit_status = {
        row.unit_id: indicators.status(
            row.reached_share, reached_target[indicators.KIND_ROLES[row.kind]], elapsed
        )
        for row in rows
        if indicators.KIND_ROLES.get(row.kind) in reached_target
    }
    villages = [r for r in rows if r.kind == "village"]
    village_chart = charts.progress_bars(
        [(r.name, r.reached_share, reached_target.get("villager")) for r in villages]
    )
    weekly = indicators.timeline(period, visible)
    timeline_chart = charts.column_chart([(w.strftime("%d/%m"), n) for w, n in weekly])
    poster_ids = funnel.posters_in_units(visible)
    funnel_chart = charts.funnel(funnel.funnel_for(poster_ids, period=period).steps())
    published, total_tasks = science.published_share()  # cancelled tasks excluded
    return render_template(
        "indicators/dashboard.html",
        published_tasks=published,
        total_tasks=total_tasks,
        rows=rows,
        progress=progress,
        unit_status=unit_status,
        reached_target=reached_target,
        kind_roles=indicators.KIND_ROLES,
        label=label,
        recent=periods.recent(today),
        village_chart=village_chart,
        timeline_chart=timeline_chart,
        funnel_chart=funnel_chart,
        args=request.args,
        unusual=anomalies.unusual_units(today, current_app.config["TIMEZONE"], visible),
        anomaly_rule=anomalies.RULE,
    )
