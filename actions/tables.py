"""The actions list table."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils import dateformat
from django.utils.safestring import mark_safe

from actions.models import Action, ActionStatus, percent_label
from plans.tables import NUMERIC, ROW_TITLE, ListTable, detail_link, status_tag


class ActionTable(ListTable):
    """Actions with their status in words and colour, and whether they are overdue."""

    reference = tables.Column("Ref.")
    title = tables.Column("Action", attrs=ROW_TITLE)
    plan = tables.Column("Plan", accessor="plan__title", order_by=("plan__title",))
    theme = tables.Column(
        "Theme", accessor="theme", order_by=("theme__number", "theme__title")
    )
    lead_officer = tables.Column("Lead officer")
    # Rendered even when empty: a plan may only say "Ongoing" or "April 2018".
    due_date = tables.Column("Due", empty_values=())
    status = tables.Column("Status")
    # Rendered even when empty: "not reported" on the page, an empty cell in exports.
    percent_complete = tables.Column("% complete", attrs=NUMERIC, empty_values=())
    overdue = tables.Column("Overdue", accessor="pk", orderable=False)

    shared_columns = ("plan", "theme")

    class Meta(ListTable.Meta):
        model = Action
        fields = ()
        sequence = (
            "reference",
            "title",
            "plan",
            "theme",
            "lead_officer",
            "due_date",
            "status",
            "percent_complete",
            "overdue",
        )

    def render_title(self, record: Action, value: str) -> str:
        return detail_link("action-detail", {"pk": record.pk}, value)

    def value_title(self, value: str) -> str:
        return value

    def order_due_date(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        # Undated actions ("Ongoing") last either way, on SQLite and PostgreSQL alike.
        due = F("due_date")
        order = due.desc(nulls_last=True) if is_descending else due.asc(nulls_last=True)
        return queryset.order_by(order, "pk"), True

    def render_due_date(self, record: Action, value: datetime.date | None) -> str:
        return dateformat.format(value, "j M Y") if value else record.due_label

    def value_due_date(self, record: Action, value: datetime.date | None) -> Any:
        return value or record.due_label

    def render_status(self, record: Action) -> str:
        status = ActionStatus(record.status)
        return status_tag(status.label, status.colour)

    def value_status(self, record: Action) -> str:
        return ActionStatus(record.status).label

    def render_percent_complete(self, value: int | None) -> str:
        return percent_label(value)

    def value_percent_complete(self, value: int | None) -> int | None:
        return value

    def render_overdue(self, record: Action) -> str:
        if record.is_overdue(self.today):
            return mark_safe('<strong class="app-overdue">Overdue</strong>')  # noqa: S308
        return ""

    def value_overdue(self, record: Action) -> str:
        return "Overdue" if record.is_overdue(self.today) else ""
