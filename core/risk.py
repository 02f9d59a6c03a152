"""Strategic risk scores on a council's risk matrix.

Medway scores likelihood with letters A–F and impact with roman numerals
I–IV, written together ("AI", "BII", "CIII"); other councils use 1–5 × 1–5,
written likelihood × impact ("4x3"). A council's matrix is its own setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

__all__ = [
    "RiskMatrix",
    "RiskScore",
    "impact_levels",
    "likelihood_levels",
    "parse_score",
    "rows_off_matrix",
]


class RiskMatrix(models.TextChoices):
    """The scoring scheme a council uses for its risk register."""

    MEDWAY = "letters_numerals", "Likelihood A–F × impact I–IV (e.g. BII)"
    FIVE_BY_FIVE = "five_by_five", "Likelihood 1–5 × impact 1–5 (e.g. 4x3)"


# Levels, most likely / most severe first.
_LIKELIHOOD: dict[str, tuple[tuple[str, str], ...]] = {
    RiskMatrix.MEDWAY.value: (
        ("A", "very high"),
        ("B", "high"),
        ("C", "significant"),
        ("D", "low"),
        ("E", "very low"),
        ("F", "almost impossible"),
    ),
    RiskMatrix.FIVE_BY_FIVE.value: (
        ("5", "almost certain"),
        ("4", "likely"),
        ("3", "possible"),
        ("2", "unlikely"),
        ("1", "rare"),
    ),
}
_IMPACT: dict[str, tuple[tuple[str, str], ...]] = {
    RiskMatrix.MEDWAY.value: (
        ("I", "catastrophic"),
        ("II", "critical"),
        ("III", "marginal"),
        ("IV", "negligible"),
    ),
    RiskMatrix.FIVE_BY_FIVE.value: (
        ("5", "severe"),
        ("4", "major"),
        ("3", "moderate"),
        ("2", "minor"),
        ("1", "insignificant"),
    ),
}
_MATRIX_NAMES: dict[str, str] = {
    RiskMatrix.MEDWAY.value: "A–F × I–IV",
    RiskMatrix.FIVE_BY_FIVE.value: "1–5 × 1–5",
}
_EXAMPLES: dict[str, str] = {
    RiskMatrix.MEDWAY.value: "likelihood letter A–F then impact I–IV, e.g. 'BII'",
    RiskMatrix.FIVE_BY_FIVE.value: "likelihood 1–5 x impact 1–5, e.g. '4x3'",
}
_PATTERNS: dict[str, re.Pattern[str]] = {
    RiskMatrix.MEDWAY.value: re.compile(r"^(?P<l>[A-F])(?P<i>IV|I{1,3})$"),
    RiskMatrix.FIVE_BY_FIVE.value: re.compile(r"^(?P<l>[1-5])[X×](?P<i>[1-5])$"),
}


def _matrix(matrix: str) -> str:
    try:
        return RiskMatrix(matrix).value
    except ValueError:
        choices = ", ".join(repr(m.value) for m in RiskMatrix)
        raise ValueError(f"{matrix!r} is not a risk matrix (expected one of {choices})") from None


def likelihood_levels(matrix: str) -> list[tuple[str, str]]:
    """``(code, word)`` likelihood levels, most likely first (A… / 5…)."""
    return list(_LIKELIHOOD[_matrix(matrix)])


def impact_levels(matrix: str) -> list[tuple[str, str]]:
    """``(code, word)`` impact levels, most severe first (I… / 5…)."""
    return list(_IMPACT[_matrix(matrix)])


def _rank(levels: tuple[tuple[str, str], ...], code: str) -> int:
    """1 for the least likely/severe level up to len(levels) for the most."""
    codes = [c for c, _ in levels]
    return len(codes) - codes.index(code)


@dataclass(frozen=True)
class RiskScore:
    """A likelihood and impact on one matrix, e.g. ``RiskScore("letters_numerals", "B", "II")``.

    Validated on construction; ``matrix`` is stored as the plain choice value.
    """

    matrix: str
    likelihood: str
    impact: str

    def __post_init__(self) -> None:
        matrix = _matrix(self.matrix)
        likelihood = str(self.likelihood).strip().upper()
        impact = str(self.impact).strip().upper()
        if likelihood not in dict(_LIKELIHOOD[matrix]):
            codes = ", ".join(c for c, _ in _LIKELIHOOD[matrix])
            raise ValueError(f"{self.likelihood!r} is not a likelihood on this matrix ({codes})")
        if impact not in dict(_IMPACT[matrix]):
            codes = ", ".join(c for c, _ in _IMPACT[matrix])
            raise ValueError(f"{self.impact!r} is not an impact on this matrix ({codes})")
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "likelihood", likelihood)
        object.__setattr__(self, "impact", impact)

    def __str__(self) -> str:
        """Canonical written form: "BII" or "4x3"."""
        if self.matrix == RiskMatrix.MEDWAY.value:
            return f"{self.likelihood}{self.impact}"
        return f"{self.likelihood}x{self.impact}"

    @property
    def likelihood_word(self) -> str:
        """E.g. "high"."""
        return dict(_LIKELIHOOD[self.matrix])[self.likelihood]

    @property
    def impact_word(self) -> str:
        """E.g. "critical"."""
        return dict(_IMPACT[self.matrix])[self.impact]

    @property
    def description(self) -> str:
        """Words as the report prints them: "L – high, I – critical"."""
        return f"L – {self.likelihood_word}, I – {self.impact_word}"

    @property
    def likelihood_rank(self) -> int:
        """1 (least likely) up to 6 (A) or 5."""
        return _rank(_LIKELIHOOD[self.matrix], self.likelihood)

    @property
    def impact_rank(self) -> int:
        """1 (least severe) up to 4 (I) or 5."""
        return _rank(_IMPACT[self.matrix], self.impact)

    @property
    def severity(self) -> int:
        """Likelihood rank × impact rank; higher is worse (AI = 24, FIV = 1; 5x5 = 25)."""
        return self.likelihood_rank * self.impact_rank


def parse_score(matrix: str, text: str) -> RiskScore:
    """Parse a written score on ``matrix``: "BII", "b ii", "4x3", "4 x 3", "4×3".

    Spaces are ignored and case does not matter. Raises ``ValueError`` for
    anything not on the matrix.
    """
    key = _matrix(matrix)
    compact = re.sub(r"\s+", "", str(text)).upper()
    match = _PATTERNS[key].match(compact)
    if match is None:
        raise ValueError(
            f"{str(text).strip()!r} is not a score on the {_MATRIX_NAMES[key]} matrix "
            f"(expected {_EXAMPLES[key]})"
        )
    return RiskScore(key, match["l"], match["i"])


def rows_off_matrix(matrix: str, rows: Iterable[Iterable[str]]) -> int:
    """How many ``rows`` (each a risk's written scores) have a score not on ``matrix``."""
    count = 0
    for scores in rows:
        for text in scores:
            try:
                if text:
                    parse_score(matrix, text)
            except ValueError:
                count += 1
                break
    return count
