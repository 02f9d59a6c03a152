"""How amounts and statuses read on every page and export: money, coloured status tags, and
spreadsheet cells that cannot run as formulas."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Where a spreadsheet may start a new cell inside one exported value: the list separator of
#: the reader's locale ("," or ";"), a tab when pasted, a line break in a naive import.
CELL_SPLITS = re.compile(r"[,;\t\r\n]")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).

    Titles and commentary are typed by users; "=HYPERLINK(...)" must open as text, and so must
    a full-width "＝1+1" (which spreadsheets read as "=") and "a;=1+1", which Excel splits into
    two cells where ";" separates lists. A part that is a plain number ("-5") is no formula.
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + value
    for part in CELL_SPLITS.split(text):
        part = part.strip()
        if part.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(part):
            return "'" + value
    return value
