"""How amounts read on every page and export: one place for money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_money(value: Decimal | int | float | str | None, empty: str = "–") -> str:
    """£5,000,000 for whole pounds, £1,234.50 otherwise, -£12 below zero; ``empty`` for none."""
    if value is None or value == "":
        return empty
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return empty
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
