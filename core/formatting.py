"""How amounts and statuses read on every page and export: money, and coloured status tags."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.html import format_html
from django.utils.safestring import SafeString

#: GOV.UK tag modifier for each RAG value or status colour (amber is GOV.UK's orange).
TAG_COLOURS = {
    "green": "green",
    "amber": "orange",
    "red": "red",
    "data": "blue",
    "blue": "blue",
    "na": "grey",
    "grey": "grey",
}


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


def colour_tag(word: str, colour: str, title: str = "") -> SafeString:
    """A status word in a coloured GOV.UK tag: the word is always there, the colour only helps.

    ``colour`` is a RAG value ("green", "amber", "red", "data", "na") or a status colour;
    every RAG cell, action status and progress flag on the site is drawn by this.
    """
    return format_html(
        '<strong{} class="govuk-tag govuk-tag--{} rag rag--{}">{}</strong>',
        format_html(' title="{}"', title) if title else "",
        TAG_COLOURS.get(colour, "grey"),
        colour,
        word,
    )
