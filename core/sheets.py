"""Reading spreadsheets (a council's workbook, an officer's return): an .xlsx file (openpyxl,
read-only) or one CSV file per sheet, its sheets as rows of cells under their headers, and the
cell parsers every sheet uses. Pure: no models; the sheets' columns are the callers' (the
workbooks app's spec, the return's own).

Headers are matched case-insensitively and in any order against the sheet's columns; a column
the sheet does not know is reported, never dropped silently.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from core.periods import MONTH_NAMES, FinancialYear, is_plausible_year
from core.rag import Polarity
from core.units import Unit, strip_unit_symbol

MAX_BYTES = 10 * 1024 * 1024
#: Day 0 of Excel's serial dates (its 1900 leap-year slip included).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
#: The most rows and columns read from a sheet (a small file can still unpack to a huge sheet).
MAX_ROWS = 50_000
MAX_COLUMNS = 100
PLACES = Decimal("0.0001")

#: Cells that mean "no figure": they stay empty, never 0.
EMPTY_WORDS = {"", "n/a", "na", "-", "–", "—"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all (wrong type, empty, too big)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's value as read, and whether the sheet formats it as a percentage."""

    value: Any
    percent_format: bool = False

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


#: Every empty cell (one object, not one a cell).
EMPTY = Cell(None)


