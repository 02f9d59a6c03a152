"""The XLSX writer: what it writes opens in openpyxl with every value as it was given."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl

from core.xlsx import column_letter, write_xlsx


def test_awkward_values_round_trip_through_openpyxl():
    long_text = "Long commentary. " * 2000
    rows = [
        ["Text", "Number", "When"],
        ['<b>&"quoted"</b> & more', Decimal("88.5"), datetime.date(2021, 3, 31)],
        ["line one\nline two", 12, datetime.datetime(2021, 3, 31, 14, 30)],
        ["Ünïcödé £ – ★ 日本", -0.25, None],
        ["tab\there, bell\x07 and NUL\x00 gone", Decimal("34000000.00"), True],
        ['=HYPERLINK("x")', None, "  padded  "],
        [long_text, Decimal("1E+3"), ""],
        ["carriage\r\nreturn", float("nan"), "_x0041_"],
    ]
    buffer = io.BytesIO()
    write_xlsx(iter(rows), buffer, "Actions [all]: 2020/21 and a very long title indeed")
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.active
    assert sheet.title == "Actions all 202021 and a very l"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    got = list(sheet.iter_rows(values_only=True))
    assert got[0] == ("Text", "Number", "When")
    assert got[1] == ('<b>&"quoted"</b> & more', 88.5, datetime.datetime(2021, 3, 31))
    assert sheet["C2"].is_date
    assert got[2] == ("line one\nline two", 12, datetime.datetime(2021, 3, 31, 14, 30))
    assert sheet["A3"].alignment.wrap_text
    assert got[3] == ("Ünïcödé £ – ★ 日本", -0.25, None)
    assert got[4] == ("tab\there, bell and NUL gone", 34000000, True)
    assert got[5] == ('=HYPERLINK("x")', None, "  padded  ")
    assert sheet["A6"].data_type == "s"  # text, never a formula
    assert got[6] == (long_text, 1000, None)
    assert got[7] == ("carriage\r\nreturn", None, "_x0041_")


def test_many_rows_and_columns_stream_into_a_plain_zip():
    rows = ([f"r{n}c{c}" for c in range(30)] for n in range(3000))
    buffer = io.BytesIO()
    write_xlsx(rows, buffer)
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).testzip() is None
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    got = list(sheet.iter_rows(values_only=True))
    assert len(got) == 3000
    assert got[-1][-1] == "r2999c29"
    assert [column_letter(i) for i in (0, 25, 26, 29, 701, 702)] == [
        "A", "Z", "AA", "AD", "ZZ", "AAA"
    ]  # fmt: skip
