"""The quarterly return as a spreadsheet: downloaded pre-filled, filled in offline, uploaded.

The sheet lists exactly the rows of the return page (``return_rows``) with what the officer
needs beside each value (unit, polarity, last quarter's value, the target) and three columns to
fill: the value, why there is no figure, and the commentary. Hidden, locked columns carry what
the page would have carried in its hidden fields: each value's version and the cells as they
were downloaded. An upload turns the rows back into ``ReturnEntry`` objects, so the quarterly
return's own checks decide what is saved: a cell left alone is never written, and a value
someone else changed since the download (its version moved) is a conflict, not overwritten.

Cells are read with the council workbook import's number rules (``core.sheets.parse_number``):
"68.4%", 68.4 and 0.684 formatted as a percentage all read 68.4 for a % measure; "n/a" and
blank cells are no value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.periods import Quarter
from core.sheets import Cell, parse_number
from core.units import Unit
from kpis.models import NotPublished
from kpis.services import ReturnChange, ReturnEntry, ReturnReview, ReturnRow, format_number

#: The largest file accepted, in bytes (a return of a few hundred measures is ~50 kB).
MAX_BYTES = 2 * 1024 * 1024
#: The most rows and columns read (a small file can still unpack to a huge sheet).
MAX_ROWS = 2_000
MAX_COLUMNS = 30

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The columns, in order, and each one's width in characters.
COLUMNS: dict[str, int] = {
    "Code": 12,
    "Measure": 40,
    "Unit": 9,
    "Polarity": 18,
    "Frequency": 11,
    "Period": 12,
    "Last value": 12,
    "Target": 10,
    "Value": 12,
    "Why no figure": 16,
    "Commentary": 60,
    # Hidden and locked: what the return page carries in its hidden fields.
    "Version": 8,
    "Value as downloaded": 12,
    "Why no figure as downloaded": 16,
    "Commentary as downloaded": 30,
}
TO_FILL = ("Value", "Why no figure", "Commentary")
HIDDEN = (
    "Version",
    "Value as downloaded",
    "Why no figure as downloaded",
    "Commentary as downloaded",
)
#: The columns an upload must have; the others only describe the measure and are not read.
REQUIRED = ("Code", "Period", *TO_FILL, *HIDDEN)


class SheetError(Exception):
    """The file cannot be read as a return at all: nothing is saved."""


@dataclass
class RowProblem:
    """A row of the upload that cannot be used, and why."""

    number: int  # the row's number in the sheet, the headers being row 1
    code: str
    message: str


@dataclass
class SheetUpload:
    """An uploaded return: an entry per usable row, and the rows that are not."""

    entries: list[ReturnEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: The sheet row of each entry, by measure id.
    row_numbers: dict[int, int] = field(default_factory=dict)
    #: The code each entry's row gave, by measure id.
    codes: dict[int, str] = field(default_factory=dict)


def filename(council_slug: str, quarter: Quarter) -> str:
    return f"{council_slug}-{quarter.year.slug}-q{quarter.number}-return.xlsx"


def _number(value: Decimal | None) -> Any:
    """A stored figure as a spreadsheet number (None for none)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def build_sheet(rows: list[ReturnRow], quarter: Quarter) -> bytes:
    """The return's rows as an .xlsx workbook, with the values as stored now to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = f"Q{quarter.number} {quarter.year.slug} return"
    names = list(COLUMNS)
    sheet.append(names)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    previous = quarter.previous()
    reasons = dict(NotPublished.choices)
    for row in rows:
        kpi, earlier = row.kpi, row.previous
        if earlier is not None and earlier.not_published:
            last: Any = reasons[earlier.not_published]
        else:
            last = _number(earlier.actual) if earlier is not None else None
        sheet.append(
            [
                kpi.code,
                kpi.name,
                Unit(kpi.unit).label,
                "Data only: no target" if kpi.data_only else kpi.get_polarity_display(),
                kpi.get_frequency_display(),
                str(quarter),
                last,
                None if kpi.data_only else _number(row.target),
                _number(row.value.actual) if row.value is not None else None,
                reasons.get(row.reason, ""),
                row.commentary,
                row.version,
                row.actual_text,
                reasons.get(row.reason, ""),
                row.commentary,
            ]
        )
    last_row = sheet.max_row
    fill = PatternFill("solid", fgColor="FFF7BF")  # the cells to fill, as a pale yellow
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = COLUMNS[name]
        if name in HIDDEN:
            sheet.column_dimensions[letter].hidden = True
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index, max_col=index):
            if name in TO_FILL:
                cell.protection = Protection(locked=False)
                cell.fill = fill
            if name in ("Measure", "Commentary"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif name in HIDDEN[1:]:
                cell.number_format = "@"  # kept as text, compared as the page would
    sheet.cell(row=1, column=names.index("Last value") + 1).value = f"Last value ({previous})"
    sheet.freeze_panes = "C2"
    if last_row > 1:
        value_letter = get_column_letter(names.index("Value") + 1)
        reason_letter = get_column_letter(names.index("Why no figure") + 1)
        choose = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(reasons.values())),
            allow_blank=True,
            promptTitle="Why no figure",
            prompt="Leave empty when you give a figure.",
            showInputMessage=True,
            errorTitle="Why no figure",
            error="Choose a reason from the list, or leave it empty.",
        )
        choose.add(f"{reason_letter}2:{reason_letter}{last_row}")
        percent = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            errorStyle="warning",
            errorTitle="A percentage",
            error="A percentage is from 0 to 100: enter 68.4 for 68.4%.",
        )
        for number, row in enumerate(rows, start=2):
            if Unit(row.kpi.unit) is Unit.PERCENT and not row.kpi.percent_unbounded:
                percent.add(f"{value_letter}{number}")
        for validation in (choose, percent):
            if validation.sqref:
                sheet.add_data_validation(validation)
    # Locked: only the cells to fill can change; the hidden columns stay as downloaded.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may still be changed
    sheet.protection.formatRows = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(value: Any) -> str:
    text = " ".join(str(value or "").split()).casefold()
    # "Last value (Q2 2020/21)" is the "Last value" column, whatever the quarter.
    return "last value" if text.startswith("last value") else text


def _read(data: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook

    if not data:
        raise SheetError("The file is empty. Upload the spreadsheet downloaded from this page.")
    if len(data) > MAX_BYTES:
        raise SheetError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
            "Upload the spreadsheet downloaded from this page."
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(
            "This file is not an Excel workbook (.xlsx). Upload the spreadsheet downloaded "
            "from this page, saved as .xlsx."
        ) from None
    try:
        if not book.worksheets:
            raise SheetError("The spreadsheet has no sheets.")
        rows = []
        for cells in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS):
            if len(rows) > MAX_ROWS:
                raise SheetError(f"The spreadsheet has more than {MAX_ROWS:,} rows.")
            rows.append(
                [
                    Cell(
                        getattr(cell, "value", None),
                        "%" in (getattr(cell, "number_format", "") or ""),
                    )
                    for cell in cells
                ]
            )
        return rows
    except SheetError:
        raise
    except Exception:  # a damaged file can fail part way through
        raise SheetError("This spreadsheet cannot be read. Download it again.") from None
    finally:
        book.close()


def _columns(header: list[Cell]) -> dict[str, int]:
    known = {_header(name): name for name in COLUMNS}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header(cell.value)
        if not key:
            continue
        if key not in known:
            raise SheetError(
                f"The spreadsheet has a column this return does not know: “{cell.text}”. "
                "Upload the spreadsheet downloaded from this page, with its columns as they were."
            )
        if known[key] in positions:
            raise SheetError(f"The column “{known[key]}” is there twice.")
        positions[known[key]] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise SheetError(
            "The spreadsheet is missing the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(f"“{name}”" for name in missing)
            + ". Upload the spreadsheet downloaded from this page, with its columns as they were."
        )
    return positions


def _reason(text: str) -> str:
    """A reason by its words ("Suppressed") or stored value; "" for none."""
    wanted = text.strip().casefold()
    if not wanted:
        return ""
    for value, label in NotPublished.choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    raise ValueError(
        "Choose why there is no figure from the list ("
        + ", ".join(str(label) for label in NotPublished.labels)
        + "), or leave it empty"
    )


def _words(cell: Cell) -> str:
    """A text cell as typed (commentary keeps its line breaks)."""
    return "" if cell.value is None else str(cell.value)


def read_sheet(data: bytes, rows: list[ReturnRow], quarter: Quarter) -> SheetUpload:
    """The entries an uploaded return makes, for the measures of ``rows`` (the user's return).

    Raises ``SheetError`` for a file that is not a return at all. A row for a measure not on
    this return (another officer's, another council's), for another quarter, given twice, or
    with a cell that cannot be read is a ``RowProblem``; the others become entries, checked
    by the return itself.
    """
    lines = _read(data)
    while lines and all(cell.text == "" for cell in lines[-1]):
        lines.pop()
    if not lines:
        raise SheetError(
            "The spreadsheet is empty. Upload the spreadsheet downloaded from this page."
        )
    positions = _columns(lines[0])
    by_code = {row.kpi.code.casefold(): row for row in rows if row.kpi.code}
    upload = SheetUpload()
    seen: dict[int, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if all(cell.text == "" for cell in cells):
            continue

        def cell(name: str, cells: list[Cell] = cells) -> Cell:
            index = positions[name]
            return cells[index] if index < len(cells) else Cell(None)

        code = cell("Code").text
        row = by_code.get(code.casefold())
        if row is None:
            upload.problems.append(
                RowProblem(number, code, f"“{code}” is not one of your measures on this return")
                if code
                else RowProblem(number, code, "The measure's code is missing")
            )
            continue
        if cell("Period").text != str(quarter):
            upload.problems.append(
                RowProblem(
                    number,
                    code,
                    f"This row is for {cell('Period').text or 'no period'}, not {quarter}: "
                    f"download the spreadsheet of {quarter}",
                )
            )
            continue
        if row.kpi.pk in seen:
            upload.problems.append(
                RowProblem(number, code, f"{code} is already in row {seen[row.kpi.pk]}")
            )
            continue
        seen[row.kpi.pk] = number
        version_text = cell("Version").text
        try:
            actual = parse_number(cell("Value"), row.kpi.unit)
            reason = _reason(cell("Why no figure").text)
            shown_reason = _reason(cell("Why no figure as downloaded").text)
            version = int(version_text) if version_text else None
        except ValueError as error:
            message = str(error)
            if version_text and not version_text.isdigit():
                message = "The hidden Version column was changed: download the spreadsheet again"
            upload.problems.append(RowProblem(number, code, message))
            continue
        upload.entries.append(
            ReturnEntry(
                kpi_id=row.kpi.pk,
                actual=format_number(actual),
                commentary=_words(cell("Commentary")),
                version=version,
                shown_actual=cell("Value as downloaded").text,
                shown_commentary=_words(cell("Commentary as downloaded")),
                reason=reason,
                shown_reason=shown_reason,
            )
        )
        upload.row_numbers[row.kpi.pk] = number
        upload.codes[row.kpi.pk] = code
    if not upload.entries and not upload.problems:
        raise SheetError("The spreadsheet has no measures in it.")
    return upload


@dataclass
class PreviewChange:
    """A row of the upload that will be saved: its sheet row, the change and what to post."""

    number: int
    change: ReturnChange
    entry: ReturnEntry


@dataclass
class SheetPreview:
    """What an upload would save, and the rows that stop it (nothing is saved while any)."""

    changes: list[PreviewChange]
    problems: list[RowProblem]


def preview(upload: SheetUpload, review: ReturnReview) -> SheetPreview:
    """The upload's changes and problems (its own and the return's checks), by sheet row."""
    entries = {entry.kpi_id: entry for entry in upload.entries}
    problems = list(upload.problems)
    for pk, message in review.errors.items():
        problems.append(RowProblem(upload.row_numbers[pk], upload.codes[pk], message))
    for pk, conflict in review.conflicts.items():
        problems.append(
            RowProblem(
                upload.row_numbers[pk],
                conflict.kpi.code,
                conflict.describe(
                    "since the spreadsheet was downloaded", "download the spreadsheet again"
                ),
            )
        )
    changes = [
        PreviewChange(upload.row_numbers[change.kpi.pk], change, entries[change.kpi.pk])
        for change in review.changes
    ]
    return SheetPreview(
        sorted(changes, key=lambda c: c.number), sorted(problems, key=lambda p: p.number)
    )
