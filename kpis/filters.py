"""Filters for the KPI list: one row per measure with its value for a chosen quarter.

Plan, theme, owner and the search narrow the measures in the database. The quarter picks
which values are fetched (one query for all measures); the RAG filter is applied in Python
afterwards, because a RAG status depends on the measure's polarity and tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched
from typing import Any

import django_filters
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.periods import FinancialYear, Quarter, quarter_of_month
from core.rag import SEVERITY, Rag, Scheme, State, medway
from kpis.models import KPI, Frequency, KpiTarget, KpiValue
from kpis.reports import outturn_standing, rated, target_of, value_standing_for_quarter
from kpis.schemes import rag_scheme
from plans.filters import ANY, CouncilFilterSet, search_filter, text_choices, year_choices
from plans.models import Theme
from plans.querysets import IdsIn, plain_instances

QUARTER_CHOICES = [(str(n), f"Q{n}") for n in range(1, 5)]

#: A value's fields the KPI list and its exports never read (nor its RAG status): not
#: fetched for the thousands of values of a long list (a third of reading them).
LIST_UNREAD_VALUE_FIELDS = frozenset({"commentary", "entered_by_id", "entered_at", "version"})

#: A measure's fields the KPI list and its exports never read: its definition (long text,
#: shown on its own page) and its version.
LIST_UNREAD_KPI_FIELDS = frozenset({"definition", "version"})

#: Measures a streamed export (KpiFilterSet.stream_rows) builds at a time: one query for their
#: values, one for their targets. Its memory is bounded by this, not by the list's length.
KPI_CHUNK = 2000

#: Worst first, so that sorting by RAG ascending puts Red at the top.
RAG_RANK: dict[Rag, int] = {role: rank for rank, role in enumerate(SEVERITY)}


def _effective_quarter(quarter: int, month: int) -> int:
    """The quarter a stored value belongs to (a month may be stored with quarter 0)."""
    return quarter_of_month(month) if month else quarter


def _as_int(text: Any) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def value_for_quarter(kpi: KPI, values: Iterable[KpiValue], quarter: int) -> KpiValue | None:
    """The value that reports ``kpi`` for a quarter, among its values for that year.

    An annual measure reports its value for the year; a quarterly one its quarter's value;
    a monthly one the latest month of the quarter.
    """
    if kpi.frequency == Frequency.ANNUAL:
        candidates = [v for v in values if v.quarter == 0 and v.month == 0]
        if candidates:
            # The latest outturn up to the year, as on the dashboard; else the year's row.
            year = max(v.financial_year for v in candidates)
            latest = outturn_standing(candidates, Quarter(FinancialYear(year), 4))
            return latest or max(candidates, key=lambda v: v.financial_year)
        return None
    else:
        candidates = [
            v
            for v in values
            if (v.quarter or v.month) and _effective_quarter(v.quarter, v.month) == quarter
        ]
    return value_standing_for_quarter(candidates)


@dataclass(slots=True)
class KpiRow:
    """One line of the KPI list: a measure, its value for the quarter (if any) and its RAG.

    ``target`` is the effective target (the value's own, else its year's) and the RAG is
    rated against it; ``outturn`` is a quarterly measure's annual outturn for the year.
    Slotted: a long list holds thousands, each without a dict of its own.
    """

    kpi: KPI
    value: KpiValue | None
    effective_target: Decimal | None = None
    status: Rag | None = None
    outturn: KpiValue | None = None
    #: The same period last year (for schemes whose Amber depends on the trend).
    last_year: KpiValue | None = None
    #: The council's RAG scheme, which names and draws the status.
    scheme: Scheme | None = None

    @property
    def rag(self) -> Rag:
        if self.status is not None:
            return self.status
        if self.value is None:
            return Rag.NA
        last = self.last_year.actual if self.last_year is not None else None
        return self.value.status(last_year_actual=last)

    @property
    def state(self) -> State:
        """The status as the council's scheme names and draws it."""
        return (self.scheme or medway()).state(self.rag)

    @property
    def not_published(self) -> str:
        return self.value.get_not_published_display() if self.value is not None else ""

    @property
    def rag_rank(self) -> int:
        return RAG_RANK[self.rag]

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value is not None else None

    @property
    def target(self) -> Decimal | None:
        if self.status is not None:
            return self.effective_target
        return self.value.target if self.value is not None else None

    @property
    def period_label(self) -> str:
        return self.value.period_label if self.value is not None else ""

    @property
    def theme_key(self) -> tuple[int, str]:
        theme = self.kpi.theme
        return (theme.number, theme.title) if theme is not None else (0, "")


