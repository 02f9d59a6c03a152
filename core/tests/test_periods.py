"""Tests for core.periods."""

from datetime import date
from decimal import Decimal

import pytest

from core.periods import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    FinancialYear,
    Quarter,
    fraction_elapsed_between,
    is_plausible_date,
    is_valid_period,
    last_ended_quarter,
    month_in_financial_year,
    period_label,
    period_sort_key,
    quarter_of_month,
)

FY2020 = FinancialYear(2020)
FY2024 = FinancialYear(2024)


@pytest.mark.parametrize(
    ("start_year", "text", "slug"),
    [
        (2024, "2024/25", "2024-25"),
        (2020, "2020/21", "2020-21"),
        (2099, "2099/00", "2099-00"),
        (1999, "1999/00", "1999-00"),
        (2008, "2008/09", "2008-09"),
    ],
)
def test_financial_year_str_and_slug(start_year: int, text: str, slug: str) -> None:
    year = FinancialYear(start_year)
    assert str(year) == text
    assert year.slug == slug


def test_financial_year_start_end() -> None:
    assert FY2024.start == date(2024, 4, 1)
    assert FY2024.end == date(2025, 3, 31)


@pytest.mark.parametrize(
    "text", ["2024/25", "2024-25", "2024/2025", "2024-2025", " 2024 / 25 ", "2024 - 2025"]
)
def test_financial_year_parse(text: str) -> None:
    assert FinancialYear.parse(text) == FY2024


def test_financial_year_parse_century() -> None:
    assert FinancialYear.parse("2099/00") == FinancialYear(2099)
    assert FinancialYear.parse("1999/2000") == FinancialYear(1999)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024",
        "24/25",
        "2024/26",
        "2024-2026",
        "2024/24",
        "2024/5",
        "2024/025",
        "Q1 2024/25",
        "2024.25",
        "abcd/ef",
        "2024/25x",
    ],
)
def test_financial_year_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        FinancialYear.parse(text)


def test_financial_year_parse_wrong_second_year_message() -> None:
    with pytest.raises(ValueError, match="2024/25"):
        FinancialYear.parse("2024/26")


@pytest.mark.parametrize(
    ("d", "start_year"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2024, 4, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
    ],
)
def test_financial_year_for_date(d: date, start_year: int) -> None:
    assert FinancialYear.for_date(d) == FinancialYear(start_year)
    assert FinancialYear(start_year).contains(d)


def test_financial_year_navigation_and_order() -> None:
    assert FY2024.previous() == FinancialYear(2023)
    assert FY2024.next() == FinancialYear(2025)
    assert FinancialYear(2023) < FY2024 < FinancialYear(2025)
    assert FinancialYear.span(FinancialYear(2012), FinancialYear(2014)) == [
        FinancialYear(2012),
        FinancialYear(2013),
        FinancialYear(2014),
    ]
    with pytest.raises(ValueError):
        FinancialYear.span(FY2024, FinancialYear(2023))


def test_financial_year_quarters() -> None:
    quarters = FY2020.quarters()
    assert [str(q) for q in quarters] == ["Q1 2020/21", "Q2 2020/21", "Q3 2020/21", "Q4 2020/21"]
    assert quarters[0].start == FY2020.start
    assert quarters[-1].end == FY2020.end
    assert FY2020.quarter(3) == Quarter(FY2020, 3)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 31), Decimal(0)),
        (date(2024, 4, 1), Decimal(1) / Decimal(365)),
        (date(2024, 9, 30), Decimal(183) / Decimal(365)),
        (date(2025, 3, 30), Decimal(364) / Decimal(365)),
        (date(2025, 3, 31), Decimal(1)),
        (date(2030, 1, 1), Decimal(1)),
    ],
)
def test_financial_year_fraction_elapsed(today: date, expected: Decimal) -> None:
    assert FY2024.fraction_elapsed(today) == expected


def test_fraction_elapsed_leap_year() -> None:
    # 2023/24 includes 29 February 2024: 366 days.
    assert FinancialYear(2023).fraction_elapsed(date(2023, 4, 1)) == Decimal(1) / Decimal(366)


def test_fraction_elapsed_between_rejects_reversed_span() -> None:
    with pytest.raises(ValueError):
        fraction_elapsed_between(date(2025, 1, 1), date(2024, 1, 1), date(2024, 6, 1))


@pytest.mark.parametrize("bad", [0, 10000, -1])
def test_financial_year_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        FinancialYear(bad)


@pytest.mark.parametrize(
    ("number", "start", "end", "months"),
    [
        (1, date(2020, 4, 1), date(2020, 6, 30), (4, 5, 6)),
        (2, date(2020, 7, 1), date(2020, 9, 30), (7, 8, 9)),
        (3, date(2020, 10, 1), date(2020, 12, 31), (10, 11, 12)),
        (4, date(2021, 1, 1), date(2021, 3, 31), (1, 2, 3)),
    ],
)
def test_quarter_dates_and_months(
    number: int, start: date, end: date, months: tuple[int, int, int]
) -> None:
    quarter = Quarter(FY2020, number)
    assert quarter.start == start
    assert quarter.end == end
    assert quarter.months == months


