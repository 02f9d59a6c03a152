"""Import a council's performance workbook: its Measures and Values sheets.

A workbook is an .xlsx file (read with openpyxl in read-only mode) or one CSV file per sheet,
named after the sheet ("Values.csv"). Headers are matched case-insensitively and in any order;
a column this import does not know is an error, never dropped silently.

Rows are matched by their natural keys (a measure by its code, a value by its measure's code
and period), so importing the same workbook twice changes nothing. A row whose cells differ
from what is stored is updated (its version moves on and its history records the importing
user); rows are never deleted. Every row is checked with the same validation as the forms
(the model's ``full_clean``); errors are collected for every row and, if there is any,
nothing is written: the whole import is one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from core.periods import MONTH_NAMES, FinancialYear, is_plausible_year, quarter_of_month
from core.rag import Polarity
from core.units import Unit, strip_unit_symbol
from kpis.models import KPI, Frequency, KpiValue, NotPublished
from plans.models import Council, Membership, Plan, Theme

#: The largest file accepted, in bytes.
MAX_BYTES = 10 * 1024 * 1024
#: The most rows and columns read from a sheet (a small file can still unpack to a huge sheet).
MAX_ROWS = 50_000
MAX_COLUMNS = 100
PLACES = Decimal("0.0001")

MEASURES = "Measures"
VALUES = "Values"
SHEETS = (MEASURES, VALUES)

#: Each sheet's columns (as written in the workbook) and the model field each fills.
MEASURE_COLUMNS: dict[str, str] = {
    "Code": "code",
    "Measure": "name",
    "Plan": "plan",
    "Theme": "theme",
    "Unit": "unit",
    "Polarity": "polarity",
    "Frequency": "frequency",
    "Data only": "data_only",
    "Tolerance": "rag_tolerance",
    "Owner": "owner",
    "Owner email": "owner_user",
    "Definition": "definition",
    "Cumulative": "cumulative",
    "Baseline": "baseline",
    "Baseline year": "baseline_year",
}
VALUE_COLUMNS: dict[str, str] = {
    "Code": "kpi",
    "Year": "financial_year",
    "Quarter": "quarter",
    "Month": "month",
    "Actual": "actual",
    "Target": "target",
    "Commentary": "commentary",
    "Not published": "not_published",
}
REQUIRED = {MEASURES: ("Code", "Measure"), VALUES: ("Code", "Year")}
COLUMNS = {MEASURES: MEASURE_COLUMNS, VALUES: VALUE_COLUMNS}

#: Cells that mean "no figure": they stay empty, never 0.
EMPTY_WORDS = {"", "n/a", "na", "-", "–", "—"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all (wrong type, empty, too big)."""


@dataclass(frozen=True)
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


@dataclass
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
    rows: list[Row]
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (column number, header)
    repeated: list[tuple[int, str]] = field(default_factory=list)  # a known column again


