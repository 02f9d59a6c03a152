"""The risk matrix engine: every built-in shape, notations, products, bands and appetite."""

import pytest

from core.risk import (
    PRESETS,
    Band,
    Level,
    Matrix,
    RiskMatrix,
    direction_of_travel,
    matrix_for,
    natural_key,
)

MEDWAY = PRESETS[RiskMatrix.MEDWAY]
FIVE = PRESETS[RiskMatrix.FIVE_BY_FIVE]
FOUR = PRESETS[RiskMatrix.FOUR_BY_FOUR]
SIX_FOUR = PRESETS[RiskMatrix.SIX_BY_FOUR]
AD = PRESETS[RiskMatrix.LETTERS_NUMBERS]


@pytest.mark.parametrize(
    ("matrix", "size", "label", "example", "top"),
    [
        (MEDWAY, "6×4", "A–F × I–IV", "BIV", "AI"),
        (FIVE, "5×5", "1–5 × 1–5", "4x1", "5x5"),
        (FOUR, "4×4", "1–4 × 1–4", "3x1", "4x4"),
        (SIX_FOUR, "6×4", "1–6 × 1–4", "5x1", "6x4"),
        (AD, "4×4", "A–D × 1–4", "B4", "A1"),
    ],
)
def test_every_preset_shape(matrix: Matrix, size: str, label: str, example: str, top: str) -> None:
    assert matrix.size == size
    assert matrix.label == label
    assert matrix.example == example
    worst = matrix.score(matrix.likelihoods[0].code, matrix.impacts[0].code)
    assert str(worst) == top
    assert worst.product == matrix.max_product
    least = matrix.score(matrix.likelihoods[-1].code, matrix.impacts[-1].code)
    assert least.product == 1
    # Every cell writes and reads back the same, and every product is bandable.
    for likelihood in matrix.likelihoods:
        for impact in matrix.impacts:
            score = matrix.score(likelihood.code, impact.code)
            assert matrix.parse(str(score)) == score
            assert score.band is not None


@pytest.mark.parametrize(
    ("product", "band"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (12, "high"),
        (15, "very high"),
        (16, "very high"),
        (20, "very high"),
        (25, "very high"),
    ],
)
def test_five_by_five_band_boundaries(product: int, band: str) -> None:
    assert FIVE.band_for(product).name == band
    assert FIVE.product_score(product).band.name == band


@pytest.mark.parametrize(
    ("text", "product", "band"),
    [
        ("AI", 24, "high"),
        ("BIII", 10, "medium"),
        ("CII", 12, "high"),
        ("DII", 9, "medium"),
        ("EIII", 4, "low"),
        ("FI", 4, "low"),
        ("BIV", 5, "low"),
        ("CIII", 8, "medium"),
    ],
)
def test_medway_bands(text: str, product: int, band: str) -> None:
    score = MEDWAY.parse(text)
    assert (score.product, score.band.name) == (product, band)


@pytest.mark.parametrize(
    ("product", "band"),
    [(1, "low"), (5, "low"), (6, "medium"), (11, "medium"), (12, "high"), (24, "high")],
)
def test_medway_band_boundaries(product: int, band: str) -> None:
    assert MEDWAY.band_for(product).name == band


@pytest.mark.parametrize(
    "text",
    [
        "4x5",
        "4 X 5",
        "4×5",
        "4*5",
        "4 by 5",
        "L4 x I5",
        "l4i5",
        "I5 x L4",
        "Likelihood 4, Impact 5",
        "L:4 I:5",
    ],
)
def test_five_by_five_written_forms(text: str) -> None:
    score = FIVE.parse(text)
    assert (score.likelihood, score.impact, score.product, str(score)) == ("4", "5", 20, "4x5")
    assert score.description == "L – likely, I – severe"


def test_product_only_score_is_held_and_banded() -> None:
    score = FIVE.parse("20")
    assert not score.on_grid
    assert (score.product, str(score), score.band.name) == (20, "20", "very high")
    assert score.description == "score 20"


@pytest.mark.parametrize("text", ["0", "7", "26", "11", "-4", "4x6", "6x4", "", "x", "45"])
def test_five_by_five_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a score on the 1–5 × 1–5 matrix"):
        FIVE.parse(text)


def test_cells_written_as_bare_digits_are_never_products() -> None:
    digits = Matrix(FIVE.likelihoods, FIVE.impacts, notation="{l}{i}")
    assert str(digits.parse("43")) == "43"
    with pytest.raises(ValueError):
        digits.parse("12x")
    with pytest.raises(ValueError, match="expected e.g."):
        digits.parse("7")


