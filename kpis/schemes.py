"""A council's RAG scheme: which built-in rule it uses, its thresholds and its words.

The rule itself is pure (core.rag); these models only hold a council's choice. A council with
no scheme in use gets Medway's, with the council's tolerance (the seed councils' pages are
what they were). :func:`rag_scheme` loads a council's scheme in one query and keeps it on the
council object, so a page that shares one council object asks once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.rag import (
    PRESET_CHOICES,
    PRESETS,
    Colour,
    Measure,
    Rag,
    RagRule,
    Scheme,
    State,
    Symbol,
    default_states,
    medway,
)
from plans.models import Council
from plans.querysets import CouncilScopedQuerySet

_CACHE = "_rag_scheme"
IN_USE_TAKEN = "This council already has a scheme in use: take that one out of use first."


class RagSchemeQuerySet(CouncilScopedQuerySet):
    def for_list(self) -> RagSchemeQuerySet:
        return self.select_related("council")


class RagStateQuerySet(CouncilScopedQuerySet):
    council_path = "scheme__council"

    def for_list(self) -> RagStateQuerySet:
        return self.select_related("scheme__council")


class RagScheme(models.Model):
    """How a council rates its measures: a built-in scheme by name, with its own thresholds.

    A threshold left empty is the built-in scheme's; so is the wording of a state it does not
    give its own words. One scheme per council is in use.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="rag_schemes")
    name = models.CharField(max_length=100, help_text='E.g. "Corporate performance key".')
    preset = models.CharField(
        "built-in scheme",
        max_length=20,
        choices=PRESET_CHOICES,
        default="medway",
        help_text="The rule and words this scheme starts from.",
    )
    in_use = models.BooleanField(
        "in use", default=True, help_text="The scheme the council's pages use (one at a time)."
    )
    measure = models.CharField(
        "measured as",
        max_length=10,
        choices=Measure.choices,
        blank=True,
        help_text="Empty: as the built-in scheme measures.",
    )
    amber_band = models.DecimalField(
        "tolerance (worse than this is Red)",
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="0.05 = 5% of the target; in points, 3 = 3 points. Empty: the built-in's.",
    )
    green_band = models.DecimalField(
        "green band (worse by up to this is still Green)",
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="0 = Green only at or better than target. Empty: the built-in's.",
    )
    better_band = models.DecimalField(
        "better-than-target band (better by more than this is its own state)",
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Two-sided schemes only. Empty: the built-in's.",
    )
    trend_amber = models.BooleanField(
        "Amber if no worse than last year",
        null=True,
        blank=True,
        help_text="Beyond the tolerance, Amber if improved or maintained against the same "
        "period last year, else Red. Unknown: the built-in's.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RagSchemeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "RAG scheme"
        ordering = ["council__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(in_use=True),
                name="one_rag_scheme_in_use",
                violation_error_message=IN_USE_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.council})" if self.council_id else self.name

    def rule(self) -> RagRule:
        """The built-in scheme's rule with this scheme's thresholds (raises ValueError)."""
        return _rule(PRESETS[self.preset], self.__dict__)

    def clean(self) -> None:
        if self.preset not in PRESETS:
            return  # the field's own choices validation says so
        try:
            self.rule()
        except ValueError as error:
            raise ValidationError(str(error)) from None


class RagState(models.Model):
    """A scheme's own word, symbol and colour for one state (e.g. Green → "on track" ★)."""

    scheme = models.ForeignKey(RagScheme, on_delete=models.CASCADE, related_name="states")
    role = models.CharField("state", max_length=10, choices=Rag.choices)
    label = models.CharField(max_length=40, help_text='The word shown, e.g. "On track".')
    symbol = models.CharField(max_length=2, choices=Symbol.choices, blank=True)
    colour = models.CharField(max_length=10, choices=Colour.choices)
    meaning = models.CharField(
        "meaning in the key",
        max_length=200,
        blank=True,
        help_text="Empty: the built-in scheme's words.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RagStateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "RAG scheme state"
        ordering = ["scheme", "role"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "role"], name="one_state_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.label}"


def _rule(preset: Scheme, fields: dict[str, Any]) -> RagRule:
    base = preset.rule
    changes: dict[str, Any] = {}
    for name in ("amber_band", "green_band", "better_band"):
        if fields.get(name) is not None:
            changes[name] = fields[name]
    if fields.get("measure"):
        changes["measure"] = fields["measure"]
    if fields.get("trend_amber") is not None:
        changes["trend_amber"] = fields["trend_amber"]
    return replace(base, **changes) if changes else base


def build_scheme(preset_name: str, fields: dict[str, Any], states: list[dict[str, Any]]) -> Scheme:
    """The scheme a stored row describes: the built-in's, with its thresholds and words."""
    preset = PRESETS[preset_name]
    rule = _rule(preset, fields)
    stock = default_states(preset.rule)
    fresh = default_states(rule)
    words: dict[Rag, State] = {}
    for role in Rag:
        given = preset.states.get(role)
        # A built-in's own words stay; Medway's words follow the new thresholds.
        words[role] = given if given is not None and given != stock[role] else fresh[role]
    for state in states:
        role = Rag(state["role"])
        words[role] = State(
            role,
            state["label"],
            state["colour"],
            state["meaning"] or words[role].meaning,
            state["symbol"] or "",
        )
    return Scheme(preset_name, rule, words)


_FIELDS = ("preset", "measure", "amber_band", "green_band", "better_band", "trend_amber")
_STATE_FIELDS = ("role", "label", "symbol", "colour", "meaning")


def rag_scheme(council: Council) -> Scheme:
    """The council's scheme in use, else Medway's with the council's tolerance (one query,
    none when asked again of the same council object)."""
    cached = council.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    load_rag_schemes([council])
    return council.__dict__[_CACHE]


def load_rag_schemes(councils: Iterable[Council]) -> None:
    """Load the schemes of ``councils`` (one query for all of them, e.g. the councils of an
    admin list's page), each kept on its council object as :func:`rag_scheme` keeps it."""
    wanted = {c.pk: c for c in councils if c.__dict__.get(_CACHE) is None}
    if not wanted:
        return
    rows: dict[int, list[dict]] = {}
    for row in RagScheme.objects.filter(council_id__in=wanted, in_use=True).values(
        "council_id", *_FIELDS, *(f"states__{name}" for name in _STATE_FIELDS)
    ):
        rows.setdefault(row["council_id"], []).append(row)
    for pk, council in wanted.items():
        council.__dict__[_CACHE] = _scheme_of(council, rows.get(pk, []))


def _scheme_of(council: Council, rows: list[dict]) -> Scheme:
    if not rows:
        return medway(council.rag_tolerance)
    first = rows[0]
    states = [
        {name: row[f"states__{name}"] for name in _STATE_FIELDS}
        for row in rows
        if row["states__role"]
    ]
    try:
        return build_scheme(first["preset"], first, states)
    except (KeyError, ValueError):  # a row stored by hand that the rule refuses
        return medway(council.rag_tolerance)


def forget_scheme(council: Council) -> None:
    """Drop the scheme kept on ``council`` (after changing it)."""
    council.__dict__.pop(_CACHE, None)
