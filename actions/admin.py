"""Admin for actions, with their updates inline."""

from django.contrib import admin

from actions.models import Action, ActionUpdate
from actions.services import sync_current_state
from plans.admin import CouncilScopedAdmin, CouncilScopedInline


class ActionUpdateInline(CouncilScopedInline):
    model = ActionUpdate
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
    list_display = ["action", "date", "status", "percent_complete", "author_display"]
    list_filter = ["action__plan__council", "status", "stage", "rag"]
    search_fields = ["action__title", "action__reference", "commentary", "author_name"]
    date_hierarchy = "date"
    autocomplete_fields = ["action", "author"]
    list_select_related = ["action__plan__council", "author"]

    @admin.display(description="author")
    def author_display(self, obj: ActionUpdate) -> str:
        return obj.author_display

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_current_state(obj.action)
