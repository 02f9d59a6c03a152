"""Admin for KPIs, with their values inline."""

from django.contrib import admin
from django.utils.html import format_html

from core.formatting import format_measure
from core.rag import Rag
from kpis.models import KPI, KpiTarget, KpiValue
from plans.admin import CouncilScopedAdmin, CouncilScopedInline
from plans.admin_concurrency import VersionedInlineFormSet


def rag_badge(rag: Rag) -> str:
    # The word is always shown: colour is never the only signal.
    return format_html('<strong class="rag {}">{}</strong>', rag.css_class, rag.label)


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
        "rag",
        "commentary",
    ]
    readonly_fields = ["rag"]
    show_change_link = False

    @admin.display(description="RAG")
    def rag(self, obj: KpiValue) -> str:
        return rag_badge(obj.rag) if obj.pk else "–"


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
    date_hierarchy = "entered_at"

    @admin.display(description="period", ordering="financial_year")
    def period(self, obj: KpiValue) -> str:
        return obj.period_label

    @admin.display(description="RAG")
    def rag(self, obj: KpiValue) -> str:
        return rag_badge(obj.rag)
