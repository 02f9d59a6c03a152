"""Quarterly performance reports on a council's KPIs, computed once in Python.

The dashboard only displays what these functions return: every RAG status and trend is
worked out here through :mod:`core.rag`, never in a template. Each report runs a fixed
number of queries however many measures and values a council has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, reduce
from operator import or_

from django.db.models import F, Q

from core.charts import value_axis
from core.periods import EARLIEST_YEAR, LATEST_YEAR, FinancialYear, Quarter, previous_period
from core.rag import SEVERITY, Rag, Scheme, StatusCount, Trend, long_trend, medway, short_trend
from core.targets import effective_target
from kpis.models import KPI, Frequency, KpiTarget, KpiValue, Unit
from kpis.schemes import rag_scheme
from plans.models import Council, Plan, Theme
from plans.querysets import plain_instances

#: Order of the statuses, worst first (as the report's key reads).
STATUS_ORDER: tuple[Rag, ...] = SEVERITY

#: A measure's fields no report reads (long text, its version): not fetched for a report.
REPORT_UNREAD_KPI_FIELDS = frozenset({"definition", "version"})

#: A value's fields no report reads (nor its RAG status): not fetched for a report.
REPORT_UNREAD_VALUE_FIELDS = frozenset({"entered_by_id", "entered_at", "version"})

#: Quarters of history behind the long trend ("avg over last 4 qtrs").
LONG_TREND_QUARTERS = 4


@dataclass(frozen=True)
class PeriodValue:
    """One measure's value in one quarter, with its RAG status computed once.

    For an annual measure ``value`` is the latest outturn as it stood in that quarter (see
    :func:`outturn_standing`). ``effective_target`` is the value's own target, else its
    year's (core.targets); it is what the status was rated against.
    """

    quarter: Quarter
    value: KpiValue | None
    rag: Rag
    effective_target: Decimal | None = None

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value else None

    @property
    def target(self) -> Decimal | None:
        return self.effective_target

    @property
    def not_published(self) -> str:
        """Why there is no figure ("Suppressed"), or ""."""
        if self.value is None or not self.value.not_published:
            return ""  # most values: no need to look up the reason's words
        return self.value.get_not_published_display()

    @property
    def outturn_label(self) -> str:
        """ "2019/20 outturn" for a year's outturn; "" for a quarter's value."""
        if self.value is not None and self.value.is_outturn and self.value.has_valid_period:
            return f"{self.value.period_label} outturn"
        return ""


@dataclass(frozen=True)
class TrendResult:
    """A trend, and whether it was computed from held values or taken as published."""

    trend: Trend
    reported: bool = False


@dataclass
class MeasureRow:
    """One line of the quarterly summary table and comparison table."""

    kpi: KPI
    current: PeriodValue
    previous: PeriodValue
    last_year: PeriodValue
    short: TrendResult
    long: TrendResult

    @property
    def rag(self) -> Rag:
        return self.current.rag

    @property
    def value(self) -> KpiValue | None:
        return self.current.value

    @property
    def rag_changed(self) -> bool:
        """Reported in both quarters, with a different status this quarter than last."""
        before, now = self.previous.rag, self.current.rag
        return before is not Rag.NA and now is not Rag.NA and before is not now


@dataclass
class ThemeGroup:
    """The measures serving one theme or priority (theme None: measures with no theme)."""

    theme: Theme | None
    rows: list[MeasureRow] = field(default_factory=list)
    #: The council's scheme, and every status of the report (so each theme counts the same
    #: states as the total).
    scheme: Scheme | None = None
    present: frozenset[Rag] = frozenset()

    @property
    def title(self) -> str:
        return self.theme.title if self.theme else "Other measures"

    @property
    def status_counts(self) -> list[StatusCount]:
        return count_statuses(self.rows, self.scheme, self.present)


@dataclass
class QuarterlyReport:
    """Everything the dashboard shows about a council's measures in one quarter."""

    council: Council
    quarter: Quarter
    groups: list[ThemeGroup]
    #: The council's RAG scheme: the key, the counts and every status's word and symbol.
    scheme: Scheme = field(default_factory=medway)

    @property
    def rows(self) -> list[MeasureRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def present(self) -> frozenset[Rag]:
        return frozenset(row.rag for row in self.rows)

    @property
    def status_counts(self) -> list[StatusCount]:
        """Each state's count with its share of the judged measures (the base leaves out
        data-only, no-target and missing values, as councils publish it)."""
        return count_statuses(self.rows, self.scheme, self.present)

    @property
    def key(self) -> list:
        """The scheme's key: every state it gives, and "no target" where a value has it."""
        return self.scheme.key(self.present)

    @property
    def rag_changes(self) -> list[MeasureRow]:
        """The measures whose status changed since the previous quarter, worst now first."""
        rank = {status: i for i, status in enumerate(STATUS_ORDER)}
        return sorted((row for row in self.rows if row.rag_changed), key=lambda r: rank[r.rag])

    @property
    def red_without_commentary(self) -> list[MeasureRow]:
        """The measures rated Red this quarter whose value says nothing about it."""
        return [
            row
            for row in self.rows
            if row.rag is Rag.RED and not (row.value is not None and row.value.commentary.strip())
        ]

    @property
    def previous_quarter(self) -> Quarter:
        return self.quarter.previous()

    @property
    def same_quarter_last_year(self) -> Quarter:
        return self.quarter.same_quarter_last_year()


def count_statuses(
    rows: list[MeasureRow], scheme: Scheme | None = None, present: frozenset[Rag] = frozenset()
) -> list[StatusCount]:
    """How many measures have each of the scheme's states, worst first, even at 0, with
    percentages of the judged ones. Each unpacks as (status, count)."""
    return (scheme or medway()).counts((row.rag for row in rows), present)


def _report_values_filter(periods: _ReportPeriods) -> Q:
    """The values a quarter's report reads, those of ``KpiValue.objects.with_valid_period()``
    (a valid period in the plausible years) in its quarters, and the annual measures'
    outturns up to its year, in a short condition (compiling the longer one of the two
    filters took four times as long): for each quarter number, the years it is read in, its
    quarterly value or a month of it."""
    years_of: dict[int, list[int]] = {}
    for q in periods.quarters:
        if EARLIEST_YEAR <= q.year.start_year <= LATEST_YEAR:
            years_of.setdefault(q.number, []).append(q.year.start_year)
    outturns = Q(
        kpi__frequency=Frequency.ANNUAL,
        quarter=0,
        month=0,
        financial_year__range=(EARLIEST_YEAR, min(periods.quarter.year.start_year, LATEST_YEAR)),
    )
    return reduce(
        or_,
        (
            Q(
                quarter=number,
                financial_year__in=years,
                month__in=[0, *Quarter(FinancialYear(years[0]), number).months],
            )
            for number, years in years_of.items()
        ),
        outturns,
    )


def value_standing_for_quarter(values: list[KpiValue]) -> KpiValue | None:
    """Of one measure's values in a quarter, the one that stands for the quarter: the
    quarterly value, else the quarter's last month."""
    if not values:
        return None
    quarterly = [v for v in values if v.month == 0]
    if quarterly:
        return quarterly[0]
    return max(values, key=lambda v: v.sort_key)


def _with_reported(computed: Trend, reported: str) -> TrendResult:
    """Fall back on the trend as published where the history behind it is not held."""
    if computed is Trend.NA and reported:
        return TrendResult(Trend(reported), reported=True)
    return TrendResult(computed)


YearTargets = dict[tuple[int, int], KpiTarget]


def yearly_targets(kpis: Sequence[KPI]) -> YearTargets:
    """Every yearly target of ``kpis`` by (measure id, financial year), in one query."""
    if not kpis:
        return {}
    by_pk = {kpi.pk: kpi for kpi in kpis}
    found: YearTargets = {}
    # No ordering: the model's would join the measures, their councils and themes. Plain
    # rows (a measure may have a setting for each of many years), each with its measure cached
    # as ``setting.kpi = kpi`` would cache it.
    settings = KpiTarget.objects.filter(kpi__in=list(by_pk)).order_by()
    for setting in plain_instances(settings, chunk_size=None):
        setting._state.fields_cache["kpi"] = by_pk[setting.kpi_id]
        found[(setting.kpi_id, setting.financial_year)] = setting
    return found


def target_of(kpi: KPI, value: KpiValue | None, year: int, targets: YearTargets) -> Decimal | None:
    """The target a period of ``kpi`` in financial ``year`` is rated against: the value's
    own target if set, else the year's target (none for a data-only measure)."""
    if kpi.data_only:
        return None
    setting = targets.get((kpi.pk, year))
    return effective_target(
        value.target if value is not None else None,
        setting.target_for(kpi) if setting is not None else None,
    )


def rated(value: KpiValue | None, target: Decimal | None, last_year: KpiValue | None = None) -> Rag:
    """``value``'s status against ``target`` (its effective target) by the council's scheme,
    against the same period last year where the scheme's Amber depends on it; NA without a
    value."""
    if value is None:
        return Rag.NA
    return value.status(last_year_actual=last_year.actual if last_year else None, target=target)


def _published(value: KpiValue) -> bool:
    """An outturn that reports the year: a figure, or a reason why there is none."""
    return value.actual is not None or bool(value.not_published)


def outturn_standing(outturns: Sequence[KpiValue], quarter: Quarter) -> KpiValue | None:
    """An annual measure's latest outturn as it stood in ``quarter``.

    The rule: the outturn (a figure, or a reason it was not published) of the latest
    financial year that is not after the quarter's year. So every quarter's dashboard shows
    the measure, Q1-Q4 2020/21 with the 2020/21 outturn once entered, else 2019/20's; a
    row holding only a target does not count as an outturn.
    """
    year = quarter.year.start_year
    candidates = [v for v in outturns if v.financial_year <= year and _published(v)]
    return max(candidates, key=lambda v: v.financial_year) if candidates else None


def _annual_row(
    kpi: KPI, outturns: list[KpiValue], quarter: Quarter, targets: YearTargets
) -> MeasureRow:
    """An annual measure on a quarter's dashboard: its latest outturn, trends year on year.

    Short trend: against the previous year's outturn; long trend: against the average of the
    four years before. Previous quarter and same quarter last year: the outturn as it stood
    then (so a new year's outturn shows as a change of status).
    """
    by_year = {v.financial_year: v for v in outturns if _published(v)}

    def period(q: Quarter, against_last_year: bool = False) -> PeriodValue:
        value = outturn_standing(outturns, q)
        year = value.financial_year if value is not None else q.year.start_year
        target = target_of(kpi, value, year, targets)
        # A scheme whose Amber depends on trend compares an outturn with the year before.
        last = by_year.get(year - 1) if against_last_year and value is not None else None
        return PeriodValue(q, value, rated(value, target, last), target)

    current = period(quarter, against_last_year=True)
    actual = current.actual
    short, long = Trend.NA, Trend.NA
    if current.value is not None:
        year = current.value.financial_year
        before = [by_year.get(year - n) for n in range(1, 5)]
        short = short_trend(actual, before[0].actual if before[0] else None, kpi.polarity)
        long = long_trend(actual, [v.actual if v else None for v in before], kpi.polarity)
    reported = current.value
    return MeasureRow(
        kpi=kpi,
        current=current,
        previous=period(quarter.previous()),
        last_year=period(quarter.same_quarter_last_year()),
        short=_with_reported(short, reported.reported_short_trend if reported else ""),
        long=_with_reported(long, reported.reported_long_trend if reported else ""),
    )


#: Years of the same quarter behind a cumulative measure's long trend.
CUMULATIVE_YEARS = 4


def quarterly_report(council: Council, quarter: Quarter) -> QuarterlyReport:
    """Build the quarterly summary for ``council`` in three queries.

    Query 1 loads the measures with their theme; query 2 all their values for this quarter,
    the four before it (which include the previous quarter and the same quarter last year)
    and the same quarter of the years before (cumulative measures), and the annual measures'
    outturns up to this year; query 3 their yearly targets. RAG statuses (against each
    period's effective target) and trends are then computed in Python.

    A cumulative (year-to-date) measure compares like with like: its short trend is against
    the same quarter last year, its long trend against the average of the same quarter in
    the four years before (Q1's year to date is never compared with a year's total).
    """
    # The measures with their themes and the themes' plans, and their values, are read as
    # plain rows (plans.querysets.plain_instances), not model instances built one by one:
    # most of a cold dashboard's time went on building some 2,000 of them.
    kpis = list(
        plain_instances(
            KPI.objects.filter(council=council).order_by(
                F("theme__plan__start_year").desc(nulls_last=True),
                F("theme__plan_id").asc(nulls_last=True),
                F("theme__number").asc(nulls_last=True),
                "theme_id",
                "order",
                "code",
                "name",
            ),
            chunk_size=None,
            omit=REPORT_UNREAD_KPI_FIELDS,
            related=("theme", "theme__plan"),
        )
    )
    periods = _report_periods(quarter)
    # Each measure's values by their quarter's index (an int hashes faster than a Quarter).
    by_kpi: dict[int, dict[int, list[KpiValue]]] = {}
    outturns: dict[int, list[KpiValue]] = {}
    if kpis:
        values = (
            KpiValue.objects.filter(kpi__council=council)
            .filter(_report_values_filter(periods))
            # Unordered (the model's ordering joins the councils and themes of every value).
            .order_by()
        )
        kpis_by_id = {kpi.pk: kpi for kpi in kpis}
        for kpi in kpis:
            # One council object: its RAG scheme is loaded once.
            kpi._state.fields_cache["council"] = council
        for value in plain_instances(values, chunk_size=None, omit=REPORT_UNREAD_VALUE_FIELDS):
            kpi = kpis_by_id.get(value.kpi_id)
            if kpi is None:
                continue
            # The loaded measure, cached as ``value.kpi = kpi`` would: value.rag needs no query.
            value._state.fields_cache["kpi"] = kpi
            if value.quarter == 0 and value.month == 0:  # an outturn
                outturns.setdefault(value.kpi_id, []).append(value)
                continue
            index = value.financial_year * 4 + value.quarter - 1  # as Quarter.index
            by_kpi.setdefault(value.kpi_id, {}).setdefault(index, []).append(value)
    targets = yearly_targets(kpis)

    groups: list[ThemeGroup] = []
    index: dict[int | None, ThemeGroup] = {}
    for kpi in kpis:
        if kpi.frequency == Frequency.ANNUAL:
            row = _annual_row(kpi, outturns.get(kpi.pk, []), quarter, targets)
        else:
            row = _quarterly_row(kpi, by_kpi.get(kpi.pk, {}), periods, targets)
        group = index.get(kpi.theme_id)
        if group is None:
            group = index[kpi.theme_id] = ThemeGroup(kpi.theme)
            groups.append(group)
        group.rows.append(row)
    # Measures without a theme come last.
    groups.sort(key=lambda g: g.theme is None)
    scheme = rag_scheme(council)
    present = frozenset(row.current.rag for group in groups for row in group.rows)
    for group in groups:
        group.scheme, group.present = scheme, present
    return QuarterlyReport(council=council, quarter=quarter, groups=groups, scheme=scheme)


def red_without_commentary(council: Council, quarter: Quarter) -> list[MeasureRow]:
    """The council's measures rated Red in ``quarter`` with no commentary on the value: the
    performance team asks their officers for one before the report goes to cabinet. A fixed
    number of queries (those of :func:`quarterly_report`)."""
    return quarterly_report(council, quarter).red_without_commentary


@dataclass
class _ReportPeriods:
    """The quarters a quarter's report reads, worked out once for all its measures."""

    quarter: Quarter
    previous: Quarter
    last_year: Quarter
    #: The four quarters before (the long trend's).
    history: tuple[Quarter, ...]
    #: The same quarter of the years before (a cumulative measure's trends).
    same_quarter: tuple[Quarter, ...]
    #: All of them, once each: the quarter, the history, then the same quarters.
    quarters: tuple[Quarter, ...]

    # Their indexes (Quarter.index), the keys of a measure's values: an int hashes faster.
    @cached_property
    def indexes(self) -> tuple[int, ...]:
        return tuple(q.index for q in self.quarters)

    @cached_property
    def history_indexes(self) -> tuple[int, ...]:
        return tuple(q.index for q in self.history)

    @cached_property
    def same_quarter_indexes(self) -> tuple[int, ...]:
        return tuple(q.index for q in self.same_quarter)


def _report_periods(quarter: Quarter) -> _ReportPeriods:
    history = tuple(quarter.previous_n(LONG_TREND_QUARTERS))
    same_quarter = tuple(
        Quarter.from_index(quarter.index - 4 * n) for n in range(1, CUMULATIVE_YEARS + 1)
    )
    return _ReportPeriods(
        quarter=quarter,
        previous=quarter.previous(),
        last_year=quarter.same_quarter_last_year(),
        history=history,
        same_quarter=same_quarter,
        quarters=tuple(dict.fromkeys([quarter, *history, *same_quarter])),
    )


def _quarterly_row(
    kpi: KPI, held: dict[int, list[KpiValue]], periods: _ReportPeriods, targets: YearTargets
) -> MeasureRow:
    """A quarterly (or monthly) measure's line: its value standing for each quarter (``held``:
    its values by their quarter's index)."""
    quarter = periods.quarter

    def period_value(
        q: Quarter, value: KpiValue | None, last_year: KpiValue | None = None
    ) -> PeriodValue:
        target = target_of(kpi, value, q.year.start_year, targets)
        return PeriodValue(q, value, rated(value, target, last_year), target)

    picked = {i: value_standing_for_quarter(held.get(i, ())) for i in periods.indexes}
    current = picked[quarter.index]
    previous = picked[quarter.index - 1]
    actual = current.actual if current else None
    # Like with like: a year-to-date figure against the same quarter of earlier years.
    if kpi.cumulative:
        before, long_against = picked[quarter.index - 4], periods.same_quarter_indexes
    else:
        before, long_against = previous, periods.history_indexes
    short = short_trend(actual, before.actual if before else None, kpi.polarity)
    long = long_trend(
        actual,
        [v.actual if v else None for v in (picked[i] for i in long_against)],
        kpi.polarity,
    )
    last_year = picked[quarter.index - 4]
    return MeasureRow(
        kpi=kpi,
        current=period_value(quarter, current, last_year),
        previous=period_value(periods.previous, previous),
        last_year=period_value(periods.last_year, last_year),
        short=_with_reported(short, current.reported_short_trend if current else ""),
        long=_with_reported(long, current.reported_long_trend if current else ""),
    )


def quarters_with_data(council: Council) -> list[Quarter]:
    """Quarters in which any of the council's measures has a value, newest first (one query).

    An annual measure's outturn for a year counts for each quarter of that year (the quarters
    whose dashboards first show it).
    """
    pairs = (
        KpiValue.objects.with_valid_period()
        .filter(kpi__council=council)
        .filter(Q(quarter__gte=1) | Q(kpi__frequency=Frequency.ANNUAL, quarter=0, month=0))
        .values_list("financial_year", "quarter")
        .distinct()
        .order_by("-financial_year", "-quarter")
    )
    found = {
        Quarter.from_index(year * 4 + each - 1)
        for year, number in pairs
        for each in ((number,) if number else (1, 2, 3, 4))
    }
    return sorted(found, reverse=True)


def reporting_quarters(
    with_data: Sequence[Quarter], plans: Sequence[Plan], today: date
) -> list[Quarter]:
    """The quarters a reader can pick for a council's dashboard, newest first.

    ``with_data`` (from quarters_with_data) if any; a council with no KPI values yet gets the
    quarters its plans cover up to today (Maidstone's 2012-15 plan: Q4 2014/15 first), else
    today's quarter.
    """
    if with_data:
        return list(with_data)
    current = Quarter.for_date(today)
    covered = {
        quarter
        for plan in plans
        for year in range(plan.start_year, plan.end_year + 1)
        for quarter in FinancialYear(year).quarters()
        if quarter <= current
    }
    return sorted(covered, reverse=True) or [current]


# --- A single measure's history -------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One stored value of a measure with its RAG status and short trend."""

    value: KpiValue
    rag: Rag
    short: TrendResult
    #: The effective target: the value's own, else its year's (core.targets).
    target: Decimal | None = None

    @property
    def outturn_of_quarterly(self) -> bool:
        """A quarterly measure's annual outturn: listed, but not drawn among its quarters."""
        return self.value.is_outturn and self.value.kpi.frequency != Frequency.ANNUAL


@dataclass(frozen=True)
class Sparkline:
    """Coordinates for an inline SVG chart of actuals against targets (no JavaScript).

    The plot area runs from ``left`` to ``right`` and ``top`` to ``bottom``; the value axis
    (``y_ticks``: position and value) starts at 0 unless the values are far from it, and the
    periods along the bottom (``x_labels``) are thinned out so that they never overlap.
    """

    width: int
    height: int
    actual_points: str
    target_points: str
    dots: list[tuple[float, float, HistoryRow]]
    minimum: Decimal | None
    maximum: Decimal | None
    left: int = 0
    right: int = 0
    top: int = 0
    bottom: int = 0
    y_ticks: list[tuple[float, Decimal]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    #: Where the "Target" label goes: just after the target line's last point.
    target_label: tuple[float, float] | None = None

    @property
    def empty(self) -> bool:
        return not self.dots


def _history_key(value: KpiValue) -> tuple:
    """Oldest first; a quarterly measure's outturn for a year after that year's quarters."""
    key = value.sort_key
    if value.is_outturn and value.kpi.frequency != Frequency.ANNUAL:
        return (key[0], 5, 0)
    return key


def kpi_yearly_targets(
    kpi: KPI, targets: YearTargets
) -> list[tuple[FinancialYear, Decimal | None, KpiTarget]]:
    """The measure's yearly target settings, oldest first: year, the target it gives, setting."""
    return [
        (FinancialYear(year), setting.target_for(kpi), setting)
        for (_, year), setting in sorted(targets.items())
        if setting.kpi_id == kpi.pk
    ]


def kpi_history(kpi: KPI, targets: YearTargets | None = None) -> list[HistoryRow]:
    """Every value of ``kpi``, oldest first, each with RAG (against its effective target) and
    short trend (two queries: the values, the yearly targets).

    A cumulative measure's short trend is against the same quarter last year; an outturn's
    against the previous year's outturn.
    """
    values = list(kpi.values.with_valid_period())
    for value in values:
        value.kpi = kpi
    values.sort(key=_history_key)
    if targets is None:
        targets = yearly_targets([kpi])
    by_period = {(v.financial_year, v.quarter, v.month): v for v in values}
    rows: list[HistoryRow] = []
    for value in values:
        # Compared with the period just before, not the previous row: a gap in the history
        # (Q2 2020/21 after Q3 2019/20) gives NA, as it does on the dashboard.
        if kpi.cumulative and not value.is_outturn:
            before = (value.financial_year - 1, value.quarter, value.month)
        else:
            before = previous_period(value.financial_year, value.quarter, value.month)
        previous = by_period.get(before)
        short = short_trend(value.actual, previous.actual if previous else None, kpi.polarity)
        target = target_of(kpi, value, value.financial_year, targets)
        last_year = by_period.get((value.financial_year - 1, value.quarter, value.month))
        rows.append(
            HistoryRow(
                value,
                rated(value, target, last_year),
                _with_reported(short, value.reported_short_trend),
                target,
            )
        )
    return rows


#: Room around the plot for the value labels (left), the period labels (below) and the
#: "Target" label (right), in SVG units.
_CHART_LEFT, _CHART_RIGHT, _CHART_TOP, _CHART_BOTTOM = 72, 90, 16, 40
#: Width one period label needs, in SVG units (at the larger type phones get).
_PERIOD_LABEL_WIDTH = 130


def sparkline(
    rows: list[HistoryRow], unit: str = "", width: int = 640, height: int = 260
) -> Sparkline:
    """Scale actuals and targets into an SVG viewBox of ``width`` × ``height``, with axes.

    A quarterly measure's annual outturns are left out: a year is not a point among quarters.
    """
    rows = [row for row in rows if not row.outturn_of_quarterly]
    plotted = [row for row in rows if row.value.actual is not None]
    if not plotted:
        return Sparkline(width, height, "", "", [], None, None)
    numbers = [row.value.actual for row in plotted] + [
        row.target for row in rows if row.target is not None
    ]
    axis = value_axis(numbers, percent=unit == Unit.PERCENT)
    left, right = _CHART_LEFT, width - _CHART_RIGHT
    top, bottom = _CHART_TOP, height - _CHART_BOTTOM
    step = (right - left) / max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step if len(rows) > 1 else (left + right) / 2, 1)

    def y(number: Decimal) -> float:
        return round(bottom - axis.share(number) * (bottom - top), 1)

    dots = []
    actual_points = []
    target_points = []
    for i, row in enumerate(rows):
        if row.value.actual is not None:
            point = (x(i), y(row.value.actual))
            actual_points.append(point)
            dots.append((*point, row))
        if row.target is not None:
            target_points.append((x(i), y(row.target)))

    def fmt(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{px},{py}" for px, py in points)

    # Every period when they fit, else every n-th, always including the latest.
    every = max(1, -(-_PERIOD_LABEL_WIDTH // max(int(step), 1))) if len(rows) > 1 else 1
    last = len(rows) - 1
    labelled = [i for i in range(len(rows)) if (last - i) % every == 0]
    return Sparkline(
        width,
        height,
        fmt(actual_points),
        fmt(target_points),
        dots,
        min(numbers),
        max(numbers),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=[(y(tick), tick) for tick in axis.ticks],
        x_labels=[(x(i), rows[i].value.period_label) for i in labelled],
        target_label=target_points[-1] if target_points else None,
    )
