"""The strategic risk register."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core import risk as engine
from core.periods import period_label
from core.risk import PRESETS, RAG_SEVERITY, RiskScore, direction_of_travel, natural_key
from core.validators import validate_plausible_date
from plans.dataversion import bump_data_version
from plans.models import FINANCIAL_YEAR_CHOICES, Council, Theme
from plans.querysets import CouncilScopedQuerySet

#: How a stored score that does not parse on the council's matrix is described.
NOT_ON_MATRIX = "not on this council's matrix"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED_FOR_REMOVAL = "proposed_removal", "Proposed for removal"
    CLOSED = "closed", "Closed"
    MERGED = "merged", "Merged into another risk"


#: Statuses of risks still on the register the cabinet reads.
LIVE_STATUSES = (RiskStatus.OPEN, RiskStatus.PROPOSED_FOR_REMOVAL)


class BandColour(models.TextChoices):
    """Colours a band can be shown in (its name is always shown beside the colour)."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"


class Axis(models.TextChoices):
    LIKELIHOOD = "likelihood", "Likelihood"
    IMPACT = "impact", "Impact"


class RiskRag(models.TextChoices):
    """A RAG rating, for registers that publish one per risk per quarter instead of a score."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class RiskMatrixQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> RiskMatrixQuerySet:
        return self.select_related("council")


class MatrixPartQuerySet(CouncilScopedQuerySet):
    council_path = "matrix__council"


class RiskMatrix(models.Model):
    """A council's risk matrix: its levels and bands (inlines), notation and appetite.

    One matrix is in use per council; a new one starts from a built-in preset whose levels
    and bands are copied and can then be edited.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="risk_matrices")
    name = models.CharField(max_length=100, blank=True)
    preset = models.CharField(
        max_length=20,
        choices=engine.RiskMatrix.choices,
        default=engine.DEFAULT_PRESET,
        help_text="The built-in matrix whose levels and bands a new matrix starts from "
        "(when none are entered).",
    )
    notation = models.CharField(
        max_length=30,
        default="{l}{i}",
        help_text="How a score is written: {l} for the likelihood code, {i} for the impact "
        'code, e.g. "{l}{i}" (BII), "{l}x{i}" (4x5), "L{l} x I{i}" (L4 x I5), "{i}{l}" '
        "(impact first).",
    )
    appetite = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Risk appetite: scores (likelihood rank × impact rank) above this are "
        "beyond the council's appetite.",
    )
    in_use = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RiskMatrixQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "risk matrix"
        verbose_name_plural = "risk matrices"
        ordering = ["council__name", "-in_use", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council"], condition=Q(in_use=True), name="one_risk_matrix_in_use"
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.council} risk matrix"

    def clean(self) -> None:
        if "{l}" not in self.notation or "{i}" not in self.notation:
            raise ValidationError(
                {"notation": "Write {l} where the likelihood goes and {i} where the impact goes."}
            )

    def fill_from_preset(self) -> None:
        """Copy the preset's levels and bands into this matrix (when it has none)."""
        preset = PRESETS[self.preset]
        if not self.levels.exists():
            RiskLevel.objects.bulk_create(
                [
                    RiskLevel(
                        matrix=self, axis=axis, position=n, code=level.code, words=level.words
                    )
                    for axis, levels in (
                        (Axis.LIKELIHOOD, preset.likelihoods),
                        (Axis.IMPACT, preset.impacts),
                    )
                    for n, level in enumerate(levels, start=1)
                ]
            )
        if not self.bands.exists():
            RiskBand.objects.bulk_create(
                [
                    RiskBand(matrix=self, name=band.name, colour=band.colour, minimum=band.minimum)
                    for band in preset.bands
                ]
            )
        bump_data_version([self.council_id])  # bulk writes send no signals

    def engine(self) -> engine.Matrix:
        """The pure matrix (uses prefetched ``levels`` and ``bands`` when present)."""
        levels = sorted(self.levels.all(), key=lambda lv: lv.position)
        likelihoods = tuple(
            engine.Level(lv.code, lv.words) for lv in levels if lv.axis == Axis.LIKELIHOOD
        )
        impacts = tuple(engine.Level(lv.code, lv.words) for lv in levels if lv.axis == Axis.IMPACT)
        if not likelihoods or not impacts:
            preset = PRESETS[self.preset]
            likelihoods, impacts = preset.likelihoods, preset.impacts
        draft = engine.Matrix(likelihoods, impacts, notation=self.notation or "{l}{i}")
        bands = []
        for band in self.bands.all():
            cells = frozenset(
                (score.likelihood, score.impact)
                for text in band.cells.split(",")
                if (score := draft.parse_or_none(text.strip())) and score.on_grid
            )
            bands.append(engine.Band(band.name, band.colour, band.minimum, cells))
        return engine.Matrix(
            likelihoods,
            impacts,
            notation=draft.notation,
            bands=tuple(bands),
            appetite=self.appetite,
            name=self.name,
        )


