"""Actions a council committed to, and their append-only history of updates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from simple_history.models import HistoricalRecords

from core.formatting import format_measure
from core.validators import validate_plausible_date
from plans.models import ActionStatusScheme, Plan, Theme
from plans.querysets import CouncilScopedQuerySet


class ActionStatus(models.TextChoices):
    # Where the source document gives no status: the system claims none.
    NOT_REPORTED = "not_reported", "Not reported"
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled or superseded"

    @property
    def colour(self) -> str:
        """The RAG colour councils give this status ("" where none)."""
        return _STATUS_COLOURS[self.value]

    @property
    def is_closed(self) -> bool:
        return self.value in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


_STATUS_COLOURS = {
    "not_reported": "grey",
    "not_started": "grey",
    "on_track": "green",
    "at_risk": "amber",
    "off_track": "red",
    "completed": "blue",
    "cancelled": "grey",
}

CLOSED_STATUSES = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


class ActionStage(models.TextChoices):
    """How far an action has got, where a council reports it apart from its RAG."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        return "blue" if self.value == "complete" else "grey"


class ActionRag(models.TextChoices):
    """Whether an action will deliver on time, where reported apart from its stage."""

    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"

    @property
    def colour(self) -> str:
        return _STATUS_COLOURS[self.value]


def status_from_stage_and_rag(stage: str, rag: str) -> ActionStatus:
    """The one status that stands for a stage and RAG reported apart (either may be "").

    It is what lists filter and the dashboard counts by: a closed stage wins, then the
    RAG (an at-risk action needs attention whatever its stage), then "not started";
    an action in progress with no RAG has no status reported.
    """
    if stage == ActionStage.COMPLETE:
        return ActionStatus.COMPLETED
    if stage == ActionStage.CANCELLED:
        return ActionStatus.CANCELLED
    if rag:
        return ActionStatus(rag)
    if stage == ActionStage.NOT_STARTED:
        return ActionStatus.NOT_STARTED
    return ActionStatus.NOT_REPORTED


def percent_label(percent: int | None) -> str:
    """ "40%" for a reported % complete; "not reported" where none was (never "None%")."""
    return "not reported" if percent is None else format_measure(percent, "percent")


def progress_phrase(percent: int | None) -> str:
    """ "40% complete", or "% complete not reported" where no figure was reported."""
    return "% complete not reported" if percent is None else f"{percent_label(percent)} complete"


class Horizon(models.TextChoices):
    SHORT = "short", "Short term"
    MEDIUM = "medium", "Medium term"
    LONG = "long", "Long term"


class ActionQuerySet(CouncilScopedQuerySet):
    council_path = "plan__council"

    def officer_condition(self, user) -> Q:
        # A subquery, not a join: a join on assigned_users would repeat rows.
        return Q(pk__in=Action.assigned_users.through.objects.filter(user=user).values("action"))

    def for_list(self) -> ActionQuerySet:
        return self.select_related("plan__council", "theme")

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.filter(due_date__lt=today).exclude(status__in=CLOSED_STATUSES)

    def off_track_or_overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.filter(
            Q(status__in=(ActionStatus.OFF_TRACK, ActionStatus.AT_RISK))
            | Q(due_date__lt=today) & ~Q(status__in=CLOSED_STATUSES)
        )


