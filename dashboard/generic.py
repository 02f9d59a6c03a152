"""The shared list view: one council's rows, filtered, sorted, paginated or exported.

As in NetBox, a list page is a few declarations (model, filter set, table, title); this view
serves the HTML page and the CSV/XLSX exports from the same filter set and table.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import TemplateView
from django_tables2 import Table
from django_tables2.rows import BoundRow
from django_tables2.utils import signature
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.formatting import neutralise_formula
from core.xlsx import write_xlsx
from plans.filters import CouncilFilterSet
from plans.models import Council, Role
from plans.tables import ExportColumn, StreamedRows

EXPORT_FORMATS: dict[str, str] = {"csv": "CSV", "xlsx": "Excel (XLSX)"}
EXPORT_CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Rows fetched from the database at a time by an export: its memory does not grow with the
#: rows, whatever the council's size.
EXPORT_CHUNK = 2000
#: Distinct texts an export remembers cleaned (see ``plain_rows``).
EXPORT_MEMO = 4096


def spreadsheet_text(value: Any) -> Any:
    """Text without the control characters (pasted from Word) that a spreadsheet cell cannot
    hold: openpyxl refuses them, so one stored title would otherwise break the export."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def readable_council_or_404(request: HttpRequest, slug: str) -> Council:
    """The council ``slug`` with the reader's role (``Council.objects.readable``); 404 for
    one the user may not read, as for one that does not exist."""
    council = Council.objects.readable(request.user, slug)
    if council is None:
        raise Http404("No such council.")
    return council


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
        self.council = readable_council_or_404(request, kwargs["council"])
        # One role per council (a membership's unique constraint): its administrators'.
        self.council.user_administers = self.council.user_role == Role.ADMIN
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["council"] = self.council
        return context


#: What a cached page or part of a page holds in place of its request's own CSRF token and
#: CSP nonce. NUL never reaches a page: StripNulMiddleware removes it from every input.
CSRF_MARK = "\x00csrf\x00"
NONCE_MARK = "\x00nonce\x00"
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def with_request_token(html: str, request: HttpRequest) -> str:
    """Cached ``html`` (drawn with ``CSRF_MARK`` for its token) with this request's token."""
    return html.replace(CSRF_MARK, get_token(request))


def reader_page_key(request: HttpRequest, council: Council, *parts: object) -> str:
    """A cache key for a page as ``request``'s user reads ``council``: under the council's
    data version, and everything about the reader the page around it shows (name, staff
    link, role, My work) or that decides what the page offers them."""
    user = request.user
    reader = "|".join(
        str(part)
        for part in (
            user.pk,
            user.get_full_name() or user.get_username(),
            user.is_staff,
            user.is_superuser,
            getattr(council, "user_role", None),
            getattr(council, "user_has_work_role", None),
        )
    )
    digest = hashlib.sha256(reader.encode()).hexdigest()[:24]
    tail = ":".join(str(part) for part in parts)
    return f"page:{council.pk}:{council.data_version}:{digest}:{tail}"


