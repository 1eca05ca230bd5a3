"""The province office's board: every commune side by side for a named period, against its
targets (the province's defaults, a commune's own rows over them), with who is behind.

Figures come from the indicators' aggregate only (province.province_figures and
indicators.figures for a named period): a page never scans the attempts of the province.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from models import Target, Unit
from services.common.periods import NamedPeriod, Period
from services.org import access
from services.reporting import indicators
from services.reporting.province import CommuneFigures, province_figures

INDICATORS = ("reached", "trained")
# The columns a board may be sorted by.
SORTS = (
    "name",
    "population",
    "reached",
    "reached_share",
    "reached_target",
    "trained",
    "trained_share",
    "trained_target",
    "behind",
)
# Behind first when sorting by status, then on track, met, and the rows with nothing to measure.
STATUS_ORDER = {"behind": 0, "on_track": 1, "met": 2, "no_population": 3, "no_target": 4}
NO_TARGET = "no_target"


@dataclass(frozen=True)
class Measure:
    """One indicator of one commune: people, share of the population, target, status."""

    people: int
    share: float | None
    target: Target | None
    status: str  # met, on_track, behind, no_population, no_target
    # The target's pro-rata share for the part of the period gone: below it is behind.
    expected: float | None = None

    @property
    def target_percent(self) -> int | None:
        return self.target.target_percent if self.target is not None else None


@dataclass(frozen=True)
class BoardRow:
    unit_id: int
    name: str
    population: int
    reached: Measure
    trained: Measure

    @property
    def behind(self) -> bool:
        return "behind" in (self.reached.status, self.trained.status)

    def measure(self, indicator: str) -> Measure:
        return self.reached if indicator == "reached" else self.trained


@dataclass(frozen=True)
class Board:
    period: NamedPeriod
    elapsed: float  # share of the period gone on the day the board is read (0..1)
    rows: list[BoardRow]
    total: BoardRow
    sort: str
    descending: bool

    @property
    def behind_count(self) -> int:
        return sum(row.behind for row in self.rows)

    def commune_ids(self) -> list[int]:
        return sorted(row.unit_id for row in self.rows)


def period_elapsed(named: NamedPeriod, today: dt.date) -> float:
    """Share of the named period gone on `today` (0 before it starts, 1 once it has ended)."""
    if today < named.start:
        return 0.0
    if today >= named.end:
        return 1.0
    return ((today - named.start).days + 1) / ((named.end - named.start).days + 1)


def headline(targets: list[Target]) -> Target | None:
    """The target a commune's whole population is measured against: one for everyone (no
    roles), else the people of the villages', else the first."""
    if not targets:
        return None
    for wanted in (lambda t: not t.roles, lambda t: "villager" in (t.roles or [])):
        found = [t for t in targets if wanted(t)]
        if found:
            return found[0]
    return targets[0]


def commune_targets(year: int, commune_ids: list[int]) -> dict[int, dict[str, Target | None]]:
    """Each commune's headline target per indicator for `year`: the commune's own targets
    over the province's defaults (commune_id NULL) for the same indicator and roles; the
    latest year up to `year` that has any, as the commune dashboard does. Key 0: the
    province's defaults alone."""
    rows = list(
        db.session.scalars(
            select(Target)
            .where(Target.year <= year)
            .where(Target.commune_id.is_(None) | Target.commune_id.in_(commune_ids or [0]))
            .order_by(Target.indicator, Target.id)
        )
    )
    return {commune_id: _resolve(rows, commune_id) for commune_id in [0, *commune_ids]}


def _resolve(rows: list[Target], commune_id: int) -> dict[str, Target | None]:
    mine = [t for t in rows if t.commune_id in (None, commune_id)]
    chosen = max((t.year for t in mine), default=None)
    merged: dict[tuple, Target] = {}
    for target in (t for t in mine if t.year == chosen):
        key = (target.indicator, tuple(sorted(target.roles or [])))
        if key not in merged or target.commune_id is not None:
            merged[key] = target
    return {
        indicator: headline([t for t in merged.values() if t.indicator == indicator])
        for indicator in INDICATORS
    }


def _measure(people: int, population: int, target: Target | None, elapsed: float) -> Measure:
    share = indicators.share(people, population)
    if target is None:
        return Measure(people, share, None, NO_TARGET if share is not None else "no_population")
    state = indicators.status(share, target.target_percent, elapsed)
    return Measure(people, share, target, state, target.target_percent / 100 * elapsed)


def _sort_key(sort: str):
    def share_key(value: float | None):
        return (value is None, value or 0.0)

    keys = {
        "name": lambda r: (r.name.casefold(), r.unit_id),
        "population": lambda r: (r.population, r.name.casefold()),
        "reached": lambda r: (r.reached.people, r.name.casefold()),
        "reached_share": lambda r: (share_key(r.reached.share), r.name.casefold()),
        "reached_target": lambda r: (
            STATUS_ORDER[r.reached.status],
            share_key(r.reached.share),
            r.name.casefold(),
        ),
        "trained": lambda r: (r.trained.people, r.name.casefold()),
        "trained_share": lambda r: (share_key(r.trained.share), r.name.casefold()),
        "trained_target": lambda r: (
            STATUS_ORDER[r.trained.status],
            share_key(r.trained.share),
            r.name.casefold(),
        ),
        "behind": lambda r: (
            not r.behind,
            min(STATUS_ORDER[r.reached.status], STATUS_ORDER[r.trained.status]),
            r.name.casefold(),
        ),
    }
    return keys[sort]


def board(
    named: NamedPeriod,
    today: dt.date,
    timezone: str,
    sort: str = "name",
    descending: bool = False,
) -> Board:
    """Every commune of the province for a named period (from the aggregate), sorted.

    Raises ValueError for a sort column not in SORTS."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    figures = province_figures(Period(named.start, named.end, timezone))
    elapsed = period_elapsed(named, today)
    targets = commune_targets(named.end.year, [f.unit_id for f in figures])
    rows = [_row(f, targets[f.unit_id], elapsed) for f in figures]
    rows.sort(key=_sort_key(sort), reverse=descending)
    total = _total(figures, targets[0], elapsed)
    return Board(named, elapsed, rows, total, sort, descending)


def _row(figures: CommuneFigures, targets: dict, elapsed: float) -> BoardRow:
    return BoardRow(
        figures.unit_id,
        figures.name,
        figures.population,
        _measure(figures.reached, figures.population, targets["reached"], elapsed),
        _measure(figures.trained, figures.population, targets["trained"], elapsed),
    )


def _total(figures: list[CommuneFigures], defaults: dict, elapsed: float) -> BoardRow:
    """The province: the communes' sums, against the province's own defaults."""
    population = sum(f.population for f in figures)
    return BoardRow(
        0,
        "",
        population,
        _measure(sum(f.reached for f in figures), population, defaults["reached"], elapsed),
        _measure(sum(f.trained for f in figures), population, defaults["trained"], elapsed),
    )


def commune_unit(commune_id: int) -> Unit | None:
    """The commune's unit, or None when the id is not a commune's."""
    unit = db.session.get(Unit, commune_id)
    return unit if unit is not None and unit.kind == "commune" else None


def commune_rows(named: NamedPeriod, timezone: str, commune: Unit) -> list[indicators.UnitFigures]:
    """One commune's own dashboard: its units (depth-first) with reached and trained for a
    named period, from the aggregate."""
    visible = access.subtree_ids(commune)
    return indicators.flatten(indicators.figures(Period(named.start, named.end, timezone), visible))
