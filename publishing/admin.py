"""Published quarters in the admin: read only, scoped to the councils a user administers.

A published quarter is what cabinet was given; nobody adds, changes or deletes one here.
Quarters are signed off from their dashboard (dashboard.publishing).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from plans.admin import CouncilScopedMixin, administers, is_council_admin
from publishing.models import PublishedQuarter


@admin.register(PublishedQuarter)
class PublishedQuarterAdmin(CouncilScopedMixin, admin.ModelAdmin):
    list_display = ["council", "period", "published_at", "published_by_name"]
    list_filter = ["council", "financial_year", "quarter"]
    list_select_related = ["council"]
    date_hierarchy = "published_at"
    fields = ["council", "financial_year", "quarter", "published_by_name", "published_at"]
    readonly_fields = fields
    actions = None

    @admin.display(description="quarter", ordering="financial_year")
    def period(self, obj: PublishedQuarter) -> str:
        return str(obj.period)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_council_admin(request) and administers(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
