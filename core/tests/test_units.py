"""The values each unit of measure can take, and the symbols that belong to it."""

from decimal import Decimal

import pytest

from core.units import Unit, strip_unit_symbol, unit_error


@pytest.mark.parametrize(
    ("unit", "value", "problem"),
    [
        (Unit.PERCENT, "0", ""),
        (Unit.PERCENT, "100", ""),
        (Unit.PERCENT, "88.25", ""),
        (Unit.PERCENT, "-5", "Enter a percentage from 0 to 100"),
        (Unit.PERCENT, "250", "Enter a percentage from 0 to 100"),
        (Unit.PERCENT, "100.01", "Enter a percentage from 0 to 100"),
        (Unit.COUNT, "145", ""),
        (Unit.COUNT, "0", ""),
        (Unit.COUNT, "-1", "Enter a count as a whole number, 0 or more"),
        (Unit.COUNT, "2.5", "Enter a count as a whole number, 0 or more"),
        (Unit.DAYS, "12.5", ""),
        (Unit.DAYS, "-0.5", "Enter a number of days, 0 or more"),
        (Unit.POUNDS, "-1200.50", ""),  # an overspend or a loss is still money
        (Unit.POUNDS, "1200.505", "Enter an amount in pounds and pence, like 1,200.50"),
        (Unit.RATIO, "-3.25", ""),
        (Unit.OTHER, "-1000000", ""),
    ],
)
def test_each_unit_takes_only_possible_values(unit, value, problem):
    assert unit_error(unit, Decimal(value)) == problem


@pytest.mark.parametrize("value", ["-12.5", "0", "100", "137.5"])
def test_a_percentage_measure_that_allows_more_takes_any_number(value):
    assert unit_error(Unit.PERCENT, Decimal(value), percent_unbounded=True) == ""


def test_allowing_more_only_lifts_the_percentage_bounds():
    assert unit_error(Unit.COUNT, Decimal("-1"), percent_unbounded=True)


def test_no_value_is_always_possible():
    assert all(unit_error(unit, None) == "" for unit in Unit)


@pytest.mark.parametrize(
    ("text", "unit", "result"),
    [
        ("88%", Unit.PERCENT, "88"),
        ("£1200", Unit.POUNDS, "1200"),
        ("-£12", Unit.POUNDS, "-12"),
        ("145", Unit.COUNT, "145"),
    ],
)
def test_a_units_own_symbol_is_dropped(text, unit, result):
    assert strip_unit_symbol(text, unit) == result


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("£1200", Unit.PERCENT, "This measure is a percentage, not an amount in pounds"),
        ("88%", Unit.POUNDS, "This measure is an amount in pounds, not a percentage"),
        ("12%", Unit.DAYS, "This measure is a number of days, not a percentage"),
        ("£3", Unit.COUNT, "This measure is a count, not an amount in pounds"),
    ],
)
def test_another_units_symbol_is_refused(text, unit, message):
    with pytest.raises(ValueError, match=message):
        strip_unit_symbol(text, unit)


def test_inputs_carry_their_unit_beside_them():
    assert (Unit.PERCENT.suffix, Unit.POUNDS.prefix, Unit.DAYS.suffix) == ("%", "£", "days")
    assert (Unit.COUNT.prefix, Unit.COUNT.suffix, Unit.PERCENT.prefix) == ("", "", "")
