"""Filters for list pages: the shared base for one council's lists, and savings targets.

A filter set here holds the query logic; the list template only draws its form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from core.periods import EARLIEST_YEAR, LATEST_YEAR, FinancialYear, Quarter, is_plausible_year
from plans.models import Council, Plan, SavingsTarget, Theme

ANY = "Any"


def year_choices(years: Iterable[int]) -> list[tuple[str, str]]:
    """Financial years as filter choices, newest first: ("2020", "2020/21").

    Years outside the plausible range (stored before dates were validated) are left out
    rather than trusted.
    """
    plausible = {year for year in years if is_plausible_year(year)}
    return [(str(year), str(FinancialYear(year))) for year in sorted(plausible, reverse=True)]


def text_choices(values: Iterable[str]) -> list[tuple[str, str]]:
    """Distinct non-empty strings (owners, lead officers) as choices."""
    return [(value, value) for value in sorted({v for v in values if v})]


class CouncilFilterSet(django_filters.FilterSet):
    """Filters of one council's list page, with choices drawn from that council only.

    ``council`` is the council whose list is shown, ``today`` the date that "overdue" and
    "at risk" are measured at. Subclasses fill their choices in ``set_choices`` and may
    override ``rows`` when some filtering can only be done in Python.
    """

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        council: Council,
        request: Any = None,
        today: datetime.date | None = None,
        prefix: str | None = None,
    ) -> None:
        self.council = council
        self.today = today or timezone.localdate()
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.set_choices()

    @property
    def user(self) -> Any:
        return getattr(self.request, "user", None)

    def set_choices(self) -> None:
        """Narrow the choice filters to this council (override)."""

    def plans(self) -> QuerySet:
        return Plan.objects.visible_to(self.user).filter(council=self.council).for_list()

    def themes(self) -> QuerySet:
        return (
            Theme.objects.visible_to(self.user)
            .filter(plan__council=self.council)
            .select_related("plan")
            .order_by("plan__title", "number", "pk")
        )

    def set_filter_choices(
        self, name: str, choices: list[tuple[str, str]] | Callable[[], list[tuple[str, str]]]
    ) -> None:
        """A choice filter's choices: a list, or a function giving it (called only when the
        choices are needed: the form drawn, or a value of the filter checked)."""
        self.filters[name].extra["choices"] = choices

    @property
    def form(self) -> forms.Form:
        """The bound form, validated, with GOV.UK classes and error descriptions on widgets."""
        if not hasattr(self, "_form"):
            form = super().form
            errors = form.errors if self.is_bound else {}
            for name, field in form.fields.items():
                widget = field.widget
                css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
                if name in errors:
                    css = f"{css} {css}--error"
                    widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
                widget.attrs["class"] = css
        return self._form

    def rows(self) -> Any:
        """What the table shows: the filtered queryset, or a list built from it."""
        return self.qs


def parse_quarter(value: Any) -> Quarter | None:
    """The quarter named ("Q3 2020/21"), or None where none is (or it is not a quarter)."""
    try:
        return Quarter.parse(str(value).strip()) if value else None
    except ValueError:
        return None


def validate_quarter(value: str) -> None:
    if value and parse_quarter(value) is None:
        raise ValidationError("Enter a quarter like Q3 2020/21, or leave it empty for now.")


def as_at_quarter_filter() -> django_filters.CharFilter:
    """The quarter whose end a list is shown as at (applied by the filter set itself)."""
    return django_filters.CharFilter(
        label="As at the end of quarter",
        method="filter_quarter",
        max_length=20,
        validators=[validate_quarter],
        help_text="For example, Q3 2020/21. Empty: as things stand now.",
    )


def search_filter(label: str = "Search") -> django_filters.CharFilter:
    return django_filters.CharFilter(label=label, method="search", max_length=200)


class SavingsFilterSet(CouncilFilterSet):
    """Savings targets by plan, financial year (any year the target covers) and text."""

    plan = django_filters.ModelChoiceFilter(
        label="Plan", queryset=Plan.objects.none(), empty_label=ANY
    )
    financial_year = django_filters.ChoiceFilter(
        label="Financial year", method="filter_year", empty_label=ANY
    )
    q = search_filter("Search savings")

    class Meta:
        model = SavingsTarget
        fields = ["plan", "financial_year", "q"]

    def set_choices(self) -> None:
        self.filters["plan"].queryset = self.plans()
        span = SavingsTarget.objects.filter(council=self.council).aggregate(
            first=Min("start_year"), last=Max("end_year")
        )
        first, last = span["first"], span["last"]
        if first is not None:  # a stored year out of range must not make a huge span
            first, last = max(first, EARLIEST_YEAR), min(last, LATEST_YEAR)
        years = range(first, last + 1) if first is not None else []
        self.set_filter_choices("financial_year", year_choices(years))

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        year = int(value)
        return queryset.filter(start_year__lte=year, end_year__gte=year)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(commentary__icontains=value))
