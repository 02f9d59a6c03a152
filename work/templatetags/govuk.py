"""Template helpers that draw Django form fields with GOV.UK Frontend classes."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from actions.models import Action, ActionStatus
from actions.tables import state_tags
from core.formatting import colour_tag, state_tag
from core.rag import Rag, medway

register = template.Library()

_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
]


@register.filter
def govuk_widget(bound_field: forms.BoundField, extra: str = "") -> SafeString:
    """Render a field's widget with the GOV.UK class, its error state and described-by."""
    widget = bound_field.field.widget
    css = next((c for kind, c in _CLASSES if isinstance(widget, kind)), "govuk-input")
    classes = [css, extra] if extra else [css]
    if bound_field.errors:
        classes.append(f"{css}--error")
    attrs = {"class": " ".join(classes)}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def rag_tag(context, rag: Rag | str | None) -> SafeString:
    """A RAG status as the council's scheme (``rag_scheme`` in the context) draws it: a
    coloured tag that always carries its word (never colour alone)."""
    if rag is None:
        return format_html('<span class="govuk-hint">–</span>')
    return state_tag((context.get("rag_scheme") or medway()).state(rag))


@register.simple_tag
def status_tag(action_or_status: Any, stage_and_rag: bool | None = None) -> SafeString:
    """An action's (or update's) status as a tag with its label, coloured as councils
    report it; where its council reports stage and RAG apart, a tag for each.

    ``stage_and_rag`` defaults to the action's council's setting (an action given).
    """
    if stage_and_rag is None:
        stage_and_rag = (
            isinstance(action_or_status, Action) and action_or_status.reports_stage_and_rag
        )
    if stage_and_rag and hasattr(action_or_status, "stage"):
        return state_tags(action_or_status, stage_and_rag=True)
    status = ActionStatus(getattr(action_or_status, "status", action_or_status))
    return colour_tag(status.label, status.colour)
