"""The admin site: object-level scoping of every admin view, in one place.

``CouncilAdminSite`` replaces Django's default site (``CouncilAdminConfig`` in INSTALLED_APPS),
so every ModelAdmin registered anywhere (ours, auth's, axes') goes through it:

- every view of a ModelAdmin whose URL carries an object id (change, delete, history, history
  detail, a user's password...) first looks the object up with that admin's ``get_object``,
  i.e. in its scoped queryset; an object outside it is answered exactly like a missing one;
- "view on site" looks the object up the same way;
- the autocomplete pickers answer with the choices of the form field they serve.

This module is imported while apps load: no model imports at module level.
"""

from __future__ import annotations

import re
from functools import wraps

from django.apps import apps
from django.contrib.admin import ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest
from django.db import models
from django.http import Http404
from django.urls import path

#: The largest id a database integer column holds (larger ones crash SQLite's driver).
MAX_ID = 2**63 - 1
SEARCH_MAX_CHARACTERS = 200
SEARCH_MAX_WORDS = 20


def parse_id(text: object) -> int | None:
    """A primary key from a URL or query string, or None if it cannot be one."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def search_term_problem(term: str) -> str | None:
    """Why a search term is refused (too long for the database to search), or None."""
    if "\x00" in term:
        return "A search cannot contain a null character."
    if len(term) > SEARCH_MAX_CHARACTERS or len(term.split()) > SEARCH_MAX_WORDS:
        return (
            f"Search for at most {SEARCH_MAX_CHARACTERS} characters and {SEARCH_MAX_WORDS} words."
        )
    return None


def scoped_object(model_admin: ModelAdmin, request, object_id: str) -> models.Model | None:
    """The object from the admin's own (scoped) queryset, or None (also for malformed ids)."""
    if isinstance(model_admin.model._meta.pk, models.IntegerField) and parse_id(object_id) is None:
        return None
    return model_admin.get_object(request, object_id)


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """A picker lists exactly what the form it serves accepts.

    Django answers from the related model's admin: council administrators, who may not use the
    User admin, got 403 from every user picker, and a forged ``app_label/model_name/field_name``
    reached any registered admin. Here the field must be an autocomplete field of a registered
    admin that the user may fill in, and the rows are that admin's (scoped) choices for it.
    Malformed requests are 400.
    """

    def process_request(self, request):
        problem = search_term_problem(request.GET.get("term", ""))
        if problem:
            raise BadRequest(problem)
        page = request.GET.get("page")
        if page is not None and parse_id(page) is None:
            raise BadRequest("The page must be a positive whole number.")
        try:
            source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        except (KeyError, LookupError) as exc:
            raise BadRequest("No such picker.") from exc
        self.source_admin = self.admin_site._registry.get(source_model)
        field_name = request.GET.get("field_name")
        if self.source_admin is None or field_name not in self.source_admin.get_autocomplete_fields(
            request
        ):
            raise BadRequest("No such picker.")
        return super().process_request(request)

    def has_perm(self, request, obj=None):
        return self.source_admin.has_add_permission(
            request
        ) or self.source_admin.has_change_permission(request)

    def get_queryset(self):
        formfield = self.source_admin.formfield_for_dbfield(self.source_field, self.request)
        qs = formfield.queryset.complex_filter(self.source_field.get_limit_choices_to())
        qs, may_have_duplicates = self.model_admin.get_search_results(self.request, qs, self.term)
        if may_have_duplicates:
            qs = qs.distinct()
        return qs.order_by(*(self.model_admin.get_ordering(self.request) or ["pk"]))


class CouncilAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, ModelAdmin):
            view = self._scope_gate(model_admin, view)
        return super().admin_view(view, cacheable)

    @staticmethod
    def _scope_gate(model_admin: ModelAdmin, view):
        """A ModelAdmin view's first URL argument is its object's id: an object outside the
        admin's queryset gets the same "doesn't exist" answer as a missing one."""

        @wraps(view)
        def gated(request, *args, **kwargs):
            ids = [*args, *kwargs.values()]
            if ids and scoped_object(model_admin, request, unquote(ids[0])) is None:
                return model_admin._get_obj_does_not_exist_redirect(
                    request, model_admin.opts, ids[0]
                )
            return view(request, *args, **kwargs)

        return gated

    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        view_on_site = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site, *urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut, for objects the user may see in the admin only."""
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        model_admin = None
        content_type_pk = parse_id(content_type_id)
        if content_type_pk is not None:
            try:
                model = ContentType.objects.get_for_id(content_type_pk).model_class()
            except ContentType.DoesNotExist:
                model = None
            model_admin = self._registry.get(model)
        obj = model_admin and scoped_object(model_admin, request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)


class CouncilAdminConfig(AdminConfig):
    default_site = "plans.adminsite.CouncilAdminSite"
