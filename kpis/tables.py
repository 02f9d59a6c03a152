"""The KPI list table: one row per measure with its value, target and RAG for a quarter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables

from core.formatting import format_measure, state_tag
from kpis.filters import KpiRow
from kpis.models import KpiValue, NotPublished, Unit
from plans.tables import (
    NUMERIC,
    ROW_TITLE,
    ExportColumn,
    ListTable,
    StreamedRows,
    detail_link,
)


def plain_number(value: Decimal | None) -> Decimal | None:
    """A stored value without its trailing zeros, for exports (88.0000 → 88)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


class KpiTable(ListTable):
    """Measures for one quarter; the RAG cell carries its word as well as its colour."""

    code = tables.Column("Code", accessor="kpi__code")
    name = tables.Column("Measure", accessor="kpi__name", attrs=ROW_TITLE)
    theme = tables.Column("Theme", accessor="kpi__theme", order_by=("theme_key",))
    owner = tables.Column("Owner", accessor="kpi__owner")
    period = tables.Column("Period", accessor="period_label", orderable=False)
    actual = tables.Column("Value", attrs=NUMERIC, empty_values=())
    target = tables.Column("Target", attrs=NUMERIC)
    rag = tables.Column("RAG status", empty_values=(), order_by=("rag_rank",))
    outturn = tables.Column("Annual outturn", empty_values=(), orderable=False, attrs=NUMERIC)
    unit = tables.Column("Unit", accessor="kpi__get_unit_display", orderable=False)

    shared_columns = ("theme", "period", "unit")

    class Meta(ListTable.Meta):
        sequence = (
            "code",
            "name",
            "theme",
            "owner",
            "period",
            "actual",
            "target",
            "rag",
            "outturn",
            "unit",
        )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # The annual outturn column only where a quarterly measure has recorded one. Rows
        # streamed as an export writes them are not all read first: the stream is asked.
        if isinstance(data, StreamedRows):
            shows_outturn = data.data.has_outturn()
        else:
            shows_outturn = any(getattr(row, "outturn", None) is not None for row in data or ())
        if not shows_outturn:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "outturn")
        super().__init__(data, *args, **kwargs)

    def render_name(self, record: KpiRow, value: str) -> str:
        kpi = record.kpi
        return detail_link("kpi-detail", {"council": kpi.council.slug, "pk": kpi.pk}, value)

    def value_name(self, value: str) -> str:
        return value

    def render_actual(self, record: KpiRow, value: Decimal | None) -> str:
        return record.not_published or format_measure(value, record.kpi.unit, empty="")

    def value_actual(self, record: KpiRow, value: Decimal | None) -> Decimal | str | None:
        # Not published: the reason's words, never an empty cell read as 0.
        return record.not_published or plain_number(value)

    def render_period(self, record: KpiRow, value: str) -> str:
        if record.value is not None and record.value.is_outturn:
            return f"{value} outturn"
        return value

    def value_period(self, record: KpiRow, value: str) -> str:
        return self.render_period(record, value)

    def render_outturn(self, record: KpiRow) -> str:
        return record.outturn.actual_display if record.outturn is not None else ""

    def value_outturn(self, record: KpiRow) -> Decimal | str | None:
        outturn = record.outturn
        if outturn is None:
            return None
        return outturn.get_not_published_display() or plain_number(outturn.actual)

    def render_target(self, record: KpiRow, value: Decimal) -> str:
        return format_measure(value, record.kpi.unit, empty="")

    def value_target(self, value: Decimal | None) -> Decimal | None:
        return plain_number(value)

    def render_rag(self, record: KpiRow) -> str:
        return state_tag(record.state)

    def value_rag(self, record: KpiRow) -> str:
        """The status's word in the council's scheme (CSV/XLSX)."""
        return record.state.label

    def export_columns(self) -> dict[str, ExportColumn]:
        """The export, cell for cell as the ``value_*`` methods above, read straight from each
        row (its RAG worked out once, when the rows were built); labels from dicts."""
        units = {value: str(label) for value, label in Unit.choices}
        reasons = {value: str(label) for value, label in NotPublished.choices}

        def not_published(value: KpiValue | None) -> str:
            if value is None or not value.not_published:
                return ""
            return reasons.get(value.not_published, value.not_published)

        def text(get: Any) -> ExportColumn:
            return ExportColumn((), lambda row: get(row) or None)

        periods: dict[tuple[int, int, int], str | None] = {}

        def period(row: KpiRow) -> str | None:
            # Every row of a quarter names one of a few periods: each labelled once.
            value = row.value
            if value is None:
                return None
            key = (value.financial_year, value.quarter, value.month)
            try:
                return periods[key]
            except KeyError:
                label = value.period_label
                text = (f"{label} outturn" if value.is_outturn else label) if label else None
                periods[key] = text
                return text

        def outturn(row: KpiRow) -> Decimal | str | None:
            value = row.outturn
            if value is None:
                return None
            return not_published(value) or plain_number(value.actual)

        def theme(row: KpiRow) -> str | None:
            value = row.kpi.theme
            return str(value) if value is not None else None

        return {
            "code": text(lambda row: row.kpi.code),
            "name": text(lambda row: row.kpi.name),
            "theme": ExportColumn((), theme),
            "owner": text(lambda row: row.kpi.owner),
            "period": ExportColumn((), period),
            "actual": ExportColumn(
                (), lambda row: not_published(row.value) or plain_number(row.actual)
            ),
            "target": ExportColumn((), lambda row: plain_number(row.target)),
            "rag": ExportColumn((), lambda row: row.state.label),
            "outturn": ExportColumn((), outturn),
            "unit": text(lambda row: units.get(row.kpi.unit, row.kpi.unit)),
        }
