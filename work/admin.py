"""The reminders sent, read-only, for the council's administrators."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from plans.admin import CouncilScopedMixin
from work.models import Reminder

# The task queue's rows belong to no council: they are the operators' (read them with the
# database), not the council administrators' admin.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(Reminder)
class ReminderAdmin(CouncilScopedMixin, admin.ModelAdmin):
    list_display = ["sent_at", "council", "period", "stage", "email", "item_count"]
    list_filter = ["stage", "financial_year", "quarter"]
    search_fields = ["email"]
    list_select_related = ["council"]
    fields = ["council", "financial_year", "quarter", "stage", "email", "sent_at", "listed"]
    readonly_fields = fields

    @admin.display(description="quarter")
    def period(self, obj: Reminder) -> str:
        return f"Q{obj.quarter} {obj.get_financial_year_display()}"

    @admin.display(description="items listed")
    def item_count(self, obj: Reminder) -> int:
        return len(obj.items or [])

    @admin.display(description="what it listed as missing")
    def listed(self, obj: Reminder) -> str:
        return "\n".join(
            f"{row.get('officer', '')}: {row.get('label', '')} ({row.get('period', '')})"
            for row in obj.items or []
            if isinstance(row, dict)
        )

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
