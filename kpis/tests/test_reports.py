"""The quarterly KPI report: RAG, trends, grouping and counts, computed in Python."""

from decimal import Decimal
from itertools import pairwise

import pytest

from core.periods import FinancialYear, Quarter
from core.rag import Polarity, Rag, Trend
from kpis.models import Unit
from kpis.reports import kpi_history, quarterly_report, reporting_quarters, sparkline
from tests.factories import make_council, make_kpi, make_plan, make_theme, make_value

pytestmark = pytest.mark.django_db

Q3_2020 = Quarter(FinancialYear(2020), 3)


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    value_for_money = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Finding the best digital innovation")
    stage1 = make_kpi(council, theme=value_for_money, code="CC S1", name="Corporate stage 1")
    stage2 = make_kpi(council, theme=value_for_money, code="CC S2", name="Corporate stage 2")
    digi = make_kpi(
        council, theme=digital, code="DIGI TU 01", name="Digital take up", data_only=True
    )
    make_value(stage1, 2019, 3, "96.3", 80)
    make_value(stage1, 2020, 2, "86.3", 80)
    make_value(stage1, 2020, 3, "88.0", 80)
    make_value(stage2, 2019, 3, "76.7", 75)
    make_value(stage2, 2020, 2, "88.9", 75)
    make_value(stage2, 2020, 3, "68.4", 75)
    make_value(digi, 2020, 3, 61, reported_short_trend="IMP", reported_long_trend="IMP")
    return council


def _row(report, code):
    return next(row for row in report.rows if row.kpi.code == code)


def test_medway_complaints_are_red_and_green(medway, django_assert_num_queries):
    # The measures, their values, their yearly targets, and the council's RAG scheme
    # (Medway's when it has none).
    with django_assert_num_queries(4):
        report = quarterly_report(medway, Q3_2020)
    stage2 = _row(report, "CC S2")
    stage1 = _row(report, "CC S1")
    assert stage2.rag is Rag.RED
    assert stage2.value.actual == Decimal("68.4")
    assert stage1.rag is Rag.GREEN
    # Since last quarter: stage 1 improved 86.3 → 88.0, stage 2 worsened 88.9 → 68.4.
    assert stage1.short.trend is Trend.IMP and not stage1.short.reported
    assert stage2.short.trend is Trend.DET
    # Only two of the four previous quarters are held: too little history for the long trend.
    assert stage2.long.trend is Trend.NA


def test_data_only_measure_shows_published_trends(medway):
    digi = _row(quarterly_report(medway, Q3_2020), "DIGI TU 01")
    assert digi.rag is Rag.DATA
    assert (digi.long.trend, digi.short.trend) == (Trend.IMP, Trend.IMP)
    assert digi.long.reported and digi.short.reported


def test_comparison_holds_previous_quarter_and_same_quarter_last_year(medway):
    stage2 = _row(quarterly_report(medway, Q3_2020), "CC S2")
    assert stage2.previous.actual == Decimal("88.9")
    assert stage2.previous.rag is Rag.GREEN
    assert stage2.last_year.actual == Decimal("76.7")
    assert stage2.last_year.quarter == Quarter(FinancialYear(2019), 3)


def test_groups_by_theme_in_order_with_counts(medway):
    report = quarterly_report(medway, Q3_2020)
    assert [g.title for g in report.groups] == [
        "Giving value for money",
        "Finding the best digital innovation",
    ]
    assert dict(report.status_counts) == {
        Rag.RED: 1,
        Rag.AMBER: 0,
        Rag.GREEN: 1,
        Rag.DATA: 1,
        Rag.NA: 0,
    }
    assert dict(report.groups[0].status_counts)[Rag.RED] == 1


def test_long_trend_uses_average_of_previous_four_quarters():
    council = make_council()
    kpi = make_kpi(council, polarity=Polarity.LOWER)
    for quarter, actual in [(2, 10), (3, 12), (4, 14)]:
        make_value(kpi, 2019, quarter, actual, 20)
    make_value(kpi, 2020, 1, 16, 20)
    make_value(kpi, 2020, 2, 14, 20)  # average of previous four = 13
    row = quarterly_report(council, Quarter(FinancialYear(2020), 2)).rows[0]
    assert row.long.trend is Trend.DET  # 14 > 13 is worse when lower is better
    assert row.short.trend is Trend.IMP  # 14 < 16
    assert row.rag is Rag.GREEN


def test_measure_without_value_is_na():
    council = make_council()
    make_kpi(council)
    row = quarterly_report(council, Q3_2020).rows[0]
    assert row.rag is Rag.NA
    assert row.short.trend is Trend.NA


