"""Units of measure and the values each can take: a % is 0-100, a count is never negative.

Pure rules, used wherever a value is entered: the quarterly return, the admin (through
``KpiValue.clean``) and anything else that writes a measure's actual or target.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class Unit(models.TextChoices):
    """What a measure counts; the label is how a value's unit reads ("%", "£")."""

    PERCENT = "percent", "%"
    COUNT = "count", "Count"
    POUNDS = "pounds", "£"
    DAYS = "days", "Days"
    RATIO = "ratio", "Ratio"
    OTHER = "other", "Other"

    @property
    def prefix(self) -> str:
        """What goes before an input for this unit ("£")."""
        return "£" if self is Unit.POUNDS else ""

    @property
    def suffix(self) -> str:
        """What goes after an input for this unit ("%", "days")."""
        return {Unit.PERCENT: "%", Unit.DAYS: "days"}.get(self, "")

    @property
    def description(self) -> str:
        """The unit in a sentence: "This measure is a percentage"."""
        return UNIT_DESCRIPTIONS[self.value]


UNIT_DESCRIPTIONS: dict[str, str] = {
    "percent": "a percentage",
    "count": "a count",
    "pounds": "an amount in pounds",
    "days": "a number of days",
    "ratio": "a ratio",
    "other": "a number",
}

PENCE = Decimal("0.01")


def strip_unit_symbol(text: str, unit: str) -> str:
    """``text`` without its unit's symbol ("88%" → "88" for a % measure, "£1200" → "1200").

    Raises ``ValueError`` when the symbol is another unit's: "£1,200" is not a percentage
    and "88%" is not an amount in pounds.
    """
    measure = Unit(unit)
    if "%" in text and measure is not Unit.PERCENT:
        raise ValueError(f"This measure is {measure.description}, not a percentage")
    if "£" in text and measure is not Unit.POUNDS:
        raise ValueError(f"This measure is {measure.description}, not an amount in pounds")
    return text.removesuffix("%").replace("£", "").strip()


def unit_error(unit: str, value: Decimal | None, percent_unbounded: bool = False) -> str:
    """Why ``value`` cannot be a value of a measure in ``unit``; "" when it can.

    A % is 0-100 (any number when the measure allows more: a % change, a "% of target"), a
    count a whole number of 0 or more, days 0 or more, pounds to the penny; ratios and other
    units take any number.
    """
    if value is None:
        return ""
    measure = Unit(unit)
    if measure is Unit.PERCENT and not percent_unbounded and not 0 <= value <= 100:
        return "Enter a percentage from 0 to 100"
    if measure is Unit.COUNT and (value < 0 or value != value.to_integral_value()):
        return "Enter a count as a whole number, 0 or more"
    if measure is Unit.DAYS and value < 0:
        return "Enter a number of days, 0 or more"
    if measure is Unit.POUNDS and value != value.quantize(PENCE):
        return "Enter an amount in pounds and pence, like 1,200.50"
    return ""
