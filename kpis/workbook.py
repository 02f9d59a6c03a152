"""Kept for code that reads single cells: the workbook import now lives in the workbooks app
(:mod:`workbooks.reading`, :mod:`workbooks.importer`). ``parse_number`` reads an officer's
figure the same way the workbook import does."""

from workbooks.reading import Cell, WorkbookError, parse_number

__all__ = ["Cell", "WorkbookError", "parse_number"]