class Action(models.Model):
    """Something a council committed to do. Its status is that of its latest update."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    reference = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    lead_officer = models.CharField(max_length=200, blank=True, help_text="Often a job title.")
    directorate = models.CharField(
        max_length=200, blank=True, help_text="The directorate responsible, e.g. Place."
    )
    section = models.CharField(
        max_length=200, blank=True, help_text="The service or section within it."
    )
    portfolio_holder = models.CharField(max_length=200, blank=True)
    assigned_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_actions",
        help_text="The people who update this action.",
    )
    start_date = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    due_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text="The current due date. Moving it keeps the original (below).",
    )
    original_due_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text="The due date first set, kept when the due date slips. Set automatically.",
    )
    due_label = models.CharField(
        max_length=100,
        blank=True,
        help_text='The due date as the plan wrote it, e.g. "April 2018" or "Ongoing".',
    )
    horizon = models.CharField(max_length=10, choices=Horizon.choices, blank=True)
    tranche = models.CharField(max_length=200, blank=True, help_text="Tranche or phase.")
    priority = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 = highest.")
    # Unknown until someone reports it: a new action is not claimed "Not started, 0%".
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_REPORTED
    )
    stage = models.CharField(
        max_length=20,
        choices=ActionStage.choices,
        blank=True,
        help_text="Where the council reports stage and RAG apart. Empty: not reported.",
    )
    rag = models.CharField(
        "RAG",
        max_length=20,
        choices=ActionRag.choices,
        blank=True,
        help_text="Where the council reports stage and RAG apart. Empty: not reported.",
    )
    percent_complete = models.PositiveSmallIntegerField(
        "% complete",
        default=None,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Empty where no % complete has been reported.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Order within its theme.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["plan", "theme__number", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip() if self.reference else self.title

    def save(self, *args, **kwargs) -> None:
        # A due date that moves is a slip: the first one set is kept, never overwritten.
        loaded = getattr(self, "_loaded_due_date", None)
        if (
            self.pk
            and loaded is not None
            and self.due_date != loaded
            and self.original_due_date is None
        ):
            self.original_due_date = loaded
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "due_date" in update_fields:
                kwargs["update_fields"] = {*update_fields, "original_due_date"}
        super().save(*args, **kwargs)
        self._loaded_due_date = self.due_date

    def get_absolute_url(self) -> str:
        return reverse("action-detail", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Not getattr: a deferred due date would cost a query per row.
        instance._loaded_due_date = instance.__dict__.get("due_date")
        return instance

    @property
    def council(self):
        return self.plan.council

    @property
    def reports_stage_and_rag(self) -> bool:
        """Whether the action's council reports stage and RAG apart (needs plan.council)."""
        return self.plan.council.action_status_scheme == ActionStatusScheme.STAGE_AND_RAG

    @property
    def state_phrase(self) -> str:
        """ "In progress, RAG at risk" where stage and RAG are apart, else the status."""
        if not self.reports_stage_and_rag:
            return self.get_status_display()
        stage = self.get_stage_display() if self.stage else "Stage not reported"
        rag = f"RAG {self.get_rag_display().lower()}" if self.rag else "RAG not reported"
        return f"{stage}, {rag}"

    @property
    def due_slipped(self) -> bool:
        return bool(
            self.original_due_date and self.due_date and self.original_due_date != self.due_date
        )

    @property
    def due_phrase(self) -> str:
        """ "31 Mar 2025 (originally 31 Dec 2024)", the plan's words, or "" when undated."""
        if not self.due_date:
            return self.due_label
        text = dateformat.format(self.due_date, "j M Y")
        if self.due_slipped:
            text += f" (originally {dateformat.format(self.original_due_date, 'j M Y')})"
        return text

    @property
    def percent_label(self) -> str:
        return percent_label(self.percent_complete)

    @property
    def progress_phrase(self) -> str:
        return progress_phrase(self.percent_complete)

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(self.due_date and self.due_date < today and self.status not in CLOSED_STATUSES)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = "The due date cannot be before the start date."
        if self.stage or self.rag:
            # Stage and RAG reported apart: the one status follows from them.
            self.status = status_from_stage_and_rag(self.stage, self.rag)
        if self.percent_complete is not None and not 0 <= self.percent_complete <= 100:
            errors["percent_complete"] = "% complete must be between 0 and 100."
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            errors["theme"] = "This theme is not part of the action's plan."
        if errors:
            raise ValidationError(errors)


class ActionUpdateQuerySet(CouncilScopedQuerySet):
    council_path = "action__plan__council"


class ActionUpdate(models.Model):
    """One dated report on an action ("Update on Action Plan"). Never edited, only added."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    # The date the update speaks for ("as at"), which may be before the day it was typed
    # (created_at). The action's current state is the update with the latest as-at date.
    date = models.DateField(
        "as at",
        default=datetime.date.today,
        validators=[validate_plausible_date],
        help_text="The date this update reports the action's state for.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_updates",
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who reported it, where not a user of the system."
    )
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    stage = models.CharField(max_length=20, choices=ActionStage.choices, blank=True)
    rag = models.CharField("RAG", max_length=20, choices=ActionRag.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        "% complete",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Empty where the update gave no % complete.",
    )
    commentary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ActionUpdateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        # The admin's list (the model's ordering) reads the newest updates from an index.
        indexes = [
            models.Index(fields=["-date", "-created_at", "-id"], name="actionupdate_newest"),
        ]
        get_latest_by = ["date", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} – {self.date:%d %b %Y}: {self.get_status_display()}"

    @property
    def percent_label(self) -> str:
        return percent_label(self.percent_complete)

    @property
    def progress_phrase(self) -> str:
        return progress_phrase(self.percent_complete)

    @property
    def author_display(self) -> str:
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return self.author_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.percent_complete is not None and not 0 <= self.percent_complete <= 100:
            errors["percent_complete"] = "% complete must be between 0 and 100."
        if self.stage or self.rag:
            self.status = status_from_stage_and_rag(self.stage, self.rag)
        if self.date and self.date > timezone.localdate():
            errors["date"] = "An update cannot speak for a date in the future."
        elif (
            self.date
            and self.action_id
            and self.action.start_date
            and self.date < self.action.start_date
        ):
            errors["date"] = "An update cannot speak for a date before the action began."
        if self.status == ActionStatus.COMPLETED and self.percent_complete != 100:
            errors["percent_complete"] = "A completed action is 100% complete."
        if self.status in CLOSED_STATUSES and not self.commentary.strip():
            errors["commentary"] = "Say why the action is completed or cancelled."
        if errors:
            raise ValidationError(errors)