def test_quarter_q4_leap_year_end() -> None:
    assert Quarter(FinancialYear(2023), 4).end == date(2024, 3, 31)
    assert Quarter(FinancialYear(2023), 4).contains(date(2024, 2, 29))


def test_quarter_str_slug_index() -> None:
    q3 = Quarter(FY2020, 3)
    assert str(q3) == "Q3 2020/21"
    assert q3.slug == "2020-21/q3"
    assert q3.index == 2020 * 4 + 2
    assert Quarter.from_index(q3.index) == q3


@pytest.mark.parametrize("number", [0, 5, -1, True])
def test_quarter_invalid_number(number: int) -> None:
    with pytest.raises(ValueError):
        Quarter(FY2020, number)


def test_quarter_navigation() -> None:
    q4 = Quarter(FY2020, 4)
    q1 = Quarter(FinancialYear(2021), 1)
    assert q4.next() == q1
    assert q1.previous() == q4
    assert Quarter(FY2020, 3).same_quarter_last_year() == Quarter(FinancialYear(2019), 3)
    assert Quarter(FY2020, 2).previous_n(4) == [
        Quarter(FY2020, 1),
        Quarter(FinancialYear(2019), 4),
        Quarter(FinancialYear(2019), 3),
        Quarter(FinancialYear(2019), 2),
    ]
    assert q1.previous_n(0) == []
    with pytest.raises(ValueError):
        q1.previous_n(-1)


def test_quarter_ordering_matches_index() -> None:
    quarters = [Quarter(FinancialYear(2021), 1), Quarter(FY2020, 4), Quarter(FY2020, 1)]
    assert sorted(quarters) == sorted(quarters, key=lambda q: q.index)
    assert sorted(quarters)[0] == Quarter(FY2020, 1)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2021, 3, 31), Quarter(FY2020, 4)),
        (date(2021, 4, 1), Quarter(FinancialYear(2021), 1)),
        (date(2021, 1, 1), Quarter(FY2020, 4)),
        (date(2020, 12, 31), Quarter(FY2020, 3)),
        (date(2020, 10, 1), Quarter(FY2020, 3)),
        (date(2020, 6, 30), Quarter(FY2020, 1)),
        (date(2020, 7, 1), Quarter(FY2020, 2)),
    ],
)
def test_quarter_for_date(d: date, expected: Quarter) -> None:
    assert Quarter.for_date(d) == expected
    assert expected.contains(d)


@pytest.mark.parametrize(
    "text",
    [
        "Q3 2020/21",
        "2020/21 Q3",
        "2020-21/q3",
        "2020-21 Q3",
        "q3 2020-2021",
        "2020/2021 q3",
        "  Q3   2020/21  ",
        "2020/21/Q3",
    ],
)
def test_quarter_parse(text: str) -> None:
    assert Quarter.parse(text) == Quarter(FY2020, 3)


def test_quarter_parse_round_trips() -> None:
    for quarter in FY2020.quarters():
        assert Quarter.parse(str(quarter)) == quarter
        assert Quarter.parse(quarter.slug) == quarter


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Q3",
        "2020/21",
        "Q5 2020/21",
        "Q0 2020/21",
        "Q3 2020/22",
        "3 2020/21",
        "Quarter 3 2020/21",
        "2020/21 Q3 extra",
    ],
)
def test_quarter_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_quarter_from_slug() -> None:
    assert Quarter.from_slug("2020-21", "q3") == Quarter(FY2020, 3)
    assert Quarter.from_slug("2020-21", "Q4").start == date(2021, 1, 1)
    for year_slug, q_slug in [("2020-22", "q3"), ("2020-21", "q5"), ("2020-21", "3"), ("x", "q1")]:
        with pytest.raises(ValueError):
            Quarter.from_slug(year_slug, q_slug)


@pytest.mark.parametrize(
    ("month", "position", "quarter"),
    [(4, 1, 1), (6, 3, 1), (7, 4, 2), (10, 7, 3), (12, 9, 3), (1, 10, 4), (3, 12, 4)],
)
def test_month_helpers(month: int, position: int, quarter: int) -> None:
    assert month_in_financial_year(month) == position
    assert quarter_of_month(month) == quarter


@pytest.mark.parametrize("month", [0, 13, -1])
def test_month_helpers_reject(month: int) -> None:
    with pytest.raises(ValueError):
        month_in_financial_year(month)
    with pytest.raises(ValueError):
        quarter_of_month(month)


@pytest.mark.parametrize(
    ("quarter", "month", "label"),
    [
        (0, 0, "2020/21"),
        (3, 0, "Q3 2020/21"),
        (4, 0, "Q4 2020/21"),
        (0, 10, "October 2020"),
        (3, 10, "October 2020"),
        (0, 1, "January 2021"),
        (4, 3, "March 2021"),
        (1, 4, "April 2020"),
    ],
)
def test_period_label(quarter: int, month: int, label: str) -> None:
    assert period_label(2020, quarter, month) == label


