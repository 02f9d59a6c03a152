"""Formatting helpers for the dashboard: money, percentages, measures and status badges.

Only presentation lives here. RAG statuses and trends arrive already computed (core.rag via
the reports in the domain apps); these tags only draw them, always with their word.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.formatting import colour_tag, format_money
from core.rag import Rag, Trend

register = template.Library()

_PUBLISHED_MARK = mark_safe(  # a constant: nothing from the data goes into it
    '<sup class="app-published" title="as published">*'
    '<span class="govuk-visually-hidden"> as published</span></sup>'
)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@register.filter
def money(value) -> str:
    """£5,000,000 for whole pounds, £1,234.50 otherwise; an en dash for nothing."""
    return format_money(value)


@register.filter
def percent(value) -> str:
    """A whole percentage: 80 → "80%"."""
    number = _decimal(value)
    if number is None:
        return "–"
    return f"{number.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _trim(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def measure(value, unit: str = "") -> str:
    """A measured value as reports print it: percentages to one place ("88.0%")."""
    number = _decimal(value)
    if number is None:
        return "–"
    if unit == "percent":
        return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    if unit == "pounds":
        return money(number)
    text = _trim(number)
    whole, _, fraction = text.partition(".")
    text = intcomma(int(whole)) + (f".{fraction}" if fraction else "")
    return f"{text} days" if unit == "days" else text


@register.filter
def target_measure(value, unit: str = "") -> str:
    """A target without trailing zeros ("75%", "80.5%")."""
    number = _decimal(value)
    if number is None:
        return "–"
    if unit == "percent":
        return f"{_trim(number)}%"
    return measure(number, unit)


@register.simple_tag
def rag_tag(status: Rag | str) -> SafeString:
    """A coloured badge that always carries its word ("Red")."""
    rag = Rag(status)
    return colour_tag(rag.label, rag.value, rag.description)


@register.simple_tag
def trend_tag(result) -> SafeString:
    """An arrow and the report's word (IMP/DET/Static/NA), marked when taken as published."""
    trend = Trend(result.trend)
    word = "NA" if trend is Trend.NA else trend.value
    reported = getattr(result, "reported", False)
    return format_html(
        '<span class="app-trend app-trend--{}"><span class="app-trend__arrow" aria-hidden="true">'
        '{}</span> <abbr title="{}">{}</abbr>{}</span>',
        trend.value.lower(),
        trend.arrow,
        trend.label,
        word,
        _PUBLISHED_MARK if reported else "",
    )


@register.simple_tag
def action_status_tag(status) -> SafeString:
    """An action's status as a coloured badge with its label ("Off track")."""
    from actions.models import ActionStatus

    action_status = ActionStatus(status)
    return colour_tag(action_status.label, action_status.colour)
