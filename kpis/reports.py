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
from functools import reduce
from operator import or_

from django.db.models import F, Q

from core.charts import value_axis
from core.periods import FinancialYear, Quarter, previous_period
from core.rag import SEVERITY, Rag, Scheme, StatusCount, Trend, long_trend, medway, short_trend
from kpis.models import KPI, KpiValue, Unit
from kpis.schemes import rag_scheme
from plans.models import Council, Plan, Theme

#: Order of the statuses, worst first (as the report's key reads).
STATUS_ORDER: tuple[Rag, ...] = SEVERITY

#: Quarters of history behind the long trend ("avg over last 4 qtrs").
LONG_TREND_QUARTERS = 4


@dataclass(frozen=True)
class PeriodValue:
    """One measure's value in one quarter, with its RAG status computed once."""

    quarter: Quarter
    value: KpiValue | None
    rag: Rag

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value else None

    @property
    def target(self) -> Decimal | None:
        return self.value.target if self.value else None


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


def _quarter_filter(quarters: list[Quarter]) -> Q:
    return reduce(or_, (Q(financial_year=q.year.start_year, quarter=q.number) for q in quarters))


def value_standing_for_quarter(values: list[KpiValue]) -> KpiValue | None:
    """Of one measure's values in a quarter, the one that stands for the quarter: the
    quarterly value, else the quarter's last month."""
    if not values:
        return None
    quarterly = [v for v in values if v.month == 0]
    if quarterly:
        return quarterly[0]
    return max(values, key=lambda v: v.sort_key)


def _rag_of(value: KpiValue | None, last_year: KpiValue | None = None) -> Rag:
    """The value's status by the council's scheme (KpiValue.status), against the same period
    last year where the scheme's Amber depends on it; NA when there is no value row."""
    if value is None:
        return Rag.NA
    return value.status(last_year_actual=last_year.actual if last_year else None)


def _with_reported(computed: Trend, reported: str) -> TrendResult:
    """Fall back on the trend as published where the history behind it is not held."""
    if computed is Trend.NA and reported:
        return TrendResult(Trend(reported), reported=True)
    return TrendResult(computed)


def quarterly_report(council: Council, quarter: Quarter) -> QuarterlyReport:
    """Build the quarterly summary for ``council`` in two queries.

    Query 1 loads the measures with their theme; query 2 loads all their values for this
    quarter and the four before it (which include the previous quarter and the same quarter
    last year). RAG statuses and trends are then computed in Python.
    """
    kpis = list(
        KPI.objects.filter(council=council)
        .select_related("council", "theme__plan")
        .order_by(
            F("theme__plan__start_year").desc(nulls_last=True),
            F("theme__plan_id").asc(nulls_last=True),
            F("theme__number").asc(nulls_last=True),
            "theme_id",
            "order",
            "code",
            "name",
        )
    )
    history = quarter.previous_n(LONG_TREND_QUARTERS)
    quarters = [quarter, *history]
    by_kpi: dict[int, dict[Quarter, list[KpiValue]]] = {}
    if kpis:
        values = (
            KpiValue.objects.with_valid_period()
            .filter(kpi__council=council)
            .filter(_quarter_filter(quarters))
        )
        kpis_by_id = {kpi.pk: kpi for kpi in kpis}
        for kpi in kpis:
            kpi.council = council  # one council object: its RAG scheme is loaded once
        for value in values:
            kpi = kpis_by_id.get(value.kpi_id)
            if kpi is None:
                continue
            value.kpi = kpi  # share the loaded measure: value.rag needs no query
            period = Quarter.from_index(value.financial_year * 4 + value.quarter - 1)
            by_kpi.setdefault(kpi.pk, {}).setdefault(period, []).append(value)

    groups: list[ThemeGroup] = []
    index: dict[int | None, ThemeGroup] = {}
    for kpi in kpis:
        held = by_kpi.get(kpi.pk, {})
        picked = {q: value_standing_for_quarter(held.get(q, [])) for q in quarters}
        current = picked[quarter]
        previous = picked[quarter.previous()]
        actual = current.actual if current else None
        short = short_trend(actual, previous.actual if previous else None, kpi.polarity)
        long = long_trend(
            actual, [v.actual if v else None for v in (picked[q] for q in history)], kpi.polarity
        )
        last_year = picked[quarter.same_quarter_last_year()]
        row = MeasureRow(
            kpi=kpi,
            current=PeriodValue(quarter, current, _rag_of(current, last_year)),
            previous=PeriodValue(quarter.previous(), previous, _rag_of(previous)),
            last_year=PeriodValue(quarter.same_quarter_last_year(), last_year, _rag_of(last_year)),
            short=_with_reported(short, current.reported_short_trend if current else ""),
            long=_with_reported(long, current.reported_long_trend if current else ""),
        )
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


def quarters_with_data(council: Council) -> list[Quarter]:
    """Quarters in which any of the council's measures has a value, newest first (one query)."""
    pairs = (
        KpiValue.objects.with_valid_period()
        .filter(kpi__council=council, quarter__gte=1)
        .values_list("financial_year", "quarter")
        .distinct()
        .order_by("-financial_year", "-quarter")
    )
    return [Quarter.from_index(year * 4 + number - 1) for year, number in pairs]


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


def kpi_history(kpi: KPI) -> list[HistoryRow]:
    """Every value of ``kpi``, oldest first, each with RAG and short trend (one query)."""
    values = sorted(kpi.values.with_valid_period(), key=lambda v: v.sort_key)
    by_period = {(v.financial_year, v.quarter, v.month): v for v in values}
    rows: list[HistoryRow] = []
    for value in values:
        value.kpi = kpi
        # Compared with the period just before, not the previous row: a gap in the history
        # (Q2 2020/21 after Q3 2019/20) gives NA, as it does on the dashboard.
        previous = by_period.get(previous_period(value.financial_year, value.quarter, value.month))
        short = short_trend(value.actual, previous.actual if previous else None, kpi.polarity)
        last_year = by_period.get((value.financial_year - 1, value.quarter, value.month))
        rows.append(
            HistoryRow(
                value,
                _rag_of(value, last_year),
                _with_reported(short, value.reported_short_trend),
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
    """Scale actuals and targets into an SVG viewBox of ``width`` × ``height``, with axes."""
    plotted = [row for row in rows if row.value.actual is not None]
    if not plotted:
        return Sparkline(width, height, "", "", [], None, None)
    numbers = [row.value.actual for row in plotted] + [
        row.value.target for row in rows if row.value.target is not None
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
        if row.value.target is not None:
            target_points.append((x(i), y(row.value.target)))

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