@pytest.mark.parametrize(("quarter", "month"), [(5, 0), (-1, 0), (0, 13), (3, 1), (1, 10)])
def test_period_label_rejects(quarter: int, month: int) -> None:
    with pytest.raises(ValueError):
        period_label(2020, quarter, month)


def test_period_sort_key_is_chronological() -> None:
    periods = [
        (2021, 1, 0),
        (2020, 0, 1),
        (2020, 4, 0),
        (2020, 0, 0),
        (2020, 0, 12),
        (2020, 3, 0),
        (2020, 1, 4),
        (2019, 0, 3),
    ]
    ordered = sorted(periods, key=lambda p: period_sort_key(*p))
    assert [period_label(*p) for p in ordered] == [
        "March 2020",
        "2020/21",
        "April 2020",
        "Q3 2020/21",
        "December 2020",
        "Q4 2020/21",
        "January 2021",
        "Q1 2021/22",
    ]


def test_period_sort_key_month_with_or_without_quarter() -> None:
    assert period_sort_key(2020, 0, 1) == period_sort_key(2020, 4, 1) == (2020, 4, 10)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ((2020, 0, 0), (2019, 0, 0)),
        ((2020, 3, 0), (2020, 2, 0)),
        ((2020, 1, 0), (2019, 4, 0)),
        ((2020, 0, 10), (2020, 2, 9)),
        ((2020, 4, 1), (2020, 3, 12)),  # January 2021 follows December 2020
        ((2020, 1, 4), (2019, 4, 3)),  # April 2020's previous is March 2020, in 2019/20
    ],
)
def test_previous_period(period, expected):
    from core.periods import previous_period

    assert previous_period(*period) == expected


def test_url_kwargs_round_trip():
    from core.periods import FinancialYear, Quarter

    q3 = Quarter(FinancialYear(2020), 3)
    assert q3.url_kwargs == {"year": "2020-21", "quarter": "q3"}
    assert Quarter.from_slug(**{"year_slug": "2020-21", "q_slug": "q3"}) == q3


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 23 November 2026: Q3 (October-December) is still running, Q2 2026/27 has ended.
        (date(2026, 11, 23), Quarter(FinancialYear(2026), 2)),
        (date(2026, 12, 31), Quarter(FinancialYear(2026), 2)),  # Q3's last day: not over yet
        (date(2027, 1, 1), Quarter(FinancialYear(2026), 3)),
        (date(2026, 4, 1), Quarter(FinancialYear(2025), 4)),  # Q4 of the year before
        (date(2027, 3, 31), Quarter(FinancialYear(2026), 3)),
    ],
)
def test_last_ended_quarter(today: date, expected: Quarter) -> None:
    assert last_ended_quarter(today) == expected


def test_quarter_span_runs_oldest_first_across_years() -> None:
    first, last = Quarter(FY2020, 3), Quarter(FinancialYear(2021), 2)
    assert [str(q) for q in Quarter.span(first, last)] == [
        "Q3 2020/21",
        "Q4 2020/21",
        "Q1 2021/22",
        "Q2 2021/22",
    ]
    assert Quarter.span(first, first) == [first]
    assert Quarter.span(last, first) == []


@pytest.mark.parametrize(
    "text", ["0001/02", "1989/90", "2101/02", "9998/99", "２０２０/２１", "2020/２１"]
)
def test_financial_year_parse_refuses_years_outside_the_service(text: str) -> None:
    with pytest.raises(ValueError):
        FinancialYear.parse(text)


@pytest.mark.parametrize(
    ("year", "quarter"),
    [("0001-02", "q1"), ("9998-99", "q4"), ("9999-00", "q1"), ("2020-21", "q１")],
)
def test_quarter_from_slug_refuses_edge_years_and_non_ascii(year: str, quarter: str) -> None:
    with pytest.raises(ValueError):
        Quarter.from_slug(year, quarter)


def test_plausible_years_are_one_range() -> None:
    assert FinancialYear.parse("1990/91") == FinancialYear(1990)
    assert Quarter.parse("Q4 2100/01") == Quarter(FinancialYear(2100), 4)
    assert is_plausible_date(date(EARLIEST_YEAR, 1, 1)) and is_plausible_date(
        date(LATEST_YEAR, 12, 31)
    )
    assert not is_plausible_date(date(9999, 12, 31)) and not is_plausible_date(date(1, 1, 1))


@pytest.mark.parametrize(
    ("period", "valid"),
    [
        ((2020, 3, 0), True),
        ((2020, 0, 1), True),
        ((2020, 4, 1), True),
        ((2020, 5, 0), False),
        ((2020, 0, 13), False),
        ((2020, 1, 1), False),
        ((9999, 1, 0), False),
        ((2020, -1, 0), False),
    ],
)
def test_is_valid_period(period: tuple[int, int, int], valid: bool) -> None:
    assert is_valid_period(*period) is valid
