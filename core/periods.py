"""Financial years, quarters and stored periods.

A UK council year runs 1 April – 31 March and is written "2024/25".
Q1 = April–June, Q2 = July–September, Q3 = October–December and
Q4 = January–March (so Q4 falls in the *next* calendar year: "Q4 2020/21"
is January–March 2021).

This module is the only place in the project that knows this arithmetic;
everything else should parse, format and compare periods through it.
Nothing here reads the clock: "today" is always passed in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "MONTH_NAMES",
    "FinancialYear",
    "Quarter",
    "fraction_elapsed_between",
    "last_ended_quarter",
    "is_plausible_date",
    "is_plausible_year",
    "is_valid_period",
    "month_in_financial_year",
    "period_label",
    "period_sort_key",
    "quarter_of_month",
]

#: English month names indexed by calendar month (index 0 is unused), fixed
#: rather than taken from the locale so labels never change with the server.
MONTH_NAMES: tuple[str, ...] = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: First calendar month of the financial year.
FIRST_MONTH = 4

#: The calendar years this service accepts from people, in dates and financial years alike:
#: anything outside is refused at entry, a URL naming it is not found, and stored data outside
#: it is left out of lists of years rather than trusted.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

# ASCII digits only: Python's \d would also take "２０２０" (full-width) as 2020.
_YEAR_RE = r"(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{4}|\d{2})"
_FY_RE = re.compile(rf"^\s*{_YEAR_RE}\s*$", re.ASCII)
_QUARTER_RES = (
    # "Q3 2020/21", "q3 2020-21"
    re.compile(rf"^\s*q\s*(?P<q>\d+)\s+{_YEAR_RE}\s*$", re.IGNORECASE | re.ASCII),
    # "2020/21 Q3", "2020-21 q3", "2020-21/q3", "2020/21/Q3"
    re.compile(rf"^\s*{_YEAR_RE}\s*(?:\s|/)\s*q\s*(?P<q>\d+)\s*$", re.IGNORECASE | re.ASCII),
)
_Q_SLUG_RE = re.compile(r"^\s*q(?P<q>\d+)\s*$", re.IGNORECASE | re.ASCII)


def is_plausible_year(year: object) -> bool:
    """Whether ``year`` is an int from EARLIEST_YEAR to LATEST_YEAR."""
    return isinstance(year, int) and EARLIEST_YEAR <= year <= LATEST_YEAR


def is_plausible_date(d: date) -> bool:
    """Whether ``d`` falls in the years the service accepts."""
    return is_plausible_year(d.year)


def _check_month(calendar_month: int) -> None:
    if isinstance(calendar_month, bool) or not isinstance(calendar_month, int):
        raise TypeError(f"calendar month must be an int, not {calendar_month!r}")
    if not 1 <= calendar_month <= 12:
        raise ValueError(f"calendar month must be 1–12, not {calendar_month}")


def month_in_financial_year(calendar_month: int) -> int:
    """Position of a calendar month in the financial year: April=1 … March=12."""
    _check_month(calendar_month)
    return (calendar_month - FIRST_MONTH) % 12 + 1


def quarter_of_month(calendar_month: int) -> int:
    """Financial quarter (1–4) that a calendar month falls in (January → 4)."""
    return (month_in_financial_year(calendar_month) - 1) // 3 + 1


def _calendar_year_of_month(start_year: int, calendar_month: int) -> int:
    """Calendar year of ``calendar_month`` within the year starting ``start_year``."""
    _check_month(calendar_month)
    return start_year if calendar_month >= FIRST_MONTH else start_year + 1


def fraction_elapsed_between(start: date, end: date, today: date) -> Decimal:
    """Share of the days ``start``..``end`` (both inclusive) that have passed.

    Counts ``today`` as passed: 0 before ``start``, 1 from ``end`` onwards,
    otherwise (days from ``start`` to ``today`` inclusive) / (days in span).
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    elapsed = (today - start).days + 1
    total = (end - start).days + 1
    return Decimal(elapsed) / Decimal(total)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK council financial year, 1 April ``start_year`` – 31 March next year."""

    start_year: int

    def __post_init__(self) -> None:
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise TypeError(f"start_year must be an int, not {self.start_year!r}")
        if not 1 <= self.start_year <= 9998:
            raise ValueError(f"start_year {self.start_year} is out of range")

    def __str__(self) -> str:
        """The year as councils write it: "2024/25" (and "2099/00")."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        """URL-safe form: "2024-25"."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        """1 April of ``start_year``."""
        return date(self.start_year, FIRST_MONTH, 1)

    @property
    def end(self) -> date:
        """31 March of the following calendar year."""
        return date(self.start_year + 1, 3, 31)

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Parse "2024/25", "2024-25", "2024/2025" or "2024-2025".

        Raises ``ValueError`` for anything else, including years whose second
        half is not the year after the first ("2024/26").
        """
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a financial year (expected e.g. '2024/25')")
        match = _FY_RE.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a financial year "
                "(expected e.g. '2024/25', '2024-25' or '2024/2025')"
            )
        return cls._from_match(match, text)

    @classmethod
    def _from_match(cls, match: re.Match[str], text: str) -> FinancialYear:
        start_year = int(match["start"])
        if not is_plausible_year(start_year):
            raise ValueError(
                f"{text!r} is outside the years this service covers "
                f"({EARLIEST_YEAR} to {LATEST_YEAR})"
            )
        end_text = match["end"]
        if len(end_text) == 2:
            ok = int(end_text) == (start_year + 1) % 100
        else:
            ok = int(end_text) == start_year + 1
        if not ok:
            raise ValueError(
                f"{text!r} is not a financial year: the second year must follow "
                f"{start_year} (expected '{cls(start_year)}')"
            )
        return cls(start_year)

    @classmethod
    def for_date(cls, d: date) -> FinancialYear:
        """The financial year containing ``d`` (31 March 2025 → 2024/25)."""
        return cls(d.year if d.month >= FIRST_MONTH else d.year - 1)

    @classmethod
    def span(cls, first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
        """Every year from ``first`` to ``last`` inclusive, oldest first."""
        if last < first:
            raise ValueError(f"{last} is before {first}")
        return [cls(y) for y in range(first.start_year, last.start_year + 1)]

    def previous(self) -> FinancialYear:
        """The year before."""
        return FinancialYear(self.start_year - 1)

    def next(self) -> FinancialYear:
        """The year after."""
        return FinancialYear(self.start_year + 1)

    def quarter(self, number: int) -> Quarter:
        """Quarter ``number`` (1–4) of this year."""
        return Quarter(self, number)

    def quarters(self) -> list[Quarter]:
        """Q1–Q4 of this year, in order."""
        return [Quarter(self, n) for n in range(1, 5)]

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls within this year."""
        return self.start <= d <= self.end

    def fraction_elapsed(self, today: date) -> Decimal:
        """Share of the year passed at ``today`` (counted inclusively).

        0 before 1 April, 1 from 31 March on, otherwise elapsed days (including
        ``today``) divided by the number of days in the year.
        """
        return fraction_elapsed_between(self.start, self.end, today)


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a financial year; ``number`` is 1–4 (Q1 = April–June)."""

    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise TypeError(f"year must be a FinancialYear, not {self.year!r}")
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise ValueError(f"quarter number must be an int 1–4, not {self.number!r}")
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1–4, not {self.number}")

    def __str__(self) -> str:
        """E.g. "Q3 2020/21"."""
        return f"Q{self.number} {self.year}"

    @property
    def slug(self) -> str:
        """URL form: "2020-21/q3"."""
        return f"{self.year.slug}/q{self.number}"

    @property
    def url_kwargs(self) -> dict[str, str]:
        """The URL's parts, {"year": "2020-21", "quarter": "q3"} (read by from_slug)."""
        return {"year": self.year.slug, "quarter": f"q{self.number}"}

    @property
    def months(self) -> tuple[int, int, int]:
        """The three calendar months of the quarter (Q1 → (4, 5, 6), Q4 → (1, 2, 3))."""
        first = (FIRST_MONTH - 1 + (self.number - 1) * 3) % 12 + 1
        return (first, first + 1, first + 2)

    @property
    def start(self) -> date:
        """First day of the quarter (Q4 2020/21 → 1 January 2021)."""
        month = self.months[0]
        return date(_calendar_year_of_month(self.year.start_year, month), month, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter (Q3 2020/21 → 31 December 2020)."""
        month = self.months[2]
        year = _calendar_year_of_month(self.year.start_year, month)
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def index(self) -> int:
        """A sortable integer, consecutive across years: start_year * 4 + number - 1."""
        return self.year.start_year * 4 + self.number - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """Inverse of :attr:`index`."""
        start_year, offset = divmod(index, 4)
        return cls(FinancialYear(start_year), offset + 1)

    def previous(self) -> Quarter:
        """The quarter before (Q1 2021/22 → Q4 2020/21)."""
        return Quarter.from_index(self.index - 1)

    def next(self) -> Quarter:
        """The quarter after (Q4 2020/21 → Q1 2021/22)."""
        return Quarter.from_index(self.index + 1)

    def same_quarter_last_year(self) -> Quarter:
        """The same quarter of the previous financial year."""
        return Quarter(self.year.previous(), self.number)

    @classmethod
    def span(cls, first: Quarter, last: Quarter) -> list[Quarter]:
        """Every quarter from ``first`` to ``last`` inclusive, oldest first ([] if reversed)."""
        return [cls.from_index(i) for i in range(first.index, last.index + 1)]

    def previous_n(self, n: int) -> list[Quarter]:
        """The ``n`` quarters before this one, newest first."""
        if n < 0:
            raise ValueError(f"n must not be negative, not {n}")
        return [Quarter.from_index(self.index - i) for i in range(1, n + 1)]

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls within this quarter."""
        return self.start <= d <= self.end

    @classmethod
    def for_date(cls, d: date) -> Quarter:
        """The quarter containing ``d`` (15 February 2021 → Q4 2020/21)."""
        return cls(FinancialYear.for_date(d), quarter_of_month(d.month))

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse "Q3 2020/21", "2020/21 Q3", "2020-21/q3" or "2020-21 Q3".

        Case-insensitive; the year may be in any form :meth:`FinancialYear.parse`
        accepts. Raises ``ValueError`` otherwise.
        """
        if isinstance(text, str):
            for pattern in _QUARTER_RES:
                match = pattern.match(text)
                if match is not None:
                    year = FinancialYear._from_match(match, text)
                    return cls(year, cls._number(match["q"], text))
        raise ValueError(
            f"{text!r} is not a quarter (expected e.g. 'Q3 2020/21', '2020/21 Q3' or '2020-21/q3')"
        )

    @classmethod
    def from_slug(cls, year_slug: str, q_slug: str) -> Quarter:
        """Build from the two URL parts, e.g. ``("2020-21", "q3")``."""
        year = FinancialYear.parse(year_slug)
        match = _Q_SLUG_RE.match(q_slug) if isinstance(q_slug, str) else None
        if match is None:
            raise ValueError(f"{q_slug!r} is not a quarter slug (expected 'q1'–'q4')")
        return cls(year, cls._number(match["q"], q_slug))

    @staticmethod
    def _number(digits: str, text: str) -> int:
        number = int(digits)
        if not 1 <= number <= 4:
            raise ValueError(f"{text!r}: a quarter is Q1–Q4, not Q{number}")
        return number


def last_ended_quarter(today: date) -> Quarter:
    """The latest quarter wholly over at ``today``: its return is the one now due.

    On 23 November 2026 (Q3 2026/27 still running) that is Q2 2026/27, July–September 2026;
    on 31 December the quarter ending that day is not over yet.
    """
    return Quarter.for_date(today).previous()


def _check_period(start_year: int, quarter: int, month: int) -> None:
    FinancialYear(start_year)  # validates the year
    if isinstance(quarter, bool) or not isinstance(quarter, int):
        raise TypeError(f"quarter must be an int, not {quarter!r}")
    if not 0 <= quarter <= 4:
        raise ValueError(f"quarter must be 0 (none) or 1–4, not {quarter}")
    if month != 0:
        _check_month(month)
        if quarter not in (0, quarter_of_month(month)):
            raise ValueError(
                f"{MONTH_NAMES[month]} is in Q{quarter_of_month(month)}, not Q{quarter}"
            )


def is_valid_period(start_year: int, quarter: int, month: int) -> bool:
    """Whether a stored period is one :func:`period_label` can name, in the plausible years.

    For data stored before validation (or by hand): code that lists stored periods skips the
    ones that are not, rather than failing.
    """
    try:
        _check_period(start_year, quarter, month)
    except (TypeError, ValueError):
        return False
    return is_plausible_year(start_year)


def period_label(start_year: int, quarter: int, month: int) -> str:
    """Label a stored period.

    ``quarter == 0 and month == 0`` is the whole year ("2020/21");
    ``month == 0`` is a quarter ("Q3 2020/21"); otherwise a calendar month in
    the right calendar year ("October 2020", "January 2021" for 2020/21).
    A month may be stored with quarter 0 or with its own quarter; any other
    quarter raises ``ValueError``.
    """
    _check_period(start_year, quarter, month)
    if month == 0:
        if quarter == 0:
            return str(FinancialYear(start_year))
        return str(Quarter(FinancialYear(start_year), quarter))
    return f"{MONTH_NAMES[month]} {_calendar_year_of_month(start_year, month)}"


def period_sort_key(start_year: int, quarter: int, month: int) -> tuple[int, int, int]:
    """Chronological sort key for a stored period (see :func:`period_label`).

    Returns ``(start_year, quarter, month_in_financial_year)``, with 0 for the
    parts a period does not have, so a year sorts before its quarters and a
    quarter before its months; months sort April … March.
    """
    _check_period(start_year, quarter, month)
    if month == 0:
        return (start_year, quarter, 0)
    return (start_year, quarter_of_month(month), month_in_financial_year(month))


def previous_period(start_year: int, quarter: int, month: int) -> tuple[int, int, int]:
    """The stored period just before this one, at the same frequency.

    A year's previous is the year before; a quarter's the quarter before (Q1's is the last
    Q4); a month's the month before (April's is the March that ends the previous year). Months
    come back with their quarter filled in, as monthly values are stored.
    """
    _check_period(start_year, quarter, month)
    if month == 0:
        if quarter == 0:
            return (start_year - 1, 0, 0)
        before = Quarter(FinancialYear(start_year), quarter).previous()
        return (before.year.start_year, before.number, 0)
    prior_month = 12 if month == 1 else month - 1
    prior_year = start_year - 1 if month == 4 else start_year
    return (prior_year, quarter_of_month(prior_month), prior_month)
