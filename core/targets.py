"""Baselines and multi-year targets: the target a measure's value is rated against.

Councils set targets per financial year as well as per period: an absolute figure ("75%
in 2021/22"), a change on the baseline each year ("+2% a year" from the 2019/20 baseline) or
"establish baseline" (the year the baseline is measured: no target). A period's own target,
when one is set, always stands; otherwise its year's target applies.

Rules chosen here (pure, no ORM; tested at their boundaries):

* A relative target improves on the baseline by ``percent`` each year, compounded, in the
  measure's direction: higher is better, 100 baseline, +2% → 102, then 104.04; lower is
  better, 100 baseline, +2% → 98, then 96.04. A negative ``percent`` allows a decline.
* In the baseline year itself the target is the baseline; before it there is none.
* A computed target is rounded half up to two decimal places (whole numbers for counts), and
  kept within the unit's bounds (a percentage 0-100 unless the measure allows more, never
  below 0 for counts, days and percentages).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

__all__ = [
    "TargetKind",
    "effective_target",
    "relative_target",
    "yearly_target",
]

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")
WHOLE = Decimal(1)


class TargetKind(models.TextChoices):
    """How a financial year's target is set."""

    ABSOLUTE = "absolute", "A figure"
    RELATIVE = "relative", "Change on the baseline each year (%)"
    ESTABLISH_BASELINE = "baseline", "Establish baseline (no target)"


def _round(value: Decimal, whole: bool) -> Decimal:
    return value.quantize(WHOLE if whole else CENTS, rounding=ROUND_HALF_UP)


def relative_target(
    baseline: Decimal,
    baseline_year: int,
    year: int,
    percent: Decimal,
    lower_is_better: bool = False,
    *,
    whole: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> Decimal | None:
    """The target of ``year`` improving on ``baseline`` by ``percent`` a year (compounded).

    None before the baseline year; the baseline itself in the baseline year. ``whole`` rounds
    to whole numbers (counts); ``minimum``/``maximum`` keep the result within the unit.
    """
    years = year - baseline_year
    if years < 0:
        return None
    step = percent / HUNDRED
    factor = (Decimal(1) - step) if lower_is_better else (Decimal(1) + step)
    if factor < 0:
        factor = Decimal(0)
    target = _round(baseline * factor**years, whole)
    if minimum is not None and target < minimum:
        target = minimum
    if maximum is not None and target > maximum:
        target = maximum
    return target


def yearly_target(
    kind: str,
    amount: Decimal | None,
    year: int,
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    lower_is_better: bool = False,
    *,
    whole: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> Decimal | None:
    """The target a year's target setting gives, or None (establish baseline, or a relative
    target without a baseline to work from)."""
    chosen = TargetKind(kind)
    if chosen is TargetKind.ESTABLISH_BASELINE or amount is None:
        return None
    if chosen is TargetKind.ABSOLUTE:
        return amount
    if baseline is None or baseline_year is None:
        return None
    return relative_target(
        baseline,
        baseline_year,
        year,
        amount,
        lower_is_better,
        whole=whole,
        minimum=minimum,
        maximum=maximum,
    )


def effective_target(own: Decimal | None, of_year: Decimal | None) -> Decimal | None:
    """A period's own target if set, else its year's."""
    return own if own is not None else of_year
