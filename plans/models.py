"""Councils, the people who work in them, their plans, themes and savings targets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.cycle import (
    DEFAULT_DEADLINE_DAYS,
    DEFAULT_GRACE_DAYS,
    DEFAULT_OPENS_AFTER_DAYS,
    DEFAULT_REMINDER_LEAD_DAYS,
    CollectionRule,
    CollectionWindow,
)
from core.formatting import format_measure, format_money
from core.periods import FinancialYear, Quarter
from core.rag import DEFAULT_TOLERANCE
from core.savings import (
    DEFAULT_AT_RISK_SHORTFALL,
    SavingsProgress,
    percent_of_budget,
    savings_progress,
)
from core.validators import validate_plausible_date
from plans.querysets import CouncilScopedQuerySet, Precompiled

FINANCIAL_YEAR_CHOICES = [(year, str(FinancialYear(year))) for year in range(2000, 2051)]


def financial_year_field(verbose_name: str, **kwargs) -> models.PositiveSmallIntegerField:
    """A financial year stored as its starting calendar year (2024 means 2024/25)."""
    return models.PositiveSmallIntegerField(verbose_name, choices=FINANCIAL_YEAR_CHOICES, **kwargs)


def years_label(start_year: int, end_year: int) -> str:
    """ "2024/25" for one financial year, "2012/13 to 2014/15" for several."""
    first, last = FinancialYear(start_year), FinancialYear(end_year)
    return str(first) if first == last else f"{first} to {last}"


class CouncilKind(models.TextChoices):
    UNITARY = "unitary", "Unitary authority"
    DISTRICT = "district", "District council"
    BOROUGH = "borough", "Borough council"
    COUNTY = "county", "County council"
    METROPOLITAN = "metropolitan", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"


class ActionStatusScheme(models.TextChoices):
    """How a council reports its actions' status (the actions app reads this)."""

    SINGLE = "single", "One status (e.g. on track, at risk, completed)"
    STAGE_AND_RAG = "stage_and_rag", "Stage and RAG, separately"


class CouncilQuerySet(CouncilScopedQuerySet):
    council_path = ""

    def for_reader(self, user: Any) -> CouncilQuerySet:
        """The councils ``user`` may read (``visible_to``), each with the user's role there
        (``user_role``; None where a superuser is no member) and whether the user works in
        any council (``user_has_work_role``: the navigation's My work): one query, for every
        council page. Unordered, and its subqueries without the memberships' ordering joins
        (building and compiling them was most of a cached page's time)."""
        roles = Membership.objects.filter(user=user).order_by()
        return (
            self.visible_to(user)
            .annotate(
                user_has_work_role=models.Exists(roles.filter(role__in=WORK_ROLES)),
                user_role=models.Subquery(
                    roles.filter(council=models.OuterRef("pk")).values("role")[:1]
                ),
            )
            .order_by()
        )

    def readable(self, user: Any, slug: str) -> Council | None:
        """The council ``slug`` with the reader's role, as ``for_reader(user)`` finds it (None
        if the user may not read it): the lookup every council page makes, its SQL compiled
        once per process (``Precompiled``), not once per request. It looks among all the
        councils the user may read, whatever this queryset's own filters: call it on
        ``Council.objects``."""
        if not (user.is_authenticated and user.is_active):
            return None
        superuser = bool(user.is_superuser)
        if superuser not in _READABLE:
            _READABLE[superuser] = Precompiled(Council, partial(_readable, superuser=superuser))
        found = _READABLE[superuser].fetch(user_id=user.pk, slug=slug)
        if not found:
            return None
        council = found[0]
        council.user_has_work_role = bool(council.user_has_work_role)  # 1/0 on SQLite
        return council


def _readable(user_id: int, slug: str, *, superuser: bool) -> CouncilQuerySet:
    from django.contrib.auth import get_user_model

    # Only its key and kind count: the queryset is compiled with it, never saved.
    reader = get_user_model()(pk=user_id, is_superuser=superuser, is_active=True)
    return Council.objects.for_reader(reader).filter(slug=slug)


#: The council lookup's compiled SQL, for superusers and for everyone else.
_READABLE: dict[bool, Precompiled] = {}


