"""Admin for KPIs, with their values inline."""

import base64

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join

from core.formatting import format_measure, state_tag
from core.rag import PRESETS
from kpis import workbook
from kpis.models import KPI, KpiTarget, KpiValue
from kpis.schemes import RagScheme, RagState, build_scheme, forget_scheme, rag_scheme
from plans.admin import CouncilScopedAdmin, CouncilScopedInline
from plans.admin_concurrency import VersionedInlineFormSet
from plans.models import Council


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
        view = self.admin_site.admin_view(lambda request: workbook_import_view(self, request))
        return [path("import/", view, name="kpis_kpi_import"), *super().get_urls()]


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


class WorkbookUploadForm(forms.Form):
    """The council to import into (only those the user administers) and the file."""

    council = forms.ModelChoiceField(queryset=Council.objects.none())
    file = forms.FileField(
        label="Workbook",
        help_text="An .xlsx workbook with a Measures and/or a Values sheet, or Measures.csv or "
        "Values.csv.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.administered_by(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > workbook.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{workbook.MAX_BYTES // 1024 // 1024} MB."
            )
        return upload


#: Where a checked workbook waits in the session for its confirmation.
PENDING_IMPORT = "kpis_workbook_import"


def workbook_import_view(model_admin: admin.ModelAdmin, request):
    """Upload → preview (a dry run: counts and errors) → confirm (the real import).

    The file checked is kept in the session until confirmed, and imported again from there
    (so what was previewed is what is imported, checked once more inside the transaction).
    """
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a workbook",
    }
    result = pending = None
    form = WorkbookUploadForm(user=request.user)
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(PENDING_IMPORT, None)
        council = (
            pending
            and Council.objects.administered_by(request.user).filter(pk=pending["council"]).first()
        )
        if council is None:
            messages.error(request, "Nothing to import: upload the workbook again.")
            return redirect("admin:kpis_kpi_import")
        try:
            result = workbook.import_workbook(
                council, request.user, pending["name"], base64.b64decode(pending["data"])
            )
        except workbook.WorkbookError as error:
            messages.error(request, str(error))
            return redirect("admin:kpis_kpi_import")
        if result.ok:
            summary = "; ".join(f"{sheet}: {tally}" for sheet, tally in result.tallies.items())
            messages.success(request, f"Imported into {council}. {summary}.")
            return redirect("admin:kpis_kpi_changelist")
    elif request.method == "POST":
        request.session.pop(PENDING_IMPORT, None)
        form = WorkbookUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                result = workbook.import_workbook(
                    form.cleaned_data["council"], request.user, upload.name, data, dry_run=True
                )
            except workbook.WorkbookError as error:
                form.add_error("file", str(error))
            else:
                if result.ok:
                    request.session[PENDING_IMPORT] = {
                        "council": form.cleaned_data["council"].pk,
                        "name": upload.name,
                        "data": base64.b64encode(data).decode("ascii"),
                    }
    return TemplateResponse(
        request,
        "admin/kpis/kpi/import.html",
        {**context, "form": form, "result": result},
    )
