"""Strategic risk scores on a council's own risk matrix: a pure matrix engine.

A council's matrix is data: its likelihood and impact levels (each with a code and the
council's words, most likely / most severe first), the way a score is written (a notation
pattern such as ``"{l}{i}"`` for Medway's "BII", ``"{l}x{i}"`` for "4x5", ``"L{l} x I{i}"``
or impact first ``"{i}{l}"``), bands on the score (thresholds on the product of the two
ranks, or the council's own lookup of cells) each with a name and colour, and a risk appetite.

Scores are parsed in the council's notation and in the common written forms (case and spaces
do not matter: "b ii", "4 × 5", "L4 x I5", "I5 L4"), and, where a council publishes only the
product, as a bare number ("20" on 5x5): such a score is held and banded although it cannot be
placed on the grid. Medway's A–F × I–IV is the default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

__all__ = [
    "DEFAULT_PRESET",
    "RAG_SEVERITY",
    "PRESETS",
    "Band",
    "Level",
    "Matrix",
    "RiskMatrix",
    "RiskScore",
    "Score",
    "direction_of_travel",
    "impact_levels",
    "likelihood_levels",
    "matrix_for",
    "natural_key",
    "parse_score",
    "rows_off_matrix",
]


class RiskMatrix(models.TextChoices):
    """The built-in matrices a council can start from (its levels and bands then editable)."""

    MEDWAY = "letters_numerals", "Likelihood A–F × impact I–IV (e.g. BII)"
    FIVE_BY_FIVE = "five_by_five", "Likelihood 1–5 × impact 1–5 (e.g. 4x3)"
    FOUR_BY_FOUR = "four_by_four", "Likelihood 1–4 × impact 1–4 (e.g. 3x2)"
    SIX_BY_FOUR = "six_by_four", "Likelihood 1–6 × impact 1–4 (e.g. 5x3)"
    LETTERS_NUMBERS = "letters_numbers", "Likelihood A–D × impact 1–4 (e.g. A1)"


@dataclass(frozen=True)
class Level:
    """One level of an axis: its code as the council writes it ("B", "II", "4") and words."""

    code: str
    words: str


@dataclass(frozen=True)
class Band:
    """A named, coloured band: every score whose product is at least ``minimum`` (up to the
    next band's minimum), or, where the council banded its grid by hand, the listed ``cells``
    (``(likelihood code, impact code)`` pairs)."""

    name: str
    colour: str
    minimum: int | None = None
    cells: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Score:
    """A score on a matrix: a cell (both levels known) or, published only as its product,
    the product alone (``likelihood``/``impact`` then empty)."""

    text: str
    product: int
    likelihood: str = ""
    impact: str = ""
    likelihood_word: str = ""
    impact_word: str = ""
    likelihood_rank: int = 0
    impact_rank: int = 0
    band: Band | None = field(default=None, compare=False)
    above_appetite: bool | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.text

    @property
    def on_grid(self) -> bool:
        """Whether the score names a cell (False for a product-only score)."""
        return bool(self.likelihood)

    @property
    def severity(self) -> int:
        """Likelihood rank × impact rank; higher is worse (AI = 24 on A–F × I–IV)."""
        return self.product

    @property
    def description(self) -> str:
        """Words as the report prints them: "L – high, I – critical"; "score 20" for a
        product-only score."""
        if not self.on_grid:
            return f"score {self.product}"
        return f"L – {self.likelihood_word}, I – {self.impact_word}"


# Kept for callers that name the old type.
RiskScore = Score

_SEPARATORS = r"(?:X|×|\*|-|–|,|/|BY)?"
_NUMERALS = re.compile(r"^[IVXLC]+$")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).upper()


def _alternation(codes: Iterable[str]) -> str:
    return "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))


@dataclass(frozen=True)
class Matrix:
    """A council's risk matrix. Levels are most likely / most severe first."""

    likelihoods: tuple[Level, ...]
    impacts: tuple[Level, ...]
    notation: str = "{l}{i}"
    bands: tuple[Band, ...] = ()
    appetite: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        for axis, levels in (("likelihood", self.likelihoods), ("impact", self.impacts)):
            if not levels:
                raise ValueError(f"a matrix needs at least one {axis} level")
            codes = [_compact(level.code) for level in levels]
            if any(not c for c in codes):
                raise ValueError(f"every {axis} level needs a code")
            if len(set(codes)) != len(codes):
                raise ValueError(f"{axis} codes must differ from one another")
        if "{l}" not in self.notation or "{i}" not in self.notation:
            raise ValueError("the notation must contain {l} (likelihood) and {i} (impact)")
        object.__setattr__(self, "likelihoods", tuple(self.likelihoods))
        object.__setattr__(self, "impacts", tuple(self.impacts))
        ordered = sorted(
            self.bands, key=lambda b: (b.minimum is None, b.minimum if b.minimum else 0)
        )
        object.__setattr__(self, "bands", tuple(ordered))
        for band in self.bands:
            for likelihood, impact in band.cells:
                self._rank(self.likelihoods, likelihood, "likelihood")
                self._rank(self.impacts, impact, "impact")

    # --- shape --------------------------------------------------------------------------

    @property
    def likelihood_first(self) -> bool:
        return self.notation.index("{l}") < self.notation.index("{i}")

    @property
    def size(self) -> str:
        """ "6×4": likelihood levels × impact levels."""
        return f"{len(self.likelihoods)}×{len(self.impacts)}"

    @property
    def max_product(self) -> int:
        return len(self.likelihoods) * len(self.impacts)

    @cached_property
    def products(self) -> frozenset[int]:
        """Every product a cell of this matrix can have."""
        return frozenset(
            li * im
            for li in range(1, len(self.likelihoods) + 1)
            for im in range(1, len(self.impacts) + 1)
        )

    @property
    def label(self) -> str:
        """ "A–F × I–IV", "1–5 × 1–5": each axis from its first code to its last (numbers
        from the lowest), likelihood first."""
        if self.name:
            return self.name

        def span(levels: tuple[Level, ...]) -> str:
            codes = [level.code for level in levels]
            if all(c.isdigit() for c in codes):
                codes = sorted(codes, key=int)
            return f"{codes[0]}–{codes[-1]}"

        return f"{span(self.likelihoods)} × {span(self.impacts)}"

    @property
    def example(self) -> str:
        return self.write(self.likelihoods[1 % len(self.likelihoods)].code, self.impacts[-1].code)

    @staticmethod
    def _rank(levels: Sequence[Level], code: str, axis: str) -> int:
        wanted = _compact(code)
        for index, level in enumerate(levels):
            if _compact(level.code) == wanted:
                return len(levels) - index
        codes = ", ".join(level.code for level in levels)
        raise ValueError(f"{code!r} is not a {axis} on this matrix ({codes})")

    # --- writing and parsing ------------------------------------------------------------

    def write(self, likelihood: str, impact: str) -> str:
        """The score in the council's notation."""
        return self.notation.replace("{l}", likelihood).replace("{i}", impact)

    def score(self, likelihood: str, impact: str) -> Score:
        """The score at a cell, given its two codes (any case)."""
        l_rank = self._rank(self.likelihoods, likelihood, "likelihood")
        i_rank = self._rank(self.impacts, impact, "impact")
        lev_l = self.likelihoods[len(self.likelihoods) - l_rank]
        lev_i = self.impacts[len(self.impacts) - i_rank]
        product = l_rank * i_rank
        return Score(
            text=self.write(lev_l.code, lev_i.code),
            product=product,
            likelihood=lev_l.code,
            impact=lev_i.code,
            likelihood_word=lev_l.words,
            impact_word=lev_i.words,
            likelihood_rank=l_rank,
            impact_rank=i_rank,
            band=self.band_for(product, (lev_l.code, lev_i.code)),
            above_appetite=self._above(product),
        )

    def product_score(self, product: int) -> Score:
        """A score published only as its product, held and banded though not on the grid."""
        if product not in self.products:
            raise ValueError(
                f"{product} is not a score any cell of the {self.label} matrix can have"
            )
        return Score(
            text=str(product),
            product=product,
            band=self.band_for(product),
            above_appetite=self._above(product),
        )

    def _above(self, product: int) -> bool | None:
        return None if self.appetite is None else product > self.appetite

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], bool]]:
        """Regular expressions for the written forms, each with whether likelihood is first."""
        l_alt = _alternation(_compact(level.code) for level in self.likelihoods)
        i_alt = _alternation(_compact(level.code) for level in self.impacts)
        own = re.escape(_compact(self.notation)).replace(r"\{L\}", "{l}").replace(r"\{I\}", "{i}")
        own = own.replace("{L}", "{l}").replace("{I}", "{i}")
        patterns = [(own.replace("{l}", f"(?P<l>{l_alt})").replace("{i}", f"(?P<i>{i_alt})"), None)]
        # Axis-labelled forms in either order ("L4xI5", "I5L4", "likelihood4impact5").
        lab_l = rf"(?:L|LIKELIHOOD)(?::|=)?(?P<l>{l_alt})"
        lab_i = rf"(?:I|IMPACT)(?::|=)?(?P<i>{i_alt})"
        patterns.append((lab_l + _SEPARATORS + lab_i, None))
        patterns.append((lab_i + _SEPARATORS + lab_l, None))
        # Bare codes with a separator, in the council's order.
        first, second = (l_alt, i_alt) if self.likelihood_first else (i_alt, l_alt)
        one, two = ("l", "i") if self.likelihood_first else ("i", "l")
        patterns.append((rf"(?P<{one}>{first})(?:X|×|\*|BY)(?P<{two}>{second})", None))
        # Codes written together ("BII", "A1") where letters keep them apart (never two
        # numbers, which would read as a product).
        codes = [lv.code for lv in (*self.likelihoods, *self.impacts)]
        if not all(_compact(c).isdigit() for c in codes):
            patterns.append((rf"(?P<{one}>{first})(?P<{two}>{second})", None))
        return [(re.compile(f"^{p}$"), flag) for p, flag in patterns]

    def parse(self, text: str) -> Score:
        """Parse a written score; raises ``ValueError`` with a message for anything else."""
        compact = _compact(text)
        for pattern, _ in self._patterns:
            match = pattern.match(compact)
            if match:
                return self.score(match["l"], match["i"])
        if compact.isdigit() and compact and not self._digits_are_cells():
            try:
                return self.product_score(int(compact))
            except ValueError:
                pass
        raise ValueError(
            f"{str(text).strip()!r} is not a score on the {self.label} matrix "
            f"(expected e.g. {self.example!r}, or the score's product, 1–{self.max_product})"
            if not self._digits_are_cells()
            else f"{str(text).strip()!r} is not a score on the {self.label} matrix "
            f"(expected e.g. {self.example!r})"
        )

    def _digits_are_cells(self) -> bool:
        """True where the council writes a cell as bare digits ("43"), so a number is a cell,
        never a product."""
        sample = _compact(self.write(self.likelihoods[0].code, self.impacts[0].code))
        return sample.isdigit()

    def parse_or_none(self, text: str) -> Score | None:
        try:
            return self.parse(text) if text else None
        except ValueError:
            return None

    # --- bands --------------------------------------------------------------------------

    @property
    def banded_by_cell(self) -> bool:
        return any(band.cells for band in self.bands)

    def band_for(self, product: int, cell: tuple[str, str] | None = None) -> Band | None:
        """The band of a score: by the council's lookup for a cell where it has one, else by
        the highest threshold the product reaches."""
        if cell is not None:
            key = (_compact(cell[0]), _compact(cell[1]))
            for band in self.bands:
                if any((_compact(a), _compact(b)) == key for a, b in band.cells):
                    return band
        best = None
        for band in self.bands:
            if band.minimum is not None and product >= band.minimum:
                best = band
        return best

    def cell_band(self, likelihood: str, impact: str) -> Band | None:
        return self.score(likelihood, impact).band