def test_other_councils_values_are_not_reported(medway):
    other = make_council()
    make_value(make_kpi(other), 2020, 3, 1, 100)
    assert len(quarterly_report(medway, Q3_2020).rows) == 3


def test_reporting_quarters_are_those_with_data_newest_first(medway):
    import datetime

    from kpis.reports import quarters_with_data

    with_data = quarters_with_data(medway)
    assert with_data[0] == Q3_2020
    assert reporting_quarters(with_data, [], datetime.date(2024, 5, 1)) == with_data


def test_without_data_the_plans_periods_are_offered_up_to_today():
    import datetime

    council = make_council()
    plan = make_plan(council, start_year=2012, end_year=2014)
    quarters = reporting_quarters([], [plan], datetime.date(2026, 11, 23))
    assert quarters[0] == Quarter(FinancialYear(2014), 4)
    assert quarters[-1] == Quarter(FinancialYear(2012), 1)
    assert len(quarters) == 12
    # A plan running now offers nothing after today's quarter.
    current = make_plan(council, start_year=2026, end_year=2027)
    assert reporting_quarters([], [current], datetime.date(2026, 11, 23))[0] == Quarter(
        FinancialYear(2026), 3
    )
    assert reporting_quarters([], [], datetime.date(2024, 5, 1)) == [
        Quarter(FinancialYear(2024), 1)
    ]


def test_history_and_sparkline(medway):
    kpi = _row(quarterly_report(medway, Q3_2020), "CC S2").kpi
    rows = kpi_history(kpi)
    assert [r.value.period_label for r in rows] == ["Q3 2019/20", "Q2 2020/21", "Q3 2020/21"]
    assert [r.rag for r in rows] == [Rag.GREEN, Rag.GREEN, Rag.RED]
    # Short trend is against the quarter just before: Q2 2020/21 has no Q1 to compare with.
    assert [r.short.trend for r in rows] == [Trend.NA, Trend.NA, Trend.DET]
    chart = sparkline(rows)
    assert len(chart.dots) == 3
    assert chart.minimum == Decimal("68.4") and chart.maximum == Decimal("88.9")
    # The lowest actual is drawn at the bottom of the chart, the highest at the top.
    ys = [dot[1] for dot in chart.dots]
    assert ys[2] == max(ys) and ys[1] == min(ys)


def test_chart_labels_every_period_and_the_value_axis(medway):
    kpi = _row(quarterly_report(medway, Q3_2020), "CC S2").kpi
    chart = sparkline(kpi_history(kpi), Unit.PERCENT)
    assert [label for _, label in chart.x_labels] == ["Q3 2019/20", "Q2 2020/21", "Q3 2020/21"]
    # A percentage's scale starts at 0: 68.4% is drawn about two thirds up, not at the bottom.
    assert chart.y_ticks[0] == (chart.bottom, Decimal(0))
    y_of_68 = chart.dots[2][1]
    assert chart.top < y_of_68 < chart.bottom - (chart.bottom - chart.top) / 2
    # The target label sits at the end of the target line.
    assert chart.target_label == tuple(float(n) for n in chart.target_points.split()[-1].split(","))


def test_chart_thins_period_labels_that_would_overlap():
    council = make_council()
    kpi = make_kpi(council)
    for i in range(24):
        make_value(kpi, 2015 + i // 4, i % 4 + 1, i + 1)
    chart = sparkline(kpi_history(kpi))
    labels = [label for _, label in chart.x_labels]
    assert 1 < len(labels) < 24 and labels[-1] == "Q4 2020/21"
    xs = [x for x, _ in chart.x_labels]
    assert min(b - a for a, b in pairwise(xs)) >= 90


def test_measures_whose_status_changed_since_last_quarter(medway):
    report = quarterly_report(medway, Q3_2020)
    # CC S2 went from Green (88.9%) to Red (68.4%); a measure not reported last quarter
    # has no change to report.
    assert [row.kpi.code for row in report.rag_changes] == ["CC S2"]


def test_data_only_measure_reported_without_its_figure_is_data():
    council = make_council()
    kpi = make_kpi(council, data_only=True)
    make_value(kpi, 2020, 3, None, reported_short_trend="IMP", reported_long_trend="DET")
    row = quarterly_report(council, Q3_2020).rows[0]
    assert row.rag is Rag.DATA
    assert (row.long.trend, row.short.trend) == (Trend.DET, Trend.IMP)
    assert quarterly_report(council, Q3_2020.next()).rows[0].rag is Rag.NA
