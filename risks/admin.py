"""Admin for the strategic risk register: risks with their quarterly assessments inline, and
each council's risk matrix with its levels and bands inline."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import risk as engine
from core.risk import PRESETS, rows_off_matrix
from plans.admin import CouncilScopedAdmin, CouncilScopedInline
from plans.admin_concurrency import VersionedInlineFormSet
from risks.models import (
    Axis,
    RiskAssessment,
    RiskBand,
    RiskLevel,
    RiskMatrix,
    RiskRegisterEntry,
    council_matrices,
)


class RiskAssessmentFormSet(VersionedInlineFormSet):
    """Gives each assessment its risk before validation, so its score is checked on the
    council's matrix even for a risk added with its assessments."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.risk = self.instance
        return form


class RiskAssessmentInline(CouncilScopedInline):
    model = RiskAssessment
    formset = RiskAssessmentFormSet
    fields = [
        "financial_year",
        "quarter",
        "score",
        "rag",
        "commentary",
        "assessed_by",
        "assessed_at",
    ]
    readonly_fields = ["assessed_by", "assessed_at"]
    show_change_link = False


@admin.register(RiskRegisterEntry)
class RiskRegisterEntryAdmin(CouncilScopedAdmin):
    list_display = [
        "reference",
        "title",
        "council",
        "owner",
        "residual_with_words",
        "status",
        "direction",
        "review_date",
    ]
    list_display_links = ["reference", "title"]
    list_filter = ["council", "status", "direction", "themes"]
    search_fields = ["reference", "title", "description", "owner", "mitigation"]
    date_hierarchy = "review_date"
    autocomplete_fields = ["council", "themes", "merged_into"]
    list_select_related = ["council"]
    inlines = [RiskAssessmentInline]

    def get_changelist_instance(self, request):
        """Each listed risk is scored on its council's matrix, loaded once per page."""
        changelist = super().get_changelist_instance(request)
        risks = list(changelist.result_list)
        councils = list({risk.council_id: risk.council for risk in risks}.values())
        matrices = council_matrices(councils)
        for risk in risks:
            risk.matrix = matrices[risk.council_id]
        return changelist

    @admin.display(description="current residual score", ordering="residual_score")
    def residual_with_words(self, obj: RiskRegisterEntry) -> str:
        return obj.score_text("residual_score")

    def save_formset(self, request, form, formset, change):
        if formset.model is RiskAssessment:
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_form.instance.assessed_by = request.user
                    inline_form.instance.assessed_at = timezone.now()
        super().save_formset(request, form, formset, change)


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(CouncilScopedAdmin):
    list_display = ["risk", "period", "score", "rag", "assessed_by", "assessed_at"]
    list_filter = ["risk__council", "financial_year", "quarter", "rag"]
    search_fields = ["risk__reference", "risk__title", "commentary"]
    autocomplete_fields = ["risk"]
    list_select_related = ["risk__council", "assessed_by"]
    date_hierarchy = "assessed_at"
    readonly_fields = ["assessed_by", "assessed_at"]

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            obj.assessed_by = request.user
            obj.assessed_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description="quarter", ordering="financial_year")
    def period(self, obj: RiskAssessment) -> str:
        return obj.period_label


class RiskLevelFormSet(VersionedInlineFormSet):
    """The levels and notation together must make a matrix, and every score the council's
    register holds must still be on it: rescore first, or keep the matrix."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        matrix: RiskMatrix = self.instance
        levels = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        preset = PRESETS.get(matrix.preset, PRESETS[engine.DEFAULT_PRESET])

        def axis(name: str, fallback):
            rows = sorted((d for d in levels if d.get("axis") == name), key=lambda d: d["position"])
            return tuple(engine.Level(d["code"], d["words"]) for d in rows) or fallback

        try:
            draft = engine.Matrix(
                axis(Axis.LIKELIHOOD, preset.likelihoods),
                axis(Axis.IMPACT, preset.impacts),
                notation=matrix.notation or "{l}{i}",
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if not matrix.in_use or not matrix.council_id:
            return
        risks = RiskRegisterEntry.objects.filter(council_id=matrix.council_id)
        off = rows_off_matrix(draft, risks.values_list(*RiskRegisterEntry.SCORE_FIELDS))
        off += rows_off_matrix(
            draft,
            RiskAssessment.objects.filter(risk__council_id=matrix.council_id)
            .exclude(score="")
            .values_list("score"),
        )
        if off:
            raise ValidationError(
                f"{off} risk score{'s' if off != 1 else ''} (current, inherent, target or a "
                "quarter's assessment) would not be on this matrix. Rescore "
                f"{'them' if off != 1 else 'it'} first, or keep the current levels and notation."
            )


class RiskLevelInline(CouncilScopedInline):
    model = RiskLevel
    formset = RiskLevelFormSet
    fields = ["axis", "position", "code", "words"]
    show_change_link = False


class RiskBandInline(CouncilScopedInline):
    model = RiskBand
    fields = ["name", "colour", "minimum", "cells"]
    show_change_link = False


@admin.register(RiskMatrix)
class RiskMatrixAdmin(CouncilScopedAdmin):
    list_display = ["__str__", "council", "preset", "notation", "appetite", "in_use"]
    list_filter = ["council", "in_use"]
    search_fields = ["name", "council__name"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]
    inlines = [RiskLevelInline, RiskBandInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A matrix added without levels or bands starts from its preset's.
        form.instance.fill_from_preset()
