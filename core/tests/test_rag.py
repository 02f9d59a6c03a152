"""Tests for core.rag."""

from decimal import Decimal

import pytest

from core.rag import (
    DEFAULT_TOLERANCE,
    Polarity,
    Rag,
    Trend,
    as_decimal,
    long_trend,
    rag_status,
    short_trend,
    shortfall,
    worst_of,
)

HIGHER = Polarity.HIGHER
LOWER = Polarity.LOWER


def test_default_tolerance() -> None:
    assert Decimal("0.05") == DEFAULT_TOLERANCE


@pytest.mark.parametrize(
    ("rag", "value", "label", "description"),
    [
        (Rag.GREEN, "green", "Green", "met or exceeded target"),
        (Rag.AMBER, "amber", "Amber", "slightly below target (within 5%)"),
        (Rag.RED, "red", "Red", "significantly below target (more than 5%)"),
        (Rag.DATA, "data", "Data", "no target set (data-only measure)"),
        (Rag.NA, "na", "NA", "no value for the period"),
    ],
)
def test_rag_key(rag: Rag, value: str, label: str, description: str) -> None:
    assert rag.value == value
    assert rag.label == label
    assert rag.description == description
    assert rag.css_class == f"rag--{value}"


@pytest.mark.parametrize(
    ("trend", "value", "label", "arrow"),
    [
        (Trend.IMP, "IMP", "Improved", "↑"),
        (Trend.DET, "DET", "Worsened", "↓"),
        (Trend.STATIC, "Static", "Static", "→"),
        (Trend.NA, "NA", "Not available", "–"),
    ],
)
def test_trend_key(trend: Trend, value: str, label: str, arrow: str) -> None:
    assert trend.value == value
    assert trend.label == label
    assert trend.arrow == arrow


def test_polarity_choices() -> None:
    assert Polarity.choices == [("higher", "Higher is better"), ("lower", "Lower is better")]


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        # Medway Q3 2020/21 complaints, "% responses meeting target".
        (88.0, 80, Rag.GREEN),  # Corporate stage 1
        (68.4, 75, Rag.RED),  # Corporate stage 2, 8.8% short
        (82.8, 75, Rag.GREEN),  # Adults' social care
        (Decimal("88.0"), Decimal("80"), Rag.GREEN),
        ("68.4", "75", Rag.RED),
    ],
)
def test_domain_worked_examples(actual: object, target: object, expected: Rag) -> None:
    assert rag_status(actual, target, "higher") == expected  # type: ignore[arg-type]


def test_domain_example_shortfall_is_8_8_percent() -> None:
    assert shortfall(68.4, 75, "higher") == Decimal("0.088")


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "expected"),
    [
        (100, 100, HIGHER, Rag.GREEN),  # exactly on target
        (95, 100, HIGHER, Rag.AMBER),  # exactly 5% short
        (Decimal("94.99"), 100, HIGHER, Rag.RED),  # 5.01% short
        (94.99, 100, HIGHER, Rag.RED),  # floats go through str
        (96, 100, HIGHER, Rag.AMBER),
        (105, 100, LOWER, Rag.AMBER),  # lower is better: 5% over
        (Decimal("105.01"), 100, LOWER, Rag.RED),
        (90, 100, LOWER, Rag.GREEN),  # below target is good
        (110, 100, HIGHER, Rag.GREEN),
        (110, 100, LOWER, Rag.RED),
        (100, 100, LOWER, Rag.GREEN),
        # Zero target: any shortfall is significant.
        (0, 0, HIGHER, Rag.GREEN),
        (-1, 0, HIGHER, Rag.RED),
        (Decimal("0.01"), 0, LOWER, Rag.RED),
        (5, 0, HIGHER, Rag.GREEN),
        # Negative targets use |target|.
        (Decimal("-10.5"), -10, HIGHER, Rag.AMBER),
        (Decimal("-10.6"), -10, HIGHER, Rag.RED),
        (Decimal("-9.5"), -10, LOWER, Rag.AMBER),
        (-11, -10, LOWER, Rag.GREEN),
        (-5, 10, HIGHER, Rag.RED),
    ],
)
def test_rag_status(actual: object, target: object, polarity: str, expected: Rag) -> None:
    assert rag_status(actual, target, polarity) == expected  # type: ignore[arg-type]


def test_rag_status_missing_values() -> None:
    assert rag_status(None, 80, "higher") == Rag.NA
    assert rag_status(None, None, "higher") == Rag.NA
    assert rag_status(None, 80, "higher", data_only=True) == Rag.NA
    assert rag_status(50, None, "higher") == Rag.DATA
    assert rag_status(50, 80, "higher", data_only=True) == Rag.DATA


