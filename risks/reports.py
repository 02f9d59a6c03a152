"""The strategic risks a cabinet reads: each risk's inherent, current and target scores with
their bands, its history over quarters and direction of travel, and a heat map.

Computed once here (a fixed number of queries: the council's matrix with its levels and bands,
the risks, their quarterly assessments, and which themes each pertains to) and only displayed
by the dashboard. For a quarter, the current score is the one assessed in that quarter (or the
latest assessment before it); only a register with no assessments at all falls back to the
stored current score, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import risk as engine
from core.periods import Quarter
from core.risk import RiskScore
from plans.models import Council
from risks.models import (
    LIVE_STATUSES,
    Direction,
    RiskAssessment,
    RiskRegisterEntry,
    RiskStatus,
    assessed_direction,
    council_matrix,
)


@dataclass(frozen=True)
class RiskRow:
    """A risk with its scores parsed on the council's matrix.

    ``score`` (the current score) is None when the risk is unscored, its stored score is not
    on the matrix, or (RAG-only registers) only a RAG was assessed: ``problem`` then says why,
    so the page can show it instead of failing.
    """

    risk: RiskRegisterEntry
    score: RiskScore | None
    problem: str = ""
    inherent: RiskScore | None = None
    target: RiskScore | None = None
    #: The assessment the current score comes from (None: the stored current score).
    assessment: RiskAssessment | None = None
    #: The risk's assessments up to the quarter, oldest first.
    history: list[RiskAssessment] = field(default_factory=list)
    direction: str = ""

    @property
    def rag(self) -> str:
        return self.assessment.rag if self.assessment else ""

    @property
    def rag_label(self) -> str:
        return self.assessment.get_rag_display() if self.assessment else ""

    @property
    def rag_class(self) -> str:
        """GOV.UK tag colour of the RAG (its word is always shown too)."""
        return {"red": "govuk-tag--red", "amber": "govuk-tag--orange"}.get(
            self.rag, "govuk-tag--green"
        )

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label if self.direction else ""

    @property
    def as_assessed(self) -> str:
        """ "as assessed in Q2 2020/21" when the score is from an earlier quarter's assessment."""
        return self.assessment.period_label if self.assessment else ""


@dataclass(frozen=True)
class HeatCell:
    """One cell of the heat map: how many risks sit at this likelihood and impact."""

    likelihood: tuple[str, str]
    impact: tuple[str, str]
    count: int
    band: str  # the band's name ("high"), "" where the matrix has no band for the cell
    colour: str = ""
    above_appetite: bool = False
    #: The council's order of the axes (its notation): "impact 3, likelihood 4" where impact first.
    likelihood_first: bool = True

    @property
    def label(self) -> str:
        noun = "risk" if self.count == 1 else "risks"
        band = f", band {self.band}" if self.band else ""
        appetite = ", above the risk appetite" if self.above_appetite else ""
        likelihood = f"likelihood {self.likelihood[0]} ({self.likelihood[1]})"
        impact = f"impact {self.impact[0]} ({self.impact[1]})"
        first, second = (likelihood, impact) if self.likelihood_first else (impact, likelihood)
        return f"{self.count} {noun} at {first}, {second}{band}{appetite}"


@dataclass(frozen=True)
class HeatMap:
    """The council's matrix with its axes in the council's order (its notation's).

    Rows are the first axis, most likely / most severe first; columns the second, from least
    to most likely / severe. Most councils put likelihood first; some put impact first.
    """

    columns: list[tuple[str, str]]
    rows: list[tuple[tuple[str, str], list[HeatCell]]]
    unscored: int
    #: Scores published only as their product: banded, but not placed on the grid.
    off_grid: int = 0
    likelihood_first: bool = True

    @property
    def row_axis(self) -> str:
        return "Likelihood" if self.likelihood_first else "Impact"

    @property
    def column_axis(self) -> str:
        return "Impact" if self.likelihood_first else "Likelihood"

    @property
    def total(self) -> int:
        return sum(cell.count for _, cells in self.rows for cell in cells)


@dataclass(frozen=True)
class RiskReport:
    rows: list[RiskRow]
    heat_map: HeatMap
    #: Theme pk -> the open risks pertaining to that theme or priority, by reference.
    by_theme: dict[int, list[RiskRow]] = field(default_factory=dict)
    matrix: engine.Matrix | None = None
    quarter: Quarter | None = None
    #: True when the register has no quarterly assessments, so the stored scores are shown.
    stored_scores: bool = True

    @property
    def moved(self) -> list[RiskRow]:
        """Risks whose direction of travel is worsening or improving, worsening first
        (computed from the assessments, else the register's own judgement)."""
        order = {Direction.WORSENING: 0, Direction.IMPROVING: 1}
        moving = [row for row in self.rows if row.direction in order]
        return sorted(moving, key=lambda row: order[row.direction])

    @property
    def rag_only(self) -> bool:
        """Every risk is rated by a RAG alone (no score): there is nothing to map."""
        return bool(self.rows) and all(row.rag and row.score is None for row in self.rows)

    @property
    def bands(self) -> tuple[engine.Band, ...]:
        return self.matrix.bands if self.matrix else ()

    def for_theme(self, theme) -> list[RiskRow]:
        """The risks pertaining to a theme (none for measures without a theme)."""
        return self.by_theme.get(theme.pk, []) if theme is not None else []


