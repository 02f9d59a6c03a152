"""Importing a council's workbook: its Measures and Values sheets, all or nothing, idempotent."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from core.rag import Polarity
from core.sheets import MAX_BYTES, WorkbookError
from core.units import Unit
from kpis.models import KPI, Frequency, KpiValue, NotPublished
from plans.models import Role
from tests.factories import make_council, make_kpi, make_plan, make_theme, make_user, make_value
from workbooks.importer import import_workbook

MEASURES = [
    ["Code", "Measure", "Unit", "Polarity", "Frequency", "Owner email", "Plan", "Theme"],
    ["CS2", "Complaints stage 2", "%", "Higher is better", "Quarterly", "ola@example.org",
     "Council Plan", "1"],
    ["DIGI 01", "Digital take up", "Count", "None", "Annual", "", "", ""],
]  # fmt: skip
VALUES = [
    ["Code", "Year", "Quarter", "Actual", "Target", "Commentary", "Not published"],
    ["CS2", "2020/21", "Q3", "68.4%", 75, "Below target", ""],
    ["CS2", "2020/21", "Q2", 70, "75%", "", ""],
    ["DIGI 01", "2019/20", "", "n/a", "", "", "Not collected"],
]


def xlsx(sheets: dict[str, list[list]], percent_cells: tuple = ()) -> bytes:
    """A workbook in memory; ``percent_cells`` are (sheet, "D2") cells formatted as %."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for title, ref in percent_cells:
        book[title][ref].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


@pytest.fixture
def council(db):
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council, title="Council Plan")
    make_theme(plan, number=1, title="Growth")
    return council


@pytest.fixture
def admin(council):
    return make_user("admin", council, Role.ADMIN)


@pytest.fixture
def officer(council):
    return make_user("ola", council, Role.OFFICER, email="ola@example.org")


def run(council, user, sheets, **kw):
    return import_workbook(council, user, "Workbook.xlsx", xlsx(sheets, **kw.pop("fmt", {})), **kw)


def test_measures_sheet_creates_measures_with_history(council, admin, officer):
    result = run(council, admin, {"Measures": MEASURES})
    assert result.ok, result.errors
    assert str(result.tallies["Measures"]) == "2 created, 0 updated, 0 unchanged"
    cs2 = KPI.objects.get(council=council, code="CS2")
    assert (cs2.unit, cs2.polarity, cs2.frequency) == (
        Unit.PERCENT,
        Polarity.HIGHER,
        Frequency.QUARTERLY,
    )
    assert cs2.owner_user == officer
    assert cs2.plan.title == "Council Plan" and cs2.theme.title == "Growth"
    digi = KPI.objects.get(code="DIGI 01")
    assert (digi.unit, digi.polarity, digi.frequency) == (Unit.COUNT, Polarity.NONE, "annual")
    assert cs2.history.get().history_user == admin


def test_headers_any_case_and_order(council, admin, officer):
    rows = [["  polarity", "MEASURE", "code"], ["Lower is better", "Days to pay", "FIN 1"]]
    result = run(council, admin, {"measures": rows})
    assert result.ok, result.errors
    assert KPI.objects.get(code="FIN 1").polarity == Polarity.LOWER


def test_values_sheet_reads_percentages_and_reasons(council, admin, officer):
    result = run(council, admin, {"Measures": MEASURES, "Values": VALUES})
    assert result.ok, result.errors
    assert str(result.tallies["Values"]) == "3 created, 0 updated, 0 unchanged"
    q3 = KpiValue.objects.get(kpi__code="CS2", quarter=3)
    assert (q3.actual, q3.target, q3.commentary) == (Decimal("68.4"), 75, "Below target")
    assert q3.entered_by == admin and q3.history.get().history_user == admin
    assert KpiValue.objects.get(kpi__code="CS2", quarter=2).target == 75
    digi = KpiValue.objects.get(kpi__code="DIGI 01")
    assert (digi.financial_year, digi.quarter, digi.actual) == (2019, 0, None)
    assert digi.not_published == NotPublished.NOT_COLLECTED


