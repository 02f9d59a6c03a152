"""Filters for the actions list: plan, theme, status, lead officer, overdue, year due, text,
and the quarter whose end the list is shown as at (a past quarter: as its updates stood then)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from actions.asat import not_overdue_at, overdue_at, with_state_as_at
from actions.models import Action, ActionRag, ActionStage, ActionStatus
from core.periods import FinancialYear, is_plausible_date
from plans.filters import (
    ANY,
    CouncilFilterSet,
    as_at_quarter_filter,
    parse_quarter,
    search_filter,
    text_choices,
    year_choices,
)
from plans.models import ActionStatusScheme

YES_NO = [("yes", "Yes"), ("no", "No")]
#: The choice of a stage or RAG filter for actions with none reported (stored empty).
NOT_REPORTED = "not_reported"
NOT_REPORTED_CHOICE = (NOT_REPORTED, "Not reported")


class ActionFilterSet(CouncilFilterSet):
    """One council's actions. "Overdue" is measured at the filter set's ``today``.

    With a quarter that is over (``quarter``), every action shows, is filtered and counted
    overdue by its state at the quarter's end (``as_at``); otherwise by its state now.
    """

    quarter = as_at_quarter_filter()

    plan = django_filters.ModelChoiceFilter(
        label="Plan", queryset=Action.objects.none(), empty_label=ANY
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme", queryset=Action.objects.none(), empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label="Status", field_name="state_status", choices=ActionStatus.choices, empty_label=ANY
    )
    # The status's own "Not reported" is one of its choices; a stage or RAG not reported is
    # stored empty, so it is offered as a choice of its own.
    stage = django_filters.ChoiceFilter(
        label="Stage",
        field_name="state_stage",
        choices=[*ActionStage.choices, NOT_REPORTED_CHOICE],
        method="filter_reported",
        empty_label=ANY,
    )
    rag = django_filters.ChoiceFilter(
        label="RAG",
        field_name="state_rag",
        choices=[*ActionRag.choices, NOT_REPORTED_CHOICE],
        method="filter_reported",
        empty_label=ANY,
    )
    lead_officer = django_filters.ChoiceFilter(label="Lead officer", empty_label=ANY)
    directorate = django_filters.ChoiceFilter(label="Directorate", empty_label=ANY)
    section = django_filters.ChoiceFilter(label="Section", empty_label=ANY)
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=YES_NO, method="filter_overdue", empty_label=ANY
    )
    due_year = django_filters.ChoiceFilter(
        label="Financial year due", method="filter_due_year", empty_label=ANY
    )
    q = search_filter("Search actions")

    class Meta:
        model = Action
        fields = [
            "plan",
            "theme",
            "status",
            "stage",
            "rag",
            "lead_officer",
            "directorate",
            "section",
            "overdue",
            "due_year",
            "q",
            "quarter",
        ]

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        today: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        today = today or timezone.localdate()
        chosen = parse_quarter(data.get("quarter")) if data else None
        #: The quarter shown as at its end (None: the actions as they stand now).
        self.as_at_quarter = chosen if chosen is not None and chosen.end < today else None
        self.as_at = self.as_at_quarter.end if self.as_at_quarter else None
        if queryset is not None:
            queryset = with_state_as_at(queryset, self.as_at)
        super().__init__(data, queryset, today=self.as_at or today, **kwargs)

    def filter_quarter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied to the queryset itself (see __init__)

    def set_choices(self) -> None:
        self.filters["plan"].queryset = self.plans()
        self.filters["theme"].queryset = self.themes()
        own = Action.objects.visible_to(self.user).filter(plan__council=self.council)
        # One query for all these lists: the distinct (lead, directorate, section, due) rows.
        rows = (
            own.order_by()
            .values_list("lead_officer", "directorate", "section", "due_date")
            .distinct()
        )
        leads, directorates, sections, years = set(), set(), set(), set()
        for lead, directorate, section, due in rows:
            leads.add(lead)
            directorates.add(directorate)
            sections.add(section)
            if due is not None and is_plausible_date(due):  # stored data is not trusted
                years.add(FinancialYear.for_date(due).start_year)
        self.set_filter_choices("lead_officer", text_choices(leads))
        for name, values in (("directorate", directorates), ("section", sections)):
            if choices := text_choices(values):
                self.set_filter_choices(name, choices)
            else:  # nothing recorded: no filter to offer
                del self.filters[name]
        self.set_filter_choices("due_year", year_choices(years))
        if self.council.action_status_scheme != ActionStatusScheme.STAGE_AND_RAG:
            # A council reporting one status is not offered filters for what it never sets.
            del self.filters["stage"], self.filters["rag"]

    def filter_reported(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A stage or RAG as chosen; "Not reported": where none is stored."""
        return queryset.filter(**{name: "" if value == NOT_REPORTED else value})

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return overdue_at(queryset, self.today)
        return not_overdue_at(queryset, self.today)

    def filter_due_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        year = FinancialYear(int(value))
        return queryset.filter(due_date__gte=year.start, due_date__lte=year.end)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )
