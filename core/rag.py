"""RAG status and trends of KPI values (Medway's key, "Performance: Quarter 3 2020/21").

| status | meaning                                   |
| ------ | ----------------------------------------- |
| Green  | met or exceeded target                    |
| Amber  | slightly below target (within 5%)         |
| Red    | significantly below target (more than 5%) |
| Data   | no target set (data-only measure)         |
| NA     | no value for the period                   |

"Below" follows the measure's polarity. The 5% is the relative shortfall
against the target, |actual − target| / |target|, and is a parameter.
All arithmetic is done in :class:`~decimal.Decimal`; ints, floats and numeric
strings are converted via ``Decimal(str(x))`` so 68.4 means exactly 68.4.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import models

__all__ = [
    "DEFAULT_TOLERANCE",
    "Number",
    "Polarity",
    "Rag",
    "Trend",
    "as_decimal",
    "long_trend",
    "rag_status",
    "short_trend",
    "shortfall",
    "worst_of",
]

#: Anything the helpers accept as a number.
type Number = Decimal | int | float | str

#: Default relative shortfall still counted as Amber (5%).
DEFAULT_TOLERANCE = Decimal("0.05")

RAG_DESCRIPTIONS: dict[str, str] = {
    "green": "met or exceeded target",
    "amber": "slightly below target (within 5%)",
    "red": "significantly below target (more than 5%)",
    "data": "no target set (data-only measure)",
    "na": "no value for the period",
}

TREND_ARROWS: dict[str, str] = {
    "IMP": "↑",
    "DET": "↓",
    "Static": "→",
    "NA": "–",
}


class Rag(models.TextChoices):
    """RAG status of a KPI value. Always show :attr:`label` next to the colour."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    DATA = "data", "Data"
    NA = "na", "NA"

    @property
    def description(self) -> str:
        """The key's wording, e.g. "met or exceeded target"."""
        return RAG_DESCRIPTIONS[self.value]

    @property
    def css_class(self) -> str:
        """BEM modifier for styling, e.g. "rag--green"."""
        return f"rag--{self.value}"


class Trend(models.TextChoices):
    """Direction of a KPI value against earlier values, in the measure's polarity."""

    IMP = "IMP", "Improved"
    DET = "DET", "Worsened"
    STATIC = "Static", "Static"
    NA = "NA", "Not available"

    @property
    def arrow(self) -> str:
        """ "↑" improved, "↓" worsened, "→" static, "–" not available."""
        return TREND_ARROWS[self.value]


class Polarity(models.TextChoices):
    """Whether a bigger value of a measure is better or worse."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


def as_decimal(value: Number | None) -> Decimal | None:
    """Convert ``value`` to ``Decimal`` via ``str`` (None stays None).

    Raises ``ValueError`` for booleans, non-numbers, NaN and infinities.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def _polarity(polarity: str) -> Polarity:
    try:
        return Polarity(polarity)
    except ValueError:
        raise ValueError(
            f"{polarity!r} is not a polarity (expected {Polarity.HIGHER.value!r} "
            f"or {Polarity.LOWER.value!r})"
        ) from None


def _absolute_shortfall(actual: Decimal, target: Decimal, polarity: str) -> Decimal:
    """How far ``actual`` is on the wrong side of ``target`` (negative if beyond it)."""
    if _polarity(polarity) is Polarity.HIGHER:
        return target - actual
    return actual - target


def rag_status(
    actual: Number | None,
    target: Number | None,
    polarity: str,
    tolerance: Number = DEFAULT_TOLERANCE,
    data_only: bool = False,
) -> Rag:
    """RAG status of one value against its target.

    No value → NA; a data-only measure or no target → Data; at or beyond the
    target → Green; short of a zero target → Red; otherwise Amber when the
    relative shortfall (shortfall / |target|) is at most ``tolerance``, else Red.
    """
    pol = _polarity(polarity)
    actual_d = as_decimal(actual)
    target_d = as_decimal(target)
    tolerance_d = as_decimal(tolerance)
    if tolerance_d is None or tolerance_d < 0:
        raise ValueError(f"tolerance must be a non-negative number, not {tolerance!r}")
    if actual_d is None:
        return Rag.NA
    if data_only or target_d is None:
        return Rag.DATA
    gap = _absolute_shortfall(actual_d, target_d, pol)
    if gap <= 0:
        return Rag.GREEN
    if target_d == 0:
        return Rag.RED
    if gap / abs(target_d) <= tolerance_d:
        return Rag.AMBER
    return Rag.RED


def shortfall(actual: Number | None, target: Number | None, polarity: str) -> Decimal | None:
    """Relative shortfall against the target, e.g. 68.4 vs 75 → 0.088.

    Positive when short of target, 0 on target, negative when beyond it
    (82.8 vs 75 → -0.104). None when either value is missing or the target is 0.
    """
    pol = _polarity(polarity)
    actual_d = as_decimal(actual)
    target_d = as_decimal(target)
    if actual_d is None or target_d is None or target_d == 0:
        return None
    return _absolute_shortfall(actual_d, target_d, pol) / abs(target_d)


def _compare(current: Decimal, reference: Decimal, polarity: Polarity) -> Trend:
    if current == reference:
        return Trend.STATIC
    better = current > reference if polarity is Polarity.HIGHER else current < reference
    return Trend.IMP if better else Trend.DET


def short_trend(current: Number | None, previous: Number | None, polarity: str) -> Trend:
    """Trend since the previous period ("since last qtr"); NA if either is missing."""
    pol = _polarity(polarity)
    current_d = as_decimal(current)
    previous_d = as_decimal(previous)
    if current_d is None or previous_d is None:
        return Trend.NA
    return _compare(current_d, previous_d, pol)


def long_trend(
    current: Number | None, previous_four: Sequence[Number | None], polarity: str
) -> Trend:
    """Trend against the average of the previous four quarters ("avg over last 4 qtrs").

    ``previous_four`` holds the values of the four quarters before the current
    one (any order; None for a missing quarter). NA when ``current`` is missing
    or fewer than four of those values are present. More than four values is a
    ``ValueError``.
    """
    pol = _polarity(polarity)
    if len(previous_four) > 4:
        raise ValueError(f"expected at most four previous values, got {len(previous_four)}")
    current_d = as_decimal(current)
    history = [d for d in (as_decimal(v) for v in previous_four) if d is not None]
    if current_d is None or len(history) < 4:
        return Trend.NA
    # Compare current with sum / 4 exactly by scaling current instead.
    return _compare(current_d * 4, sum(history, Decimal(0)), pol)


_SEVERITY_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.DATA)


def worst_of(statuses: Iterable[Rag | str]) -> Rag:
    """The worst status: Red, then Amber, then Green; else Data if any; else NA."""
    present = {Rag(s) for s in statuses}
    for status in _SEVERITY_ORDER:
        if status in present:
            return status
    return Rag.NA