@dataclass(frozen=True)
class ImportError_:
    """One problem, with where it is: ``Values row 14, Actual: "abc" is not a number``."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class SheetTally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def count(self, row: Any, before: dict, after: dict) -> bool:
        """Count ``row`` as created, updated or unchanged; True when it is to be saved."""
        if row.pk is None:
            self.created += 1
        elif after == before:
            self.unchanged += 1
            return False
        else:
            self.updated += 1
        return True


@dataclass
class ImportResult:
    """What an import did (or, with errors or a dry run, would have done: nothing written)."""

    tallies: dict[str, SheetTally] = field(default_factory=dict)
    errors: list[ImportError_] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


# Reading files -------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def read_workbook(name: str, data: bytes) -> dict[str, list[list[Cell]]]:
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
        sheet = next((s for s in SHEETS if s.casefold() == path.stem.strip().casefold()), None)
        if sheet is None:
            raise WorkbookError(
                f"A CSV file is one sheet, named after it: call it {MEASURES}.csv or "
                f"{VALUES}.csv (not {path.name})."
            )
        return {sheet: _read_csv(data)}
    if suffix == ".xls":
        raise WorkbookError("This is an old Excel file (.xls): save it as .xlsx and try again.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError("This file is not an Excel workbook (.xlsx) or a CSV file.")
    return _read_xlsx(data)


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


def _read_xlsx(data: bytes) -> dict[str, list[list[Cell]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError("This file is not an Excel workbook (.xlsx) or a CSV file.") from None
    try:
        sheets: dict[str, list[list[Cell]]] = {}
        for worksheet in book.worksheets:
            rows = []
            for cells in worksheet.iter_rows(max_col=MAX_COLUMNS):
                if len(rows) > MAX_ROWS:
                    raise WorkbookError(
                        f"The sheet {worksheet.title} has more than {MAX_ROWS:,} rows: "
                        "import it in parts."
                    )
                rows.append(
                    [
                        Cell(
                            getattr(cell, "value", None),
                            "%" in (getattr(cell, "number_format", "") or ""),
                        )
                        for cell in cells
                    ]
                )
            sheets[worksheet.title] = rows
        return sheets
    finally:
        book.close()


def to_sheet(name: str, rows: list[list[Cell]]) -> Sheet:
    """A sheet's rows by column: its first row holds the headers."""
    known = {_header_key(column): column for column in COLUMNS[name]}
    header = rows[0] if rows else []
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
    parsed = []
    for number, cells in enumerate(rows[1:], start=2):
        if all(cell.text == "" for cell in cells):
            continue  # blank rows between blocks are common
        parsed.append(
            Row(
                number,
                {column: cells[index] for index, column in positions.items() if index < len(cells)},
            )
        )
        for column in positions.values():
            parsed[-1].cells.setdefault(column, Cell(None))
    return Sheet(name, list(positions.values()), parsed, unknown, repeated)


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
        return Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP)
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


# Importing -----------------------------------------------------------------------------------


