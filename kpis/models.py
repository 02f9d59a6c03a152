"""Performance measures (KPIs) and their values per period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.periods import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MONTH_NAMES,
    is_valid_period,
    period_label,
    period_sort_key,
    quarter_of_month,
)
from core.rag import Number, Polarity, Rag, Trend
from core.units import Unit, unit_error
from kpis.schemes import RagScheme as RagScheme  # registered with the kpis app
from kpis.schemes import RagState as RagState
from kpis.schemes import rag_scheme
from plans.models import FINANCIAL_YEAR_CHOICES, Council, Plan, Theme
from plans.querysets import CouncilScopedQuerySet


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class KPIQuerySet(CouncilScopedQuerySet):
    def officer_condition(self, user) -> Q:
        return Q(owner_user=user)

    def for_list(self) -> KPIQuerySet:
        return self.select_related("council", "plan", "theme", "owner_user")


class KPI(models.Model):
    """A performance measure a council reports, e.g. DIGI TU 01 Digital take up."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="kpis")
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="kpis"
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        help_text="The theme or priority it serves.",
    )
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    owner = models.CharField(max_length=200, blank=True, help_text="Owning officer or service.")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_kpis",
        help_text="The person who enters its values.",
    )
    data_only = models.BooleanField(
        "data only", default=False, help_text="Reported without a target."
    )
    rag_tolerance = models.DecimalField(
        "RAG tolerance",
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="This measure's own tolerance (0.05 = 5%, or points where the council's RAG "
        "scheme counts points). Leave empty to use the scheme's (Medway's: 5%).",
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = KPIQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        ordering = ["council__name", "theme__number", "order", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "code"],
                condition=~Q(code=""),
                name="kpi_code_per_council",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("kpi-detail", kwargs={"council": self.council.slug, "pk": self.pk})

    @property
    def tolerance(self) -> Decimal:
        if self.rag_tolerance is not None:
            return self.rag_tolerance
        return rag_scheme(self.council).rule.tolerance

    def status(
        self,
        actual: Number | None,
        target: Number | None,
        *,
        data_only: bool = False,
        last_year_actual: Number | None = None,
    ) -> Rag:
        """The status of ``actual`` against ``target`` by the council's RAG scheme.

        The one place a status is worked out: reports, lists, exports and the quarterly return
        all ask this, with whichever target applies to the period. ``data_only`` is a period
        reported without a target; ``last_year_actual`` is the same period last year (for
        schemes whose Amber depends on the trend).
        """
        return rag_scheme(self.council).assess(
            actual,
            target,
            self.polarity,
            tolerance=self.rag_tolerance,
            data_only=self.data_only or data_only,
            last_year_actual=last_year_actual,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.plan_id and self.council_id and self.plan.council_id != self.council_id:
            errors["plan"] = "This plan belongs to another council."
        if self.theme_id and self.council_id and self.theme.plan.council_id != self.council_id:
            errors["theme"] = "This theme belongs to another council."
        elif self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            errors["theme"] = "This theme is not part of the KPI's plan: choose one of its themes."
        if errors:
            raise ValidationError(errors)


#: KpiValue.status's target when the stored one applies.
KEEP: Any = object()

#: A value's quarter: 1-4, or 0 for an annual (or a monthly) value.
QUARTER_CHOICES = [(0, "Annual (no quarter)")] + [(n, f"Q{n}") for n in range(1, 5)]
#: A value's month, in financial-year order (April first); 0 for a quarterly or annual value.
MONTH_CHOICES = [(0, "—")] + [(m, MONTH_NAMES[m]) for m in (*range(4, 13), 1, 2, 3)]


class KpiValueQuerySet(CouncilScopedQuerySet):
    council_path = "kpi__council"

    def officer_condition(self, user) -> Q:
        return Q(kpi__owner_user=user)

    def for_list(self) -> KpiValueQuerySet:
        return self.select_related("kpi__council", "kpi__theme", "entered_by")

    def for_period(self, financial_year: int, quarter: int, month: int = 0) -> KpiValueQuerySet:
        return self.filter(financial_year=financial_year, quarter=quarter, month=month)

    def with_valid_period(self) -> KpiValueQuerySet:
        """Values whose stored period core.periods can name, in the plausible years.

        Rows stored before the period fields were validated (or by hand) are left out of
        reports and lists rather than trusted; the admin still lists them to be corrected.
        """
        months = Q(month=0) | Q(quarter=0, month__range=(1, 12))
        for number in range(1, 5):
            months |= Q(
                quarter=number,
                month__in=[m for m, _ in MONTH_CHOICES[1:] if quarter_of_month(m) == number],
            )
        return self.filter(
            months, quarter__range=(0, 4), financial_year__range=(EARLIEST_YEAR, LATEST_YEAR)
        )


class KpiValue(models.Model):
    """One measure's actual for one period, with the target that applied then.

    A period is a financial year (its starting calendar year), a quarter (1-4, 0 for an
    annual value) and a calendar month (1-12, 0 unless the measure is monthly).
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="values")
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    quarter = models.PositiveSmallIntegerField(
        default=0, choices=QUARTER_CHOICES, help_text="Q1-Q4; annual for an annual value."
    )
    month = models.PositiveSmallIntegerField(
        default=0, choices=MONTH_CHOICES, help_text="The month, for a monthly value."
    )
    actual = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    data_only = models.BooleanField(
        "data only",
        default=False,
        help_text="Reported without a target for this period (not rated). A period whose "
        'target is not set yet is "no target" instead.',
    )
    reported_short_trend = models.CharField(
        max_length=10,
        choices=Trend.choices,
        blank=True,
        help_text="The short trend as published, where the history behind it is not held.",
    )
    reported_long_trend = models.CharField(
        max_length=10,
        choices=Trend.choices,
        blank=True,
        help_text="The long trend as published, where the history behind it is not held.",
    )
    commentary = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entered_kpi_values",
    )
    entered_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = KpiValueQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "KPI value"
        ordering = ["kpi", "financial_year", "quarter", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "financial_year", "quarter", "month"], name="one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} – {self.period_label}"

    @property
    def has_valid_period(self) -> bool:
        return is_valid_period(self.financial_year, self.quarter, self.month)

    @property
    def period_label(self) -> str:
        """E.g. "Q3 2020/21"; a stored period that is not one is shown as stored, never raises."""
        if not self.has_valid_period:
            return (
                f"year {self.financial_year}, quarter {self.quarter}, month {self.month} "
                "(not a valid period)"
            )
        return period_label(self.financial_year, self.quarter, self.month)

    @property
    def sort_key(self) -> tuple:
        if not self.has_valid_period:  # sorts as stored, never raises
            return (self.financial_year, self.quarter, self.month)
        return period_sort_key(self.financial_year, self.quarter, self.month)

    @property
    def rag(self) -> Rag:
        """Status against this period's target by the council's scheme (KPI.status)."""
        return self.status()

    def status(self, last_year_actual: Number | None = None, target: Any = KEEP) -> Rag:
        """Status against this period's target (or ``target``), by the council's scheme.

        A data-only measure (or period) recorded without its figure (as Medway's Q3 2020/21
        report lists DIGI TU 01: status "Data", trends IMP/IMP, no number) is Data, as the
        council published it; NA is for a period with nothing recorded.
        """
        kpi = self.kpi
        if (kpi.data_only or self.data_only) and self.actual is None:
            return Rag.DATA
        return kpi.status(
            self.actual,
            self.target if target is KEEP else target,
            data_only=self.data_only,
            last_year_actual=last_year_actual,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # The measure may be unsaved (added with its values in the admin), so it is read from
        # the instance's cache as well as by id.
        has_kpi = self.kpi_id or KpiValue._meta.get_field("kpi").is_cached(self)
        kpi = self.kpi if has_kpi else None
        frequency = kpi.frequency if kpi is not None else None
        if frequency == Frequency.QUARTERLY and (not 1 <= self.quarter <= 4 or self.month):
            errors["quarter"] = "A quarterly measure needs a quarter (1-4) and no month."
        elif frequency == Frequency.ANNUAL and (self.quarter or self.month):
            errors["quarter"] = "An annual measure takes no quarter or month."
        elif frequency == Frequency.MONTHLY:
            if not 1 <= self.month <= 12:
                errors["month"] = "A monthly measure needs a month (1-12)."
            elif self.quarter and self.quarter != quarter_of_month(self.month):
                errors["quarter"] = "That month is not in that quarter."
            else:
                self.quarter = quarter_of_month(self.month)
        if kpi is not None and kpi.data_only and self.target is not None:
            errors["target"] = "A data-only measure has no target."
        elif self.data_only and self.target is not None:
            errors["target"] = "A period reported as data only has no target."
        for name in ("actual", "target"):
            if self.kpi_id and (problem := unit_error(self.kpi.unit, getattr(self, name))):
                errors.setdefault(name, problem)
        if errors:
            raise ValidationError(errors)