def _levels(*pairs: tuple[str, str]) -> tuple[Level, ...]:
    return tuple(Level(code, words) for code, words in pairs)


_FIVE_L = _levels(
    ("5", "almost certain"), ("4", "likely"), ("3", "possible"), ("2", "unlikely"), ("1", "rare")
)
_FIVE_I = _levels(
    ("5", "severe"), ("4", "major"), ("3", "moderate"), ("2", "minor"), ("1", "insignificant")
)

#: Built-in matrices by preset name; a council's own copy can then be edited.
PRESETS: dict[str, Matrix] = {
    RiskMatrix.MEDWAY.value: Matrix(
        likelihoods=_levels(
            ("A", "very high"),
            ("B", "high"),
            ("C", "significant"),
            ("D", "low"),
            ("E", "very low"),
            ("F", "almost impossible"),
        ),
        impacts=_levels(
            ("I", "catastrophic"), ("II", "critical"), ("III", "marginal"), ("IV", "negligible")
        ),
        notation="{l}{i}",
        bands=(
            Band("low", "green", 1),
            Band("medium", "yellow", 6),
            Band("high", "red", 12),
        ),
        name="A–F × I–IV",
    ),
    RiskMatrix.FIVE_BY_FIVE.value: Matrix(
        likelihoods=_FIVE_L,
        impacts=_FIVE_I,
        notation="{l}x{i}",
        bands=(
            Band("low", "green", 1),
            Band("medium", "yellow", 5),
            Band("high", "amber", 10),
            Band("very high", "red", 15),
        ),
        name="1–5 × 1–5",
    ),
    RiskMatrix.FOUR_BY_FOUR.value: Matrix(
        likelihoods=_levels(
            ("4", "very likely"), ("3", "likely"), ("2", "unlikely"), ("1", "rare")
        ),
        impacts=_levels(("4", "critical"), ("3", "major"), ("2", "moderate"), ("1", "minor")),
        notation="{l}x{i}",
        bands=(Band("low", "green", 1), Band("medium", "amber", 4), Band("high", "red", 8)),
        name="1–4 × 1–4",
    ),
    RiskMatrix.SIX_BY_FOUR.value: Matrix(
        likelihoods=_levels(
            ("6", "very high"),
            ("5", "high"),
            ("4", "significant"),
            ("3", "low"),
            ("2", "very low"),
            ("1", "almost impossible"),
        ),
        impacts=_levels(
            ("4", "catastrophic"), ("3", "critical"), ("2", "marginal"), ("1", "negligible")
        ),
        notation="{l}x{i}",
        bands=(Band("low", "green", 1), Band("medium", "amber", 6), Band("high", "red", 12)),
        name="1–6 × 1–4",
    ),
    RiskMatrix.LETTERS_NUMBERS.value: Matrix(
        likelihoods=_levels(
            ("A", "very likely"), ("B", "likely"), ("C", "unlikely"), ("D", "rare")
        ),
        impacts=_levels(("1", "critical"), ("2", "major"), ("3", "moderate"), ("4", "minor")),
        notation="{l}{i}",
        bands=(Band("low", "green", 1), Band("medium", "amber", 4), Band("high", "red", 8)),
        name="A–D × 1–4",
    ),
}
DEFAULT_PRESET = RiskMatrix.MEDWAY.value


