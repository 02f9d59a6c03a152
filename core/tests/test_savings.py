"""Tests for core.savings."""

from datetime import date
from decimal import Decimal

import pytest

from core.periods import FinancialYear
from core.savings import SavingsProgress, percent_of_budget, period_target, savings_progress

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


# --- A council's at-risk rule: a shortfall allowed before a line is at risk -------------------


@pytest.mark.parametrize(
    ("short_by", "shortfall", "at_risk"),
    [
        (Decimal("0.01"), Decimal("0.05"), False),  # 1% short, 5% allowed: not at risk
        (Decimal("0.05"), Decimal("0.05"), False),  # exactly at the allowance
        (Decimal("0.06"), Decimal("0.05"), True),  # beyond it
        (Decimal("0.01"), Decimal("0"), True),  # the council's rule: any shortfall
        (Decimal("0"), Decimal("0"), False),  # on the line exactly
    ],
)
def test_at_risk_threshold(short_by: Decimal, shortfall: Decimal, at_risk: bool) -> None:
    today = date(2025, 3, 31)  # the whole year passed: expected = the target
    achieved = Decimal(100_000) * (1 - short_by)
    progress = savings_progress(100_000, None, achieved, FY2024, today, at_risk_shortfall=shortfall)
    assert progress.at_risk is at_risk


def test_threshold_scales_with_the_share_of_the_year_passed() -> None:
    # Half way, 5% allowed: expected ≈ £50,137; at risk below 95% of it (≈ £47,630).
    today = date(2024, 9, 30)
    full = savings_progress(100_000, None, 0, FY2024, today).expected_by_now
    line = full * Decimal("0.95")
    just_above = savings_progress(
        100_000, None, line + 1, FY2024, today, at_risk_shortfall=Decimal("0.05")
    )
    just_below = savings_progress(
        100_000, None, line - 1, FY2024, today, at_risk_shortfall=Decimal("0.05")
    )
    assert (just_above.at_risk, just_below.at_risk) == (False, True)


@pytest.mark.parametrize("shortfall", [Decimal("-0.01"), Decimal("1.01")])
def test_shortfall_outside_0_to_1_is_refused(shortfall: Decimal) -> None:
    with pytest.raises(ValueError, match="shortfall"):
        savings_progress(100, None, 0, FY2024, date(2024, 6, 1), at_risk_shortfall=shortfall)


# --- Targets as a percentage of a budget -------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "budget", "pounds"),
    [
        (2, 50_000_000, Decimal("1000000.00")),
        (Decimal("2.5"), 1_234_567, Decimal("30864.18")),  # 30,864.175 rounds half up
        (0, 1_000_000, Decimal("0.00")),
        (100, 999, Decimal("999.00")),
    ],
)
def test_percent_of_budget(percent, budget, pounds: Decimal) -> None:
    assert percent_of_budget(percent, budget) == pounds


def test_negative_percent_or_budget_is_refused() -> None:
    with pytest.raises(ValueError):
        percent_of_budget(-1, 100)
    with pytest.raises(ValueError):
        percent_of_budget(1, -100)


# --- Recurring targets -------------------------------------------------------------------------

THREE_YEARS = [FinancialYear(2024), FinancialYear(2025), FinancialYear(2026)]


def test_period_target_counts_a_recurring_amount_every_year() -> None:
    assert period_target(1_000_000, 3, recurring=True) == 3_000_000
    assert period_target(1_000_000, 3, recurring=False) == 1_000_000
    with pytest.raises(ValueError):
        period_target(1, 0, recurring=True)


@pytest.mark.parametrize(
    ("today", "achieved", "at_risk"),
    [
        # End of year one: £1m expected of £3m; £1m achieved is on the line.
        (date(2025, 3, 31), 1_000_000, False),
        (date(2025, 3, 31), 999_999, True),
        # End of year two: £2m expected; £1.5m is at risk, £2m is not.
        (date(2026, 3, 31), 1_500_000, True),
        (date(2026, 3, 31), 2_000_000, False),
        # After the period: the whole £3m.
        (date(2027, 6, 1), 2_999_999, True),
        (date(2027, 6, 1), 3_000_000, False),
    ],
)
def test_recurring_over_several_years(today: date, achieved: int, at_risk: bool) -> None:
    progress = savings_progress(1_000_000, None, achieved, THREE_YEARS, today, recurring=True)
    assert progress.target == 3_000_000
    assert progress.at_risk is at_risk


def test_a_one_off_over_several_years_is_not_multiplied() -> None:
    progress = savings_progress(1_000_000, None, 1_000_000, THREE_YEARS, date(2025, 3, 31))
    assert progress.target == 1_000_000 and progress.percent_achieved == 100


def test_a_recurring_single_year_is_its_amount() -> None:
    progress = savings_progress(500, None, 250, FY2024, date(2024, 9, 30), recurring=True)
    assert progress.target == 500 and progress.percent_achieved == 50


def test_income_and_saving_lines_follow_the_same_rule() -> None:
    # Extra income is money the budget gains, like a saving: same figures, same verdict.
    saving = savings_progress(200_000, 200_000, 90_000, FY2024, date(2024, 9, 30))
    income = savings_progress(
        Decimal("200000.00"), Decimal("200000.00"), Decimal("90000.00"), FY2024, date(2024, 9, 30)
    )
    assert saving == income and saving.at_risk