class RiskLevel(models.Model):
    """One level of an axis of a council's matrix, position 1 the most likely / severe."""

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="levels")
    axis = models.CharField(max_length=10, choices=Axis.choices)
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="1 for the most likely / most severe level.",
    )
    code = models.CharField(max_length=10, help_text='As written in a score: "B", "II", "4".')
    words = models.CharField(max_length=100, help_text='E.g. "very high", "catastrophic".')
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MatrixPartQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["matrix", "-axis", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "axis", "position"], name="one_level_per_position"
            ),
            models.UniqueConstraint(fields=["matrix", "axis", "code"], name="level_code_per_axis"),
        ]

    def __str__(self) -> str:
        return f"{self.get_axis_display()} {self.code} ({self.words})"


class RiskBand(models.Model):
    """A named, coloured band of a council's matrix: scores from ``minimum`` up, or the
    cells listed (the council's own lookup)."""

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=50, help_text='E.g. "very high".')
    colour = models.CharField(max_length=10, choices=BandColour.choices)
    minimum = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Lowest score (likelihood rank × impact rank) in this band.",
    )
    cells = models.CharField(
        max_length=500,
        blank=True,
        help_text="Or the cells in this band, written as scores and separated by commas "
        '(e.g. "AI, AII, BI"); these win over the thresholds.',
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MatrixPartQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["matrix", "minimum", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_colour_display()})"

    def clean(self) -> None:
        if self.minimum is None and not self.cells.strip():
            raise ValidationError("Give the band's lowest score or the cells in it.")
        if self.cells.strip() and self.matrix_id:
            resolved = self.matrix.engine()
            wrong = [
                text.strip()
                for text in self.cells.split(",")
                if text.strip()
                and ((score := resolved.parse_or_none(text.strip())) is None or not score.on_grid)
            ]
            if wrong:
                raise ValidationError({"cells": f"Not cells of this matrix: {', '.join(wrong)}."})


class Direction(models.TextChoices):
    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    WORSENING = "worsening", "Worsening"


def council_matrix(council: Council) -> engine.Matrix:
    """The matrix ``council`` uses (three queries), or the default built-in one."""
    # Orders of their own: the models' would join the council (and matrix) for every row.
    matrix = (
        RiskMatrix.objects.filter(council=council, in_use=True)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("levels", RiskLevel.objects.order_by("-axis", "position", "pk")),
            Prefetch("bands", RiskBand.objects.order_by("minimum", "name", "pk")),
        )
        .first()
    )
    if matrix is None:
        return PRESETS[engine.DEFAULT_PRESET]
    return matrix.engine()


def council_matrices(councils: list[Council]) -> dict[int, engine.Matrix]:
    """The matrices ``councils`` use, by council pk, in three queries whatever their number."""
    found = {
        matrix.council_id: matrix.engine()
        for matrix in RiskMatrix.objects.filter(council__in=councils, in_use=True).prefetch_related(
            "levels", "bands"
        )
    }
    return {
        council.pk: found.get(council.pk) or PRESETS[engine.DEFAULT_PRESET] for council in councils
    }


class RiskQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> RiskQuerySet:
        return self.select_related("council", "merged_into").prefetch_related("themes")


