"""Savings against target for the cabinet's quarterly view (one query), and the performance
team's commentary on a quarter (its summary and the themes' narratives)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

from core.periods import FinancialYear, Quarter
from core.savings import SavingsProgress
from plans.models import (
    Council,
    Plan,
    QuarterSummary,
    SavingsTarget,
    Theme,
    ThemeNarrative,
)


@dataclass(frozen=True)
class SavingsRow:
    """A savings line and its progress at the report date."""

    target: SavingsTarget
    progress: SavingsProgress


def savings_report(
    council: Council, today: date, year: FinancialYear | None = None
) -> list[SavingsRow]:
    """The council's savings lines with progress at ``today``.

    With ``year``, only the lines whose period includes that financial year.
    Identified or achieved amounts not reported stay unknown (None), never £0.
    """
    targets = SavingsTarget.objects.filter(council=council).select_related(
        "council", "plan", "theme"
    )
    if year is not None:
        targets = targets.filter(start_year__lte=year.start_year, end_year__gte=year.start_year)
    return [
        SavingsRow(target, target.progress(today))
        for target in targets.order_by("start_year", "title")
    ]


def council_plans(council: Council) -> list[Plan]:
    """The council's plans, newest first (one query)."""
    return list(Plan.objects.filter(council=council).order_by("-start_year", "title"))


@dataclass
class QuarterCommentary:
    """The performance team's words on a council's quarter: its summary and each theme's
    narrative (two queries, whatever the number of themes)."""

    summary: QuarterSummary | None = None
    narratives: dict[int, ThemeNarrative] = dataclass_field(default_factory=dict)

    def for_theme(self, theme: Theme | None) -> ThemeNarrative | None:
        return self.narratives.get(theme.pk) if theme is not None else None


def quarter_commentary(council: Council, quarter: Quarter) -> QuarterCommentary:
    year, number = quarter.year.start_year, quarter.number
    # Orders of their own: the models' would join the councils and themes.
    summary = (
        QuarterSummary.objects.filter(council=council)
        .for_quarter(year, number)
        .order_by("pk")
        .first()
    )
    narratives = (
        ThemeNarrative.objects.filter(theme__plan__council=council)
        .for_quarter(year, number)
        .order_by()
    )
    return QuarterCommentary(
        summary=summary, narratives={n.theme_id: n for n in narratives.exclude(text="")}
    )
