"""Savings against target for the cabinet's quarterly view (one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.periods import FinancialYear
from core.savings import SavingsProgress
from plans.models import Council, Plan, SavingsTarget


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