class RiskRegisterEntry(models.Model):
    """A strategic risk, scored on its council's own likelihood × impact matrix."""

    SCORE_FIELDS = ("inherent_score", "residual_score", "target_score")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="risks")
    reference = models.CharField(
        max_length=40, blank=True, help_text='Optional; e.g. "SR03B" or "Strat-12".'
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=300, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="risks")
    inherent_score = models.CharField(max_length=20, blank=True)
    residual_score = models.CharField(
        "current residual score",
        max_length=20,
        blank=True,
        help_text='In the council\'s notation, e.g. "BII", "4x3", "L4 x I5", or the score\'s '
        'product alone ("20") where that is all the council publishes.',
    )
    target_score = models.CharField(max_length=20, blank=True)
    mitigation = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_risks",
        help_text="The risk of the same council this one was merged into.",
    )
    direction = models.CharField(
        "direction of travel",
        max_length=10,
        choices=Direction.choices,
        blank=True,
        help_text="As the register states it; computed from the quarterly assessments when "
        "there are two or more.",
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
            models.UniqueConstraint(
                fields=["council", "reference"],
                condition=~Q(reference=""),
                name="risk_ref_per_council",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def sort_key(self) -> tuple:
        """References in natural order (Strat-2 before Strat-12), then title."""
        return self.sort_key_of(self.reference, self.title)

    @staticmethod
    def sort_key_of(reference: str, title: str) -> tuple:
        """``sort_key`` from a risk's reference and title alone (e.g. values read without
        the risk)."""
        return (natural_key(reference), title.casefold())

    @property
    def matrix(self) -> engine.Matrix:
        """The council's matrix; set once on every row by lists and reports (``_matrix``)."""
        if getattr(self, "_matrix", None) is None:
            self._matrix = council_matrix(self.council)
        return self._matrix

    @matrix.setter
    def matrix(self, value: engine.Matrix) -> None:
        self._matrix = value

    def score(self, field: str = "residual_score") -> RiskScore | None:
        """The stored score parsed on the council's matrix; None if empty or not on it (a score
        stored before the matrix changed, or by hand), so no page fails on one."""
        text = getattr(self, field)
        return self.matrix.parse_or_none(text) if text else None

    def score_text(self, field: str = "residual_score") -> str:
        """ "BII (L – high, I – critical)"; a score not on the matrix as stored, saying so."""
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
                score = self.matrix.parse(text)
            except ValueError as exc:
                errors[field] = str(exc)
            else:
                setattr(self, field, str(score))
        if self.status == RiskStatus.MERGED and self.merged_into_id is None:
            errors["merged_into"] = "Say which risk this one was merged into."
        if self.merged_into_id is not None:
            if self.status != RiskStatus.MERGED:
                errors["merged_into"] = "Only a risk with the status merged is merged into another."
            elif self.merged_into_id == self.pk:
                errors["merged_into"] = "A risk cannot be merged into itself."
            elif self.merged_into.council_id != self.council_id:
                errors["merged_into"] = "Choose a risk of the same council."
        if errors:
            raise ValidationError(errors)


class RiskAssessmentQuerySet(CouncilScopedQuerySet):
    council_path = "risk__council"

    def for_list(self) -> RiskAssessmentQuerySet:
        return self.select_related("risk__council", "assessed_by")


class RiskAssessment(models.Model):
    """A risk as assessed in one quarter: its current score and/or (for registers that publish
    only that) a RAG rating, with commentary, who and when. Kept for every quarter."""

    risk = models.ForeignKey(
        RiskRegisterEntry, on_delete=models.CASCADE, related_name="assessments"
    )
    financial_year = models.PositiveSmallIntegerField(choices=FINANCIAL_YEAR_CHOICES)
    quarter = models.PositiveSmallIntegerField(
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    score = models.CharField(
        "current score", max_length=20, blank=True, help_text="In the council's notation."
    )
    rag = models.CharField("RAG", max_length=10, choices=RiskRag.choices, blank=True)
    commentary = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RiskAssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "quarterly risk assessment"
        ordering = ["risk", "financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "financial_year", "quarter"], name="one_assessment_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk} {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.financial_year, self.quarter, 0)

    @property
    def period(self) -> tuple[int, int]:
        return (self.financial_year, self.quarter)

    def parsed(self, matrix: engine.Matrix) -> RiskScore | None:
        return matrix.parse_or_none(self.score) if self.score else None

    def severity(self, matrix: engine.Matrix) -> int | None:
        """The score's product, or for a RAG-only assessment the RAG's severity."""
        score = self.parsed(matrix)
        if score is not None:
            return score.product
        if not self.score and self.rag:
            return RAG_SEVERITY[self.rag]
        return None

    def clean(self) -> None:
        if not self.score.strip() and not self.rag:
            raise ValidationError("Give the quarter's score or its RAG rating.")
        if self.score.strip() and self.risk_id is not None:
            try:
                self.score = str(self.risk.matrix.parse(self.score))
            except ValueError as exc:
                raise ValidationError({"score": str(exc)}) from None


def assessed_direction(assessments: list[RiskAssessment], matrix: engine.Matrix) -> str:
    """Direction of travel from the last two of a risk's assessments (in period order)."""
    if len(assessments) < 2:
        return ""
    previous, current = assessments[-2], assessments[-1]
    if bool(previous.score) != bool(current.score):
        return ""  # a score and a RAG cannot be compared
    return direction_of_travel(previous.severity(matrix), current.severity(matrix))
