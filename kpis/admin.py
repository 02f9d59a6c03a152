"""Admin for KPIs, with their values inline."""

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html_join
from django.views.generic import RedirectView

from core.formatting import format_measure, state_tag
from core.rag import PRESETS
from kpis.models import KPI, KpiTarget, KpiValue
from kpis.schemes import (
    RagScheme,
    RagState,
    build_scheme,
    forget_scheme,
    load_rag_schemes,
    rag_scheme,
)
from plans.admin import CouncilScopedAdmin, CouncilScopedInline
from plans.admin_concurrency import VersionedInlineFormSet


def rag_badge(value: KpiValue) -> str:
    """The value's status as its council's scheme names and draws it (word always shown)."""
    return state_tag(rag_scheme(value.kpi.council).state(value.rag))


class KpiValueFormSet(VersionedInlineFormSet):
    """Gives each value its measure before validation, even an unsaved one (a new KPI added
    with its values), so KpiValue.clean can check the period against the measure's frequency."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.kpi = self.instance
        return form


class KpiValueInline(CouncilScopedInline):
    model = KpiValue
    formset = KpiValueFormSet
    fields = [
        "financial_year",
        "quarter",
        "month",
        "actual",
        "not_published",
        "target",
        "data_only",
        "rag",
        "commentary",
    ]
    readonly_fields = ["rag"]
    show_change_link = False

    @admin.display(description="RAG")
    def rag(self, obj: KpiValue) -> str:
        return rag_badge(obj) if obj.pk else "–"


class KpiTargetFormSet(VersionedInlineFormSet):
    """Gives each yearly target its measure before validation (even an unsaved one), so
    KpiTarget.clean can check it against the measure's baseline and unit."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.kpi = self.instance
        return form


class KpiTargetInline(CouncilScopedInline):
    """A measure's targets by financial year: a figure, +% a year on the baseline, or
    "establish baseline". A value's own target for its period stands over these."""

    model = KpiTarget
    formset = KpiTargetFormSet
    fields = ["financial_year", "kind", "amount", "gives"]
    readonly_fields = ["gives"]
    show_change_link = False

    @admin.display(description="target it gives")
    def gives(self, obj: KpiTarget) -> str:
        if not obj.pk:
            return "–"
        target = obj.target_for(obj.kpi)
        return format_measure(target, obj.kpi.unit) if target is not None else "No target"


@admin.register(KPI)
class KPIAdmin(CouncilScopedAdmin):
    list_display = [
        "code",
        "name",
        "council",
        "theme",
        "unit",
        "polarity",
        "frequency",
        "data_only",
        "owner",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["council", "plan", "theme", "frequency", "polarity", "data_only"]
    search_fields = ["code", "name", "definition", "owner"]
    autocomplete_fields = ["council", "plan", "theme", "owner_user"]
    list_select_related = ["council", "theme"]
    inlines = [KpiTargetInline, KpiValueInline]
    change_list_template = "admin/kpis/kpi/change_list.html"

    def get_urls(self):
        # The workbook import moved to the workbooks app (it spans plans, actions and risks).
        moved = self.admin_site.admin_view(
            RedirectView.as_view(pattern_name="admin:workbooks_workbookimport_import")
        )
        return [path("import/", moved, name="kpis_kpi_import"), *super().get_urls()]


@admin.register(KpiValue)
class KpiValueAdmin(CouncilScopedAdmin):
    list_display = [
        "kpi",
        "period",
        "actual",
        "not_published",
        "target",
        "rag",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["kpi__council", "kpi__theme", "financial_year", "quarter"]
    search_fields = ["kpi__code", "kpi__name", "commentary"]
    autocomplete_fields = ["kpi", "entered_by"]
    list_select_related = ["kpi__council", "kpi__theme", "entered_by"]
    # No date hierarchy: its year links read the date of every value the user may see (a
    # national superuser's 634,000). The period filters and the entered-at column sort instead.
    # Ordered by the measure's id and period (the unique index), not the measure's
    # council/theme/order (the model's ordering, which joins and sorts every value).
    ordering = ["kpi_id", "financial_year", "quarter", "month"]
    show_full_result_count = False  # no second count of every row

    @admin.display(description="period", ordering="financial_year")
    def period(self, obj: KpiValue) -> str:
        return obj.period_label

    def decimal_unit(self, obj: KpiValue, field_name: str) -> str:
        return obj.kpi.unit  # actual and target read "68.4%"

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One council object per council on the page, so each scheme is loaded once.
        changelist.result_list = list(changelist.result_list)
        councils = {}
        for value in changelist.result_list:
            value.kpi.council = councils.setdefault(value.kpi.council_id, value.kpi.council)
        load_rag_schemes(councils.values())  # every council's scheme in one query
        return changelist

    @admin.display(description="RAG")
    def rag(self, obj: KpiValue) -> str:
        return rag_badge(obj)


class RagStateInline(CouncilScopedInline):
    model = RagState
    fields = ["role", "label", "symbol", "colour", "meaning"]
    extra = 0


@admin.register(RagScheme)
class RagSchemeAdmin(CouncilScopedAdmin):
    """A council's RAG scheme: a built-in one by name, its thresholds and its own words."""

    list_display = ["name", "council", "preset", "in_use", "summary"]
    list_filter = ["council", "preset", "in_use"]
    search_fields = ["name"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]
    inlines = [RagStateInline]
    fieldsets = [
        (None, {"fields": ["council", "name", "preset", "in_use"]}),
        (
            "Thresholds (empty: the built-in scheme's)",
            {"fields": ["measure", "amber_band", "green_band", "better_band", "trend_amber"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("states")

    @admin.display(description="key")
    def summary(self, obj: RagScheme) -> str:
        """The states this scheme shows, in its words, worst first."""
        if obj.preset not in PRESETS:
            return "–"
        try:
            scheme = rag_scheme_of(obj)
        except ValueError as error:
            return str(error)
        return format_html_join(" ", "{}", ((state_tag(state),) for state in scheme.key()))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        forget_scheme(form.instance.council)


def rag_scheme_of(obj: RagScheme):
    """The scheme a stored row describes (its own states, as saved)."""
    states = [
        {
            "role": s.role,
            "label": s.label,
            "symbol": s.symbol,
            "colour": s.colour,
            "meaning": s.meaning,
        }
        for s in obj.states.all()
    ]
    return build_scheme(obj.preset, obj.__dict__, states)