def test_labelled_notation_and_impact_first() -> None:
    labelled = Matrix(FOUR.likelihoods, FOUR.impacts, notation="L{l} x I{i}")
    assert str(labelled.parse("3x2")) == "L3 x I2"
    assert str(labelled.parse("l3 x i2")) == "L3 x I2"
    assert labelled.parse("L3 x I2").product == 6
    impact_first = Matrix(FIVE.likelihoods, FIVE.impacts, notation="{i}x{l}")
    assert not impact_first.likelihood_first
    score = impact_first.parse("5x4")  # impact 5, likelihood 4
    assert (score.likelihood, score.impact, str(score)) == ("4", "5", "5x4")
    assert impact_first.parse("L4 I5") == score


def test_six_by_four_letters_first() -> None:
    letters = Matrix(MEDWAY.likelihoods, SIX_FOUR.impacts, notation="{l}{i}", bands=SIX_FOUR.bands)
    score = letters.parse("b3")
    assert (str(score), score.product, score.band.name) == ("B3", 15, "high")
    assert letters.parse("F1").product == 1


def test_lookup_bands_per_cell_win_over_thresholds() -> None:
    matrix = Matrix(
        FOUR.likelihoods,
        FOUR.impacts,
        notation="{l}x{i}",
        bands=(
            Band("green", "green", 1),
            Band("red", "red", 12),
            Band("amber", "amber", None, frozenset({("1", "4"), ("4", "1")})),
        ),
    )
    assert matrix.banded_by_cell
    assert matrix.parse("1x4").band.name == "amber"  # product 4, banded by its cell
    assert matrix.parse("2x2").band.name == "green"  # product 4, by threshold
    assert matrix.parse("4x3").band.name == "red"
    assert matrix.parse("12").band.name == "red"  # product only: by threshold


def test_appetite_line() -> None:
    matrix = Matrix(FIVE.likelihoods, FIVE.impacts, notation="{l}x{i}", appetite=12)
    assert matrix.parse("3x4").above_appetite is False
    assert matrix.parse("12").above_appetite is False
    assert matrix.parse("15").above_appetite is True
    assert FIVE.parse("5x5").above_appetite is None  # no appetite set


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"likelihoods": ()}, "at least one likelihood"),
        ({"impacts": (Level("1", "a"), Level("1", "b"))}, "must differ"),
        ({"impacts": (Level(" ", "a"),)}, "needs a code"),
        ({"notation": "{l}"}, "must contain"),
        ({"bands": (Band("x", "red", None, frozenset({("9", "1")})),)}, "not a likelihood"),
    ],
)
def test_invalid_matrices(kwargs: dict, message: str) -> None:
    args = {"likelihoods": FIVE.likelihoods, "impacts": FIVE.impacts, **kwargs}
    with pytest.raises(ValueError, match=message):
        Matrix(**args)


def test_matrix_for() -> None:
    assert matrix_for("five_by_five") is FIVE
    assert matrix_for(FOUR) is FOUR
    with pytest.raises(ValueError, match="not a risk matrix"):
        matrix_for("seven")


@pytest.mark.parametrize(
    ("previous", "current", "direction"),
    [(12, 8, "improving"), (8, 12, "worsening"), (8, 8, "stable"), (None, 8, ""), (8, None, "")],
)
def test_direction_of_travel(previous, current, direction) -> None:
    assert direction_of_travel(previous, current) == direction


def test_natural_key() -> None:
    refs = ["Strat-12", "", "strat-2", "SR03B", "SR03A", "SR3", "Strat-1", "SR46"]
    assert sorted(refs, key=natural_key) == [
        "SR3",
        "SR03A",
        "SR03B",
        "SR46",
        "Strat-1",
        "strat-2",
        "Strat-12",
        "",
    ]


def test_codes_written_together_are_read_where_letters_keep_them_apart() -> None:
    dashed = Matrix(MEDWAY.likelihoods, MEDWAY.impacts, notation="{l}-{i}")
    assert str(dashed.parse("BII")) == "B-II"
    assert str(Matrix(AD.likelihoods, AD.impacts, notation="{l} x {i}").parse("a1")) == "A x 1"
    with pytest.raises(ValueError):
        Matrix(FIVE.likelihoods, FIVE.impacts, notation="{l}-{i}").parse("43")
