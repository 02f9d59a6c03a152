"""Reminders sent for a quarter's collection: recorded so that none is ever sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.cycle import STAGE_LABELS, Stage
from plans.models import FINANCIAL_YEAR_CHOICES, Council
from plans.querysets import CouncilScopedQuerySet


class ReminderQuerySet(CouncilScopedQuerySet):
    pass


class Reminder(models.Model):
    """One digest email sent to one person for one quarter's collection stage."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="reminders")
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in range(1, 5)])
    stage = models.CharField(max_length=20, choices=[(s.value, s.label) for s in Stage])
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField("sent to")
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.JSONField(default=list, help_text="What the digest listed as missing, as sent.")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "quarter", "stage", "recipient"],
                name="one_reminder_per_stage_and_person",
            )
        ]

    def __str__(self) -> str:
        stage = STAGE_LABELS[Stage(self.stage)]
        return f"{stage}, Q{self.quarter} {self.get_financial_year_display()} – {self.email}"
