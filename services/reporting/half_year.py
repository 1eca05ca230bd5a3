"""The half-year report to Sở KH&CN: computed figures frozen into a snapshot, then printed."""

import datetime as dt
from dataclasses import dataclass

from extensions import db
from models import HalfYearReport, Unit
from models.base import utcnow
from services.common import periods, vocabulary
from services.common.errors import InvalidInput, collect
from services.common.periods import Period
from services.common.text import clean_line
from services.common.vietnamese import table_date
from services.reporting import activities, evidence, indicators
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
# The signature block by who signs (Nghị định 30/2020/NĐ-CP: a People's Committee works
# collectively, so its chairman signs on its behalf, "TM.", and a deputy signs for the
# chairman, "KT."). The signer's name follows after the space for the signature and seal.
SIGNATURES = {
    "chairman": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "deputy": ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
}
# Reports are due on 5 June and 5 December, the last day of their period: a report may be
# dated from the first day of its period to REPORT_GRACE_DAYS after the last (a late report).
REPORT_GRACE_DAYS = 60


class ReportExists(Exception):
    """The period already has a report: the office edits that one instead of a second."""

    def __init__(self, report: HalfYearReport):
        super().__init__(report.period_key)
        self.report = report


@dataclass(frozen=True)
class ReportEdits:
    """What the office writes in a report (the figures are computed, not written)."""

    number: str
    report_date: dt.date
    results_text: str
    difficulties: str
    proposals: str
    signer_capacity: str
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
    proofs = evidence.tally_by_kind(unit_ids, named.start, named.end)
    return snapshot(named, timezone, today, totals, proofs)


def report_dates(named: periods.NamedPeriod) -> tuple[dt.date, dt.date]:
    """The first and last day a report for the period may carry."""
    return named.start, named.end + dt.timedelta(days=REPORT_GRACE_DAYS)


def check_edits(named: periods.NamedPeriod, edits: ReportEdits) -> None:
    """InvalidInput for a report date outside the period (and its grace) or an unknown
    signer capacity."""
    first, last = report_dates(named)
    collect(
        {
            "report_date": None if first <= edits.report_date <= last else "outside_period",
            "signer_capacity": None if edits.signer_capacity in SIGNATURES else "unknown",
        },
        first=table_date(first),
        last=table_date(last),
    )


def existing_report(named: periods.NamedPeriod) -> HalfYearReport | None:
    """The period's report, if it has one (the first saved)."""
    return HalfYearReport.query.filter_by(period_key=named.key).order_by(HalfYearReport.id).first()


def signature_lines(report: HalfYearReport) -> tuple[str, ...]:
    """The lines above the signature: TM. ỦY BAN NHÂN DÂN, then the signer's capacity."""
    return SIGNATURES.get(report.signer_capacity, SIGNATURES["chairman"])


def apply_edits(report: HalfYearReport, edits: ReportEdits) -> None:
    """Write the office's text into the report, tidied (one-line fields on one line)."""
    check_edits(periods.parse(report.period_key), edits)
    lines = SIGNATURES[edits.signer_capacity]
    report.number = clean_line(edits.number)
    report.report_date = edits.report_date
    report.results_text = (edits.results_text or "").strip()
    report.difficulties = (edits.difficulties or "").strip()
    report.proposals = (edits.proposals or "").strip()
    report.signer_capacity = edits.signer_capacity
    report.signer_authority = lines[0]
    report.signer_title = lines[-1]
    report.signer_name = clean_line(edits.signer_name)
    report.recipients = (edits.recipients or "").strip()
    report.updated_at = utcnow()


def create_report(
    named: periods.NamedPeriod,
    edits: ReportEdits,
    created_by_id: int,
    timezone: str,
    today: dt.date,
) -> HalfYearReport:
    """A new saved report for the period, its figures frozen as of today (InvalidInput for
    bad edits, ReportExists when the period has one)."""
    check_edits(named, edits)
    found = existing_report(named)
    if found is not None:
        raise ReportExists(found)
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
    """'6 tháng đầu năm 2026' for 2026-H1, 'năm 2026' for a whole year (in a title's
    running text)."""
    name = vocabulary.vietnamese_period_name(named.key)
    return name if "-H" in named.key else name[:1].lower() + name[1:]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def snapshot(
    named: periods.NamedPeriod,
    timezone: str,
    today: dt.date,
    activity_totals,
    evidence_tallies: dict[str, evidence.Tally] | None = None,
) -> dict:
    """Everything the report states, as plain data (JSON), computed now for the period; each
    kind of activity with its photos and minutes counted (snapshots saved before evidence
    existed have no such counts)."""
    tallies = evidence_tallies or {}
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
            {
                "kind": kind,
                "count": count,
                "people_reached": people,
                "photos": tallies.get(kind, evidence.Tally()).photos,
                "minutes": tallies.get(kind, evidence.Tally()).minutes,
            }
            for kind, (count, people) in sorted(activity_totals.items())
        ],
        "computed_at": today.isoformat(),
    }
