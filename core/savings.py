"""Progress of a savings line against its target.

Achieved ÷ target and identified ÷ target; a line is *at risk* when the share
achieved trails the share of its period (the financial years it covers) that
has passed at ``today``. An identified or achieved amount may be unknown (None:
the council has not reported it); its ratio is then None, and a line whose
achieved amount is unknown is not judged at risk.
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


def savings_progress(
    target: Number,
    identified: Number | None,
    achieved: Number | None,
    years: Sequence[FinancialYear],
    today: date,
) -> SavingsProgress:
    """Progress of a savings line over ``years`` at ``today``.

    The period runs from the start of the earliest year to the end of the
    latest. At risk when achieved ÷ target is less than the share of that
    period passed (today counted as passed); never at risk with a zero target or an
    achieved amount that is not reported (None).
    """
    if not years:
        raise ValueError("a savings line needs at least one financial year")
    target_d = _amount("target", target)
    identified_d = _amount("identified", identified, required=False)
    achieved_d = _amount("achieved", achieved, required=False)
    elapsed = fraction_elapsed_between(min(years).start, max(years).end, today)
    at_risk = target_d != 0 and achieved_d is not None and achieved_d / target_d < elapsed
    return SavingsProgress(
        target=target_d,
        identified=identified_d,
        achieved=achieved_d,
        expected_by_now=(target_d * elapsed).quantize(_PENNY, rounding=ROUND_HALF_UP),
        at_risk=at_risk,
    )