def test_rag_status_tolerance_is_a_setting() -> None:
    assert rag_status(90, 100, "higher") == Rag.RED
    assert rag_status(90, 100, "higher", tolerance=Decimal("0.10")) == Rag.AMBER
    assert rag_status(90, 100, "higher", tolerance=0.1) == Rag.AMBER
    assert rag_status(99, 100, "higher", tolerance=0) == Rag.RED
    with pytest.raises(ValueError):
        rag_status(99, 100, "higher", tolerance=-1)


@pytest.mark.parametrize("polarity", ["up", "", "Higher"])
def test_bad_polarity(polarity: str) -> None:
    with pytest.raises(ValueError):
        rag_status(1, 2, polarity)
    with pytest.raises(ValueError):
        short_trend(1, 2, polarity)


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), True])
def test_bad_numbers(bad: object) -> None:
    with pytest.raises(ValueError):
        rag_status(bad, 80, "higher")  # type: ignore[arg-type]


def test_as_decimal() -> None:
    assert as_decimal(None) is None
    assert as_decimal(68.4) == Decimal("68.4")
    assert as_decimal(3) == Decimal(3)
    assert as_decimal(" 1.5 ") == Decimal("1.5")


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "expected"),
    [
        (68.4, 75, HIGHER, Decimal("0.088")),
        (82.8, 75, HIGHER, Decimal("-0.104")),
        (100, 100, HIGHER, Decimal(0)),
        (105, 100, LOWER, Decimal("0.05")),
        (-11, -10, HIGHER, Decimal("0.1")),
        (1, 0, HIGHER, None),
        (None, 75, HIGHER, None),
        (68.4, None, HIGHER, None),
    ],
)
def test_shortfall(actual: object, target: object, polarity: str, expected: Decimal | None) -> None:
    assert shortfall(actual, target, polarity) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (88, 80, HIGHER, Trend.IMP),
        (80, 88, HIGHER, Trend.DET),
        (80, 80, HIGHER, Trend.STATIC),
        (Decimal("80.0"), 80, HIGHER, Trend.STATIC),
        (88, 80, LOWER, Trend.DET),
        (80, 88, LOWER, Trend.IMP),
        (-2, -3, HIGHER, Trend.IMP),
        (None, 80, HIGHER, Trend.NA),  # no value this period
        (80, None, HIGHER, Trend.NA),  # missing history
        (None, None, LOWER, Trend.NA),
    ],
)
def test_short_trend(current: object, previous: object, polarity: str, expected: Trend) -> None:
    assert short_trend(current, previous, polarity) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "previous_four", "polarity", "expected"),
    [
        (80, [70, 80, 90, 100], HIGHER, Trend.DET),  # average 85
        (90, [70, 80, 90, 100], HIGHER, Trend.IMP),
        (85, [70, 80, 90, 100], HIGHER, Trend.STATIC),
        (80, [70, 80, 90, 100], LOWER, Trend.IMP),
        (90, [70, 80, 90, 100], LOWER, Trend.DET),
        (Decimal("1.25"), [1, 1, 1, 2], HIGHER, Trend.STATIC),
        (Decimal("0.3333"), [0, 0, 1, Decimal("0.3333")], HIGHER, Trend.DET),
        (80, [70, 80, 90, None], HIGHER, Trend.NA),  # 3 of 4 values
        (80, [70, 80, 90], HIGHER, Trend.NA),
        (80, [], HIGHER, Trend.NA),
        (None, [70, 80, 90, 100], HIGHER, Trend.NA),
    ],
)
def test_long_trend(
    current: object, previous_four: list[object], polarity: str, expected: Trend
) -> None:
    assert long_trend(current, previous_four, polarity) == expected  # type: ignore[arg-type]


def test_long_trend_rejects_more_than_four() -> None:
    with pytest.raises(ValueError):
        long_trend(1, [1, 2, 3, 4, 5], "higher")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Rag.GREEN, Rag.AMBER, Rag.RED, Rag.DATA, Rag.NA], Rag.RED),
        ([Rag.GREEN, Rag.AMBER, Rag.DATA], Rag.AMBER),
        ([Rag.GREEN, Rag.DATA, Rag.NA], Rag.GREEN),
        ([Rag.NA, Rag.DATA], Rag.DATA),
        ([Rag.NA], Rag.NA),
        ([], Rag.NA),
        (["green", "amber"], Rag.AMBER),
    ],
)
def test_worst_of(statuses: list[Rag], expected: Rag) -> None:
    assert worst_of(statuses) == expected
    assert worst_of(iter(statuses)) == expected
