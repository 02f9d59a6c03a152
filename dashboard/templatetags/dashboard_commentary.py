"""Template helpers for the quarter's commentary (presentation only: the words come from the
reports of the domain apps)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def narrative_for(commentary, theme):
    """The theme's narrative in a plans.reports.QuarterCommentary (None where none)."""
    return commentary.for_theme(theme) if commentary is not None else None


@register.filter
def with_commentary(rows):
    """The measure rows whose value for the quarter carries a commentary."""
    return [row for row in rows if row.value is not None and row.value.commentary.strip()]