class Council(models.Model):
    """A local authority: the tenant. Everything else belongs to exactly one council."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=CouncilKind.choices)
    website = models.URLField(blank=True)
    rag_tolerance = models.DecimalField(
        "RAG tolerance",
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_TOLERANCE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Relative shortfall against target still rated Amber (0.05 = 5%).",
    )
    savings_at_risk_shortfall = models.DecimalField(
        "savings at-risk shortfall",
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_AT_RISK_SHORTFALL,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=(
            "How far a savings line may trail the amount expected by now before it is "
            "called at risk, as a share of that amount (0.05 = 5% short; 0 = any shortfall)."
        ),
    )
    action_status_scheme = models.CharField(
        max_length=20,
        choices=ActionStatusScheme.choices,
        default=ActionStatusScheme.SINGLE,
        help_text="Whether this council reports one status per action, or stage and RAG apart.",
    )
    collection_opens_after_days = models.PositiveSmallIntegerField(
        "collection opens (days after the quarter ends)",
        default=DEFAULT_OPENS_AFTER_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="0: officers are asked for the quarter's figures the day it ends.",
    )
    collection_deadline_days = models.PositiveSmallIntegerField(
        "deadline (days after the quarter ends)",
        default=DEFAULT_DEADLINE_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="When the quarter's values and action updates are due (28: four weeks).",
    )
    collection_grace_days = models.PositiveSmallIntegerField(
        "grace period (days after the deadline)",
        default=DEFAULT_GRACE_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="After it, what is still missing goes to the performance team and managers.",
    )
    reminder_lead_days = models.PositiveSmallIntegerField(
        "reminder (days before the deadline)",
        default=DEFAULT_REMINDER_LEAD_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="When officers with something missing are reminded before the deadline.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    #: Moves on with every write to the council's data (plans.dataversion): cached pages are
    #: keyed on it.
    data_version = models.BigIntegerField(default=0, editable=False)

    objects = CouncilQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "data_version"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council-home", kwargs={"council": self.slug})

    def clean(self) -> None:
        if problems := self.collection_rule.problems():
            raise ValidationError(
                {
                    f"collection_{k}" if k != "reminder_lead_days" else k: v
                    for k, v in problems.items()
                }
            )

    @property
    def collection_rule(self) -> CollectionRule:
        return CollectionRule(
            opens_after_days=self.collection_opens_after_days,
            deadline_days=self.collection_deadline_days,
            grace_days=self.collection_grace_days,
            reminder_lead_days=self.reminder_lead_days,
        )

    def collection_window(self, quarter: Quarter) -> CollectionWindow:
        """The quarter's window: its own dates where set (one query), else the rule's."""
        dates = self.collection_dates.filter(
            financial_year=quarter.year.start_year, quarter=quarter.number
        ).first()
        if dates is not None:
            return dates.window(quarter)
        return self.collection_rule.window(quarter)

    def current_collection(self, today: datetime.date) -> tuple[Quarter, CollectionWindow] | None:
        """The latest quarter whose collection window (its own dates, else the rule's) has
        opened by ``today``, with its window (at most four queries)."""
        quarter = Quarter.for_date(today)
        for _ in range(4):  # a window opens on its quarter's last day at the earliest
            window = self.collection_window(quarter)
            if window.is_open(today):
                return quarter, window
            quarter = quarter.previous()
        return None


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    CABINET = "cabinet", "Cabinet member"
    ADMIN = "admin", "Council administrator"


#: Roles whose people update actions or enter returns, and so are offered "My work".
WORK_ROLES = (Role.OFFICER, Role.ADMIN)


class MembershipQuerySet(CouncilScopedQuerySet):
    pass


class Membership(models.Model):
    """A person's role in one council; a person may belong to several councils."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_memberships",
        help_text="Told, with the performance team, what this person has not entered once "
        "a quarter's deadline and grace period have passed.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["council__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="one_role_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.council.short_name}"

    def clean(self) -> None:
        if not (self.manager_id and self.council_id):
            return
        if self.manager_id == self.user_id:
            raise ValidationError({"manager": "A person cannot be their own manager."})
        if not Membership.objects.filter(council=self.council_id, user=self.manager_id).exists():
            raise ValidationError({"manager": "Choose someone who belongs to this council."})


class CollectionDatesQuerySet(CouncilScopedQuerySet):
    pass


class CollectionDates(models.Model):
    """One quarter's own collection dates, standing over the council's rule."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="collection_dates")
    financial_year = financial_year_field("financial year")
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in range(1, 5)])
    opens_on = models.DateField("window opens", validators=[validate_plausible_date])
    deadline = models.DateField(validators=[validate_plausible_date])
    grace_ends = models.DateField(
        "grace period ends",
        validators=[validate_plausible_date],
        help_text="The day after it, what is still missing is escalated.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CollectionDatesQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "quarter's collection dates"
        verbose_name_plural = "quarters' collection dates"
        ordering = ["council__name", "-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "quarter"], name="one_window_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} collection ({self.council.short_name})"

    @property
    def period(self) -> Quarter:
        return FinancialYear(self.financial_year).quarter(self.quarter)

    def window(self, quarter: Quarter | None = None) -> CollectionWindow:
        return CollectionWindow(
            quarter=quarter or self.period,
            opens_on=self.opens_on,
            deadline=self.deadline,
            grace_ends=self.grace_ends,
            reminder_lead_days=self.council.reminder_lead_days,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            errors["deadline"] = "The deadline cannot be before the window opens."
        if self.deadline and self.grace_ends and self.grace_ends < self.deadline:
            errors["grace_ends"] = "The grace period cannot end before the deadline."
        if (
            self.opens_on
            and self.financial_year
            and self.quarter in range(1, 5)
            and self.opens_on < self.period.start
        ):
            errors["opens_on"] = "The window cannot open before the quarter begins."
        if errors:
            raise ValidationError(errors)


class PlanKind(models.TextChoices):
    COUNCIL_PLAN = "council_plan", "Council Plan"
    PRODUCTIVITY = "productivity", "Productivity Plan"
    PEER_CHALLENGE = "peer_challenge", "Peer Challenge Action Plan"
    IMPROVEMENT = "improvement", "Improvement Plan"
    PERFORMANCE_REPORT = "performance_report", "Performance report"
    OTHER = "other", "Other plan"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PlanQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> PlanQuerySet:
        return self.select_related("council")


class Plan(models.Model):
    """A council's plan document, e.g. Medway's Productivity Plan 2024/25."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=30, choices=PlanKind.choices)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100)
    start_year = financial_year_field("first financial year")
    end_year = financial_year_field("last financial year")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    approved_by = models.CharField(max_length=200, blank=True, help_text="e.g. Cabinet")
    approved_on = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    owner = models.CharField(max_length=200, blank=True, help_text="e.g. Chief Executive")
    summary = models.TextField(blank=True, help_text="Summary or foreword.")
    source_document = models.CharField(
        max_length=300, blank=True, help_text="The document this plan was taken from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["council__name", "-start_year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="plan_slug_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.council.short_name})"

    @property
    def period(self) -> str:
        return years_label(self.start_year, self.end_year)

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError(
                {"end_year": "The last financial year cannot be before the first."}
            )
        if self.approved_on and not self.approved_by:
            raise ValidationError({"approved_by": "Say who approved the plan."})


class ThemeKind(models.TextChoices):
    THEME = "theme", "Theme"
    PRIORITY = "priority", "Priority"
    WAY_OF_WORKING = "way_of_working", "Way of working"
    WORKSTREAM = "workstream", "Workstream"
    ENABLER = "enabler", "Enabler"
    SERVICE_AREA = "service_area", "Service area"
    RECOMMENDATION = "recommendation", "Recommendation"
    SECTION = "section", "Section"


class ThemeQuerySet(CouncilScopedQuerySet):
    council_path = "plan__council"

    def for_list(self) -> ThemeQuerySet:
        return self.select_related("plan__council")


class Theme(models.Model):
    """An ordered section of a plan that groups actions (a theme, priority or workstream)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    kind = models.CharField(max_length=20, choices=ThemeKind.choices, default=ThemeKind.THEME)
    number = models.PositiveSmallIntegerField(default=1, help_text="Order within the plan.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead = models.CharField(max_length=200, blank=True, help_text="Lead officer, e.g. a job title.")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ThemeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["plan", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def council(self) -> Council:
        return self.plan.council


class SavingsTargetQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> SavingsTargetQuerySet:
        return self.select_related("council", "plan", "theme", "action").with_period_target()

    def with_period_target(self) -> SavingsTargetQuerySet:
        """Annotate ``period_target``: the target over the whole period, as lists show and
        sort it (a recurring line's yearly amount times its years; core.savings.period_target).
        """
        years = models.F("end_year") - models.F("start_year") + 1
        return self.annotate(
            period_target=models.Case(
                models.When(
                    recurrence=SavingsRecurrence.RECURRING,
                    then=models.F("target_amount") * years,
                ),
                default=models.F("target_amount"),
                output_field=models.DecimalField(max_digits=16, decimal_places=2),
            )
        )


class SavingsKind(models.TextChoices):
    SAVING = "saving", "Saving"
    INCOME = "income", "Extra income"


class SavingsRecurrence(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    RECURRING = "recurring", "Recurring each year"


class SavingsBasis(models.TextChoices):
    POUNDS = "pounds", "An amount in pounds"
    PERCENT_OF_BUDGET = "percent", "A percentage of a budget"


class SavingsStatus(models.TextChoices):
    """A scheme's status as the council reports it to cabinet ("" = not reported)."""

    DELIVERED = "delivered", "Delivered"
    ON_TRACK = "on_track", "On track"
    SLIPPING = "slipping", "Slipping"
    UNACHIEVABLE = "unachievable", "Unachievable"
    REMOVED = "removed", "Removed"

    @property
    def colour(self) -> str:
        return _SAVINGS_STATUS_COLOURS[self.value]


_SAVINGS_STATUS_COLOURS = {
    "delivered": "blue",
    "on_track": "green",
    "slipping": "amber",
    "unachievable": "red",
    "removed": "grey",
}


def savings_note(
    basis: str,
    percent: Decimal | None,
    budget: Decimal | None,
    amount: Decimal | None,
    *,
    recurring: bool,
    period: str,
) -> str:
    """How a savings target was set, where it is more than a sum of pounds: "2% of a
    £50,000,000 budget" and/or "£1,000,000 a year over 2024/25 to 2026/27"."""
    parts = []
    if basis == SavingsBasis.PERCENT_OF_BUDGET and percent is not None:
        parts.append(f"{format_measure(percent, 'percent')} of a {format_money(budget)} budget")
    if recurring:
        parts.append(f"{format_money(amount)} a year over {period}")
    return "; ".join(parts)


def savings_description(kind: str, recurrence: str) -> str:
    """ "Extra income, recurring each year" (a one-off saving says nothing extra)."""
    parts = []
    if kind == SavingsKind.INCOME:
        parts.append(SavingsKind.INCOME.label)
    if recurrence == SavingsRecurrence.RECURRING:
        label = SavingsRecurrence.RECURRING.label
        parts.append(label.lower() if parts else label)
    return ", ".join(parts)


class SavingsTarget(models.Model):
    """Money a council has committed to save (or raise), with how much is identified and
    achieved, and the scheme's status as the council reports it."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="savings_targets")
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="savings_targets"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="savings_targets"
    )
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="savings_targets",
    )
    title = models.CharField(max_length=300)
    start_year = financial_year_field("first financial year")
    end_year = financial_year_field("last financial year")
    kind = models.CharField(max_length=10, choices=SavingsKind.choices, default=SavingsKind.SAVING)
    recurrence = models.CharField(
        max_length=10,
        choices=SavingsRecurrence.choices,
        default=SavingsRecurrence.ONE_OFF,
        help_text="Recurring: the target is saved again every year of the period.",
    )
    target_basis = models.CharField(
        "target set as",
        max_length=10,
        choices=SavingsBasis.choices,
        default=SavingsBasis.POUNDS,
    )
    target_percent = models.DecimalField(
        "target (% of budget)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    budget_amount = models.DecimalField(
        "budget (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The budget a percentage target is a share of.",
    )
    target_amount = models.DecimalField(
        "target (£)",
        max_digits=14,
        decimal_places=2,
        blank=True,
        help_text=(
            "For a recurring line, the amount each year. Worked out from the percentage "
            "and budget where the target is a percentage of a budget."
        ),
    )
    reported_status = models.CharField(
        "status reported",
        max_length=20,
        choices=SavingsStatus.choices,
        blank=True,
        help_text="The scheme's status as the council reports it. Empty: not reported.",
    )
    identified_amount = models.DecimalField(
        "identified (£)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    achieved_amount = models.DecimalField(
        "achieved (£)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    commentary = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SavingsTargetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["council__name", "start_year", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    def save(self, *args, **kwargs) -> None:
        # A percentage target means pounds of its budget: stored, so lists sort and sum it.
        if (
            self.target_basis == SavingsBasis.PERCENT_OF_BUDGET
            and self.target_percent is not None
            and self.budget_amount is not None
            and self.budget_amount >= 0
        ):
            self.target_amount = percent_of_budget(self.target_percent, self.budget_amount)
        super().save(*args, **kwargs)

    @property
    def period(self) -> str:
        return years_label(self.start_year, self.end_year)

    @property
    def years(self) -> list[FinancialYear]:
        return [FinancialYear(y) for y in range(self.start_year, self.end_year + 1)]

    @property
    def is_recurring(self) -> bool:
        return self.recurrence == SavingsRecurrence.RECURRING

    @property
    def is_income(self) -> bool:
        return self.kind == SavingsKind.INCOME

    @property
    def target_note(self) -> str:
        """How the target was set, where it is more than a sum of pounds (savings_note)."""
        return savings_note(
            self.target_basis,
            self.target_percent,
            self.budget_amount,
            self.target_amount,
            recurring=self.is_recurring,
            period=self.period,
        )

    @property
    def description(self) -> str:
        """ "Extra income, recurring each year" (savings_description)."""
        return savings_description(self.kind, self.recurrence)

    @property
    def status_reported(self) -> SavingsStatus | None:
        return SavingsStatus(self.reported_status) if self.reported_status else None

    def progress(self, today: datetime.date) -> SavingsProgress:
        """Achieved and identified against the period's target at ``today``, judged by the
        council's at-risk rule; amounts not reported stay None."""
        return savings_progress(
            self.target_amount,
            self.identified_amount,
            self.achieved_amount,
            self.years,
            today,
            recurring=self.is_recurring,
            at_risk_shortfall=self.council.savings_at_risk_shortfall,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.target_basis == SavingsBasis.PERCENT_OF_BUDGET:
            if self.target_percent is None:
                errors["target_percent"] = "Enter the target as a percentage of the budget."
            if self.budget_amount is None:
                errors["budget_amount"] = "Enter the budget the percentage is a share of."
            elif self.budget_amount < 0:
                errors["budget_amount"] = "A budget cannot be negative."
            if not errors:
                self.target_amount = percent_of_budget(self.target_percent, self.budget_amount)
        elif self.target_amount is None:
            errors["target_amount"] = "Enter the target in pounds."
        for name in ("target_amount", "identified_amount", "achieved_amount"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "An amount cannot be negative."
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = "The last financial year cannot be before the first."
        council_id = self.council_id
        if self.plan_id and council_id and self.plan.council_id != council_id:
            errors["plan"] = "This plan belongs to another council."
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            errors["theme"] = "This theme is not part of the chosen plan."
        if self.action_id and council_id and self.action.plan.council_id != council_id:
            errors["action"] = "This action belongs to another council."
        if errors:
            raise ValidationError(errors)


QUARTER_CHOICES = [(q, f"Q{q}") for q in range(1, 5)]


class QuarterSummaryQuerySet(CouncilScopedQuerySet):
    def for_quarter(self, financial_year: int, quarter: int) -> QuarterSummaryQuerySet:
        return self.filter(financial_year=financial_year, quarter=quarter)


class QuarterSummary(models.Model):
    """The performance team's overall summary of a council's quarter, opening its report."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="summaries")
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    quarter = models.PositiveSmallIntegerField(
        choices=QUARTER_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    text = models.TextField(
        help_text="The summary as cabinet reads it. Blank lines part paragraphs."
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = QuarterSummaryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "quarter's summary"
        verbose_name_plural = "quarters' summaries"
        ordering = ["council", "-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "quarter"], name="one_summary_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council}: summary, {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"Q{self.quarter} {FinancialYear(self.financial_year)}"


class ThemeNarrativeQuerySet(CouncilScopedQuerySet):
    council_path = "theme__plan__council"

    def for_quarter(self, financial_year: int, quarter: int) -> ThemeNarrativeQuerySet:
        return self.filter(financial_year=financial_year, quarter=quarter)


class ThemeNarrative(models.Model):
    """The performance team's narrative of one theme (priority) for a quarter."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="narratives")
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    quarter = models.PositiveSmallIntegerField(
        choices=QUARTER_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    text = models.TextField(
        help_text="Shown under the theme's heading. Blank lines part paragraphs."
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ThemeNarrativeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "theme's narrative"
        verbose_name_plural = "themes' narratives"
        ordering = ["theme", "-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "financial_year", "quarter"], name="one_narrative_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.theme}: narrative, {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"Q{self.quarter} {FinancialYear(self.financial_year)}"

    @property
    def council(self) -> Council:
        return self.theme.plan.council
