"""Files that are wrong in the ways spreadsheets are: each gets a clear message naming what
to do, and nothing is written."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from core.sheets import WorkbookError
from kpis.models import KPI, KpiValue
from plans.models import Role
from risks.models import RiskRegisterEntry
from tests.factories import make_council, make_kpi, make_user
from workbooks.importer import import_workbook
from workbooks.tests.test_measures import VALUES, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    council = make_council("Medway Council", slug="medway")
    make_kpi(council, code="CS2", name="Complaints stage 2")
    return council


@pytest.fixture
def admin(council):
    return make_user("admin", council, Role.ADMIN)


def values(council) -> int:
    return KpiValue.objects.filter(kpi__council=council).count()


def rewrite(data: bytes, sheet_xml) -> bytes:
    """The workbook with its first sheet's XML changed by ``sheet_xml`` (bytes -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = sheet_xml(body)
            dst.writestr(item, body)
    return out.getvalue()


def test_wrong_headers_name_the_expected_ones(council, admin):
    rows = [["Kode", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q3", "68.4"]]
    result = import_workbook(council, admin, "W.xlsx", xlsx({"Values": rows}))
    assert [str(e) for e in result.errors] == [
        "Values row 1, Kode: unknown column (column 1); the columns are: Code, Year, Quarter, "
        "Month, Actual, Target, Commentary, Not published, Data only, Short trend reported, "
        "Long trend reported",
        "Values row 1, Code: this column is missing",
    ]
    assert values(council) == 0


def test_a_50_mb_file_is_refused_before_it_is_read(council, admin):
    with pytest.raises(WorkbookError, match=r"The file is 50.0 MB; the largest accepted is 10 MB"):
        import_workbook(council, admin, "W.xlsx", b"PK" + b"x" * (50 * 1024 * 1024 - 2))


@pytest.mark.parametrize("name", ["Workbook.xlsm", "Workbook.xlsx"])
def test_a_workbook_with_macros_is_refused(council, admin, name):
    data = rewrite(xlsx({"Values": VALUES}), lambda xml: xml)
    out = io.BytesIO(data)
    if name.endswith(".xlsx"):  # a macro workbook renamed .xlsx still holds its macros
        with zipfile.ZipFile(out, "a") as book:
            book.writestr("xl/vbaProject.bin", b"\x00macro")
    with pytest.raises(WorkbookError, match=r"holds macros .*save it as an Excel Workbook"):
        import_workbook(council, admin, name, out.getvalue())
    assert values(council) == 0


def test_a_pdf_called_xlsx_is_not_a_workbook(council, admin):
    with pytest.raises(WorkbookError, match="not an Excel workbook"):
        import_workbook(council, admin, "W.xlsx", b"%PDF-1.7\n" + b"0" * 100)


def formula_book(cached: str | None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Values"
    sheet.append(["Code", "Year", "Quarter", "Actual", "Target"])
    sheet.append(["CS2", "2020/21", "Q3", "=60+8.4", 75])
    out = io.BytesIO()
    book.save(out)
    if cached is None:
        return out.getvalue()
    return rewrite(
        out.getvalue(), lambda xml: xml.replace(b"</f>", b"</f><v>" + cached.encode() + b"</v>")
    )


def test_a_formula_is_read_by_its_stored_result(council, admin):
    result = import_workbook(council, admin, "W.xlsx", formula_book("68.4"))
    assert result.ok, [str(e) for e in result.errors]
    assert str(KpiValue.objects.get().actual) == "68.4000"


def test_a_formula_without_its_stored_result_is_said_plainly(council, admin):
    with pytest.raises(WorkbookError, match="cell D2, has a formula whose result is not stored"):
        import_workbook(council, admin, "W.xlsx", formula_book(None))
    assert values(council) == 0


def test_merged_cells_are_named(council, admin):
    book = Workbook()
    sheet = book.active
    sheet.title = "Values"
    for row in [["Code", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q2", 70],
                ["", "", "Q3", 68.4]]:  # fmt: skip
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(WorkbookError, match=r"The sheet Values has merged cells \(A2:A3, B2:B3\)"):
        import_workbook(council, admin, "W.xlsx", out.getvalue())
    assert values(council) == 0


def test_excel_serial_dates_are_dates(council, admin):
    rows = [["Title", "Review date"], ["Finances", 44286], ["Recovery", "31/03/2021"]]
    result = import_workbook(council, admin, "W.xlsx", xlsx({"Risks": rows}))
    assert result.ok, [str(e) for e in result.errors]
    assert set(RiskRegisterEntry.objects.values_list("review_date", flat=True)) == {
        datetime.date(2021, 3, 31)
    }
    rows = [["Title", "Review date"], ["Finances", 12]]  # 11/01/1900: the models' check
    result = import_workbook(council, admin, "W.xlsx", xlsx({"Risks": rows}))
    assert [str(e) for e in result.errors] == [
        "Risks row 2, Review date: Enter a date from 1990 to 2100."
    ]


def test_unknown_and_another_councils_codes_write_nothing(council, admin):
    make_kpi(make_council("Kent County Council", slug="kent"), code="KENT1", name="Roads")
    rows = [["Code", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q3", "68.4"],
            ["KENT1", "2020/21", "Q3", "5"], ["NOPE", "2020/21", "Q3", "5"],
            ["CS2", "2020/21", "Q3", "68.4"]]  # fmt: skip
    result = import_workbook(council, admin, "W.xlsx", xlsx({"Values": rows}))
    assert [str(e) for e in result.errors] == [
        'Values row 3, Code: "KENT1" is not a measure of this council',
        'Values row 4, Code: "NOPE" is not a measure of this council',
        "Values row 5: CS2's value for this period is also in row 2",
    ]
    assert values(council) == 0 and not KpiValue.objects.exists()
    assert KPI.objects.filter(code="KENT1").count() == 1  # Kent's measure is not reached