@dataclass(slots=True)
class Row:
    number: int  # the row's number in the sheet, the header being row 1
    cells: dict[str, Cell]  # by column name as this module spells it

    def text(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text if cell is not None else ""

    def __contains__(self, column: str) -> bool:
        return column in self.cells


@dataclass
class Sheet:
    name: str
    columns: list[str]  # the known columns present, as this module spells them
    rows: Iterable[Row]  # read once, as the import goes
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (column number, header)
    repeated: list[tuple[int, str]] = field(default_factory=list)  # a known column again
    #: Rows below the header as the file says (blank ones included), if it says; for progress.
    total: int | None = None


# Reading files -------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def read_workbook(
    name: str, data: bytes, sheet_names: tuple[str, ...] | list[str] = ()
) -> dict[str, Iterable[list[Cell]]]:
    """The Measures and Values sheets of a file as rows of cells, by sheet name.

    An .xlsx file gives the sheets it has (other sheets are returned too, to be reported as
    not imported); a CSV file gives the one sheet its name names. Raises ``WorkbookError``
    with a message fit to show for a file that cannot be read.
    """
    if not data:
        raise WorkbookError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WorkbookError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
            f"{MAX_BYTES // 1024 // 1024} MB."
        )
    path = PurePath(name or "")
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        stem = path.stem.strip().casefold()
        sheet = next((s for s in sheet_names if s.casefold() == stem), None)
        if sheet is None:
            names = [f"{s}.csv" for s in sheet_names]
            raise WorkbookError(
                "A CSV file is one sheet, named after it: call it "
                + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0])
                + f" (not {path.name})."
            )
        return {sheet: _read_csv(data)}
    if suffix == ".xls":
        raise WorkbookError("This is an old Excel file (.xls): save it as .xlsx and try again.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError("This file is not an Excel workbook (.xlsx) or a CSV file.")
    if suffix in (".xlsm", ".xltm", ".xlsb") or _has_macros(data):
        raise WorkbookError(
            "This workbook holds macros (or is not an .xlsx workbook): save it as an Excel "
            "Workbook (.xlsx) and try again."
        )
    return _read_xlsx(data)


def _has_macros(data: bytes) -> bool:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    return any(name.casefold().endswith("vbaproject.bin") for name in names)


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
#: A formula cell whose result is not stored: <c r="D2" ...><f>...</f></c> (no <v>).
_CELL = re.compile(rb"<c\s[^>]*?r=\"([A-Z]+[0-9]+)\"[^>]*?(?:/>|>(.*?)</c>)", re.S)


#: How much of a sheet's XML is read at a time to check it (so memory does not grow with it).
XML_CHUNK = 1024 * 1024


def _scan_sheet_xml(title: str, source) -> int:
    """Check a sheet's XML (a file) for what openpyxl hides, a piece at a time (cut after a
    whole row); its number of rows (header included), for progress."""
    rows, merged, rest = 0, [], b""
    while True:
        chunk = source.read(XML_CHUNK)
        rest += chunk
        cut = rest.rfind(b"</row>") + len(b"</row>") if chunk else len(rest)
        if cut < len(b"</row>") and chunk:
            continue  # no whole row yet
        piece, rest = rest[:cut], rest[cut:]
        rows += piece.count(b"<row ") + piece.count(b"<row>")
        merged += _MERGE.findall(piece)
        _check_formulas(title, piece)
        if not chunk:
            break
    if merged:
        merged.sort()
        ranges = ", ".join(ref.decode() for ref in merged[:5]) + (
            ", ..." if len(merged) > 5 else ""
        )
        raise WorkbookError(
            f"The sheet {title} has merged cells ({ranges}): unmerge them and give every "
            "row its own value, then try again."
        )
    return rows


def _check_formulas(title: str, xml: bytes) -> None:
    """Formulas without their result: said plainly, nothing imported."""
    if b"<f" not in xml:
        return
    for ref, inner in _CELL.findall(xml):
        if inner and (b"<f>" in inner or b"<f " in inner) and b"<v>" not in inner:
            raise WorkbookError(
                f"The sheet {title}, cell {ref.decode()}, has a formula whose result is not "
                "stored in the file: open it in Excel and save it again (Excel stores the "
                "results), or paste the values, then try again."
            )


def _read_csv(data: bytes) -> list[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise WorkbookError("This file is not a CSV file (it holds binary data).")
    try:
        rows = []
        for line in csv.reader(io.StringIO(text)):
            if len(rows) > MAX_ROWS:
                raise WorkbookError(
                    f"The file has more than {MAX_ROWS:,} rows: import it in parts."
                )
            rows.append([Cell(value) for value in line[:MAX_COLUMNS]])
        return rows
    except csv.Error as error:
        raise WorkbookError(f"This CSV file cannot be read: {error}.") from None


class _SheetRows:
    """A sheet's rows of cells, read from the file as they are asked for (so memory does not
    grow with the sheet); the whole file is checked for what cannot be read beforehand."""

    def __init__(self, worksheet, rows: int) -> None:
        self.worksheet = worksheet
        #: Rows below the header (blank ones included), as its XML has them.
        self.total = max(0, min(rows, MAX_ROWS + 1) - 1)

    def __iter__(self) -> Iterator[list[Cell]]:
        for count, cells in enumerate(self.worksheet.iter_rows(max_col=MAX_COLUMNS)):
            if count > MAX_ROWS:
                raise WorkbookError(
                    f"The sheet {self.worksheet.title} has more than {MAX_ROWS:,} rows: "
                    "import it in parts."
                )
            yield [
                EMPTY
                if getattr(cell, "value", None) is None
                else Cell(cell.value, "%" in (cell.number_format or ""))
                for cell in cells
            ]


def _read_xlsx(data: bytes) -> dict[str, Iterable[list[Cell]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError("This file is not an Excel workbook (.xlsx) or a CSV file.") from None
    sheets: dict[str, Iterable[list[Cell]]] = {}
    for worksheet in book.worksheets:
        with worksheet._get_source() as source:  # its XML, for what openpyxl hides
            rows = _scan_sheet_xml(worksheet.title, source)
        # The book stays open while its rows are read (it reads from the bytes in memory).
        sheets[worksheet.title] = _SheetRows(worksheet, rows)
    return sheets


def to_sheet(name: str, rows: Iterable[list[Cell]], columns: list[str]) -> Sheet:
    """A sheet's rows by column (``columns`` as written): its first row holds the headers.
    Its rows are read as they are asked for, once."""
    known = {_header_key(column): column for column in columns}
    source = iter(rows)
    header = next(source, [])
    positions: dict[int, str] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        key = _header_key(cell.value)
        if not key:
            continue
        if key in known and known[key] not in positions.values():
            positions[index] = known[key]
        elif key in known:
            repeated.append((index + 1, known[key]))
        else:
            unknown.append((index + 1, cell.text))

    def parsed() -> Iterator[Row]:
        for number, cells in enumerate(source, start=2):
            if all(cell.text == "" for cell in cells):
                continue  # blank rows between blocks are common
            row = Row(
                number,
                {column: cells[index] for index, column in positions.items() if index < len(cells)},
            )
            for column in positions.values():
                row.cells.setdefault(column, EMPTY)
            yield row

    total = max(0, len(rows) - 1) if isinstance(rows, list) else getattr(rows, "total", None)
    return Sheet(name, list(positions.values()), parsed(), unknown, repeated, total)


# Reading cells -------------------------------------------------------------------------------


def parse_number(cell: Cell, unit: str) -> Decimal | None:
    """A figure of a measure in ``unit``: "68.4%", 68.4 and 0.684 formatted as a percentage
    all read 68.4 for a % measure; "n/a" and blanks are None. Raises ``ValueError``.

    Bounds (0-100 for a %, whole counts...) are left to the model's validation.
    """
    value = cell.value
    if isinstance(value, bool):
        raise ValueError(f'"{cell.text}" is not a number')
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if cell.percent_format:
            if Unit(unit) is not Unit.PERCENT:
                raise ValueError(f"This measure is {Unit(unit).description}, not a percentage")
            number *= 100
        if not number.is_finite():
            raise ValueError(f'"{cell.text}" is not a number')
        return number.quantize(PLACES, rounding=ROUND_HALF_UP)
    text = cell.text
    if text.casefold() in EMPTY_WORDS:
        return None
    cleaned = strip_unit_symbol(text.replace(",", ""), unit)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f'"{text}" is not a number') from None
    if not number.is_finite():
        raise ValueError(f'"{text}" is not a number')
    return number


def parse_tolerance(cell: Cell) -> Decimal | None:
    """A RAG tolerance: 0.05, "5%" and 0.05 formatted as a percentage all read 0.05."""
    value = cell.value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP).normalize()
        return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number
    text = cell.text
    if text.casefold() in EMPTY_WORDS:
        return None
    try:
        if text.endswith("%"):
            return Decimal(text.removesuffix("%").strip()) / 100
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f'"{text}" is not a number (write 5% or 0.05)') from None


def parse_choice(text: str, choices: type, extra: dict[str, str] | None = None) -> str:
    """A choice given by its label or its value, in any case; raises ``ValueError``."""
    options = {str(label).casefold(): value for value, label in choices.choices}
    options.update({value.casefold(): value for value in choices.values})
    options.update(extra or {})
    chosen = options.get(" ".join(text.split()).casefold())
    if chosen is None:
        labels = ", ".join(str(label) for label in choices.labels)
        raise ValueError(f'"{text}" is not one of: {labels}')
    return chosen


def parse_yes_no(text: str) -> bool:
    key = text.strip().casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f'"{text}" is not Yes or No')