def matrix_for(matrix: str | Matrix) -> Matrix:
    """A matrix itself, or the built-in one of that preset name."""
    if isinstance(matrix, Matrix):
        return matrix
    try:
        return PRESETS[RiskMatrix(matrix).value]
    except ValueError:
        choices = ", ".join(repr(m.value) for m in RiskMatrix)
        raise ValueError(f"{matrix!r} is not a risk matrix (expected one of {choices})") from None


def likelihood_levels(matrix: str | Matrix) -> list[tuple[str, str]]:
    """``(code, words)`` likelihood levels, most likely first."""
    return [(level.code, level.words) for level in matrix_for(matrix).likelihoods]


def impact_levels(matrix: str | Matrix) -> list[tuple[str, str]]:
    """``(code, words)`` impact levels, most severe first."""
    return [(level.code, level.words) for level in matrix_for(matrix).impacts]


def parse_score(matrix: str | Matrix, text: str) -> Score:
    """Parse a written score on ``matrix`` (a :class:`Matrix` or a preset name)."""
    return matrix_for(matrix).parse(text)


def rows_off_matrix(matrix: str | Matrix, rows: Iterable[Iterable[str]]) -> int:
    """How many ``rows`` (each a risk's written scores) have a score not on ``matrix``."""
    resolved = matrix_for(matrix)
    count = 0
    for scores in rows:
        for text in scores:
            if text and resolved.parse_or_none(text) is None:
                count += 1
                break
    return count


#: A RAG rating's severity, for registers that publish only a RAG per risk per quarter.
RAG_SEVERITY = {"green": 1, "amber": 2, "red": 3}


def direction_of_travel(previous: int | None, current: int | None) -> str:
    """ "improving", "stable" or "worsening" from two successive severities (a product or a
    RAG's severity), higher being worse; "" when either is unknown."""
    if previous is None or current is None:
        return ""
    if current < previous:
        return "improving"
    if current > previous:
        return "worsening"
    return "stable"


_CHUNKS = re.compile(r"(\d+)")


def natural_key(reference: str) -> tuple:
    """Sort key for references: numbers by value ("Strat-2" before "Strat-12"), letters
    without regard to case; an empty reference last."""
    text = (reference or "").strip()
    if not text:
        return (1, ())
    parts = _CHUNKS.split(text.casefold())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p))