def reader_cached(request: HttpRequest, key: str, draw: Callable[[], HttpResponse]) -> HttpResponse:
    """The page under ``key`` if cached, with this request's own CSRF token and CSP nonce put
    back; else ``draw()`` it, and keep it (a 200 page only) for the next request.

    A page with messages to show is drawn afresh and not kept: they are this request's alone.
    """
    if len(get_messages(request)):  # loads, but does not use up, the messages
        return draw()
    page = cache.get(key)
    if page is not None:
        nonce = str(request._csp_nonce) if NONCE_MARK in page else ""
        return HttpResponse(with_request_token(page, request).replace(NONCE_MARK, nonce))
    response = draw()
    if response.status_code != 200 or not hasattr(response, "render"):
        return response
    response.render()
    page = _CSRF_VALUE.sub(rf"\g<1>{CSRF_MARK}\g<2>", response.content.decode())
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # generated while drawing: the page carries it
        page = page.replace(str(nonce), NONCE_MARK)
    cache.set(key, page)
    return response


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
    #: The list's body (filters, downloads and table), cached apart from the page around it.
    body_template_name = "dashboard/list_body.html"
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
        export_format = request.GET.get(self.export_param)
        if export_format in EXPORT_FORMATS:
            self.filterset = self.get_filterset()
            # A list shown as at a past date (e.g. a quarter's end) is judged at that date.
            self.today = self.filterset.today
            table = self.get_table(self.export_data())
            return self.export(table, export_format)
        return self.render_to_response(self.get_context_data(list_body=self.body(), **kwargs))

    def export_data(self) -> Any:
        """The rows an export writes: streamed as they are built where the filter set can
        (``stream_rows``) and no sort is asked for (the list's own order), so that its memory
        does not grow with the rows; else the whole list, which the table sorts."""
        options = self.table_class._meta
        sort = self.request.GET.getlist(f"{options.prefix}{options.order_by_field}")
        stream = getattr(self.filterset, "stream_rows", None)
        if stream is not None and not sort:
            return StreamedRows(stream())
        return self.filterset.rows()

    def list_cache_key(self) -> str:
        """The cache key of the list's body: the council's data version (read with the
        council, no query of its own), the day it is judged at and the request's filters,
        sorting and page. Every member of the council sees the same rows."""
        query = hashlib.sha256(
            urlencode(sorted(self.request.GET.lists()), doseq=True).encode()
        ).hexdigest()[:32]
        return (
            f"list:{self.export_name}:{self.council.pk}:{self.council.data_version}"
            f":{self.today.isoformat()}:{query}"
        )

    def body(self) -> SafeString:
        """The list's body (filters, downloads, table): from the cache when the council's
        data has not changed since it was drawn for the same filters, else drawn."""
        body = cache.get_or_set(self.list_cache_key(), self.render_body)
        return mark_safe(body)  # noqa: S308  (rendered, and escaped, by the template engine)

    def render_body(self) -> str:
        self.filterset = self.get_filterset()
        # A list shown as at a past date (e.g. a quarter's end) is judged at that date.
        self.today = self.filterset.today
        table = self.get_table(self.filterset.rows())
        self.paginate(table)
        # Only an empty list asks (one query): is the council's list empty, whatever the
        # filters? "Nothing matches these filters" would send the reader to change them.
        none_yet = not table.paginator.count and not self.get_queryset().exists()
        if none_yet:
            table.empty_text = self.none_yet or f"No {self.noun or self.title.lower()} yet."
        table.fold_columns()
        context = {
            **self.get_context_data(),
            "table": table,
            "none_yet": none_yet,
            "filter": self.filterset,
            "filter_form": self.filterset.form,
            "export_formats": EXPORT_FORMATS,
            "export_param": self.export_param,
        }
        return render_to_string(self.body_template_name, context, request=self.request)

    def export_filename(self, export_format: str) -> str:
        return f"{self.council.slug}-{self.export_name}-{self.today.isoformat()}.{export_format}"

    def export(self, table: Table, export_format: str) -> HttpResponse:
        rows = export_rows(table)
        filename = self.export_filename(export_format)
        if export_format == "csv":
            response: HttpResponse = StreamingHttpResponse(
                csv_lines(rows), content_type=EXPORT_CONTENT_TYPES["csv"]
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return FileResponse(
            xlsx_file(rows, self.title[:31]),
            as_attachment=True,
            filename=filename,
            content_type=EXPORT_CONTENT_TYPES["xlsx"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The URL kwarg "council" (a slug) is replaced by the Council object.
        context.update(
            council=self.council,
            title=self.title,
            noun=self.noun or self.title.lower(),
        )
        return context


def export_rows(table: Table) -> Iterator[list[Any]]:
    """The table's export: its headers, then each row's cells (see ``_model_rows``); from
    plain values where the table declares ``export_columns`` for each exported column."""
    columns = [
        column for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    spec = table.export_columns() if hasattr(table, "export_columns") else None
    if spec is not None and all(column.name in spec for column in columns):
        yield [force_str(column.header, strings_only=True) for column in columns]
        yield from plain_rows(table, [spec[column.name] for column in columns])
        return
    yield from _model_rows(table)


def plain_rows(table: Table, columns: list[ExportColumn]) -> Iterator[list[Any]]:
    """Each row's cells from plain values: a queryset's ``values()`` (the fields the columns
    name, with its annotations and order) read in chunks, or else the rows the filter set
    built; text cleaned for a spreadsheet as ``_model_rows`` cleans it."""
    data = table.data.data
    if isinstance(data, QuerySet):
        fields = list(dict.fromkeys(name for column in columns for name in column.fields))
        records: Iterable[dict[str, Any]] = data.values(*fields).iterator(chunk_size=EXPORT_CHUNK)
    else:
        records = data  # rows the filter set built (their columns read from each object)
    getters = [column.value for column in columns]
    clean = spreadsheet_cell
    # Most text repeats down a column (statuses, periods, owners, scores in words): each
    # distinct text is cleaned once, then looked up. The memory is bounded (the first
    # EXPORT_MEMO texts only), so it does not grow with the rows.
    memo: dict[str, Any] = {}
    remember = EXPORT_MEMO

    def cell(value: Any) -> Any:
        kind = value.__class__
        if kind is not str:
            # Numbers, dates and empty cells as they are (as spreadsheet_cell gives them).
            return value if value is None or kind in _AS_THEY_ARE else clean(value)
        try:
            return memo[value]
        except KeyError:
            cleaned = clean(value)
            if len(memo) < remember:
                memo[value] = cleaned
            return cleaned

    for record in records:
        yield [cell(get(record)) for get in getters]


#: Cell values written as they are (spreadsheet_cell's, by exact class: a subclass is checked
#: by spreadsheet_cell itself).
_AS_THEY_ARE = frozenset({int, bool, float, Decimal, datetime.date, datetime.datetime})


def spreadsheet_cell(value: Any) -> Any:
    """A cell as every export writes it: text without control characters and neutralised
    against formulas; lazy text (a label) as text; anything else as it is."""
    if isinstance(value, str):
        return neutralise_formula(spreadsheet_text(value))
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return neutralise_formula(spreadsheet_text(force_str(value, strings_only=True)))


def _model_rows(table: Table) -> Iterator[list[Any]]:
    """The table's export: its headers, then each row's cell values, as django-tables2's own
    export (``Table.as_values``) gives them (a ``value_*`` method, else the column's value;
    an empty value is None; a choice field its label), with user text neutralised against
    formulas. The cells are read by getters built once per column, not by a BoundRow per
    row (most of an export's time); a queryset is read in chunks, so a council's thousands
    of rows are never all in memory at once."""
    columns = [
        column for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    data = table.data.data
    records = data.iterator(chunk_size=EXPORT_CHUNK) if isinstance(data, QuerySet) else data
    getters = [_cell_getter(table, column) for column in columns]
    for record in records:
        yield [
            neutralise_formula(spreadsheet_text(force_str(get(record), strings_only=True)))
            for get in getters
        ]


def _cell_getter(table: Table, bound_column: Any) -> Any:
    """A function of a record giving the column's export value, as BoundRow.get_cell_value."""
    column = bound_column.column
    parts = str(bound_column.accessor).split("__")
    empty_values = column.empty_values
    method = bound_column.value  # the table's value_<name>, else the column's value
    args, catch_all = signature(method)
    displays: dict[tuple[type, str], bool] = {}

    def resolve(record: Any) -> Any:
        obj = record
        for part in parts[:-1]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
            if callable(obj) and not isinstance(obj, Model):
                obj = obj()
        last = parts[-1]
        if isinstance(obj, Model):
            key = (type(obj), last)
            display = displays.get(key)
            if display is None:
                try:
                    field = obj._meta.get_field(last)
                    display = bool(getattr(field, "choices", ())) and hasattr(
                        obj, f"get_{last}_display"
                    )
                except FieldDoesNotExist:
                    display = False
                displays[key] = display
            if display:
                return getattr(obj, f"get_{last}_display")()
        value = getattr(obj, last, None)
        if callable(value) and not getattr(value, "do_not_call_in_templates", False):
            value = value()
        return value

    def get(record: Any) -> Any:
        value = resolve(record)
        if value in empty_values:
            return None
        kwargs = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "table": table,
        }
        if catch_all or "bound_row" in args:
            kwargs["bound_row"] = BoundRow(record, table=table)
        if not catch_all:
            if any(arg not in kwargs for arg in args):
                return None
            kwargs = {arg: kwargs[arg] for arg in args}
        return method(**kwargs)

    return get


class _Echo:
    """A file whose write returns what it was given: csv.writer's lines, one at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[list[Any]]) -> Iterator[str]:
    """CSV lines (the excel dialect, as before) as they are written, in batches."""
    writer = csv.writer(_Echo())
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def xlsx_file(rows: Iterator[list[Any]], title: str) -> Any:
    """A workbook written row by row (core.xlsx) to a temporary file: bold headers, panes
    frozen under them, multi-line text wrapped, dates as dates, numbers as numbers."""
    file = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    write_xlsx(rows, file, title or "Export")
    file.seek(0)
    return file