class _Importer:
    def __init__(self, council: Council, user, result: ImportResult) -> None:
        self.council = council
        self.user = user
        self.result = result
        self.kpis = {kpi.code.casefold(): kpi for kpi in KPI.objects.filter(council=council)}
        self.failed_codes: set[str] = set()

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.errors.append(ImportError_(sheet, row, column, message))

    def validation_errors(
        self, sheet: str, row: Row, error: ValidationError, columns: dict[str, str]
    ) -> None:
        by_field = {name: column for column, name in columns.items()}
        for name, messages in error.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else by_field.get(name, name)
            for message in messages:
                self.error(sheet, row.number, column, message)

    def check_columns(self, sheet: Sheet) -> bool:
        for number, header in sheet.unknown:
            self.error(
                sheet.name,
                1,
                header,
                f"unknown column (column {number}); the columns are: "
                + ", ".join(COLUMNS[sheet.name]),
            )
        for number, column in sheet.repeated:
            self.error(
                sheet.name, 1, column, f"this column is there twice (again in column {number})"
            )
        missing = [c for c in REQUIRED[sheet.name] if c not in sheet.columns]
        for column in missing:
            self.error(sheet.name, 1, column, "this column is missing")
        return not missing and not sheet.repeated

    def save(self, obj) -> None:
        if obj.pk is not None:
            obj.version += 1
        obj._history_user = self.user
        obj.save()

    # Measures ----------------------------------------------------------------------------

    def measures(self, sheet: Sheet) -> None:
        tally = self.result.tallies.setdefault(MEASURES, SheetTally())
        if not self.check_columns(sheet):
            return
        plans = list(Plan.objects.filter(council=self.council))
        themes = list(Theme.objects.filter(plan__council=self.council).select_related("plan"))
        people = {}
        for membership in Membership.objects.filter(council=self.council).select_related("user"):
            if membership.user.email:
                people[membership.user.email.casefold()] = membership.user
        seen: dict[str, int] = {}
        for row in sheet.rows:
            code = row.text("Code")
            if not code:
                self.error(MEASURES, row.number, "Code", "every measure needs its code")
                continue
            key = code.casefold()
            if key in seen:
                self.error(MEASURES, row.number, "Code", f'"{code}" is also in row {seen[key]}')
                self.failed_codes.add(key)
                continue
            seen[key] = row.number
            errors_before = len(self.result.errors)
            kpi = self.kpis.get(key) or KPI(council=self.council, code=code)
            before = {name: getattr(kpi, name) for name in self._measure_fields()}
            self._fill_measure(kpi, row, plans, themes, people)
            if len(self.result.errors) == errors_before:
                try:
                    kpi.full_clean()
                except ValidationError as error:
                    self.validation_errors(MEASURES, row, error, MEASURE_COLUMNS)
            if len(self.result.errors) > errors_before:
                self.failed_codes.add(key)
                continue
            after = {name: getattr(kpi, name) for name in self._measure_fields()}
            if not tally.count(kpi, before, after):
                continue
            self.save(kpi)
            self.kpis[key] = kpi

    @staticmethod
    def _measure_fields() -> list[str]:
        return [
            "name",
            "plan_id",
            "theme_id",
            "unit",
            "polarity",
            "frequency",
            "data_only",
            "rag_tolerance",
            "owner",
            "owner_user_id",
            "definition",
            "cumulative",
            "baseline",
            "baseline_year",
        ]

    def _fill_measure(self, kpi: KPI, row: Row, plans, themes, people) -> None:
        def fail(column: str, message: str) -> None:
            self.error(MEASURES, row.number, column, message)

        name = row.text("Measure")
        if name:
            kpi.name = name
        else:
            fail("Measure", "every measure needs its name")
        for column, attribute, choices, extra in (
            ("Unit", "unit", Unit, UNIT_WORDS),
            ("Polarity", "polarity", Polarity, POLARITY_WORDS),
            ("Frequency", "frequency", Frequency, None),
        ):
            text = row.text(column)
            if text:
                try:
                    setattr(kpi, attribute, parse_choice(text, choices, extra))
                except ValueError as error:
                    fail(column, str(error))
        for column, attribute in (("Data only", "data_only"), ("Cumulative", "cumulative")):
            if row.text(column):
                try:
                    setattr(kpi, attribute, parse_yes_no(row.text(column)))
                except ValueError as error:
                    fail(column, str(error))
        for column, attribute in (("Owner", "owner"), ("Definition", "definition")):
            if column in row:
                setattr(kpi, attribute, row.text(column))
        if "Owner email" in row:
            email = row.text("Owner email")
            if not email:
                kpi.owner_user = None
            elif email.casefold() in people:
                kpi.owner_user = people[email.casefold()]
            else:
                fail("Owner email", f'"{email}" is not the email of a member of this council')
        plan = kpi.plan
        if "Plan" in row:
            title = row.text("Plan")
            plan = None
            if title:
                matches = [p for p in plans if p.title.casefold() == title.casefold()]
                if len(matches) == 1:
                    plan = matches[0]
                elif matches:
                    fail("Plan", f'more than one plan is called "{title}"')
                else:
                    fail("Plan", f'"{title}" is not a plan of this council')
            kpi.plan = plan
        if "Theme" in row:
            wanted = row.text("Theme")
            theme = None
            if wanted:
                candidates = [t for t in themes if plan is None or t.plan_id == plan.pk]
                matches = [
                    t
                    for t in candidates
                    if t.title.casefold() == wanted.casefold() or str(t.number) == wanted
                ]
                if len(matches) == 1:
                    theme = matches[0]
                    if kpi.plan is None:
                        kpi.plan = theme.plan
                elif matches:
                    fail("Theme", f'"{wanted}" matches more than one theme: name the plan too')
                else:
                    where = f'the plan "{plan.title}"' if plan else "this council's plans"
                    fail("Theme", f'"{wanted}" is not a theme of {where}')
            kpi.theme = theme
        if "Tolerance" in row:
            try:
                kpi.rag_tolerance = parse_tolerance(row.cells["Tolerance"])
            except ValueError as error:
                fail("Tolerance", str(error))
        if "Baseline" in row:
            try:
                kpi.baseline = parse_number(row.cells["Baseline"], kpi.unit)
            except ValueError as error:
                fail("Baseline", str(error))
        if "Baseline year" in row:
            cell = row.cells["Baseline year"]
            if cell.text:
                try:
                    kpi.baseline_year = parse_year(cell)
                except ValueError as error:
                    fail("Baseline year", str(error))
            else:
                kpi.baseline_year = None

    # Values ------------------------------------------------------------------------------

    def values(self, sheet: Sheet) -> None:
        tally = self.result.tallies.setdefault(VALUES, SheetTally())
        if not self.check_columns(sheet):
            return
        stored = {
            (v.kpi_id, v.financial_year, v.quarter, v.month): v
            for v in KpiValue.objects.filter(kpi__council=self.council)
        }
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)

            def fail(column: str, message: str, row: Row = row) -> None:
                self.error(VALUES, row.number, column, message)

            code = row.text("Code")
            kpi = self.kpis.get(code.casefold())
            if kpi is None:
                if code.casefold() in self.failed_codes:
                    continue  # its measure's row is already reported
                fail(
                    "Code",
                    f'"{code}" is not a measure of this council'
                    if code
                    else "every value needs its measure's code",
                )
                continue
            try:
                year = parse_year(row.cells["Year"])
            except ValueError as error:
                fail("Year", str(error))
                year = None
            quarter = month = 0
            try:
                quarter = parse_quarter(row.text("Quarter"))
            except ValueError as error:
                fail("Quarter", str(error))
            try:
                month = parse_month(row.text("Month"))
            except ValueError as error:
                fail("Month", str(error))
            if month and not quarter:
                quarter = quarter_of_month(month)
            if len(self.result.errors) > errors_before:
                continue
            period = (kpi.pk, year, quarter, month)
            if period in seen:
                fail("", f"{kpi.code}'s value for this period is also in row {seen[period]}")
                continue
            seen[period] = row.number
            value = stored.get(period) or KpiValue(
                kpi=kpi, financial_year=year, quarter=quarter, month=month
            )
            fields = ("actual", "target", "commentary", "not_published")
            before = {name: getattr(value, name) for name in fields}
            for column, name in (("Actual", "actual"), ("Target", "target")):
                if column in row:
                    try:
                        setattr(value, name, parse_number(row.cells[column], kpi.unit))
                    except ValueError as error:
                        fail(column, str(error))
            if "Commentary" in row:
                value.commentary = row.text("Commentary").replace("\r\n", "\n")
            if "Not published" in row:
                try:
                    value.not_published = (
                        parse_choice(row.text("Not published"), NotPublished)
                        if row.text("Not published")
                        else ""
                    )
                except ValueError as error:
                    fail("Not published", str(error))
            if len(self.result.errors) > errors_before:
                continue
            try:
                value.full_clean(validate_constraints=False)
            except ValidationError as error:
                self.validation_errors(VALUES, row, error, VALUE_COLUMNS)
                continue
            after = {name: getattr(value, name) for name in fields}
            if not tally.count(value, before, after):
                continue
            value.entered_by = self.user
            self.save(value)


