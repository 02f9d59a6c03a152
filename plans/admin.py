"""Admin for councils, memberships, plans, themes and savings targets.

Every admin here derives from CouncilScopedAdmin: a council administrator sees, picks and
filters on only rows of the councils they administer; a superuser sees all. Object ids in admin
URLs are checked against the same scoped querysets by the site (plans/adminsite.py).
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action
from plans.admin_concurrency import VersionedAdminMixin, VersionedInlineMixin
from plans.admin_display import (
    DecimalDisplayMixin,
    ThemeFormMixin,
    ThemesByPlanIterator,
    ThemeSelect,
    ThemeSelectMultiple,
)
from plans.admin_paginator import EstimatedCountPaginator
from plans.admin_people import PeopleAdminMixin
from plans.adminsite import MAX_ID, parse_id, search_term_problem
from plans.models import (
    CollectionDates,
    Council,
    Membership,
    Plan,
    QuarterSummary,
    Role,
    SavingsTarget,
    Theme,
    ThemeNarrative,
)
from plans.querysets import CouncilScopedQuerySet

#: A sidebar filter lists at most this many rows (councils too: a superuser of the national
#: service would get hundreds of links); a longer list is left out until a council is chosen
#: in the council filter (or, for councils, the rows are searched by name).
FILTER_MAX_CHOICES = 100


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


def administers(request: HttpRequest, obj: models.Model | None) -> bool:
    """Whether the user administers this saved object's council (cached per request).

    ``obj`` None (a page about no object in particular) or unsaved (being added, its council
    picked from scoped choices) passes; a model without a council is for superusers only.
    """
    if obj is None or obj.pk is None or request.user.is_superuser:
        return True
    cache = request.__dict__.setdefault("_administered_objects", {})
    key = (obj._meta.label, obj.pk)
    if key not in cache:
        qs = type(obj)._default_manager.all()
        cache[key] = isinstance(qs, CouncilScopedQuerySet) and (
            qs.administered_by(request.user).filter(pk=obj.pk).exists()
        )
    return cache[key]


# Every foreign key here points at an integer primary key. A forged id that cannot be one is
# refused before it reaches the database (an oversized one crashed SQLite's driver), and is not
# looked up again when the form is shown with its errors.


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        forged = value not in self.empty_values and not isinstance(value, self.queryset.model)
        if forged and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ThemeChoiceField(IdChoiceField):
    """A theme, picked from the themes grouped by plan (plans.admin_display)."""

    iterator = ThemesByPlanIterator


class ThemeMultipleChoiceField(IdMultipleChoiceField):
    iterator = ThemesByPlanIterator


class IdsOnlyAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if parse_id(str(v))], attr)


class IdsOnlyAutocompleteSelect(IdsOnlyAutocompleteMixin, AutocompleteSelect):
    pass


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CouncilScopedMixin(DecimalDisplayMixin):
    """Scope querysets, choices and object permissions to the councils the user administers.

    Decimals read as people write them, and themes are picked grouped by plan, never through
    an autocomplete (whose answers cannot be grouped or follow the plan picked): see
    plans.admin_display.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.autocomplete_fields = [
            name for name in self.autocomplete_fields if not _is_theme_field(self.model, name)
        ]

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        return qs.administered_by(request.user)

    def _scoped_choices(self, db_field, request: HttpRequest, kwargs: dict) -> None:
        many = db_field.many_to_many
        kwargs["form_class"] = IdMultipleChoiceField if many else IdChoiceField
        if db_field.related_model is Theme:
            kwargs["form_class"] = ThemeMultipleChoiceField if many else ThemeChoiceField
            kwargs["widget"] = ThemeSelectMultiple() if many else ThemeSelect()
        elif db_field.name in self.get_autocomplete_fields(request):
            widget = IdsOnlyAutocompleteSelectMultiple if many else IdsOnlyAutocompleteSelect
            kwargs["widget"] = widget(db_field, self.admin_site, using=kwargs.get("using"))
        related = db_field.related_model
        if related is get_user_model():
            kwargs["queryset"] = users_of_councils(request)
            return
        qs = related._default_manager.all()
        if isinstance(qs, CouncilScopedQuerySet):
            kwargs["queryset"] = qs.administered_by(request.user)
        elif not request.user.is_superuser:
            kwargs["queryset"] = qs.none()  # rows of no council: superusers only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_council_admin(request)

    # For an inline, obj is the parent object.
    def has_view_permission(self, request, obj=None):
        return is_council_admin(request) and administers(request, obj)

    def has_add_permission(self, request, *args):
        return is_council_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_council_admin(request) and administers(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_council_admin(request) and administers(request, obj)


def _is_theme_field(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).related_model is Theme
    except Exception:  # not a field: Django's checks say so
        return False


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a relation lists only related rows that rows the user administers
    use, never another council's; below the council, only those of the council filtered on."""

    def field_choices(self, field, request, model_admin):
        rows = model_admin.get_queryset(request)
        related_model = field.related_model
        if related_model is not Council and rows.council_path:
            chosen = [parse_id(pk) for pk in request.GET.getlist(f"{rows.council_path}__id__exact")]
            if chosen and None not in chosen:
                rows = rows.for_councils(chosen)
        # Each candidate is asked whether a row uses it (an index probe that stops at the
        # first row), and at most FILTER_MAX_CHOICES + 1 candidates are asked: the sidebar
        # costs the same with 3 councils or 300, never a scan of every row.
        used = rows.order_by().filter(**{self.field_path: OuterRef("pk")})
        related = related_model._default_manager.filter(Exists(used))
        if isinstance(related, CouncilScopedQuerySet):
            related = related.administered_by(request.user)
            if related.council_path:  # a plan's name says its council: one query, not one a row
                related = related.select_related(related.council_path)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        choices = [(obj.pk, str(obj)) for obj in related[: FILTER_MAX_CHOICES + 1]]
        return choices if len(choices) <= FILTER_MAX_CHOICES else []

    def has_output(self):
        # A filter in use stays applied (and shown) even when its choices are left out.
        return super().has_output() or self.lookup_val is not None or bool(self.lookup_val_isnull)


#: Request parameters that do not narrow a list (page, sort, search, popups).
UNFILTERING = {"p", "o", "e", "q", "_to_field", "_popup", "_changelist_filters"}


def spans_every_council(request: HttpRequest) -> bool:
    """A superuser's list not narrowed by any filter: every council's rows."""
    return request.user.is_superuser and set(request.GET) <= UNFILTERING


class ScopedChangeList(ChangeList):
    """Absurd filter values (an integer no column holds, a null character, a date out of
    range) are a bad request (400) instead of a crash in the database driver.

    A list of every council's rows (a superuser's, unfiltered) has no date bar: its years
    would be read from every row of the table; it appears once the list is filtered."""

    def __init__(
        self,
        request,
        model,
        list_display,
        list_display_links,
        list_filter,
        date_hierarchy,
        *args,
        **kwargs,
    ):
        if spans_every_council(request):
            date_hierarchy = None
        super().__init__(
            request,
            model,
            list_display,
            list_display_links,
            list_filter,
            date_hierarchy,
            *args,
            **kwargs,
        )

    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            for value in values:
                number = re.fullmatch(r"-?[0-9]+", value)
                if (number and abs(int(value)) > MAX_ID) or "\x00" in key + value:
                    raise BadRequest(f"Cannot filter by {key!r}.")
        if self.date_hierarchy:
            self._check_date_hierarchy(request)
        return super().get_filters(request)

    def _check_date_hierarchy(self, request) -> None:
        given = {
            part: parse_id(request.GET[f"{self.date_hierarchy}__{part}"])
            for part in ("year", "month", "day")
            if f"{self.date_hierarchy}__{part}" in request.GET
        }
        if not given:
            return
        try:
            # Django adds a year to the date it filters from: 9998 is the last year that fits.
            if not given["year"] <= datetime.MAXYEAR - 1:
                raise ValueError
            datetime.date(given["year"], given.get("month", 1), given.get("day", 1))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRequest("No such date to list.") from exc


class CouncilScopedAdmin(CouncilScopedMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    """A ModelAdmin with audit history, scoped to the user's councils.

    A change form saved after someone else changed the row (or one of its inline rows) is
    refused with what changed, and every save moves the versions on, so officers' forms
    opened before an admin edit are refused too (plans.admin_concurrency).

    History is read-only: reverting would overwrite the current row without the version check
    officers' forms rely on, so it is not offered (and a POST to a version is refused).
    """

    save_on_top = True
    # Fifty rows a page: a page of a hundred spends most of its time drawing the cells.
    list_per_page = 50
    # A superuser's unfiltered national list is counted from the table's statistics, once.
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def action_checkbox(self, obj):
        """Django's row checkbox, the same markup drawn without the widget's templates (50
        template renders a page were about a third of a list's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_ordering(self, request):
        """A superuser's list of every council's rows, unfiltered, lists the newest first
        (the primary key's index reads the first page) rather than in the model's order,
        which sorts every row of every council by the council's name to show a hundred."""
        if spans_every_council(request):
            return ["-pk"]
        return super().get_ordering(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Themes follow the plan picked, and stay within the object's council.
        return type(form.__name__, (ThemeFormMixin, form), {})

    def get_changelist(self, request, **kwargs):
        return ScopedChangeList

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
            return (item, ScopedRelatedFieldListFilter)
        return item

    def get_search_results(self, request, queryset, search_term):
        problem = search_term_problem(search_term)
        if problem:
            messages.error(request, problem)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if parse_id(version_id) is None:
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class CouncilScopedInline(CouncilScopedMixin, VersionedInlineMixin, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_formset(super().get_formset(request, obj, **kwargs))


def labelled_formset(formset: type) -> type:
    """A tabular inline's inputs sit under column headings, not beside labels: each input
    gets its name ("Actual, row 2") for screen readers (WCAG 1.3.1, 4.1.2)."""

    def add_fields(self, form, index):
        formset.add_fields(self, form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            # Django's "+"/pencil wrapper shares its attrs with the form class's widget.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                label = capfirst(str(field.label or ""))
                widget.attrs = {**widget.attrs, "aria-label": f"{label}, {row}"}

    return type(formset.__name__, (formset,), {"add_fields": add_fields})


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    list_display = ["name", "short_name", "kind", "rag_tolerance", "website"]
    list_filter = ["kind", "action_status_scheme"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(CollectionDates)
class CollectionDatesAdmin(CouncilScopedAdmin):
    """A quarter's own collection dates, where they differ from the council's rule."""

    list_display = ["council", "period", "opens_on", "deadline", "grace_ends"]
    list_filter = ["council", "financial_year", "quarter"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]
    search_fields = ["council__name"]

    @admin.display(description="quarter")
    def period(self, obj: CollectionDates) -> str:
        return str(obj.period)


@admin.register(Membership)
class MembershipAdmin(PeopleAdminMixin, CouncilScopedAdmin):
    list_display = ["user", "email", "council", "role", "job_title", "active"]
    list_filter = ["council", "role"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "job_title",
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
    fields = [
        "reference",
        "title",
        "lead_officer",
        "directorate",
        "section",
        "due_date",
        "status",
        "percent_complete",
    ]
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
        "reported_status",
    ]
    list_filter = ["council", "plan", "start_year", "kind", "recurrence", "reported_status"]
    search_fields = ["title", "commentary"]
    autocomplete_fields = ["council", "plan", "theme", "action"]
    list_select_related = ["council"]

    @admin.display(description="period", ordering="start_year")
    def period(self, obj: SavingsTarget) -> str:
        return obj.period

    @admin.display(description="achieved")
    def progress(self, obj: SavingsTarget) -> str:
        # The period's target: a recurring line's is its yearly amount times its years.
        percent = obj.progress(timezone.localdate()).percent_achieved
        return "–" if percent is None else f"{percent}% of target"


@admin.register(QuarterSummary)
class QuarterSummaryAdmin(CouncilScopedAdmin):
    """The performance team's summary of a quarter (council administrators, their councils)."""

    list_display = ["council", "period_label", "updated_at"]
    list_filter = ["council", "financial_year", "quarter"]
    search_fields = ["text"]
    autocomplete_fields = ["council"]
    list_select_related = ["council"]
    ordering = ["council", "-financial_year", "-quarter"]

    @admin.display(description="quarter", ordering="financial_year")
    def period_label(self, obj: QuarterSummary) -> str:
        return obj.period_label


@admin.register(ThemeNarrative)
class ThemeNarrativeAdmin(CouncilScopedAdmin):
    """The performance team's narrative of a theme for a quarter."""

    list_display = ["theme", "plan", "period_label", "updated_at"]
    list_filter = ["theme__plan__council", "financial_year", "quarter"]
    search_fields = ["text", "theme__title"]
    list_select_related = ["theme__plan__council"]
    ordering = ["theme", "-financial_year", "-quarter"]

    @admin.display(description="plan")
    def plan(self, obj: ThemeNarrative) -> Plan:
        return obj.theme.plan

    @admin.display(description="quarter", ordering="financial_year")
    def period_label(self, obj: ThemeNarrative) -> str:
        return obj.period_label
