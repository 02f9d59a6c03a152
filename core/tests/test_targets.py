"""Yearly and relative targets: the baseline year, rounding, polarity and bounds."""

from decimal import Decimal

import pytest

from core.targets import TargetKind, effective_target, relative_target, yearly_target

D = Decimal


def test_the_baseline_year_itself_targets_the_baseline():
    assert relative_target(D("80"), 2019, 2019, D("2")) == D("80.00")


def test_before_the_baseline_year_there_is_no_target():
    assert relative_target(D("80"), 2019, 2018, D("2")) is None


def test_higher_is_better_improves_upwards_compounded():
    assert relative_target(D("100"), 2019, 2020, D("2")) == D("102.00")
    assert relative_target(D("100"), 2019, 2021, D("2")) == D("104.04")


def test_lower_is_better_improves_downwards_compounded():
    assert relative_target(D("100"), 2019, 2020, D("2"), lower_is_better=True) == D("98.00")
    assert relative_target(D("100"), 2019, 2021, D("2"), lower_is_better=True) == D("96.04")


def test_a_negative_change_allows_a_decline():
    assert relative_target(D("100"), 2019, 2020, D("-5")) == D("95.00")


def test_rounds_half_up_to_two_places():
    # 12.345 * 1.00 stays; 33.33 * 1.015 = 33.82995 -> 33.83
    assert relative_target(D("33.33"), 2019, 2020, D("1.5")) == D("33.83")
    assert relative_target(D("10.125"), 2019, 2019, D("2")) == D("10.13")


def test_counts_round_to_whole_numbers():
    assert relative_target(D("145"), 2019, 2020, D("2"), whole=True) == D("148")
    assert relative_target(D("145"), 2019, 2020, D("2"), lower_is_better=True, whole=True) == D(
        "142"
    )


def test_a_percentage_never_targets_beyond_its_bounds():
    assert relative_target(D("99"), 2019, 2021, D("2"), maximum=D(100)) == D(100)
    assert relative_target(D("1"), 2019, 2020, D("150"), lower_is_better=True, minimum=D(0)) == 0


@pytest.mark.parametrize(
    ("kind", "amount", "year", "expected"),
    [
        (TargetKind.ABSOLUTE, D("75"), 2021, D("75")),
        (TargetKind.RELATIVE, D("2"), 2021, D("104.04")),
        (TargetKind.RELATIVE, D("2"), 2018, None),
        (TargetKind.ESTABLISH_BASELINE, None, 2019, None),
        (TargetKind.ESTABLISH_BASELINE, D("75"), 2019, None),
        (TargetKind.ABSOLUTE, None, 2021, None),
    ],
)
def test_yearly_target(kind, amount, year, expected):
    assert yearly_target(kind, amount, year, D("100"), 2019) == expected


def test_a_relative_target_without_a_baseline_is_none():
    assert yearly_target(TargetKind.RELATIVE, D("2"), 2021) is None


def test_the_periods_own_target_stands_over_the_years():
    assert effective_target(D("70"), D("75")) == D("70")
    assert effective_target(D("0"), D("75")) == D("0")
    assert effective_target(None, D("75")) == D("75")
    assert effective_target(None, None) is None
