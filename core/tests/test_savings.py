"""Tests for core.savings."""

from datetime import date
from decimal import Decimal

import pytest

from core.periods import FinancialYear
from core.savings import SavingsProgress, savings_progress

FY2024 = [FinancialYear(2024)]
MAIDSTONE_2012_15 = [FinancialYear(2012), FinancialYear(2013), FinancialYear(2014)]


def test_half_way_with_a_third_achieved_is_at_risk() -> None:
    # Medway £5m for 2018/19; 30 September is just over half way.
    progress = savings_progress(
        5_000_000, 4_000_000, Decimal("5000000") / 3, [FinancialYear(2018)], date(2018, 9, 30)
    )
    assert progress.at_risk
    assert progress.percent_achieved == 33
    assert progress.percent_identified == 80
    assert progress.identified_ratio == Decimal("0.8")
    assert progress.expected_by_now == Decimal("2506849.32")  # 183/365 of £5m


def test_ahead_of_the_year_is_not_at_risk() -> None:
    progress = savings_progress(5_000_000, 5_000_000, 3_000_000, FY2024, date(2024, 9, 30))
    assert not progress.at_risk
    assert progress.achieved_ratio == Decimal("0.6")
    assert progress.percent_achieved == 60


@pytest.mark.parametrize(
    ("achieved", "today", "at_risk"),
    [
        (0, date(2024, 3, 31), False),  # before the year starts
        (0, date(2024, 4, 1), True),  # day one counts as passed
        (100, date(2025, 3, 31), False),  # all achieved on the last day
        (99, date(2025, 3, 31), True),
        (99, date(2026, 6, 1), True),  # after the year, anything short is at risk
        (150, date(2025, 3, 31), False),  # over-achieved
    ],
)
def test_at_risk_edges(achieved: int, today: date, at_risk: bool) -> None:
    assert savings_progress(100, 100, achieved, FY2024, today).at_risk is at_risk


@pytest.mark.parametrize(("achieved", "at_risk"), [(900_000, True), (1_000_000, False)])
def test_multi_year_period(achieved: int, at_risk: bool) -> None:
    # Maidstone: "around £2.9m over the next three years" (2012-15). The period
    # runs 1 April 2012 – 31 March 2015 (1,095 days); 1 April 2013 is day 366,
    # so 33.4% has passed: 31.0% achieved is at risk, 34.5% is not.
    today = date(2013, 4, 1)
    progress = savings_progress(2_900_000, 2_000_000, achieved, MAIDSTONE_2012_15, today)
    assert progress.at_risk is at_risk
    assert progress.expected_by_now == (Decimal(2_900_000) * 366 / 1095).quantize(Decimal("0.01"))
    # The order of the years given does not matter.
    reversed_years = list(reversed(MAIDSTONE_2012_15))
    assert savings_progress(2_900_000, 2_000_000, achieved, reversed_years, today) == progress


def test_zero_target_never_at_risk() -> None:
    progress = savings_progress(0, 0, 0, FY2024, date(2025, 3, 1))
    assert not progress.at_risk
    assert progress.achieved_ratio is None
    assert progress.identified_ratio is None
    assert progress.percent_achieved is None
    assert progress.expected_by_now == Decimal("0.00")


def test_over_achieved_percent_exceeds_100() -> None:
    progress = savings_progress(100, 100, Decimal("125.4"), FY2024, date(2024, 6, 1))
    assert progress.percent_achieved == 125


def test_percent_rounds_half_up() -> None:
    assert SavingsProgress(Decimal(200), Decimal(0), Decimal(1)).percent_achieved == 1  # 0.5%
    assert SavingsProgress(Decimal(1000), Decimal(0), Decimal(4)).percent_achieved == 0  # 0.4%


def test_amounts_are_decimals() -> None:
    progress = savings_progress(34_000_000, 10.5, "1000.25", FY2024, date(2024, 5, 1))
    assert progress.target == Decimal("34000000")
    assert progress.identified == Decimal("10.5")
    assert progress.achieved == Decimal("1000.25")


def test_no_years_is_an_error() -> None:
    with pytest.raises(ValueError):
        savings_progress(100, 0, 0, [], date(2024, 5, 1))


def test_missing_amount_is_an_error() -> None:
    with pytest.raises(ValueError):
        savings_progress(None, 0, 0, FY2024, date(2024, 5, 1))  # type: ignore[arg-type]


def test_amounts_not_reported_are_unknown_not_zero() -> None:
    # Maidstone's "around £2.9m over the next three years": no amount identified or achieved
    # is published, so none is claimed and the line is not judged at risk.
    years = [FinancialYear(2012), FinancialYear(2013), FinancialYear(2014)]
    progress = savings_progress(2_900_000, None, None, years, date(2015, 3, 31))
    assert progress.identified is None and progress.achieved is None
    assert progress.percent_achieved is None and progress.percent_identified is None
    assert not progress.at_risk
    known = savings_progress(2_900_000, None, 100, years, date(2015, 3, 31))
    assert known.at_risk and known.percent_identified is None
