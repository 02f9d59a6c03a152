"""Filters for the actions list: plan, theme, status, lead officer, overdue, year due, text."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from actions.models import CLOSED_STATUSES, Action, ActionStatus
from core.periods import FinancialYear, is_plausible_date
from plans.filters import ANY, CouncilFilterSet, search_filter, text_choices, year_choices

YES_NO = [("yes", "Yes"), ("no", "No")]


class ActionFilterSet(CouncilFilterSet):
    """One council's actions. "Overdue" is measured at the filter set's ``today``."""

    plan = django_filters.ModelChoiceFilter(
        label="Plan", queryset=Action.objects.none(), empty_label=ANY
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme", queryset=Action.objects.none(), empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=ActionStatus.choices, empty_label=ANY
    )
    lead_officer = django_filters.ChoiceFilter(label="Lead officer", empty_label=ANY)
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=YES_NO, method="filter_overdue", empty_label=ANY
    )
    due_year = django_filters.ChoiceFilter(
        label="Financial year due", method="filter_due_year", empty_label=ANY
    )
    q = search_filter("Search actions")

    class Meta:
        model = Action
        fields = ["plan", "theme", "status", "lead_officer", "overdue", "due_year", "q"]

    def set_choices(self) -> None:
        self.filters["plan"].queryset = self.plans()
        self.filters["theme"].queryset = self.themes()
        own = Action.objects.visible_to(self.user).filter(plan__council=self.council)
        # One query for both lists: the distinct (lead officer, due date) pairs.
        pairs = own.order_by().values_list("lead_officer", "due_date").distinct()
        leads, years = set(), set()
        for lead, due in pairs:
            leads.add(lead)
            if due is not None and is_plausible_date(due):  # stored data is not trusted
                years.add(FinancialYear.for_date(due).start_year)
        self.set_filter_choices("lead_officer", text_choices(leads))
        self.set_filter_choices("due_year", year_choices(years))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        overdue = queryset.overdue(self.today)
        if value == "yes":
            return overdue
        return queryset.exclude(Q(due_date__lt=self.today) & ~Q(status__in=CLOSED_STATUSES))

    def filter_due_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        year = FinancialYear(int(value))
        return queryset.filter(due_date__gte=year.start, due_date__lte=year.end)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )
