"""Tables for list pages: the shared GOV.UK table base, money columns, and savings targets."""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import django_tables2.utils
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2.data import TableData

from core.formatting import colour_tag, format_measure, format_money
from core.periods import FinancialYear
from core.savings import savings_progress
from plans.models import (
    SavingsRecurrence,
    SavingsStatus,
    SavingsTarget,
    savings_description,
    savings_note,
    years_label,
)

#: Column attributes for right-aligned numbers (GOV.UK numeric cells).
NUMERIC: dict[str, dict[str, str]] = {
    "th": {"class": "govuk-table__header govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
}

#: Column attributes for the column that names the row (the action, the measure): on a phone
#: it heads the stacked row, on a desktop it keeps a readable width.
ROW_TITLE: dict[str, dict[str, str]] = {"td": {"class": "govuk-table__cell app-list-title"}}


_signature = django_tables2.utils.signature
_signatures: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}


def cached_signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    """django-tables2's ``signature`` (the arguments a render_/value_ method asks for),
    remembered per function: it called inspect.signature for every cell of every row, most
    of a long export's time. Bound methods are keyed by their function (the table instance
    does not change the arguments); anything else (partials, lambdas made per call) is not
    remembered."""
    if isinstance(fn, types.MethodType):
        key = (fn.__func__, True)
    elif isinstance(fn, types.FunctionType):
        key = (fn, False)
    else:
        return _signature(fn)
    try:
        return _signatures[key]
    except KeyError:
        result = _signatures[key] = _signature(fn)
        return result


django_tables2.utils.signature = cached_signature


@dataclass(frozen=True)
class ExportColumn:
    """How one column of a list is exported from plain values rather than through the table.

    ``fields`` are the values read for it (``values()`` paths and annotations of the list's
    queryset; none where the filter set gives a list of rows it built); ``value`` is a
    function of the row (that dict, or the built row) giving the cell as the table's
    ``value_*`` method would. Built once per export (labels looked up in dicts, the date
    fixed), so a cell costs a call, not django-tables2's dispatch.
    """

    fields: tuple[str, ...]
    value: Callable[[Any], Any]


def field(name: str, fmt: Callable[[Any], Any] | None = None) -> ExportColumn:
    """A column that is one value: None where it is empty (None or ""), as django-tables2's
    export gives it, else the value, or ``fmt`` of it."""
    if fmt is None:
        return ExportColumn((name,), lambda row: row[name] if row[name] not in ("", None) else None)
    return ExportColumn(
        (name,), lambda row: fmt(row[name]) if row[name] not in ("", None) else None
    )


def labels(choices: Any) -> Callable[[Any], Any]:
    """A choice value's label (a dict lookup; an unknown value as stored)."""
    names = {value: str(label) for value, label in choices}
    return lambda value: names.get(value, value)


def status_tag(word: str, colour: str) -> SafeString:
    """A status word in a coloured tag (core.formatting.colour_tag)."""
    return colour_tag(word, colour)


def detail_link(url_name: str, kwargs: dict, text: str) -> str:
    """A link to a detail page, or the plain text where that page does not exist."""
    try:
        url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return text
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


class StreamedRows(TableData):
    """A table's rows as an iterable read as it is exported, never all in memory: for an
    export only (not sortable, nor counted or paginated). Each read iterates it afresh."""


class ListTable(tables.Table):
    """A GOV.UK table for a council's list page, drawn by django_tables2/govuk_table.html.

    ``caption`` names the table for screen readers; ``today`` is the date that
    date-dependent columns (overdue, at risk) are measured at.
    """

    def __init__(
        self,
        *args: Any,
        caption: str = "",
        today: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.caption = caption
        self.today = today or timezone.localdate()
        #: (header, rendered cell) of the columns fold_columns() shows once above the table.
        self.shared: list[tuple[str, str]] = []
        super().__init__(*args, **kwargs)

    #: Columns shown once, above the table, when every row of the page has the same value:
    #: a plan's long title repeated on every line only narrows the columns that differ.
    shared_columns: tuple[str, ...] = ()

    def fold_columns(self) -> None:
        """Fit the page on screen (exports keep every column): hide each column that is blank
        in every row of the page, and show a ``shared_columns`` column whose value is the same
        in every row once, in ``shared``, instead of in each row."""
        rows = list(self.paginated_rows)
        for column in list(self.columns):
            values = {row.get_cell_value(column.name) for row in rows}
            if rows and values <= {None, ""}:
                self.columns.hide(column.name)
            elif column.name in self.shared_columns and len(rows) > 1 and len(values) == 1:
                self.shared.append((column.header, rows[0].get_cell(column.name)))
                self.columns.hide(column.name)

    class Meta:
        template_name = "django_tables2/govuk_table.html"
        attrs = {
            "class": "govuk-table app-list-table app-stack",
            "th": {"class": "govuk-table__header"},
            "td": {"class": "govuk-table__cell"},
        }
        default = ""
        empty_text = "Nothing matches these filters."


class MoneyColumn(tables.Column):
    """An amount shown as £1,234,567 and exported as a number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal) -> str:
        return format_money(value, empty="")

    def value(self, value: Decimal | None) -> Decimal | None:
        return value


class SavingsTable(ListTable):
    """Savings targets with their progress."""

    title = tables.Column("Title", attrs=ROW_TITLE)
    plan = tables.Column("Plan", accessor="plan__title", order_by=("plan__title",))
    period = tables.Column("Period", accessor="period", order_by=("start_year", "end_year"))
    description = tables.Column("Type", accessor="description", orderable=False)
    # Sorted by the period's target shown, not the stored (for a recurring line, yearly) amount.
    target_amount = MoneyColumn("Target", order_by=("period_target",))
    target_note = tables.Column("Target set as", accessor="target_note", orderable=False)
    identified_amount = MoneyColumn("Identified", default="not reported")
    achieved_amount = MoneyColumn("Achieved", default="not reported")
    percent_achieved = tables.Column("% achieved", accessor="pk", orderable=False, attrs=NUMERIC)
    reported_status = tables.Column("Status reported")

    shared_columns = ("plan", "period")

    class Meta(ListTable.Meta):
        model = SavingsTarget
        fields = ()
        sequence = (
            "title",
            "plan",
            "period",
            "description",
            "target_amount",
            "target_note",
            "identified_amount",
            "achieved_amount",
            "percent_achieved",
            "reported_status",
        )

    def render_target_amount(self, record: SavingsTarget) -> str:
        # The period's target: a recurring line's yearly amount times its years.
        return format_money(record.progress(self.today).target, empty="")

    def value_target_amount(self, record: SavingsTarget) -> Decimal:
        return record.progress(self.today).target

    def render_reported_status(self, record: SavingsTarget) -> str:
        status = record.status_reported
        return status_tag(status.label, status.colour) if status else ""

    def value_reported_status(self, record: SavingsTarget) -> str:
        status = record.status_reported
        return status.label if status else ""

    def render_percent_achieved(self, record: SavingsTarget) -> str:
        progress = record.progress(self.today)
        if progress.target == 0:
            return ""
        if progress.percent_achieved is None:
            return "not reported"
        text = format_measure(progress.percent_achieved, "percent")
        if progress.at_risk:
            return format_html("{} {}", text, status_tag("At risk", "red"))
        return text

    def value_percent_achieved(self, record: SavingsTarget) -> int | None:
        return record.progress(self.today).percent_achieved

    def export_columns(self) -> dict[str, ExportColumn]:
        """The export from plain values, cell for cell as the ``value_*`` methods above (the
        models' own functions: years_label, savings_note, savings_description and
        savings_progress, worked out once a row)."""
        today = self.today
        recurring = SavingsRecurrence.RECURRING.value
        # A few spans of years recur down the list: each named, and its years made, once
        # per export.
        period = functools.cache(years_label)

        @functools.cache
        def years(start: int, end: int) -> list[FinancialYear]:
            return [FinancialYear(y) for y in range(start, end + 1)]

        def progress(row: dict) -> Any:
            found = row.get("_progress")
            if found is None:
                found = row["_progress"] = savings_progress(
                    row["target_amount"],
                    row["identified_amount"],
                    row["achieved_amount"],
                    years(row["start_year"], row["end_year"]),
                    today,
                    recurring=row["recurrence"] == recurring,
                    at_risk_shortfall=row["council__savings_at_risk_shortfall"],
                )
            return found

        def note(row: dict) -> str | None:
            text = savings_note(
                row["target_basis"],
                row["target_percent"],
                row["budget_amount"],
                row["target_amount"],
                recurring=row["recurrence"] == recurring,
                period=period(row["start_year"], row["end_year"]),
            )
            return text or None

        amounts = (
            "target_amount",
            "identified_amount",
            "achieved_amount",
            "start_year",
            "end_year",
            "recurrence",
            "council__savings_at_risk_shortfall",
        )
        return {
            "title": field("title"),
            "plan": field("plan__title"),
            "period": ExportColumn(
                ("start_year", "end_year"),
                lambda row: period(row["start_year"], row["end_year"]),
            ),
            "description": ExportColumn(
                ("kind", "recurrence"),
                lambda row: savings_description(row["kind"], row["recurrence"]) or None,
            ),
            "target_amount": ExportColumn(
                amounts,
                lambda row: progress(row).target if row["target_amount"] is not None else None,
            ),
            "target_note": ExportColumn(
                ("target_basis", "target_percent", "budget_amount", *amounts), note
            ),
            "identified_amount": field("identified_amount"),
            "achieved_amount": field("achieved_amount"),
            "percent_achieved": ExportColumn(amounts, lambda row: progress(row).percent_achieved),
            "reported_status": field("reported_status", labels(SavingsStatus.choices)),
        }
