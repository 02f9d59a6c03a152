"""How figures and statuses read on every page and export: numbers, money, coloured status
tags, and spreadsheet cells that cannot run as formulas."""

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
    "purple": "purple",
}


#: From this amount up, pennies mean nothing on a council's page: £904,110, not £904,109.59.
WHOLE_POUNDS_FROM = Decimal(1000)


def _decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _digits(number: Decimal) -> str:
    """The number as stored, without trailing zeros, with thousands separators: 1,234.5."""
    text = f"{abs(number):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"-{text}" if number < 0 and text != "0" else text


def format_money(value: Decimal | int | float | str | None, empty: str = "–") -> str:
    """£904,110 (whole pounds from £1,000), £2.35 below that, -£12 below zero; else ``empty``."""
    amount = _decimal(value)
    if amount is None:
        return empty
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    places = Decimal(1) if amount >= WHOLE_POUNDS_FROM else Decimal("0.01")
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount:,.2f}"


def format_measure(
    value: Decimal | int | float | str | None, unit: str = "", empty: str = "–"
) -> str:
    """A figure as every page writes it, whatever the page: the one rule for numbers.

    The stored precision without trailing zeros and with thousands separators, and the unit:
    "88%", "68.4%" ("percent"); "1,234" ("count" and others); "12 days", "1 day" ("days");
    money by :func:`format_money` ("pounds"). ``empty`` when there is no figure.
    """
    number = _decimal(value)
    if number is None:
        return empty
    if unit == "pounds":
        return format_money(number, empty)
    text = _digits(number)
    if unit == "percent":
        return f"{text}%"
    if unit == "days":
        return f"{text} day" if number == 1 else f"{text} days"
    return text


def colour_tag(word: str, colour: str, title: str = "", symbol: str = "") -> SafeString:
    """A status word in a coloured GOV.UK tag: the word is always there, the colour only helps.

    ``colour`` is a RAG value ("green", "amber", "red", "data", "na") or a palette colour
    (core.rag.Colour); ``symbol`` (a council scheme's "★") goes before the word, hidden from
    screen readers, which read the word. Every RAG cell, action status and progress flag on
    the site is drawn by this.
    """
    return format_html(
        '<strong{} class="govuk-tag govuk-tag--{} rag rag--{}">{}{}</strong>',
        format_html(' title="{}"', title) if title else "",
        TAG_COLOURS.get(colour, "grey"),
        colour,
        format_html('<span class="rag__symbol" aria-hidden="true">{}</span> ', symbol)
        if symbol
        else "",
        word,
    )


def state_tag(state: Any) -> SafeString:
    """A RAG state of a council's scheme (core.rag.State): its word, symbol and colour."""
    return colour_tag(state.label, state.colour, state.meaning, state.symbol)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Where a spreadsheet may start a new cell inside one exported value: the list separator of
#: the reader's locale ("," or ";"), a tab when pasted, a line break in a naive import.
CELL_SPLITS = re.compile(r"[,;\t\r\n]")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
#: A character without which no formula starts (in ASCII text, which NFKC leaves as it is).
_FORMULA_CHARACTER = re.compile(r"[=+\-@\t\r]")


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).

    Titles and commentary are typed by users; "=HYPERLINK(...)" must open as text, and so must
    a full-width "＝1+1" (which spreadsheets read as "=") and "a;=1+1", which Excel splits into
    two cells where ";" separates lists. A part that is a plain number ("-5") is no formula.
    """
    if not isinstance(value, str):
        return value
    if value.isascii() and _FORMULA_CHARACTER.search(value) is None:
        return value  # most text: nothing could start a formula (checked first, for speed)
    text = unicodedata.normalize("NFKC", value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + value
    for part in CELL_SPLITS.split(text):
        part = part.strip()
        if part.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(part):
            return "'" + value
    return value
