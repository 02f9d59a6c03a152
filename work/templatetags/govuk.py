"""Template helpers that draw Django form fields with GOV.UK Frontend classes."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

from dashboard.templatetags import dashboard_format

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


# The officer's pages draw statuses exactly as the dashboard does: one implementation each.
register.simple_tag(takes_context=True, name="rag_tag")(dashboard_format.rag_tag)
register.simple_tag(name="status_tag")(dashboard_format.action_status_tag)
