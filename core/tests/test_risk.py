"""Tests for core.risk."""

import pytest

from core.risk import (
    RiskMatrix,
    RiskScore,
    impact_levels,
    likelihood_levels,
    matrix_for,
    parse_score,
)

LETTERS = RiskMatrix.MEDWAY
FIVE = RiskMatrix.FIVE_BY_FIVE


def test_matrix_choices() -> None:
    assert LETTERS.value == "letters_numerals"
    assert FIVE.value == "five_by_five"
    assert LETTERS.label == "Likelihood A–F × impact I–IV (e.g. BII)"
    assert FIVE.label == "Likelihood 1–5 × impact 1–5 (e.g. 4x3)"


# The seed register (Medway, Q3 2020/21), current residual scores.
SEED_REGISTER = [
    ("SR03B", "AI", "A", "I", "L – very high, I – catastrophic"),
    ("SR46", "BII", "B", "II", "L – high, I – critical"),
    ("SR32", "CII", "C", "II", "L – significant, I – critical"),
    ("SR36", "BIII", "B", "III", "L – high, I – marginal"),
    ("SR37", "CI", "C", "I", "L – significant, I – catastrophic"),
    ("SR02", "DII", "D", "II", "L – low, I – critical"),
    ("SR49", "BII", "B", "II", "L – high, I – critical"),
]


@pytest.mark.parametrize(("ref", "text", "likelihood", "impact", "description"), SEED_REGISTER)
def test_seed_register_scores(
    ref: str, text: str, likelihood: str, impact: str, description: str
) -> None:
    score = parse_score("letters_numerals", text)
    assert score == matrix_for("letters_numerals").score(likelihood, impact)
    assert str(score) == text
    assert score.description == description


def test_seed_register_severity_order() -> None:
    scores = {ref: parse_score(LETTERS, text) for ref, text, *_ in SEED_REGISTER}
    ranked = sorted(scores, key=lambda ref: scores[ref].severity, reverse=True)
    assert ranked[0] == "SR03B"  # AI is the worst
    assert ranked[-1] == "SR02"  # DII the least
    assert scores["SR37"].severity > scores["SR46"].severity  # CI worse than BII


@pytest.mark.parametrize(
    ("text", "canonical", "severity"),
    [
        ("AI", "AI", 24),
        ("BII", "BII", 15),
        ("CIII", "CIII", 8),
        ("DIV", "DIV", 3),
        ("FIV", "FIV", 1),
        ("EI", "EI", 8),
        (" b ii ", "BII", 15),
        ("c iii", "CIII", 8),
    ],
)
def test_parse_letters(text: str, canonical: str, severity: int) -> None:
    score = parse_score(LETTERS, text)
    assert str(score) == canonical
    assert score.severity == severity


def test_letters_words() -> None:
    assert parse_score(LETTERS, "FIV").description == "L – almost impossible, I – negligible"
    assert parse_score(LETTERS, "EIII").description == "L – very low, I – marginal"


@pytest.mark.parametrize(
    "text", ["ZZ", "", "A", "I", "GI", "AV", "AIIII", "AIV1", "IA", "4x3", "A I I V", "AVI"]
)
def test_parse_letters_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a score on the A–F × I–IV matrix"):
        parse_score(LETTERS, text)


def test_parse_error_message_quotes_text() -> None:
    with pytest.raises(ValueError, match="^'ZZ' is not a score on the A–F × I–IV matrix"):
        parse_score(LETTERS, "ZZ")


@pytest.mark.parametrize(
    ("text", "likelihood", "impact", "severity"),
    [
        ("4x3", "4", "3", 12),
        ("4 x 3", "4", "3", 12),
        ("4×3", "4", "3", 12),
        ("4X3", "4", "3", 12),
        ("5x5", "5", "5", 25),
        ("1x1", "1", "1", 1),
    ],
)
def test_parse_five_by_five(text: str, likelihood: str, impact: str, severity: int) -> None:
    score = parse_score(FIVE, text)
    assert (score.likelihood, score.impact) == (likelihood, impact)
    assert str(score) == f"{likelihood}x{impact}"
    assert score.severity == severity


def test_five_by_five_words() -> None:
    assert parse_score(FIVE, "4x3").description == "L – likely, I – moderate"
    assert parse_score(FIVE, "5x1").description == "L – almost certain, I – insignificant"
    assert parse_score(FIVE, "1x5").description == "L – rare, I – severe"
    assert parse_score(FIVE, "2x4").description == "L – unlikely, I – major"
    assert parse_score(FIVE, "3x2").description == "L – possible, I – minor"


@pytest.mark.parametrize("text", ["6x3", "0x1", "43", "4x", "x3", "BII", "4-3", "4x3x2"])
def test_parse_five_by_five_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="1–5 × 1–5"):
        parse_score(FIVE, text)


def test_unknown_matrix() -> None:
    with pytest.raises(ValueError):
        parse_score("three_by_three", "2x2")
    with pytest.raises(ValueError):
        likelihood_levels("nope")


@pytest.mark.parametrize(
    ("matrix", "likelihood", "impact"),
    [(LETTERS, "G", "I"), (LETTERS, "A", "V"), (FIVE, "6", "1"), (FIVE, "1", "I")],
)
def test_risk_score_validates(matrix: str, likelihood: str, impact: str) -> None:
    with pytest.raises(ValueError):
        matrix_for(matrix).score(likelihood, impact)


def test_risk_score_normalises_and_hashes() -> None:
    a = matrix_for(RiskMatrix.MEDWAY).score("b", "ii")
    b = matrix_for("letters_numerals").score("B", "II")
    assert a == b
    assert hash(a) == hash(b)
    assert {a, b} == {b}
    assert isinstance(a, RiskScore)


def test_levels_letters() -> None:
    assert likelihood_levels(LETTERS) == [
        ("A", "very high"),
        ("B", "high"),
        ("C", "significant"),
        ("D", "low"),
        ("E", "very low"),
        ("F", "almost impossible"),
    ]
    assert impact_levels("letters_numerals") == [
        ("I", "catastrophic"),
        ("II", "critical"),
        ("III", "marginal"),
        ("IV", "negligible"),
    ]


def test_levels_five_by_five() -> None:
    assert [code for code, _ in likelihood_levels(FIVE)] == ["5", "4", "3", "2", "1"]
    assert likelihood_levels(FIVE)[0] == ("5", "almost certain")
    assert likelihood_levels(FIVE)[-1] == ("1", "rare")
    assert impact_levels(FIVE)[0] == ("5", "severe")
    assert impact_levels(FIVE)[-1] == ("1", "insignificant")


def test_levels_are_copies() -> None:
    levels = likelihood_levels(LETTERS)
    levels.clear()
    assert len(likelihood_levels(LETTERS)) == 6


@pytest.mark.parametrize("matrix", [LETTERS, FIVE])
def test_heat_map_grid_covers_every_score(matrix: str) -> None:
    severities = set()
    for likelihood, _ in likelihood_levels(matrix):
        for impact, _ in impact_levels(matrix):
            score = matrix_for(matrix).score(likelihood, impact)
            assert parse_score(matrix, str(score)) == score
            severities.add(score.severity)
    assert max(severities) == len(likelihood_levels(matrix)) * len(impact_levels(matrix))
    assert min(severities) == 1
