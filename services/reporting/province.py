"""The province's dashboard: a row per commune (its whole subtree summed), for a period."""

from dataclasses import dataclass

from services.common.periods import Period
from services.reporting import indicators


@dataclass(frozen=True)
class CommuneFigures:
    unit_id: int
    name: str
    population: int
    reached: int
    trained: int

    @property
    def reached_share(self) -> float | None:
        return indicators.share(self.reached, self.population)

    @property
    def trained_share(self) -> float | None:
        return indicators.share(self.trained, self.population)


def province_figures(period: Period, visible: set[int] | None = None) -> list[CommuneFigures]:
    """Every commune's population, reached and trained people (with shares), by name: for a
    named half-year or year read from the indicators' aggregate (indicators.figures)."""
    rows = [
        CommuneFigures(node.unit_id, node.name, node.population, node.reached, node.trained)
        for node in indicators.flatten(indicators.figures(period, visible))
        if node.kind == "commune"
    ]
    return sorted(rows, key=lambda row: (row.name, row.unit_id))
