"""The actions list table."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from actions.asat import is_overdue_at
from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionRag,
    ActionStage,
    ActionStatus,
    percent_label,
)
from plans.tables import (
    NUMERIC,
    ROW_TITLE,
    ExportColumn,
    ListTable,
    detail_link,
    field,
    labels,
    status_tag,
)

#: What a stage or RAG not (yet) reported shows: unknown is unknown.
NOT_REPORTED = "Not reported"


def stage_tag(stage: str, unknown: str = NOT_REPORTED) -> str:
    """A stage in words and colour; ``unknown`` where none was reported."""
    if not stage:
        return status_tag(unknown, "grey")
    choice = ActionStage(stage)
    return status_tag(choice.label, choice.colour)


def rag_tag(rag: str, unknown: str = NOT_REPORTED) -> str:
    """A RAG in words and colour; ``unknown`` where none was reported."""
    if not rag:
        return status_tag(unknown, "grey")
    choice = ActionRag(rag)
    return status_tag(choice.label, choice.colour)


def state_tags(record: Any, stage_and_rag: bool) -> str:
    """An action's or update's state: stage and RAG tags where its council reports them
    apart, otherwise its one status (words always beside the colour)."""
    if stage_and_rag:
        return format_html(
            '<span class="govuk-visually-hidden">Stage: </span>{} '
            '<span class="govuk-visually-hidden">RAG: </span>{}',
            stage_tag(record.stage, "Stage not reported"),
            rag_tag(record.rag, "RAG not reported"),
        )
    status = ActionStatus(record.status)
    return status_tag(status.label, status.colour)


class ActionTable(ListTable):
    """Actions with their status in words and colour, and whether they are overdue.

    A council that reports stage and RAG apart gets those two columns instead of the one
    status (``stage_and_rag=True``); the others see the one status, as before.
    """

    reference = tables.Column("Ref.")
    title = tables.Column("Action", attrs=ROW_TITLE)
    plan = tables.Column("Plan", accessor="plan__title", order_by=("plan__title",))
    theme = tables.Column("Theme", accessor="theme", order_by=("theme__number", "theme__title"))
    lead_officer = tables.Column("Lead officer")
    directorate = tables.Column("Directorate")
    section = tables.Column("Section")
    # Rendered even when empty: a plan may only say "Ongoing" or "April 2018".
    due_date = tables.Column("Due", empty_values=())
    # Shown in exports; on the page the due column says "(originally ...)".
    original_due_date = tables.Column("Originally due", visible=False)
    # The state as at the list's date (see actions.asat): now, or a past quarter's end.
    status = tables.Column("Status", accessor="state_status")
    stage = tables.Column("Stage", accessor="state_stage", empty_values=())
    rag = tables.Column("RAG", accessor="state_rag", empty_values=())
    # Rendered even when empty: "not reported" on the page, an empty cell in exports.
    percent_complete = tables.Column(
        "% complete", accessor="state_percent", attrs=NUMERIC, empty_values=()
    )
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
            "directorate",
            "section",
            "due_date",
            "original_due_date",
            "status",
            "stage",
            "rag",
            "percent_complete",
            "overdue",
        )

    def __init__(self, *args: Any, stage_and_rag: bool = False, **kwargs: Any) -> None:
        kwargs["exclude"] = (
            *kwargs.get("exclude", ()),
            *(("status",) if stage_and_rag else ("stage", "rag")),
        )
        super().__init__(*args, **kwargs)

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
        return record.due_phrase

    def value_original_due_date(self, record: Action) -> datetime.date | None:
        return record.original_due_date if record.due_slipped else None

    def value_due_date(self, record: Action, value: datetime.date | None) -> Any:
        return value or record.due_label

    def render_status(self, value: str) -> str:
        status = ActionStatus(value)
        return status_tag(status.label, status.colour)

    def value_status(self, value: str) -> str:
        return ActionStatus(value).label

    def render_stage(self, value: str) -> str:
        return stage_tag(value)

    def value_stage(self, value: str) -> str:
        return ActionStage(value).label if value else NOT_REPORTED

    def render_rag(self, value: str) -> str:
        return rag_tag(value)

    def value_rag(self, value: str) -> str:
        return ActionRag(value).label if value else NOT_REPORTED

    def render_percent_complete(self, value: int | None) -> str:
        return percent_label(value)

    def value_percent_complete(self, value: int | None) -> int | None:
        return value

    def render_overdue(self, record: Action) -> str:
        if is_overdue_at(record, self.today):
            return mark_safe('<strong class="app-overdue">Overdue</strong>')  # noqa: S308
        return ""

    def value_overdue(self, record: Action) -> str:
        return "Overdue" if is_overdue_at(record, self.today) else ""

    def export_columns(self) -> dict[str, ExportColumn]:
        """The export from plain values, cell for cell as the ``value_*`` methods above."""
        today = self.today
        closed = frozenset(CLOSED_STATUSES)
        stages = {value: str(label) for value, label in ActionStage.choices}
        rags = {value: str(label) for value, label in ActionRag.choices}

        def theme(row: dict) -> str | None:
            number, title = row["theme__number"], row["theme__title"]
            return None if title is None else f"{number}. {title}"  # str(theme)

        def original_due(row: dict) -> datetime.date | None:
            original, due = row["original_due_date"], row["due_date"]
            return original if original and due and original != due else None

        def overdue(row: dict) -> str:
            due = row["due_date"]
            return "Overdue" if due and due < today and row["state_status"] not in closed else ""

        return {
            "reference": field("reference"),
            "title": field("title"),
            "plan": field("plan__title"),
            "theme": ExportColumn(("theme__number", "theme__title"), theme),
            "lead_officer": field("lead_officer"),
            "directorate": field("directorate"),
            "section": field("section"),
            "due_date": ExportColumn(
                ("due_date", "due_label"), lambda row: row["due_date"] or row["due_label"]
            ),
            "original_due_date": ExportColumn(("original_due_date", "due_date"), original_due),
            "status": field("state_status", labels(ActionStatus.choices)),
            "stage": ExportColumn(
                ("state_stage",), lambda row: stages.get(row["state_stage"], NOT_REPORTED)
            ),
            "rag": ExportColumn(
                ("state_rag",), lambda row: rags.get(row["state_rag"], NOT_REPORTED)
            ),
            "percent_complete": ExportColumn(("state_percent",), lambda row: row["state_percent"]),
            "overdue": ExportColumn(("due_date", "state_status"), overdue),
        }
