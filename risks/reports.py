"""The strategic risks a cabinet reads: each risk's residual score in words, and a heat map.

Computed once here (two queries: the risks, and which themes each pertains to) and only
displayed by the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.risk import RiskScore, impact_levels, likelihood_levels
from plans.models import Council
from risks.models import Direction, RiskRegisterEntry, RiskStatus


@dataclass(frozen=True)
class RiskRow:
    """A risk with its current residual score parsed on the council's matrix.

    ``score`` is None when the risk is unscored or its stored score is not on the matrix
    (``problem`` then says why, so the page can show it instead of failing).
    """

    risk: RiskRegisterEntry
    score: RiskScore | None
    problem: str = ""


@dataclass(frozen=True)
class HeatCell:
    """One cell of the heat map: how many risks sit at this likelihood and impact."""

    likelihood: tuple[str, str]
    impact: tuple[str, str]
    count: int
    band: str  # "high", "medium" or "low", from the cell's severity on the matrix

    @property
    def label(self) -> str:
        noun = "risk" if self.count == 1 else "risks"
        return (
            f"{self.count} {noun} at likelihood {self.likelihood[0]} ({self.likelihood[1]}), "
            f"impact {self.impact[0]} ({self.impact[1]})"
        )


@dataclass(frozen=True)
class HeatMap:
    """The council's matrix: rows most likely first, columns least to most severe impact."""

    impacts: list[tuple[str, str]]
    rows: list[tuple[tuple[str, str], list[HeatCell]]]
    unscored: int

    @property
    def total(self) -> int:
        return sum(cell.count for _, cells in self.rows for cell in cells)


@dataclass(frozen=True)
class RiskReport:
    rows: list[RiskRow]
    heat_map: HeatMap
    #: Theme pk -> the open risks pertaining to that theme or priority, by reference.
    by_theme: dict[int, list[RiskRow]] = field(default_factory=dict)

    @property
    def moved(self) -> list[RiskRow]:
        """Risks whose direction of travel is recorded as worsening or improving, worsening
        first (the register's own judgement; a stable or unrecorded direction did not move)."""
        order = {Direction.WORSENING: 0, Direction.IMPROVING: 1}
        moving = [row for row in self.rows if row.risk.direction in order]
        return sorted(moving, key=lambda row: order[row.risk.direction])

    def for_theme(self, theme) -> list[RiskRow]:
        """The risks pertaining to a theme (none for measures without a theme)."""
        return self.by_theme.get(theme.pk, []) if theme is not None else []


def _band(likelihood_rank: int, impact_rank: int, max_l: int, max_i: int) -> str:
    share = (likelihood_rank * impact_rank) / (max_l * max_i)
    if share >= 0.5:
        return "high"
    if share >= 0.25:
        return "medium"
    return "low"


def risk_report(council: Council) -> RiskReport:
    """Open risks of ``council`` by reference, with a heat map of their residual scores."""
    risks = list(
        RiskRegisterEntry.objects.filter(council=council, status=RiskStatus.OPEN)
        .select_related("council")
        .order_by("reference")
    )
    matrix = council.risk_matrix
    rows: list[RiskRow] = []
    for risk in risks:
        if not risk.residual_score:
            rows.append(RiskRow(risk, None, "Not scored"))
            continue
        score = risk.residual  # None when the stored score is not on the council's matrix
        rows.append(RiskRow(risk, score, "" if score else risk.score_text("residual_score")))

    likelihoods = likelihood_levels(matrix)
    impacts = list(reversed(impact_levels(matrix)))  # least severe on the left
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.score:
            key = (row.score.likelihood, row.score.impact)
            counts[key] = counts.get(key, 0) + 1
    max_l, max_i = len(likelihoods), len(impacts)
    grid = []
    for l_index, likelihood in enumerate(likelihoods):
        l_rank = max_l - l_index
        cells = [
            HeatCell(
                likelihood,
                impact,
                counts.get((likelihood[0], impact[0]), 0),
                _band(l_rank, i_index + 1, max_l, max_i),
            )
            for i_index, impact in enumerate(impacts)
        ]
        grid.append((likelihood, cells))
    unscored = sum(1 for row in rows if row.score is None)
    return RiskReport(rows, HeatMap(impacts, grid, unscored), _by_theme(rows))


def _by_theme(rows: list[RiskRow]) -> dict[int, list[RiskRow]]:
    """Group the rows by the themes their risks pertain to, in one query."""
    row_of = {row.risk.pk: row for row in rows}
    links = RiskRegisterEntry.themes.through.objects.filter(
        riskregisterentry_id__in=row_of
    ).values_list("theme_id", "riskregisterentry_id")
    grouped: dict[int, list[RiskRow]] = {}
    for theme_id, risk_id in links:
        grouped.setdefault(theme_id, []).append(row_of[risk_id])
    for theme_rows in grouped.values():
        theme_rows.sort(key=lambda row: row.risk.reference)
    return grouped
