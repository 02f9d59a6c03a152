"""Template helpers for figures and status badges, on every page (not only the dashboard).

Only presentation lives here. RAG statuses and trends arrive already computed (core.rag via
the reports in the domain apps); these tags only draw them, always with their word.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.formatting import colour_tag, format_measure, format_money, state_tag
from core.rag import Rag, Scheme, Trend, medway

register = template.Library()

_PUBLISHED_MARK = mark_safe(  # a constant: nothing from the data goes into it
    '<sup class="app-published" title="as published">*'
    '<span class="govuk-visually-hidden"> as published</span></sup>'
)


@register.filter
def money(value) -> str:
    """An amount by the site's one rule (core.formatting.format_money): "£904,110"."""
    return format_money(value)


@register.filter
def measure(value, unit: str = "") -> str:
    """A figure by the site's one rule (core.formatting.format_measure): "88%", "12 days"."""
    return format_measure(value, unit)


def scheme_of(context) -> Scheme:
    """The council's RAG scheme the view put in the context (Medway's if none)."""
    return context.get("rag_scheme") or medway()


@register.simple_tag(takes_context=True)
def rag_tag(context, status: Rag | str | None) -> SafeString:
    """A status as the council's scheme draws it: a coloured badge that always carries its
    word ("Red", "On track") and the scheme's symbol; "–" for no status at all."""
    if status is None:
        return format_html('<span class="govuk-hint">–</span>')
    return state_tag(scheme_of(context).state(status))


@register.simple_tag(takes_context=True)
def rag_colour(context, status: Rag | str) -> str:
    """The palette colour of a status in the council's scheme (for a cell's class)."""
    return scheme_of(context).state(status).colour


@register.simple_tag
def trend_tag(result) -> SafeString:
    """An arrow and the report's word (IMP/DET/Static/NA), marked when taken as published."""
    trend = Trend(result.trend)
    word = "NA" if trend is Trend.NA else trend.value
    reported = getattr(result, "reported", False)
    return format_html(
        '<span class="t t-{}"><i aria-hidden="true">{}</i> <abbr title="{}">{}</abbr>{}</span>',
        trend.value.lower(),
        trend.arrow,
        trend.label,
        word,
        _PUBLISHED_MARK if reported else "",
    )


@register.simple_tag
def action_status_tag(action_or_status, stage_and_rag: bool | None = None) -> SafeString:
    """An action's (or update's) status as a coloured badge with its label ("Off track");
    where its council reports stage and RAG apart, a badge for each.

    ``stage_and_rag`` defaults to the action's council's setting (an action given).
    """
    from actions.models import Action, ActionStatus
    from actions.tables import state_tags

    if stage_and_rag is None:
        stage_and_rag = (
            isinstance(action_or_status, Action) and action_or_status.reports_stage_and_rag
        )
    if stage_and_rag and hasattr(action_or_status, "stage"):
        return state_tags(action_or_status, stage_and_rag=True)
    status = ActionStatus(getattr(action_or_status, "status", action_or_status))
    return colour_tag(status.label, status.colour)


@register.simple_tag(takes_context=True)
def rag_label(context, status: Rag | str) -> str:
    """A status's word in the council's scheme (for text where no badge fits)."""
    return scheme_of(context).state(status).label


@register.simple_tag
def savings_status_tag(target) -> SafeString:
    """A savings scheme's status as the council reports it, in words and colour."""
    status = target.status_reported
    if status is None:
        return format_html('<span class="govuk-body-s">Status not reported</span>')
    return format_html("Reported: {}", colour_tag(status.label, status.colour))


@register.simple_tag
def quarter_options(quarters, selected) -> SafeString:
    """A quarter choice's options, ``selected`` chosen: drawn here, not by a template loop
    (twenty quarters' options were a tenth of a cached dashboard's time)."""
    return mark_safe(  # noqa: S308  (each option escaped by format_html)
        "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                q.slug,
                mark_safe(" selected") if q == selected else "",  # noqa: S308  (a constant)
                q,
            )
            for q in quarters
        )
    )
