"""The half-year report to Sở KH&CN: computed figures frozen into a snapshot, then printed."""

import datetime as dt
from dataclasses import dataclass

from extensions import db
from models import HalfYearReport, Unit
from models.base import utcnow
from services.common import periods
from services.common.errors import InvalidInput
from services.common.periods import Period
from services.common.text import clean_line
from services.reporting import activities, indicators
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


@dataclass(frozen=True)
class ReportEdits:
    """What the office writes in a report (the figures are computed, not written)."""

    number: str
    report_date: dt.date
    results_text: str
    difficulties: str
    proposals: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: str


def report_period(period_key: str) -> periods.NamedPeriod:
    """The period a report is for; InvalidInput on period_key for an unknown one."""
    named = periods.parse(period_key or "")
    if named is None:
        raise InvalidInput.of("period_key", "unknown_period")
    return named


def compute(named: periods.NamedPeriod, timezone: str, today: dt.date) -> dict:
    """The report's figures for the whole commune, computed now (see snapshot)."""
    unit_ids = [uid for (uid,) in db.session.query(Unit.id)]
    totals = activities.totals_by_kind(unit_ids, named.start, named.end)
    return snapshot(named, timezone, today, totals)


def apply_edits(report: HalfYearReport, edits: ReportEdits) -> None:
    """Write the office's text into the report, tidied (one-line fields on one line)."""
    report.number = clean_line(edits.number)
    report.report_date = edits.report_date
    report.results_text = edits.results_text.strip()
    report.difficulties = edits.difficulties.strip()
    report.proposals = edits.proposals.strip()
    report.signer_authority = edits.signer_authority
    report.signer_title = edits.signer_title
    report.signer_name = clean_line(edits.signer_name)
    report.recipients = edits.recipients.strip()
    report.updated_at = utcnow()


def create_report(
    named: periods.NamedPeriod,
    edits: ReportEdits,
    created_by_id: int,
    timezone: str,
    today: dt.date,
) -> HalfYearReport:
    """A new saved report for the period, its figures frozen as of today."""
    report = HalfYearReport(
        period_key=named.key,
        period_start=named.start,
        period_end=named.end,
        snapshot=compute(named, timezone, today),
        created_by_id=created_by_id,
    )
    apply_edits(report, edits)
    db.session.add(report)
    db.session.flush()
    return report


def update_report(
    report: HalfYearReport, edits: ReportEdits, refresh: bool, timezone: str, today: dt.date
) -> None:
    """Apply the office's edits; recompute the frozen figures only when asked to."""
    apply_edits(report, edits)
    if refresh:
        report.snapshot = compute(periods.parse(report.period_key), timezone, today)


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
