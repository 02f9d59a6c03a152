"""Quarters signed off and published to cabinet: locked snapshots of the quarterly report.

A published quarter is written once, when the council's performance team signs the quarter
off (``dashboard.publishing.publish_quarter``), and never changed: there is no update path,
here, in the admin or in a queryset. Corrections made afterwards live in the measures' own
records and are shown beside the snapshot, never written into it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.periods import FinancialYear, Quarter
from plans.models import Council
from plans.querysets import CouncilScopedQuerySet


class PublishedQuarterQuerySet(CouncilScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ValidationError("A published quarter cannot be changed.")

    def for_quarter(self, quarter: Quarter) -> PublishedQuarterQuerySet:
        return self.filter(financial_year=quarter.year.start_year, quarter=quarter.number)


class PublishedQuarter(models.Model):
    """One council's quarterly report as signed off and given to cabinet.

    ``data`` holds every figure, status, trend, score and commentary of the report and the
    rules it was judged by (RAG scheme, risk matrix); ``body_html`` is the report's body as
    the dashboard drew it at sign-off, so a published quarter is served (and printed as the
    cabinet pack) from the snapshot alone.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="published")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2020 is 2020/21.")
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in range(1, 5)])
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The publisher's name as it was then (the account may be renamed or removed later).
    published_by_name = models.CharField(max_length=300)
    published_at = models.DateTimeField()
    data = models.JSONField()
    body_html = models.TextField()

    objects = PublishedQuarterQuerySet.as_manager()

    class Meta:
        ordering = ["council", "-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "quarter"], name="one_publication_per_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council.short_name} {self.period}, published {self.published_at:%d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError("A published quarter cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("A published quarter cannot be deleted.")

    @property
    def period(self) -> Quarter:
        return Quarter(FinancialYear(self.financial_year), self.quarter)
