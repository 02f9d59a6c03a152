"""The chart's value axis starts at 0 unless the values are far from it."""

from decimal import Decimal as D

from core.charts import value_axis


def test_percentages_start_at_zero_however_close_together():
    axis = value_axis([D("68.4"), D("88.9"), D("75")], percent=True)
    assert axis.low == 0 and axis.high == 100
    assert axis.ticks == (0, 25, 50, 75, 100)


def test_counts_near_zero_start_at_zero_with_round_ticks():
    axis = value_axis([D(3), D(17)])
    assert (axis.low, axis.high, axis.ticks) == (0, 20, (0, 5, 10, 15, 20))


def test_values_bunched_far_from_zero_get_an_axis_near_them():
    axis = value_axis([D(950), D(1000)])
    assert axis.low == 940 and axis.high == 1000
    assert axis.share(D(970)) == 0.5


def test_a_single_value_or_all_zero_still_has_an_axis():
    assert value_axis([D(5)]).low == 0
    zero = value_axis([D(0)])
    assert zero.low == 0 and zero.high > 0


def test_negative_values_are_kept_on_the_axis():
    axis = value_axis([D(-5), D(10)])
    assert axis.low <= -5 and axis.high >= 10 and D(0) in axis.ticks