def import_workbook(
    council: Council, user, name: str, data: bytes, *, dry_run: bool = False
) -> ImportResult:
    """Import a workbook file (its name and bytes) into ``council``, as ``user``.

    Raises ``WorkbookError`` for a file that cannot be read; row problems are in the result's
    ``errors``, and then nothing is written. A dry run checks and counts, and writes nothing.
    """
    books = read_workbook(name, data)
    by_key = {sheet.casefold(): sheet for sheet in SHEETS}
    sheets: dict[str, Sheet] = {}
    result = ImportResult(dry_run=dry_run)
    for title, rows in books.items():
        sheet = by_key.get(title.strip().casefold())
        if sheet is None:
            result.ignored_sheets.append(title)
        else:
            sheets[sheet] = to_sheet(sheet, rows)
    if not sheets:
        raise WorkbookError(
            f"This workbook has no {MEASURES} or {VALUES} sheet"
            + (f" (its sheets: {', '.join(result.ignored_sheets)})." if books else ".")
        )
    return _import_sheets(council, user, [sheets[s] for s in SHEETS if s in sheets], result)


def _import_sheets(council, user, sheets: Iterable[Sheet], result: ImportResult) -> ImportResult:
    with transaction.atomic():
        importer = _Importer(council, user, result)
        for sheet in sheets:
            if sheet.name == MEASURES:
                importer.measures(sheet)
            else:
                importer.values(sheet)
        if result.errors or result.dry_run:
            transaction.set_rollback(True)
    return result
