"""The value axis of a chart: where it starts and ends, and its round-number ticks.

A truncated axis makes a small change look dramatic (68% against 89% drawn as bottom and top
of the chart), so percentages and everything else whose values come near zero start at 0;
only values bunched far from zero (950 to 1,000 days) get an axis that starts near them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

#: Values whose lowest is above this share of their highest are "far from 0".
FAR_FROM_ZERO = Decimal("0.8")
#: About this many intervals between ticks.
TICK_INTERVALS = 4


@dataclass(frozen=True)
class Axis:
    """A value axis from ``low`` to ``high`` with ticks at round numbers (both ends included)."""

    low: Decimal
    high: Decimal
    ticks: tuple[Decimal, ...]

    def share(self, value: Decimal) -> float:
        """Where ``value`` sits on the axis: 0.0 at ``low``, 1.0 at ``high``."""
        return float((value - self.low) / (self.high - self.low))


def _nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about TICK_INTERVALS ticks."""
    rough = span / TICK_INTERVALS
    power = Decimal(10) ** rough.adjusted()
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= rough:
            return power * factor
    return power * 10  # pragma: no cover - the loop always returns


def _round(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    return (value / step).to_integral_value(rounding=rounding) * step


def value_axis(values: Sequence[Decimal], percent: bool = False) -> Axis:
    """The axis for ``values`` (not empty): from 0 unless they are all far from 0.

    Percentages always start at 0 when none is negative.
    """
    low, high = min(values), max(values)
    from_zero = low >= 0 and (percent or low == high or low <= high * FAR_FROM_ZERO)
    if from_zero:
        low = Decimal(0)
    if high == low:
        high = low + (abs(low) or 1)
    step = _nice_step(high - low)
    bottom = Decimal(0) if from_zero else _round(low, step, ROUND_FLOOR)
    top = _round(high, step, ROUND_CEILING)
    count = int((top - bottom) / step)
    ticks = tuple(bottom + step * i for i in range(count + 1))
    return Axis(bottom, top, ticks)
