"""Admin for councils, memberships, plans, themes and savings targets.

Every admin here derives from CouncilScopedAdmin: a council administrator sees and picks only
rows of the councils they administer; a superuser sees all.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action
from plans.admin_concurrency import VersionedAdminMixin, VersionedInlineMixin
from plans.admin_people import PeopleAdminMixin
from plans.models import (
    Council,
    Membership,
    Plan,
    Role,
    SavingsTarget,
    Theme,
)
from plans.querysets import CouncilScopedQuerySet


def is_council_admin(request: HttpRequest) -> bool:
    """Superusers, and staff who administer at least one council (cached per request)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(request, "_is_council_admin"):
        request._is_council_admin = Membership.objects.filter(user=user, role=Role.ADMIN).exists()
    return request._is_council_admin


def users_of_councils(request: HttpRequest) -> models.QuerySet:
    User = get_user_model()
    if request.user.is_superuser:
        return User.objects.all()
    councils = Council.objects.administered_by(request.user).values("pk")
    return User.objects.filter(
        pk__in=Membership.objects.filter(council__in=councils).values("user")
    )


class CouncilScopedMixin:
    """Scope querysets and choices to the councils the user administers."""

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        return qs.administered_by(request.user)

    def _scoped_choices(self, db_field, request: HttpRequest, kwargs: dict) -> None:
        related = db_field.related_model
        if related is get_user_model():
            kwargs["queryset"] = users_of_councils(request)
            return
        qs = related._default_manager.all()
        if isinstance(qs, CouncilScopedQuerySet):
            kwargs["queryset"] = qs.administered_by(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_council_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_council_admin(request)

    def has_add_permission(self, request, *args):
        return is_council_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_council_admin(request)

    def has_delete_permission(self, request, obj=None):
        return is_council_admin(request)


class CouncilScopedAdmin(CouncilScopedMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    """A ModelAdmin with audit history, scoped to the user's councils.

    A change form saved after someone else changed the row (or one of its inline rows) is
    refused with what changed, and every save moves the versions on, so officers' forms
    opened before an admin edit are refused too (plans.admin_concurrency).
    """

    save_on_top = True


class CouncilScopedInline(CouncilScopedMixin, VersionedInlineMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    list_display = ["name", "short_name", "kind", "risk_matrix", "rag_tolerance", "website"]
    list_filter = ["kind", "risk_matrix"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(PeopleAdminMixin, CouncilScopedAdmin):
    list_display = ["user", "email", "council", "role", "job_title", "active"]
    list_filter = ["council", "role"]
    search_fields = [
        "user__username", "user__first_name", "user__last_name", "user__email", "job_title"
    ]
    autocomplete_fields = ["council"]
    list_select_related = ["user", "council"]

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: Membership) -> str:
        return obj.user.email

    @admin.display(description="can sign in", boolean=True, ordering="user__is_active")
    def active(self, obj: Membership) -> bool:
        return obj.user.is_active


class ThemeInline(CouncilScopedInline):
    model = Theme
    fields = ["number", "kind", "title", "lead"]


@admin.register(Plan)
class PlanAdmin(CouncilScopedAdmin):
    list_display = ["title", "council", "kind", "period", "status", "approved_by", "approved_on"]
    list_filter = ["council", "kind", "status", "start_year"]
    search_fields = ["title", "summary", "owner", "source_document"]
    date_hierarchy = "approved_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["council"]
    list_select_related = ["council"]
    inlines = [ThemeInline]
    fieldsets = [
        (None, {"fields": ["council", "kind", "title", "slug", "status"]}),
        (
            "Period and approval",
            {"fields": ["start_year", "end_year", "approved_by", "approved_on", "owner"]},
        ),
        ("Content", {"fields": ["summary", "source_document"]}),
    ]

    @admin.display(description="period", ordering="start_year")
    def period(self, obj: Plan) -> str:
        return obj.period


class ActionInline(CouncilScopedInline):
    model = Action
    fields = ["reference", "title", "lead_officer", "due_date", "status", "percent_complete"]
    fk_name = "theme"


@admin.register(Theme)
class ThemeAdmin(CouncilScopedAdmin):
    list_display = ["__str__", "plan", "kind", "lead"]
    list_filter = ["plan__council", "plan", "kind"]
    search_fields = ["title", "description", "lead", "plan__title"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan__council"]
    inlines = [ActionInline]

    def save_formset(self, request, form, formset, change):
        # New actions added inline belong to the theme's plan.
        for inline_form in formset.extra_forms:
            inline_form.instance.plan = form.instance.plan
        super().save_formset(request, form, formset, change)


@admin.register(SavingsTarget)
class SavingsTargetAdmin(CouncilScopedAdmin):
    list_display = [
        "title",
        "council",
        "period",
        "target_amount",
        "identified_amount",
        "achieved_amount",
        "progress",
    ]
    list_filter = ["council", "plan", "start_year"]
    search_fields = ["title", "commentary"]
    autocomplete_fields = ["council", "plan", "theme", "action"]
    list_select_related = ["council"]

    @admin.display(description="period", ordering="start_year")
    def period(self, obj: SavingsTarget) -> str:
        return obj.period

    @admin.display(description="achieved")
    def progress(self, obj: SavingsTarget) -> str:
        if not obj.target_amount or obj.achieved_amount is None:
            return "–"
        return f"{obj.achieved_amount / obj.target_amount:.0%} of target"