def risk_report(council: Council, quarter: Quarter | None = None) -> RiskReport:
    """Live risks of ``council`` (open or proposed for removal) in natural reference order,
    with the scores as assessed in ``quarter`` (or the latest assessments), and a heat map."""
    matrix = council_matrix(council)
    risks = sorted(
        RiskRegisterEntry.objects.filter(council=council, status__in=LIVE_STATUSES).select_related(
            "council"
        ),
        key=lambda risk: risk.sort_key,
    )
    assessments: dict[int, list[RiskAssessment]] = {}
    register_has_assessments = False
    found = RiskAssessment.objects.filter(risk__council=council).order_by(
        "financial_year", "quarter"
    )
    live = {risk.pk for risk in risks}
    for assessment in found:
        register_has_assessments = True
        if quarter is not None and assessment.period > (quarter.year.start_year, quarter.number):
            continue
        if assessment.risk_id in live:
            assessments.setdefault(assessment.risk_id, []).append(assessment)
    rows = [
        _row(risk, matrix, assessments.get(risk.pk, []), register_has_assessments) for risk in risks
    ]
    return RiskReport(
        rows,
        _heat_map(matrix, rows),
        _by_theme(rows),
        matrix=matrix,
        quarter=quarter,
        stored_scores=not register_has_assessments,
    )


def _row(
    risk: RiskRegisterEntry,
    matrix: engine.Matrix,
    history: list[RiskAssessment],
    register_has_assessments: bool,
) -> RiskRow:
    risk.matrix = matrix
    inherent, target = risk.score("inherent_score"), risk.score("target_score")
    direction = assessed_direction(history, matrix) or risk.direction
    if register_has_assessments:
        latest = history[-1] if history else None
        if latest is None:
            problem = "Not assessed by then"
            return RiskRow(risk, None, problem, inherent, target, None, history, direction)
        score = latest.parsed(matrix)
        if score is None:
            problem = (
                f"{latest.score} (not on this council's matrix)"
                if latest.score
                else f"RAG {latest.get_rag_display()}"
            )
        else:
            problem = ""
        return RiskRow(risk, score, problem, inherent, target, latest, history, direction)
    if not risk.residual_score:
        return RiskRow(risk, None, "Not scored", inherent, target, None, [], direction)
    score = risk.residual  # None when the stored score is not on the council's matrix
    problem = "" if score else risk.score_text("residual_score")
    return RiskRow(risk, score, problem, inherent, target, None, [], direction)


def _heat_map(matrix: engine.Matrix, rows: list[RiskRow]) -> HeatMap:
    likelihood_first = matrix.likelihood_first
    likelihoods = [(lv.code, lv.words) for lv in matrix.likelihoods]  # most likely first
    impacts = [(lv.code, lv.words) for lv in matrix.impacts]  # most severe first
    row_levels, column_levels = (
        (likelihoods, impacts) if likelihood_first else (impacts, likelihoods)
    )
    columns = column_levels[::-1]  # least likely / severe on the left
    counts: dict[tuple[str, str], int] = {}
    off_grid = 0
    for row in rows:
        if row.score and row.score.on_grid:
            key = (row.score.likelihood, row.score.impact)
            counts[key] = counts.get(key, 0) + 1
        elif row.score:
            off_grid += 1
    grid = []
    for row_level in row_levels:
        cells = []
        for column_level in columns:
            likelihood, impact = (
                (row_level, column_level) if likelihood_first else (column_level, row_level)
            )
            score = matrix.score(likelihood[0], impact[0])
            band = score.band
            cells.append(
                HeatCell(
                    likelihood,
                    impact,
                    counts.get((likelihood[0], impact[0]), 0),
                    band.name if band else "",
                    band.colour if band else "",
                    bool(score.above_appetite),
                    likelihood_first,
                )
            )
        grid.append((row_level, cells))
    unscored = sum(1 for row in rows if row.score is None)
    return HeatMap(columns, grid, unscored, off_grid, likelihood_first)


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
        theme_rows.sort(key=lambda row: row.risk.sort_key)
    return grouped


__all__ = ["HeatCell", "HeatMap", "RiskReport", "RiskRow", "RiskStatus", "risk_report"]
