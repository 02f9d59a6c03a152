"""Filters for the strategic risk register list."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from plans.filters import ANY, CouncilFilterSet, search_filter, text_choices
from risks.models import RiskRegisterEntry, RiskStatus


class RiskFilterSet(CouncilFilterSet):
    """One council's risks by status, owner, theme and text."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=RiskStatus.choices, empty_label=ANY
    )
    owner = django_filters.ChoiceFilter(label="Owner", empty_label=ANY)
    theme = django_filters.ModelChoiceFilter(
        label="Theme", field_name="themes", queryset=RiskRegisterEntry.objects.none(),
        empty_label=ANY,
    )
    q = search_filter("Search risks")

    class Meta:
        model = RiskRegisterEntry
        fields = ["status", "owner", "theme", "q"]

    def set_choices(self) -> None:
        self.filters["theme"].queryset = self.themes()
        owners = (
            RiskRegisterEntry.objects.visible_to(self.user)
            .filter(council=self.council)
            .order_by()
            .values_list("owner", flat=True)
            .distinct()
        )
        self.set_filter_choices("owner", text_choices(owners))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )

    def rows(self) -> list[RiskRegisterEntry]:
        """The filtered risks, each with its parsed residual score for display and sorting by
        severity (a register is a few dozen rows, so it is sorted in Python)."""
        risks = list(self.qs)
        for risk in risks:
            risk.residual_parsed = risk.residual  # None if empty or off the matrix
            risk.residual_severity = risk.residual_parsed.severity if risk.residual_parsed else 0
        return risks
