"""Progress of a savings line against its target.

Achieved ÷ target and identified ÷ target; a line is *at risk* when the share
achieved trails the share of its period (the financial years it covers) that
has passed at ``today``, by more than the council's allowed shortfall. An
identified or achieved amount may be unknown (None: the council has not reported
it); its ratio is then None, and a line whose achieved amount is unknown is not
judged at risk.

Councils set targets in pounds or as a percentage of a budget
(``percent_of_budget`` gives the pounds it means); a target is one-off (the
amount over the whole period) or recurring (the amount every year of the period,
so the period's target is that amount times its years). A line of extra income
is judged exactly like a saving: both are money the budget gains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.periods import FinancialYear, fraction_elapsed_between
from core.rag import Number, as_decimal

__all__ = [
    "DEFAULT_AT_RISK_SHORTFALL",
    "SavingsProgress",
    "percent_of_budget",
    "period_target",
    "savings_progress",
]

#: The shortfall against the amount expected by now that a line may have before it is at
#: risk, as a share of that amount (0.05 = 5% short). A council's own rule replaces it.
DEFAULT_AT_RISK_SHORTFALL = Decimal("0.05")

_PENNY = Decimal("0.01")


def _percent(ratio: Decimal | None) -> int | None:
    if ratio is None:
        return None
    return int((ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _amount(name: str, value: Number | None, required: bool = True) -> Decimal | None:
    result = as_decimal(value)
    if result is None and required:
        raise ValueError(f"{name} is required")
    return result


@dataclass
class SavingsProgress:
    """Target, identified and achieved amounts, with derived ratios.

    ``expected_by_now`` is the target scaled by the share of the period passed
    (to the penny); ``at_risk`` is whether achieved trails that share.
    """

    target: Decimal
    identified: Decimal | None
    achieved: Decimal | None
    expected_by_now: Decimal = field(default_factory=Decimal)
    at_risk: bool = False

    @property
    def achieved_ratio(self) -> Decimal | None:
        """Achieved ÷ target; None when the target is 0 or achieved is not reported."""
        if self.target == 0 or self.achieved is None:
            return None
        return self.achieved / self.target

    @property
    def identified_ratio(self) -> Decimal | None:
        """Identified ÷ target; None when the target is 0 or identified is not reported."""
        if self.target == 0 or self.identified is None:
            return None
        return self.identified / self.target

    @property
    def percent_achieved(self) -> int | None:
        """Achieved as a whole percentage of target (may exceed 100; None if unknown)."""
        return _percent(self.achieved_ratio)

    @property
    def percent_identified(self) -> int | None:
        """Identified as a whole percentage of target (None if unknown)."""
        return _percent(self.identified_ratio)

    @property
    def bar_achieved(self) -> int:
        """Width of the achieved bar, 0-100 (over-achievement is drawn full)."""
        return min(max(self.percent_achieved or 0, 0), 100)

    @property
    def bar_identified(self) -> int:
        """Width of the identified bar, 0-100."""
        return min(max(self.percent_identified or 0, 0), 100)


def percent_of_budget(percent: Number, budget: Number) -> Decimal:
    """The pounds a target of ``percent`` % of ``budget`` means, to the penny."""
    percent_d = _amount("percent", percent)
    budget_d = _amount("budget", budget)
    if percent_d < 0 or budget_d < 0:
        raise ValueError("a percentage and its budget cannot be negative")
    return (budget_d * percent_d / 100).quantize(_PENNY, rounding=ROUND_HALF_UP)


def period_target(amount: Number, year_count: int, recurring: bool) -> Decimal:
    """The target over the whole period: a recurring amount counts once per year."""
    if year_count < 1:
        raise ValueError("a savings line needs at least one financial year")
    amount_d = _amount("target", amount)
    return amount_d * year_count if recurring else amount_d


def savings_progress(
    target: Number,
    identified: Number | None,
    achieved: Number | None,
    years: Sequence[FinancialYear],
    today: date,
    *,
    recurring: bool = False,
    at_risk_shortfall: Number = 0,
) -> SavingsProgress:
    """Progress of a savings line over ``years`` at ``today``.

    The period runs from the start of the earliest year to the end of the
    latest. ``target`` is for the whole period, or for each year when
    ``recurring`` (identified and achieved are then totals over the period so far).
    At risk when achieved is below the amount expected by now (the share of the
    period passed, today counted as passed) by more than ``at_risk_shortfall`` of
    that amount (0 = any shortfall); never at risk with a zero target or an
    achieved amount that is not reported (None).
    """
    if not years:
        raise ValueError("a savings line needs at least one financial year")
    span = max(years).start_year - min(years).start_year + 1
    target_d = period_target(target, span, recurring)
    identified_d = _amount("identified", identified, required=False)
    achieved_d = _amount("achieved", achieved, required=False)
    shortfall = _amount("at-risk shortfall", at_risk_shortfall)
    if not 0 <= shortfall <= 1:
        raise ValueError("the at-risk shortfall is a share from 0 to 1")
    elapsed = fraction_elapsed_between(min(years).start, max(years).end, today)
    # Compared as ratios, not rounded pounds: a line a penny short of a zero
    # allowance is at risk, one exactly at the allowance is not.
    at_risk = (
        target_d != 0
        and achieved_d is not None
        and achieved_d / target_d < elapsed * (1 - shortfall)
    )
    return SavingsProgress(
        target=target_d,
        identified=identified_d,
        achieved=achieved_d,
        expected_by_now=(target_d * elapsed).quantize(_PENNY, rounding=ROUND_HALF_UP),
        at_risk=at_risk,
    )
