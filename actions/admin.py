"""Admin for actions, with their updates inline."""

from django.contrib import admin

from actions.models import Action, ActionUpdate, status_from_stage_and_rag
from actions.services import sync_current_state
from plans.admin import CouncilScopedAdmin, CouncilScopedInline
from plans.admin_concurrency import VersionedModelForm
from plans.models import ActionStatusScheme, Council

DERIVED_STATUS_HELP = "Follows from the stage and RAG; left empty, it is worked out from them."


class ActionUpdateForm(VersionedModelForm):
    """An update whose status may be left to follow from its stage and RAG.

    The admin makes the status optional only where the council reports stage and RAG apart;
    for a council reporting one status it stays required.
    """

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and not cleaned.get("status"):
            status = status_from_stage_and_rag(cleaned.get("stage") or "", cleaned.get("rag") or "")
            cleaned["status"] = status
            self.instance.status = status
        return cleaned


def status_is_derived(request, council: Council | None) -> bool:
    """Whether an update's status follows from its stage and RAG for this form.

    The council of the object being edited decides; on an add page (no object yet) the
    status is derived only if every council the user administers reports stage and RAG apart.
    """
    if council is not None:
        return council.action_status_scheme == ActionStatusScheme.STAGE_AND_RAG
    schemes = set(
        Council.objects.administered_by(request.user)
        .values_list("action_status_scheme", flat=True)
        .distinct()[:2]
    )
    return schemes == {ActionStatusScheme.STAGE_AND_RAG}


def set_status_derived(form_class: type, derived: bool) -> None:
    field = form_class.base_fields.get("status")
    if field is not None and derived:
        field.required = False
        field.help_text = DERIVED_STATUS_HELP


class ActionUpdateInline(CouncilScopedInline):
    model = ActionUpdate
    form = ActionUpdateForm
    # "date" is the date the update is as at (it may be before it was typed).
    fields = [
        "date",
        "status",
        "stage",
        "rag",
        "percent_complete",
        "commentary",
        "author",
        "author_name",
    ]
    show_change_link = False
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        council = obj.plan.council if obj is not None and obj.plan_id else None
        set_status_derived(formset.form, status_is_derived(request, council))
        return formset


@admin.register(Action)
class ActionAdmin(CouncilScopedAdmin):
    list_display = [
        "reference",
        "title",
        "plan",
        "theme",
        "lead_officer",
        "due_date",
        "status",
        "percent_complete",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "plan__council",
        "plan",
        "theme",
        "status",
        "stage",
        "rag",
        "horizon",
        "plan__start_year",
    ]
    search_fields = [
        "reference",
        "title",
        "description",
        "lead_officer",
        "directorate",
        "section",
        "portfolio_holder",
    ]
    date_hierarchy = "due_date"
    autocomplete_fields = ["plan", "theme", "assigned_users"]
    list_select_related = ["plan__council", "theme"]
    inlines = [ActionUpdateInline]
    fieldsets = [
        (None, {"fields": ["plan", "theme", "reference", "title", "description"]}),
        (
            "People",
            {
                "fields": [
                    "lead_officer",
                    "directorate",
                    "section",
                    "portfolio_holder",
                    "assigned_users",
                ]
            },
        ),
        (
            "Timing",
            {
                "fields": [
                    "start_date",
                    "due_date",
                    "original_due_date",
                    "due_label",
                    "horizon",
                    "tranche",
                    "priority",
                    "order",
                ]
            },
        ),
        (
            "Current state",
            {
                "fields": ["status", "stage", "rag", "percent_complete"],
                "description": "Stage and RAG where the council reports them apart; the "
                "status then follows from them. The latest update (by as-at date) wins.",
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The latest update is the action's current state.
        sync_current_state(form.instance)


@admin.register(ActionUpdate)
class ActionUpdateAdmin(CouncilScopedAdmin):
    form = ActionUpdateForm
    list_display = ["action", "date", "status", "percent_complete", "author_display"]
    list_filter = ["action__plan__council", "status", "stage", "rag"]
    search_fields = ["action__title", "action__reference", "commentary", "author_name"]
    # No date hierarchy: its links read the date of every update the user may see.
    show_full_result_count = False  # no second count of every row
    autocomplete_fields = ["action", "author"]
    list_select_related = ["action__plan__council", "author"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        council = obj.action.plan.council if obj is not None else None
        set_status_derived(form, status_is_derived(request, council))
        return form

    @admin.display(description="author")
    def author_display(self, obj: ActionUpdate) -> str:
        return obj.author_display

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_current_state(obj.action)
