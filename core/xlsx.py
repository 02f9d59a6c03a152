"""A one-sheet XLSX workbook written row by row, as fast as CSV: the sheet's XML is written
straight into the zip (inline strings, no shared-string table), so memory does not grow with
the rows and a cell costs a few string operations rather than openpyxl's objects.

The first row is the header (bold), the panes are frozen under it, text with line breaks is
wrapped, dates are real dates (date-formatted serials), numbers are numbers. Characters that
XML cannot hold (control characters pasted from Word) are dropped. Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

#: Characters XML 1.0 cannot carry (nor therefore a cell): C0 controls other than tab and
#: line breaks, lone surrogates, U+FFFE and U+FFFF.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters that must be escaped in a text node (\r as a reference, or XML drops it).
_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"}
_NEEDS_ESCAPE = re.compile("[&<>\r]")
#: Any character that needs either: most text has none, and is written as it is.
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff&<>\r]")
#: Excel's day 0 (with its 1900 leap-year bug, every date after February 1900 counts from it).
EPOCH = datetime.date(1899, 12, 30)
_EPOCH_DATETIME = datetime.datetime(1899, 12, 30)
#: Excel's limit on a sheet's name: 31 characters, none of these.
_SHEET_NAME_BAD = re.compile(r"[\\/*?:\[\]]")

# Style indexes in styles.xml's cellXfs.
_BOLD, _WRAP, _DATE, _DATETIME = 1, 2, 3, 4

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView></sheetViews>"
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
#: Rows written to the zip at a time.
_BATCH = 500
#: Distinct texts whose cell XML a workbook remembers (see write_xlsx).
_TEXTS = 4096


def column_letter(index: int) -> str:
    """The column's letters, from 0: A, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xml_text(text: str) -> str:
    """Text as a text node: illegal characters dropped, markup escaped."""
    if _SPECIAL.search(text) is None:
        return text
    text = ILLEGAL_XML.sub("", text)
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    return text


def sheet_name(title: str) -> str:
    """A name Excel accepts for the sheet: no []:*?/\\, at most 31 characters, not empty."""
    name = _SHEET_NAME_BAD.sub("", ILLEGAL_XML.sub("", title))[:31].strip("' ")
    return name or "Export"


def cell(ref: str, value: Any, style: int = 0) -> str:
    """One cell's XML ("" for None or empty text)."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value:
            return ""
        if style == 0 and "\n" in value:
            style = _WRAP
        s = f' s="{style}"' if style else ""
        text = xml_text(value)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:  # no such number in a sheet: an empty cell, as openpyxl writes it
            return ""
        # As openpyxl writes numbers (16 significant digits, no trailing zeros: 88, not 88.00).
        return f'<c r="{ref}"{s}><v>{float(value):.16g}</v></c>'
    if isinstance(value, datetime.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH_DATETIME
        serial = delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86400
        return f'<c r="{ref}" s="{style or _DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{style or _DATE}"><v>{(value - EPOCH).days}</v></c>'
    return cell(ref, str(value), style)


def write_xlsx(rows: Iterable[Iterable[Any]], file: IO[bytes], title: str = "Export") -> None:
    """Write ``rows`` (the first is the header) as a one-sheet workbook to ``file``.

    Cells are str, int, float, Decimal, bool, date, datetime or None (empty); anything else is
    written as its text. ``file`` need not be seekable: the zip streams into it.
    """
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        name = xml_text(sheet_name(title)).replace('"', "&quot;")
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.encode())
            letters: list[str] = []
            parts: list[str] = []
            # A text cell's XML after its reference, for each distinct text (most repeat down
            # a column): escaped once, then looked up; bounded, so memory stays flat.
            texts: dict[str, str] = {}
            for number, row in enumerate(rows, start=1):
                row = list(row)
                while len(letters) < len(row):
                    letters.append(column_letter(len(letters)))
                style = _BOLD if number == 1 else 0
                parts.append(f'<row r="{number}">')
                for letter, value in zip(letters, row, strict=False):
                    if value is None:
                        continue
                    kind = type(value)
                    if kind is str and not style:
                        # The commonest cell, written here without a call to cell().
                        tail = texts.get(value)
                        if tail is None:
                            if not value or "\n" in value:
                                parts.append(cell(f"{letter}{number}", value, style))
                                continue
                            tail = (
                                '" t="inlineStr"><is>'
                                f'<t xml:space="preserve">{xml_text(value)}</t></is></c>'
                            )
                            if len(texts) < _TEXTS:
                                texts[value] = tail
                        parts.append(f'<c r="{letter}{number}{tail}')
                        continue
                    if kind is Decimal and not style and value.is_finite():
                        parts.append(f'<c r="{letter}{number}"><v>{float(value):.16g}</v></c>')
                        continue
                    parts.append(cell(f"{letter}{number}", value, style))
                parts.append("</row>")
                if number % _BATCH == 0:
                    sheet.write("".join(parts).encode())
                    parts = []
            parts.append(_SHEET_END)
            sheet.write("".join(parts).encode())
