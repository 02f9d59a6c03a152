"""Progress of a savings line against its target.

Achieved ÷ target and identified ÷ target; a line is *at risk* when the share
achieved trails the share of its period (the financial years it covers) that
has passed at ``today``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.periods import FinancialYear, fraction_elapsed_between
from core.rag import Number, as_decimal

__all__ = ["SavingsProgress", "savings_progress"]

_PENNY = Decimal("0.01")


def _percent(ratio: Decimal | None) -> int:
    if ratio is None:
        return 0
    return int((ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _amount(name: str, value: Number) -> Decimal:
    result = as_decimal(value)
    if result is None:
        raise ValueError(f"{name} is required")
    return result


@dataclass
class SavingsProgress:
    """Target, identified and achieved amounts, with derived ratios.

    ``expected_by_now`` is the target scaled by the share of the period passed
    (to the penny); ``at_risk`` is whether achieved trails that share.
    """

    target: Decimal
    identified: Decimal
    achieved: Decimal
    expected_by_now: Decimal = field(default_factory=Decimal)
    at_risk: bool = False

    @property
    def achieved_ratio(self) -> Decimal | None:
        """Achieved ÷ target; None when the target is 0."""
        return None if self.target == 0 else self.achieved / self.target

    @property
    def identified_ratio(self) -> Decimal | None:
        """Identified ÷ target; None when the target is 0."""
        return None if self.target == 0 else self.identified / self.target

    @property
    def percent_achieved(self) -> int:
        """Achieved as a whole percentage of target (may exceed 100; 0 when target is 0)."""
        return _percent(self.achieved_ratio)

    @property
    def percent_identified(self) -> int:
        """Identified as a whole percentage of target (0 when target is 0)."""
        return _percent(self.identified_ratio)


def savings_progress(
    target: Number,
    identified: Number,
    achieved: Number,
    years: Sequence[FinancialYear],
    today: date,
) -> SavingsProgress:
    """Progress of a savings line over ``years`` at ``today``.

    The period runs from the start of the earliest year to the end of the
    latest. At risk when achieved ÷ target is less than the share of that
    period passed (today counted as passed); never at risk with a zero target.
    """
    if not years:
        raise ValueError("a savings line needs at least one financial year")
    target_d = _amount("target", target)
    identified_d = _amount("identified", identified)
    achieved_d = _amount("achieved", achieved)
    elapsed = fraction_elapsed_between(min(years).start, max(years).end, today)
    at_risk = target_d != 0 and achieved_d / target_d < elapsed
    return SavingsProgress(
        target=target_d,
        identified=identified_d,
        achieved=achieved_d,
        expected_by_now=(target_d * elapsed).quantize(_PENNY, rounding=ROUND_HALF_UP),
        at_risk=at_risk,
    )