class KpiFilterSet(CouncilFilterSet):
    """One council's measures for a quarter (by default the latest quarter with values)."""

    plan = django_filters.ModelChoiceFilter(
        label="Plan", queryset=KPI.objects.none(), empty_label=ANY
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme or priority", queryset=KPI.objects.none(), empty_label=ANY
    )
    owner = django_filters.ChoiceFilter(label="Owner", empty_label=ANY)
    rag = django_filters.ChoiceFilter(
        label="RAG status", choices=medway().choices(), method="keep", empty_label=ANY
    )
    financial_year = django_filters.ChoiceFilter(
        label="Financial year", method="keep", empty_label=None
    )
    quarter = django_filters.ChoiceFilter(
        label="Quarter", choices=QUARTER_CHOICES, method="keep", empty_label=None
    )
    q = search_filter("Search codes and names")

    class Meta:
        model = KPI
        fields = ["plan", "theme", "owner", "rag", "financial_year", "quarter", "q"]

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, **kwargs: Any) -> None:
        council = kwargs["council"]
        request = kwargs.get("request")
        self._today = kwargs.get("today") or timezone.localdate()
        user = getattr(request, "user", None)

        def stored_periods() -> set[tuple[int, int]]:
            stored = (
                KpiValue.objects.visible_to(user)
                .with_valid_period()
                .filter(kpi__council=council)
                .order_by()
                .values_list("financial_year", "quarter", "month")
                .distinct()
            )
            return {(year, _effective_quarter(q, m)) for year, q, m in stored}

        #: (financial year, quarter) pairs with values; quarter 0 for annual values. Reading
        #: them scans every value of the council (most of a list's or export's fixed cost),
        #: so they are kept in the cache for the council's data version, as the list body
        #: is: every member of the council (the view lets no one else in) sees the same.
        self.available = cache.get_or_set(
            f"kpi-periods:{council.pk}:{council.data_version}", stored_periods
        )
        super().__init__(self._with_period(data), queryset, **kwargs)

    def _default_period(self, year: int | None, quarter: int | None) -> tuple[int, int]:
        """The period to show when the request names only part of one (or none)."""
        quarterly = [(y, q) for y, q in self.available if q]
        current = Quarter.for_date(self._today)
        if year is None and quarter is None:
            if quarterly:
                return max(quarterly)
            if self.available:
                return (max(y for y, _ in self.available), 4)
            return (current.year.start_year, current.number)
        if quarter is None:
            in_year = [q for y, q in quarterly if y == year]
            return (year, max(in_year) if in_year else 4)
        years = [y for y, q in quarterly if q == quarter]
        return (max(years) if years else current.year.start_year, quarter)

    def _with_period(self, data: Any) -> QueryDict:
        """The request's data with any missing half of the period filled in, so the form shows
        the quarter actually displayed."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        year_text, quarter_text = data.get("financial_year", ""), data.get("quarter", "")
        if year_text and quarter_text:
            return data
        quarter_given = _as_int(quarter_text)
        if quarter_given not in (1, 2, 3, 4):
            quarter_given = None  # the form will say why
        year, quarter = self._default_period(_as_int(year_text), quarter_given)
        if not year_text:
            data["financial_year"] = str(year)
        if not quarter_text:
            data["quarter"] = str(quarter)
        return data

    def set_choices(self) -> None:
        self.filters["plan"].queryset = self.plans()
        self.filters["theme"].queryset = self.themes()
        owners = (
            KPI.objects.visible_to(self.user)
            .filter(council=self.council)
            .order_by()
            .values_list("owner", flat=True)
            .distinct()
        )
        # Read when the form is drawn or an owner is asked for, not for every export.
        self.set_filter_choices("owner", lambda: text_choices(owners))
        years = {y for y, _ in self.available} | {FinancialYear.for_date(self.today).start_year}
        self.set_filter_choices("financial_year", year_choices(range(min(years), max(years) + 1)))
        self.set_filter_choices("rag", rag_scheme(self.council).choices())

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Filters applied outside the database query (period, RAG)."""
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def _clean(self, name: str) -> Any:
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    @property
    def period(self) -> Quarter:
        """The quarter shown: as asked, with anything invalid or missing defaulted."""
        year, quarter = _as_int(self._clean("financial_year")), _as_int(self._clean("quarter"))
        if year is None or quarter is None:
            year, quarter = self._default_period(year, quarter)
        return Quarter(FinancialYear(year), quarter)

    def _values(self, period: Quarter, annual: Q | IdsIn) -> QuerySet:
        """The values the list reads for ``period``, of every measure (narrowed by the
        caller to the measures shown); ``annual`` selects the annual measures.

        The year's values and last year's (the same quarter last year, for schemes whose
        Amber depends on the trend), and an annual measure's outturns of earlier years (its
        latest outturn stands in every later quarter, as on the dashboard), in one query.
        Only the quarter's own values (a quarterly one, or its months') and the years'
        outturns are read: no other period is shown or rated against."""
        year = period.year.start_year
        months = [month for month in range(1, 13) if quarter_of_month(month) == period.number]
        of_quarter = Q(quarter=period.number, month=0) | Q(month__in=months) | Q(quarter=0, month=0)
        return KpiValue.objects.with_valid_period().filter(
            Q(financial_year__in=(year - 1, year)) & of_quarter
            | Q(financial_year__lt=year, quarter=0, month=0) & annual
        )

    def rows(self) -> list[KpiRow]:
        """Every row of the list, in the measures' order (a list the table may sort)."""
        kpis = list(plain_instances(self.qs, omit=LIST_UNREAD_KPI_FIELDS))
        shown = Q(kpi_id__in=self.qs.order_by().values("pk"))
        period = self.period
        values = self._values(period, Q(kpi__frequency=Frequency.ANNUAL)).filter(shown)
        rows = self._build(kpis, period, values, KpiTarget.objects.filter(shown), {}, None)
        rag = self._clean("rag")
        if rag:
            rows = [row for row in rows if row.rag == rag]
        return rows

    def stream_rows(self) -> KpiRowStream:
        """The rows in the same order as :meth:`rows`, built ``KPI_CHUNK`` measures at a
        time as they are read (an export's memory bounded by the chunk, not the list)."""
        return KpiRowStream(self)

    def _build(
        self,
        kpis: list[KPI],
        period: Quarter,
        values: QuerySet,
        targets: QuerySet,
        themes: dict[int, Theme],
        scheme: Scheme | None,
        bounded: bool = False,
    ) -> list[KpiRow]:
        """The rows of ``kpis``, from their ``values`` and ``targets`` (a query each) and
        their themes (kept in ``themes``, added to); ``bounded``: the queries are a chunk's,
        each read in one fetch."""
        fetch = None if bounded else 2000
        year = period.year.start_year
        by_pk = {kpi.pk: kpi for kpi in kpis}
        for kpi in kpis:
            kpi.year_values, kpi.targets = [], []
        if kpis:
            theme_ids = {kpi.theme_id for kpi in kpis} - {None} - themes.keys()
            if theme_ids:
                themes.update(
                    (theme.pk, theme)
                    for theme in plain_instances(
                        Theme.objects.filter(pk__in=theme_ids).order_by(), chunk_size=fetch
                    )
                )
            council = self.council
            for kpi in kpis:
                # The relations as ForeignKey assignment caches them (the ids already match),
                # without the descriptor's checks for each of thousands of rows.
                kpi._state.fields_cache = {"theme": themes.get(kpi.theme_id), "council": council}
            # Two queries for all the measures, their rows read as plain values (not model
            # instances built one by one: most of a long list's or export's time), ordered by
            # the measure's id, not its council/theme (the models' ordering joins).
            for value in plain_instances(
                values.order_by("kpi_id", "financial_year", "quarter", "month"),
                chunk_size=fetch,
                omit=LIST_UNREAD_VALUE_FIELDS,
            ):
                by_pk[value.kpi_id].year_values.append(value)
            for setting in plain_instances(
                targets.order_by("kpi_id", "financial_year"), chunk_size=fetch
            ):
                by_pk[setting.kpi_id].targets.append(setting)
        if scheme is None:
            scheme = rag_scheme(self.council)
        rows = []
        annual, number, no_targets = Frequency.ANNUAL, period.number, {}
        for kpi in kpis:
            year_values, settings = kpi.year_values, kpi.targets
            # One council object (its scheme is loaded once), set above; each value's and
            # target's measure cached as ``value.kpi = kpi`` would cache it.
            for value in year_values:
                value._state.fields_cache = {"kpi": kpi}
            targets = no_targets
            if settings:
                targets = {(kpi.pk, setting.financial_year): setting for setting in settings}
                for setting in settings:
                    setting._state.fields_cache = {"kpi": kpi}
            outturn = None
            if kpi.frequency == annual:
                value = value_for_quarter(kpi, year_values, number)
                last_year = None
                if value is not None:
                    last_year = next(
                        (
                            v
                            for v in year_values
                            if v.is_outturn and v.financial_year == value.financial_year - 1
                        ),
                        None,
                    )
            else:
                # This year's values (the first outturn among them the year's), last year's.
                this_year, before = [], []
                for v in year_values:
                    if v.financial_year == year:
                        this_year.append(v)
                        if outturn is None and v.quarter == 0 and v.month == 0:
                            outturn = v
                    elif v.financial_year == year - 1:
                        before.append(v)
                value = value_for_quarter(kpi, this_year, number)
                last_year = value_for_quarter(kpi, before, number)
            of_year = value.financial_year if value is not None else year
            target = target_of(kpi, value, of_year, targets)
            # The row keeps the values it shows; the rest are let go (memory, and the
            # garbage collector's work, grow less with the rows).
            del kpi.year_values, kpi.targets
            rows.append(
                KpiRow(
                    kpi,
                    value,
                    target,
                    rated(value, target, last_year),
                    outturn,
                    last_year,
                    scheme,
                )
            )
        return rows