def parse_year(cell: Cell) -> int:
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value) == int(value)
    ):
        if is_plausible_year(int(value)):
            return int(value)
        raise ValueError(f'"{cell.text}" is not a financial year, like 2014/15')
    try:
        return FinancialYear.parse(cell.text).start_year
    except ValueError:
        raise ValueError(f'"{cell.text}" is not a financial year, like 2014/15') from None


def parse_quarter(text: str) -> int:
    key = text.strip().casefold().removeprefix("q").strip()
    if key in ("", "annual", "year"):
        return 0
    if key in ("1", "2", "3", "4"):
        return int(key)
    raise ValueError(f'"{text}" is not a quarter: write Q1 to Q4, or leave it empty')


MONTHS = {name.casefold(): n for n, name in enumerate(MONTH_NAMES) if name} | {
    name[:3].casefold(): n for n, name in enumerate(MONTH_NAMES) if name
}


def parse_month(text: str) -> int:
    key = text.strip().casefold()
    if not key:
        return 0
    if key in MONTHS:
        return MONTHS[key]
    if key.isdigit() and 1 <= int(key) <= 12:
        return int(key)
    raise ValueError(f'"{text}" is not a month: write its name, like April, or 1-12')


UNIT_WORDS = {"percentage": Unit.PERCENT, "pounds": Unit.POUNDS, "number": Unit.COUNT}
POLARITY_WORDS = {
    "higher": Polarity.HIGHER,
    "lower": Polarity.LOWER,
    "none": Polarity.NONE,
}


def parse_date(cell: Cell) -> datetime.date | None:
    """A date: a date cell, "31/03/2021", "31 March 2021" or "2021-03-31"; empty is None."""
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial date (days since 30/12/1899), as a cell not formatted as a date
        # reads; plausible ones only (1900 to 2199), not any number.
        if 1 <= value < 109574:
            return (EXCEL_EPOCH + datetime.timedelta(days=int(value))).date()
        raise ValueError(f'"{cell.text}" is not a date: write it as 31/03/2021')
    text = cell.text
    if text.casefold() in EMPTY_WORDS:
        return None
    for pattern in (
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%d %B %Y",
        "%d %b %Y",
        "%d/%m/%y",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date: write it as 31/03/2021')


def parse_whole(cell: Cell) -> int | None:
    """A whole number (0 or more); empty is None."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value) == int(value)
    ):
        number = int(value)
    else:
        text = cell.text.replace(",", "").removesuffix("%").strip()
        if text.casefold() in EMPTY_WORDS:
            return None
        if not text.isdigit():
            raise ValueError(f'"{cell.text}" is not a whole number')
        number = int(text)
    if number < 0:
        raise ValueError(f'"{cell.text}" is not a whole number')
    return number


def parse_decimal(cell: Cell) -> Decimal | None:
    """An amount (£ signs and thousands commas allowed); empty is None."""
    value = cell.value
    if isinstance(value, bool):
        raise ValueError(f'"{cell.text}" is not a number')
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = cell.text.replace(",", "").replace("£", "").removesuffix("%").strip()
        if text.casefold() in EMPTY_WORDS:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f'"{cell.text}" is not a number') from None
    if not number.is_finite():
        raise ValueError(f'"{cell.text}" is not a number')
    number = number.quantize(PLACES, rounding=ROUND_HALF_UP).normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def parse_years(cell: Cell) -> tuple[int, int]:
    """ "2024/25" (one financial year) or "2012/13-2014/15" (or "... to ..."): first and last."""
    text = cell.text.replace(" to ", "-").replace("–", "-")
    if cell.value is not None and not isinstance(cell.value, str):
        year = parse_year(cell)
        return year, year
    parts = [part.strip() for part in text.split("-") if part.strip()]
    if len(parts) in (1, 2):
        try:
            years = [FinancialYear.parse(part).start_year for part in parts]
        except ValueError:
            years = []
        if years:
            return years[0], years[-1]
    raise ValueError(
        f'"{cell.text}" is not a financial year like 2024/25 or a span like 2012/13-2014/15'
    )
