"""The half-year report to Sở KH&CN: computed figures frozen into a snapshot, then printed."""

import datetime as dt

from services.common import periods
from services.common.periods import Period
from services.reporting import indicators
from services.reporting.targets import applicable

DEFAULT_RECIPIENTS = "\n".join(
    [
        "- Sở Khoa học và Công nghệ tỉnh Lạng Sơn;",
        "- TT Đảng ủy, HĐND xã;",
        "- CT, các PCT UBND xã;",
        "- Các thôn, cơ quan, trường học trên địa bàn xã;",
        "- Lưu: VT, VHXH.",
    ]
)
PERIOD_TITLES = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}


def period_title(named: periods.NamedPeriod) -> str:
    """'6 tháng đầu năm 2026' for 2026-H1, 'năm 2026' for a whole year."""
    if "-H" in named.key:
        return f"{PERIOD_TITLES[int(named.key[-1])]} {named.key[:4]}"
    return f"năm {named.key}"


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def snapshot(named: periods.NamedPeriod, timezone: str, today: dt.date, activity_totals) -> dict:
    """Everything the report states, as plain data (JSON), computed now for the period."""
    period = Period(named.start, named.end, timezone)
    rows = indicators.flatten(indicators.figures(period, None))
    year_targets = applicable(named.end.year)
    progress = [indicators.target_progress(t, period, None, today) for t in year_targets]
    return {
        "period": {
            "key": named.key,
            "start": named.start.isoformat(),
            "end": named.end.isoformat(),
        },
        "units": [
            {
                "name": r.name,
                "kind": r.kind,
                "depth": r.depth,
                "population": r.population,
                "reached": r.reached,
                "reached_percent": _percent(r.reached_share),
                "trained": r.trained,
                "trained_percent": _percent(r.trained_share),
            }
            for r in rows
        ],
        "targets": [
            {
                "description": p.target.description,
                "indicator": p.target.indicator,
                "roles": list(p.target.roles or []),
                "year": p.target.year,
                "target_percent": p.target.target_percent,
                "numerator": p.numerator,
                "denominator": p.denominator,
                "actual_percent": _percent(p.actual),
                "status": p.status,
            }
            for p in progress
        ],
        "activities": [
            {"kind": kind, "count": count, "people_reached": people}
            for kind, (count, people) in sorted(activity_totals.items())
        ],
        "computed_at": today.isoformat(),
    }