def test_a_cell_formatted_as_a_percentage_means_the_same(council, admin, officer):
    make_kpi(council, code="CS2", unit=Unit.PERCENT)
    rows = [["Code", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q3", 0.684]]
    result = run(council, admin, {"Values": rows}, fmt={"percent_cells": [("Values", "D2")]})
    assert result.ok, result.errors
    assert KpiValue.objects.get().actual == Decimal("68.4")


def test_importing_twice_changes_nothing(council, admin, officer):
    sheets = {"Measures": MEASURES, "Values": VALUES}
    run(council, admin, sheets)
    result = run(council, admin, sheets)
    assert result.ok, result.errors
    assert str(result.tallies["Measures"]) == "0 created, 0 updated, 2 unchanged"
    assert str(result.tallies["Values"]) == "0 created, 0 updated, 3 unchanged"
    assert KpiValue.history.count() == 3 and KPI.history.count() == 2


def test_a_changed_cell_updates_its_row_and_history(council, admin, officer):
    run(council, admin, {"Measures": MEASURES, "Values": VALUES})
    changed = [row[:] for row in VALUES]
    changed[1][3] = "69.1"
    result = run(council, officer, {"Values": changed})
    assert result.ok, result.errors
    assert str(result.tallies["Values"]) == "0 created, 1 updated, 2 unchanged"
    value = KpiValue.objects.get(kpi__code="CS2", quarter=3)
    assert value.actual == Decimal("69.1") and value.version == 2
    latest = value.history.first()
    assert (latest.history_type, latest.history_user, latest.actual) == (
        "~",
        officer,
        Decimal("69.1"),
    )


def test_bad_cells_are_collected_and_nothing_is_written(council, admin, officer):
    values = VALUES + [
        ["CS2", "2020/21", "Q4", "abc", "", "", ""],
        ["CS2", "2021/22", "Q1", ">95%", "", "", ""],
        ["CS2", "2020/21", "Q5", "120", "", "", ""],
        ["CS2", "2021/22", "Q2", "120", "", "", ""],
        ["NOPE", "2020/21", "Q1", "1", "", "", ""],
    ]
    result = run(council, admin, {"Measures": MEASURES, "Values": values})
    assert [str(e) for e in result.errors] == [
        'Values row 5, Actual: "abc" is not a number',
        'Values row 6, Actual: ">95%" is not a number',
        'Values row 7, Quarter: "Q5" is not a quarter: write Q1 to Q4, or leave it empty',
        "Values row 8, Actual: Enter a percentage from 0 to 100",
        'Values row 9, Code: "NOPE" is not a measure of this council',
    ]
    assert not KPI.objects.exists() and not KpiValue.objects.exists()
    assert not KPI.history.exists()


def test_unknown_column_and_unknown_email_are_reported(council, admin, officer):
    rows = [["Code", "Measure", "Colour", "Owner email"], ["X1", "Thing", "red", "who@nowhere"]]
    result = run(council, admin, {"Measures": rows})
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("Measures row 1, Colour: unknown column (column 3)")
    assert messages[1] == (
        'Measures row 2, Owner email: "who@nowhere" is not the email of a member of this council'
        " (invite them first, or let the import invite them)"
    )
    assert not KPI.objects.exists()


def test_another_councils_member_is_not_an_owner(council, admin):
    make_user("else", make_council(), Role.OFFICER, email="else@example.org")
    rows = [["Code", "Measure", "Owner email"], ["X1", "Thing", "else@example.org"]]
    assert not run(council, admin, {"Measures": rows}).ok


def test_model_validation_applies(council, admin):
    rows = [["Code", "Measure", "Unit", "Baseline"], ["X1", "Thing", "%", "50"]]
    result = run(council, admin, {"Measures": rows})
    assert [str(e) for e in result.errors] == [
        "Measures row 2, Baseline year: Give the baseline and the year it was measured in, "
        "or neither."
    ]


def test_existing_values_of_other_councils_are_not_touched(council, admin):
    other = make_kpi(make_council(), code="CS2")
    make_value(other, 2020, 3, 50)
    rows = [["Code", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q3", "60"]]
    result = run(council, admin, {"Values": rows})
    assert [e.message for e in result.errors] == ['"CS2" is not a measure of this council']


def test_dry_run_counts_and_writes_nothing(council, admin, officer):
    result = run(council, admin, {"Measures": MEASURES, "Values": VALUES}, dry_run=True)
    assert result.ok and result.tallies["Values"].created == 3
    assert not KPI.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_named_after_its_sheet(council, admin, encoding):
    rows = [["Code", "Measure", "Unit", "Definition"], ["M1", "Spend", "£", "Café spend"]]
    result = import_workbook(council, admin, "measures.csv", csv_bytes(rows, encoding))
    assert result.ok, result.errors
    kpi = KPI.objects.get(code="M1")
    assert (kpi.unit, kpi.definition) == (Unit.POUNDS, "Café spend")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("Workbook.xlsx", b"", "The file is empty."),
        ("Workbook.xlsx", b"not a zip at all", "not an Excel workbook"),
        ("Workbook.xlsx", b"PK\x03\x04garbage", "not an Excel workbook"),
        ("Workbook.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("Budget.csv", b"Code\r\n", "call it Settings.csv, .*Plans.csv.* Targets.csv, Values.csv"),
        ("Workbook.xlsx", b"x" * (MAX_BYTES + 1), "the largest accepted is 10 MB"),
    ],
)
def test_a_wrong_file_gets_a_clear_message(council, admin, name, data, message):
    with pytest.raises(WorkbookError, match=message):
        import_workbook(council, admin, name, data)


def test_a_workbook_without_the_sheets(council, admin):
    with pytest.raises(WorkbookError, match="has none of the sheets Settings, .*Plans"):
        run(council, admin, {"Budget": [["a"]]})


def test_command_prints_counts_and_fails_on_errors(council, admin, officer, tmp_path, capsys):
    path = tmp_path / "Workbook.xlsx"
    path.write_bytes(xlsx({"Measures": MEASURES, "Values": VALUES, "Notes": [["x"]]}))
    call_command("import_workbook", str(path), council="medway", dry_run=True)
    assert "Measures: 2 created" in capsys.readouterr().out and not KPI.objects.exists()
    call_command("import_workbook", str(path), council="medway", user="admin")
    out = capsys.readouterr().out
    assert "Values: 3 created, 0 updated, 0 unchanged" in out
    assert "Sheet 'Notes' not imported" in out
    bad = tmp_path / "Values.csv"
    bad.write_bytes(csv_bytes([["Code", "Year", "Actual"], ["CS2", "2020/21", "abc"]]))
    with pytest.raises(CommandError, match="1 error") as raised:
        call_command("import_workbook", str(bad), council="medway")
    assert raised.value.returncode == 1
    assert 'Values row 2, Actual: "abc" is not a number' in capsys.readouterr().err


def test_monthly_values_take_their_quarter_from_the_month(council, admin):
    make_kpi(council, code="M1", unit=Unit.COUNT, frequency=Frequency.MONTHLY)
    rows = [["Code", "Year", "Month", "Actual"], ["M1", "2020/21", "November", "12"]]
    result = run(council, admin, {"Values": rows})
    assert result.ok, result.errors
    value = KpiValue.objects.get()
    assert (value.quarter, value.month, value.actual) == (3, 11, 12)
    assert run(council, admin, {"Values": rows}).tallies["Values"].unchanged == 1


def test_the_same_row_twice_is_an_error(council, admin):
    make_kpi(council, code="CS2")
    rows = [["Code", "Year", "Quarter", "Actual"], ["CS2", "2020/21", "Q3", "1"]] + [
        ["cs2", "2020/21", "q3", "2"]
    ]
    result = run(council, admin, {"Values": rows})
    assert [str(e) for e in result.errors] == [
        "Values row 3: CS2's value for this period is also in row 2"
    ]


def test_a_column_twice_is_an_error(council, admin):
    rows = [["Code", "Measure", "code"], ["X1", "Thing", "X2"]]
    result = run(council, admin, {"Measures": rows})
    assert [str(e) for e in result.errors] == [
        "Measures row 1, Code: this column is there twice (again in column 3)"
    ]
