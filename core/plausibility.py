"""Plausibility checks on a quarter's figures: what a performance team looks at twice.

Pure functions over numbers; the status board (dashboard.collection) applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

#: How far beyond the range of its history a value may go before it is queried, in widths
#: of that range (3: a value three ranges above the highest or below the lowest).
JUMP_FACTOR = Decimal(3)


def percent_out_of_bounds(value: Decimal | None, *, unbounded: bool) -> bool:
    """A percentage below 0 or above 100, where the measure does not allow it."""
    return value is not None and not unbounded and not Decimal(0) <= value <= Decimal(100)


def jumps_beyond_history(
    value: Decimal | None, history: Sequence[Decimal], factor: Decimal = JUMP_FACTOR
) -> bool:
    """Whether ``value`` lies far outside the range of the measure's earlier values.

    The range is widened by ``factor`` times its width on each side; a flat history (one
    value, or all equal) is given a width of a tenth of its size (at least 1), so a steady
    series of 50s queries 70 but not 55.
    """
    if value is None or not history:
        return False
    low, high = min(history), max(history)
    width = high - low
    if width == 0:
        width = max(abs(high) / 10, Decimal(1))
    return value > high + factor * width or value < low - factor * width


def target_changed(target: Decimal | None, previous_target: Decimal | None) -> bool:
    """A target set in both quarters, and different."""
    return target is not None and previous_target is not None and target != previous_target
