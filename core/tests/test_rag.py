"""Tests for core.rag."""

from decimal import Decimal

import pytest

from core.rag import (
    DEFAULT_TOLERANCE,
    PRESETS,
    Polarity,
    Rag,
    RagRule,
    Trend,
    as_decimal,
    long_trend,
    medway,
    movement,
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
        (Rag.DATA, "data", "Data", "data only: reported without a target"),
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
    assert Polarity.choices == [
        ("higher", "Higher is better"),
        ("lower", "Lower is better"),
        ("none", "No better direction"),
    ]


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
    # A period whose target is not set is "no target", not a data-only measure.
    assert rag_status(50, None, "higher") == Rag.NO_TARGET
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


# --- Built-in schemes: every boundary ------------------------------------------------------

MEDWAY, GREEN_BAND, TWO_SIDED, TREND, POINTS = (
    PRESETS[name] for name in ("medway", "green_band", "two_sided", "trend", "points")
)
G, A, R, B = Rag.GREEN, Rag.AMBER, Rag.RED, Rag.BETTER


@pytest.mark.parametrize(
    ("scheme", "actual", "target", "polarity", "expected"),
    [
        # Medway: Green at or better, Amber up to 5% worse (inclusive), Red beyond.
        (MEDWAY, "100", "100", HIGHER, G),
        (MEDWAY, "101", "100", HIGHER, G),
        (MEDWAY, "99.99", "100", HIGHER, A),
        (MEDWAY, "95", "100", HIGHER, A),
        (MEDWAY, "94.99", "100", HIGHER, R),
        (MEDWAY, "105", "100", LOWER, A),
        (MEDWAY, "105.01", "100", LOWER, R),
        (MEDWAY, "99", "100", LOWER, G),
        (MEDWAY, "0", "0", HIGHER, G),
        (MEDWAY, "-1", "0", HIGHER, R),
        (MEDWAY, "1", "0", LOWER, R),
        (MEDWAY, "-10.5", "-10", HIGHER, A),  # 5% of |−10| short
        (MEDWAY, "-10.51", "-10", HIGHER, R),
        (MEDWAY, "-9", "-10", HIGHER, G),
        # Green band: Green up to 5% worse, Amber 5-10%, Red beyond.
        (GREEN_BAND, "100", "100", HIGHER, G),
        (GREEN_BAND, "95", "100", HIGHER, G),
        (GREEN_BAND, "94.99", "100", HIGHER, A),
        (GREEN_BAND, "90", "100", HIGHER, A),
        (GREEN_BAND, "89.99", "100", HIGHER, R),
        (GREEN_BAND, "110", "100", LOWER, A),
        (GREEN_BAND, "110.01", "100", LOWER, R),
        (GREEN_BAND, "105", "100", LOWER, G),
        (GREEN_BAND, "0", "0", HIGHER, G),
        (GREEN_BAND, "-0.01", "0", HIGHER, R),
        (GREEN_BAND, "-21", "-20", HIGHER, G),
        (GREEN_BAND, "-22.01", "-20", HIGHER, R),
        # Two-sided: better beyond 5%, within 5% either side on target, worse beyond 5%.
        (TWO_SIDED, "105", "100", HIGHER, G),
        (TWO_SIDED, "105.01", "100", HIGHER, B),
        (TWO_SIDED, "95", "100", HIGHER, G),
        (TWO_SIDED, "94.99", "100", HIGHER, R),
        (TWO_SIDED, "94.99", "100", LOWER, B),
        (TWO_SIDED, "105.01", "100", LOWER, R),
        (TWO_SIDED, "0", "0", HIGHER, G),
        (TWO_SIDED, "0.01", "0", HIGHER, B),
        (TWO_SIDED, "-0.01", "0", HIGHER, R),
        (TWO_SIDED, "-9.4", "-10", HIGHER, B),
        (TWO_SIDED, "-10.5", "-10", HIGHER, G),
        # Trend-dependent: Amber up to 10% worse; beyond, Red without last year's value.
        (TREND, "100", "100", HIGHER, G),
        (TREND, "90", "100", HIGHER, A),
        (TREND, "89.99", "100", HIGHER, R),
        (TREND, "110", "100", LOWER, A),
        (TREND, "110.01", "100", LOWER, R),
        (TREND, "-1", "0", HIGHER, R),
        # Points: Amber up to 3 points below, Red beyond (whatever the target's size).
        (POINTS, "90", "90", HIGHER, G),
        (POINTS, "87", "90", HIGHER, A),
        (POINTS, "86.99", "90", HIGHER, R),
        (POINTS, "13", "10", LOWER, A),
        (POINTS, "13.01", "10", LOWER, R),
        (POINTS, "-3", "0", HIGHER, A),
        (POINTS, "-3.01", "0", HIGHER, R),
        (POINTS, "-13", "-10", HIGHER, A),
    ],
)
def test_scheme_boundaries(scheme, actual, target, polarity, expected) -> None:
    assert scheme.assess(actual, target, polarity) is expected


@pytest.mark.parametrize(
    ("actual", "last_year", "polarity", "expected"),
    [
        ("80", "79.99", HIGHER, A),  # improved against the same quarter last year
        ("80", "80", HIGHER, A),  # maintained
        ("80", "80.01", HIGHER, R),  # worse
        ("80", None, HIGHER, R),  # nothing to compare with
        ("120", "120", LOWER, A),
        ("120", "119", LOWER, R),
        ("-1", "-2", HIGHER, A),  # target 0: beyond every band, rescued by the trend
    ],
)
def test_trend_dependent_amber(actual, last_year, polarity, expected) -> None:
    target = "0" if actual == "-1" else "100"
    assert TREND.assess(actual, target, polarity, last_year_actual=last_year) is expected


@pytest.mark.parametrize("scheme", list(PRESETS.values()))
def test_every_scheme_missing_data_only_and_no_target(scheme) -> None:
    assert scheme.assess(None, "100", HIGHER) is Rag.NA
    assert scheme.assess("50", None, HIGHER) is Rag.NO_TARGET
    assert scheme.assess("50", "100", HIGHER, data_only=True) is Rag.DATA
    assert scheme.assess("50", None, HIGHER, data_only=True) is Rag.DATA
    # No better direction: never judged, whatever the target.
    assert scheme.assess("50", "100", Polarity.NONE) is Rag.DATA


def test_measure_tolerance_overrides_scheme() -> None:
    assert MEDWAY.assess("92", "100", HIGHER, tolerance="0.10") is A
    assert MEDWAY.assess("89", "100", HIGHER, tolerance="0.10") is R
    assert MEDWAY.assess("99", "100", HIGHER, tolerance="0") is R
    # The green band keeps its share; the two-sided bands follow the tolerance.
    assert GREEN_BAND.assess("90", "100", HIGHER, tolerance="0.2") is G
    assert GREEN_BAND.assess("89", "100", HIGHER, tolerance="0.2") is A
    assert TWO_SIDED.assess("109", "100", HIGHER, tolerance="0.1") is G
    assert TWO_SIDED.assess("110.01", "100", HIGHER, tolerance="0.1") is B


def test_rule_rejects_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        RagRule(amber_band=Decimal("-0.01"))
    with pytest.raises(ValueError, match="cannot be beyond"):
        RagRule(amber_band=Decimal("0.05"), green_band=Decimal("0.1"))
    with pytest.raises(ValueError, match="way of measuring"):
        RagRule(measure="furlongs")


def test_movement_of_a_measure_with_no_better_direction() -> None:
    assert short_trend(12, 10, Polarity.NONE) is Trend.UP
    assert short_trend(8, 10, Polarity.NONE) is Trend.DOWN
    assert short_trend(10, 10, Polarity.NONE) is Trend.STATIC
    assert short_trend(None, 10, Polarity.NONE) is Trend.NA
    assert long_trend(20, [10, 10, 10, 10], Polarity.NONE) is Trend.UP
    assert movement(1, 2) is Trend.DOWN
    assert shortfall(1, 2, Polarity.NONE) is None


def test_medway_key_and_counts() -> None:
    scheme = medway()
    assert [s.label for s in scheme.key()] == ["Red", "Amber", "Green", "Data", "NA"]
    assert scheme.state(Rag.AMBER).meaning == "slightly below target (within 5%)"
    assert scheme.state(Rag.RED).meaning == "significantly below target (more than 5%)"
    counts = scheme.counts([R, G, G, G, Rag.DATA, Rag.NA, Rag.NO_TARGET])
    assert [(c.state.label, c.count, c.percent) for c in counts] == [
        ("Red", 1, Decimal("25.0")),
        ("Amber", 0, Decimal("0.0")),
        ("Green", 3, Decimal("75.0")),
        ("No target", 1, None),
        ("Data", 1, None),
        ("NA", 1, None),
    ]


def test_two_sided_key_and_counts() -> None:
    counts = TWO_SIDED.counts([B, G, R, Rag.DATA])
    assert [(c.state.label, c.count, c.percent) for c in counts] == [
        ("Worse", 1, Decimal("33.3")),
        ("On target", 1, Decimal("33.3")),
        ("Better", 1, Decimal("33.3")),
        ("Data", 1, None),
        ("NA", 0, None),
    ]


def test_counts_with_nothing_judged_have_no_percentages() -> None:
    assert all(c.percent is None for c in MEDWAY.counts([Rag.DATA, Rag.NA]))


def test_worst_of_every_role() -> None:
    assert worst_of([B, G]) is G
    assert worst_of([B, Rag.NO_TARGET]) is B
    assert worst_of([Rag.NO_TARGET, Rag.DATA]) is Rag.NO_TARGET
