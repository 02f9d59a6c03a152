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

from core.formatting import format_measure
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
from core.targets import TargetKind, yearly_target
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
    cumulative = models.BooleanField(
        "cumulative (year to date)",
        default=False,
        help_text="Each quarter's value counts the year so far: trends compare it with the "
        "same quarter of earlier years.",
    )
    percent_unbounded = models.BooleanField(
        "percentages may go beyond 0-100",
        default=False,
        help_text="For a % change or a % of target: values below 0 or above 100 are allowed.",
    )
    baseline = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The value relative yearly targets start from.",
    )
    baseline_year = models.PositiveSmallIntegerField(
        choices=FINANCIAL_YEAR_CHOICES,
        null=True,
        blank=True,
        help_text="The financial year the baseline was measured in.",
    )
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
        if (self.baseline is None) != (self.baseline_year is None):
            errors["baseline_year"] = (
                "Give the baseline and the year it was measured in, or neither."
            )
        if problem := unit_error(self.unit, self.baseline, self.percent_unbounded):
            errors["baseline"] = problem
        if errors:
            raise ValidationError(errors)

    def target_bounds(self) -> dict:
        """How a computed target of this measure is rounded and bounded (core.targets)."""
        unit = Unit(self.unit)
        bounded = unit in (Unit.COUNT, Unit.DAYS) or (
            unit is Unit.PERCENT and not self.percent_unbounded
        )
        return {
            "whole": unit is Unit.COUNT,
            "minimum": Decimal(0) if bounded else None,
            "maximum": Decimal(100) if unit is Unit.PERCENT and bounded else None,
        }


class KpiTargetQuerySet(CouncilScopedQuerySet):
    council_path = "kpi__council"

    def officer_condition(self, user) -> Q:
        return Q(kpi__owner_user=user)

    def for_list(self) -> KpiTargetQuerySet:
        return self.select_related("kpi__council")


class KpiTarget(models.Model):
    """A measure's target for one financial year: a figure, a change on the baseline each
    year ("+2% a year") or "establish baseline" (no target that year).

    A value's own target for its period, when set, stands over this (core.targets).
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="yearly_targets")
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    kind = models.CharField(max_length=10, choices=TargetKind.choices, default=TargetKind.ABSOLUTE)
    amount = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The target, or the % change on the baseline each year.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = KpiTargetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "yearly target"
        ordering = ["kpi", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "financial_year"], name="one_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.kpi} – {self.get_financial_year_display()} target"

    def target_for(self, kpi: KPI) -> Decimal | None:
        """The target this setting gives ``kpi`` in its year (None: no target that year)."""
        return yearly_target(
            self.kind,
            self.amount,
            self.financial_year,
            kpi.baseline,
            kpi.baseline_year,
            kpi.polarity == Polarity.LOWER,
            **kpi.target_bounds(),
        )

    @property
    def description(self) -> str:
        """How the year's target was set, in words ("+2% a year on the 2019/20 baseline")."""
        if self.kind == TargetKind.ESTABLISH_BASELINE:
            return "establish baseline"
        if self.kind == TargetKind.RELATIVE and self.amount is not None:
            year = self.kpi.get_baseline_year_display() if self.kpi.baseline_year else ""
            return f"{self.amount.normalize():+f}% a year on the {year} baseline".replace("  ", " ")
        return f"set for {self.get_financial_year_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        has_kpi = self.kpi_id or KpiTarget._meta.get_field("kpi").is_cached(self)
        kpi = self.kpi if has_kpi else None
        if self.kind == TargetKind.ESTABLISH_BASELINE:
            if self.amount is not None:
                errors["amount"] = (
                    "A year that establishes the baseline has no target: leave it empty."
                )
        elif self.amount is None:
            errors["amount"] = "Enter the target, or the % change on the baseline each year."
        elif kpi is not None:
            if kpi.data_only:
                errors["kind"] = "A data-only measure has no target."
            elif self.kind == TargetKind.RELATIVE and (
                kpi.baseline is None or kpi.baseline_year is None
            ):
                errors["kind"] = "Set the measure's baseline and its year first."
            elif self.kind == TargetKind.ABSOLUTE and (
                problem := unit_error(kpi.unit, self.amount, kpi.percent_unbounded)
            ):
                errors["amount"] = problem
        if errors:
            raise ValidationError(errors)


class NotPublished(models.TextChoices):
    """Why a period has no figure: shown in place of the number, never counted as 0."""

    NOT_AVAILABLE = "not_available", "Not available"
    NOT_COLLECTED = "not_collected", "Not collected"
    SUPPRESSED = "suppressed", "Suppressed"


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
    not_published = models.CharField(
        "not published because",
        max_length=20,
        choices=NotPublished.choices,
        blank=True,
        help_text="Why there is no figure for the period (leave the actual empty).",
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
        indexes = [
            # The admin's period filters, and its sort by when a value was entered.
            models.Index(fields=["financial_year", "quarter"], name="kpivalue_period"),
            models.Index(fields=["entered_at"], name="kpivalue_entered_at"),
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
    def actual_display(self) -> str:
        """The figure as every page writes it, or why there is none ("Suppressed")."""
        if self.not_published:
            return self.get_not_published_display()
        return format_measure(self.actual, self.kpi.unit)

    @property
    def is_outturn(self) -> bool:
        """A year's outturn (quarter 0, no month), of an annual or a quarterly measure."""
        return self.quarter == 0 and self.month == 0

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
        if self.not_published:  # not published for a reason: no figure, nothing to rate
            return Rag.NA
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
        if frequency == Frequency.QUARTERLY and (not 0 <= self.quarter <= 4 or self.month):
            errors["quarter"] = "A quarterly measure needs a quarter (1-4) and no month."
        elif (
            frequency == Frequency.QUARTERLY
            and self.quarter == 0
            and self.actual is None
            and not self.not_published
        ):
            # Quarter 0 is the year's outturn, which a quarterly measure may also record; a
            # row with only its year is a slip, not an empty outturn.
            errors["quarter"] = (
                "A quarterly measure needs a quarter (1-4) and no month. Its year's outturn "
                "(Annual) needs its figure, or the reason there is none."
            )
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
        if self.not_published and self.actual is not None:
            errors["actual"] = (
                f"Leave the value empty when it is not published "
                f"({self.get_not_published_display()}), or clear the reason to enter a figure."
            )
        for name in ("actual", "target"):
            if self.kpi_id and (
                problem := unit_error(
                    self.kpi.unit, getattr(self, name), self.kpi.percent_unbounded
                )
            ):
                errors.setdefault(name, problem)
        if errors:
            raise ValidationError(errors)
