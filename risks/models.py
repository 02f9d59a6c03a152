"""The strategic risk register."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.risk import RiskScore, parse_score
from core.validators import validate_plausible_date
from plans.models import Council, Theme
from plans.querysets import CouncilScopedQuerySet

#: How a stored score that does not parse on the council's matrix is described.
NOT_ON_MATRIX = "not on this council's matrix"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Direction(models.TextChoices):
    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    WORSENING = "worsening", "Worsening"


class RiskQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> RiskQuerySet:
        return self.select_related("council").prefetch_related("themes")


class RiskRegisterEntry(models.Model):
    """A strategic risk, scored on its council's own likelihood × impact matrix."""

    SCORE_FIELDS = ("inherent_score", "residual_score", "target_score")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="risks")
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=300, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="risks")
    inherent_score = models.CharField(max_length=10, blank=True)
    residual_score = models.CharField(
        "current residual score", max_length=10, blank=True, help_text='e.g. "BII" or "4x3"'
    )
    target_score = models.CharField(max_length=10, blank=True)
    mitigation = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    direction = models.CharField(
        "direction of travel", max_length=10, choices=Direction.choices, blank=True
    )
    register_page = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Page of the published register."
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RiskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "strategic risk"
        verbose_name_plural = "strategic risks"
        ordering = ["council__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="risk_ref_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def score(self, field: str = "residual_score") -> RiskScore | None:
        """The stored score parsed on the council's matrix; None if empty or not on it (a score
        stored before the matrix changed, or by hand), so no page fails on one."""
        text = getattr(self, field)
        try:
            return parse_score(self.council.risk_matrix, text) if text else None
        except ValueError:
            return None

    def score_text(self, field: str = "residual_score") -> str:
        """"BII (L – high, I – critical)"; a score not on the matrix as stored, saying so."""
        text = getattr(self, field)
        if not text:
            return "–"
        score = self.score(field)
        return f"{score} ({score.description})" if score else f"{text} ({NOT_ON_MATRIX})"

    @property
    def residual(self) -> RiskScore | None:
        return self.score("residual_score")

    def clean(self) -> None:
        if not self.council_id:
            return
        errors: dict[str, str] = {}
        for field in self.SCORE_FIELDS:
            text = getattr(self, field)
            if not text:
                continue
            try:
                score = parse_score(self.council.risk_matrix, text)
            except ValueError as exc:
                errors[field] = str(exc)
            else:
                setattr(self, field, str(score))
        if errors:
            raise ValidationError(errors)
