"""The shared list view: one council's rows, filtered, sorted, paginated or exported.

As in NetBox, a list page is a few declarations (model, filter set, table, title); this view
serves the HTML page and the CSV/XLSX exports from the same filter set and table.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView
from django_tables2 import Table
from django_tables2.export import TableExport
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.formatting import neutralise_formula
from plans.filters import CouncilFilterSet
from plans.models import WORK_ROLES, Council, Membership, Role

EXPORT_FORMATS: dict[str, str] = {"csv": "CSV", "xlsx": "Excel (XLSX)"}


def spreadsheet_text(value: Any) -> Any:
    """Text without the control characters (pasted from Word) that a spreadsheet cell cannot
    hold: openpyxl refuses them, so one stored title would otherwise break the export."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class CouncilMixin(LoginRequiredMixin):
    """Finds the council in the URL among those the user may see; any other is a 404."""

    request: HttpRequest
    kwargs: dict[str, Any]
    council: Council

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # For the navigation, in the same query: whether the user works in any council; and
        # the user's role in this one (who may sign a quarter off or read its cabinet pack).
        work_roles = Membership.objects.filter(user=request.user, role__in=WORK_ROLES)
        administers = Membership.objects.filter(
            user=request.user, role=Role.ADMIN, council=OuterRef("pk")
        )
        role_here = Membership.objects.filter(user=request.user, council=OuterRef("pk"))
        councils = Council.objects.visible_to(request.user).annotate(
            user_has_work_role=Exists(work_roles),
            user_administers=Exists(administers),
            user_role=Subquery(role_here.values("role")[:1]),
        )
        self.council = get_object_or_404(councils, slug=kwargs["council"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["council"] = self.council
        return context


class CouncilListView(CouncilMixin, TemplateView):
    """A filterable, sortable, exportable table of one council's objects.

    The council comes from the URL (``council`` slug) and must be visible to the user
    (otherwise 404, whatever the method). Subclasses declare ``model``, ``filterset_class``,
    ``table_class``, ``title`` and ``export_name``.
    """

    model: type[Model]
    filterset_class: type[CouncilFilterSet]
    table_class: type[Table]
    template_name = "dashboard/list.html"
    title: str = ""
    #: The rows in a sentence ("Filter strategic risks"); the title in lower case by default.
    noun: str = ""
    export_name: str = ""
    #: The empty list's words when the council has none at all (not just none matching).
    none_yet: str = ""
    paginate_by = 25
    export_param = "_export"

    def get_today(self) -> datetime.date:
        return timezone.localdate()

    def get_queryset(self) -> QuerySet:
        return (
            self.model.objects.visible_to(self.request.user).for_councils([self.council]).for_list()
        )

    def get_filterset(self) -> CouncilFilterSet:
        return self.filterset_class(
            self.request.GET,
            self.get_queryset(),
            council=self.council,
            request=self.request,
            today=self.today,
        )

    def get_caption(self) -> str:
        return f"{self.title}, {self.council.name}"

    def get_table_kwargs(self) -> dict[str, Any]:
        """What a list adds to its table's arguments (e.g. the council's own columns)."""
        return {}

    def get_table(self, rows: Any) -> Table:
        table = self.table_class(
            rows, caption=self.get_caption(), today=self.today, **self.get_table_kwargs()
        )
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            # Unknown columns are ignored by django-tables2 rather than failing.
            table.order_by = order_by
        return table

    def paginate(self, table: Table) -> None:
        try:
            page = int(self.request.GET.get(table.prefixed_page_field, 1))
        except ValueError:
            page = 1
        try:
            table.paginate(page=page, per_page=self.paginate_by)
        except (PageNotAnInteger, EmptyPage):
            table.paginate(page=table.paginator.num_pages or 1, per_page=self.paginate_by)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.today = self.get_today()
        self.filterset = self.get_filterset()
        # A list shown as at a past date (e.g. a quarter's end) is judged at that date.
        self.today = self.filterset.today
        rows = self.filterset.rows()
        table = self.get_table(rows)
        export_format = request.GET.get(self.export_param)
        if export_format in EXPORT_FORMATS:
            return self.export(table, export_format)
        self.paginate(table)
        # Only an empty list asks (one query): is the council's list empty, whatever the
        # filters? "Nothing matches these filters" would send the reader to change them.
        none_yet = not table.paginator.count and not self.get_queryset().exists()
        if none_yet:
            table.empty_text = self.none_yet or f"No {self.noun or self.title.lower()} yet."
        table.fold_columns()
        return self.render_to_response(
            self.get_context_data(table=table, none_yet=none_yet, **kwargs)
        )

    def export_filename(self, export_format: str) -> str:
        return f"{self.council.slug}-{self.export_name}-{self.today.isoformat()}.{export_format}"

    def export(self, table: Table, export_format: str) -> HttpResponse:
        exporter = TableExport(export_format, table, dataset_kwargs={"title": self.title[:31]})
        dataset = exporter.dataset
        headers = dataset.headers
        rows = [
            tuple(neutralise_formula(spreadsheet_text(cell)) for cell in row) for row in dataset
        ]
        dataset.wipe()
        dataset.headers = headers
        dataset.extend(rows)
        return exporter.response(filename=self.export_filename(export_format))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The URL kwarg "council" (a slug) is replaced by the Council object.
        context.update(
            council=self.council,
            title=self.title,
            noun=self.noun or self.title.lower(),
            filter=self.filterset,
            filter_form=self.filterset.form,
            export_formats=EXPORT_FORMATS,
            export_param=self.export_param,
        )
        return context
