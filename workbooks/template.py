"""A blank workbook to fill in: an Instructions sheet, then every sheet with its headers and,
for each fixed-choice column, a drop-down of its choices; all from :mod:`workbooks.spec`."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workbooks import spec

#: Rows a drop-down covers below the header.
ROWS = 2000

INTRODUCTION = [
    "Fill in the sheets you need, one row per item, and import the workbook in the admin "
    "(Workbook imports › Import a workbook) or with manage.py import_workbook.",
    "Rows are matched to what is stored by their keys (a plan by its title, a theme by its "
    "plan and number, an action by its plan, theme and number, a measure by its code, a risk "
    "by its reference): importing again updates them, and never deletes anything.",
    "If any row has an error, nothing is imported: every error says its sheet, row and column.",
    "People are given by the email of a member of the council.",
]


def blank_workbook(rows: dict[str, list[list]] | None = None) -> bytes:
    """The template; with ``rows`` (each sheet's rows of cells in the spec's column order),
    filled in with them (the example workbook)."""
    rows = rows or {}
    book = Workbook()
    instructions = book.active
    instructions.title = "Instructions"
    for line in INTRODUCTION:
        instructions.append([line])
    instructions.append([])
    instructions.append(["Sheet", "Column", "Required", "Choices", "Notes"])
    for name, columns in spec.SHEETS.items():
        for column in columns:
            instructions.append(
                [
                    name,
                    column.header,
                    "Yes" if column.required else "",
                    ", ".join(column.labels),
                    column.help,
                ]
            )
    instructions.column_dimensions["A"].width = 20
    instructions.column_dimensions["B"].width = 22
    instructions.column_dimensions["D"].width = 50
    instructions.column_dimensions["E"].width = 60
    for name, columns in spec.SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append([column.header for column in columns])
        for number, column in enumerate(columns, start=1):
            letter = get_column_letter(number)
            sheet.column_dimensions[letter].width = max(12, len(column.header) + 4)
            choices = column.labels
            if name == spec.SETTINGS and column.header == "Setting":
                choices = list(spec.SETTING_NAMES)
            if not choices:
                continue
            listed = ",".join(choice.replace(",", "") for choice in choices)
            if len(listed) > 250:  # Excel's limit for a list written in the rule
                continue
            rule = DataValidation(
                type="list",
                formula1=f'"{listed}"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=column.header,
                error="Choose one of the list.",
            )
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{ROWS + 1}")
        if name == spec.SETTINGS:
            values = {row[0]: row[1] for row in rows.get(name, [])}
            for setting in spec.SETTING_NAMES:
                sheet.append([setting, values.get(setting, "")])
        else:
            for row in rows.get(name, []):
                sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