class KpiRowStream:
    """A filter set's rows in the order of :meth:`KpiFilterSet.rows` (the measures' own,
    unsorted), built ``KPI_CHUNK`` measures at a time as they are iterated and let go once
    read: an export's memory does not grow with the list. The RAG filter is applied as the
    rows are built. Each iteration reads the database afresh."""

    def __init__(self, filterset: KpiFilterSet) -> None:
        self.filterset = filterset
        self.period = filterset.period
        self.rag = filterset._clean("rag")

    def __iter__(self) -> Iterator[KpiRow]:
        return self._rows(self.filterset.qs)

    def _rows(self, measures: QuerySet) -> Iterator[KpiRow]:
        filterset, period, rag = self.filterset, self.period, self.rag
        size = KPI_CHUNK
        themes: dict[int, Theme] = {}
        scheme = rag_scheme(filterset.council)
        read = plain_instances(measures, chunk_size=size, omit=LIST_UNREAD_KPI_FIELDS)
        for chunk in batched(read, size):
            kpis = list(chunk)
            # The chunk's values and targets by their measures' ids: no join to the
            # measures (nor a scan of every council's), the annual ones known here.
            shown = IdsIn("kpi_id", [kpi.pk for kpi in kpis])
            annual = IdsIn("kpi_id", [kpi.pk for kpi in kpis if kpi.frequency == Frequency.ANNUAL])
            values = filterset._values(period, annual).filter(shown)
            targets = KpiTarget.objects.filter(shown)
            rows = filterset._build(kpis, period, values, targets, themes, scheme, bounded=True)
            if rag:
                rows = [row for row in rows if row.rag == rag]
            yield from rows
            # Let the chunk go before the next is read (not held while it is built).
            del rows, kpis, chunk

    def has_outturn(self) -> bool:
        """Whether any row shows an annual outturn (a quarterly or monthly measure's outturn
        for the year): the table's column is drawn only then. Asked of the database, not by
        building every row; with a RAG filter, only the measures with an outturn are built
        (a chunk at a time) until one of them passes the filter."""
        year = self.period.year.start_year
        outturns = KpiValue.objects.with_valid_period().filter(
            kpi_id=OuterRef("pk"), financial_year=year, quarter=0, month=0
        )
        measures = self.filterset.qs.exclude(frequency=Frequency.ANNUAL).filter(Exists(outturns))
        if not self.rag:
            return measures.exists()
        return any(row.outturn is not None for row in self._rows(measures))
