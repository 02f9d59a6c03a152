"""My work's action rows, drawn in Python: an officer may update a hundred actions or more,
and drawn by the template language the rows were most of the page's drawing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from dashboard.templatetags.dashboard_format import action_status_tag
from work.templatetags.kpi_return import escape

register = template.Library()

#: An id no action has, in the action address drawn once, replaced by each action's.
_PLACEHOLDER = "987654321987"


@register.simple_tag
def my_action_rows(actions: Iterable[Any]) -> SafeString:
    """Each open action's row (``overdue_rank`` annotated), as my_work_body.html drew it."""
    address = escape(reverse("action-detail", kwargs={"pk": int(_PLACEHOLDER)}))
    rows = []
    for action in actions:
        if action.due_date:
            due = escape(action.due_phrase)
        else:
            due = escape(action.due_label or "No date")
        overdue = (
            '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
            if action.overdue_rank == 0 and action.due_date
            else ""
        )
        url = address.replace(_PLACEHOLDER, str(action.pk))
        rows.append(
            f"""
    <tr class="govuk-table__row">
      <td class="govuk-table__cell app-list-title" data-label="Action"><a class="govuk-link" href="{url}">{escape(action)}</a>
        <span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0">{escape(action.plan.council.short_name)}</span></td>
      <td class="govuk-table__cell" data-label="Due">
        {due}
        {overdue}
      </td>
      <td class="govuk-table__cell" data-label="Status">{action_status_tag(action)}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric" data-label="% complete">{escape(action.percent_label)}</td>
    </tr>
    """  # noqa: E501  (the template's lines, as they were)
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value escaped above)
