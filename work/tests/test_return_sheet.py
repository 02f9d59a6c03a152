"""The quarterly return by spreadsheet: download, fill in offline, upload, preview, save."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.rag import Polarity
from core.units import Unit
from kpis.models import KpiValue
from plans.models import Role
from tests.factories import make_council, make_kpi, make_user, make_value

RETURN_URL = "/medway/2020-21/q3/return/"
SHEET_URL = RETURN_URL + "spreadsheet/"
UPLOAD_URL = RETURN_URL + "upload/"


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    rate = make_kpi(
        council, code="CS1", name="Complaints in time", owner_user=officer, unit=Unit.PERCENT
    )
    days = make_kpi(
        council,
        code="DAYS",
        name="Days to pay",
        owner_user=officer,
        unit=Unit.DAYS,
        polarity=Polarity.LOWER,
    )
    make_value(rate, 2020, 2, Decimal("84.5"), 80)
    make_value(days, 2020, 2, 12, 10)
    stored = make_value(days, 2020, 3, 11, None, commentary="Early figure")
    return {"council": council, "officer": officer, "rate": rate, "days": days, "q3": stored}


def download(client) -> Workbook:
    response = client.get(SHEET_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="medway-2020-21-q3-return.xlsx"'
    )
    return load_workbook(io.BytesIO(response.content))


def by_code(book: Workbook) -> tuple[dict[str, int], dict[str, int]]:
    """The sheet's columns by header and rows by code."""
    sheet = book.active
    columns = {cell.value.split(" (")[0]: cell.column for cell in sheet[1]}
    rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}
    return columns, rows


def fill(book: Workbook, code: str, **cells) -> None:
    columns, rows = by_code(book)
    for name, value in cells.items():
        book.active.cell(rows[code], columns[name.replace("_", " ")]).value = value


def upload(client, book: Workbook | bytes, name: str = "return.xlsx"):
    if isinstance(book, Workbook):
        out = io.BytesIO()
        book.save(out)
        book = out.getvalue()
    return client.post(UPLOAD_URL, {"spreadsheet": SimpleUploadedFile(name, book)})


def confirm(client, preview) -> None:
    """Post the preview's confirm form, as its button does."""
    form = re.search(
        rf'<form method="post" action="{RETURN_URL}".*?</form>', preview.content.decode(), re.S
    )
    assert form, "no confirm button"
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    response = client.post(RETURN_URL, data)
    assert response.status_code == 302


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_download_holds_the_return_pre_filled(client, medway):
    client.force_login(medway["officer"])
    page = client.get(RETURN_URL).content.decode()
    assert 'href="/medway/2020-21/q3/return/spreadsheet/"' in page
    book = download(client)
    sheet = book.active
    assert [cell.value for cell in sheet[1]][:11] == [
        "Code",
        "Measure",
        "Unit",
        "Polarity",
        "Frequency",
        "Period",
        "Last value (Q2 2020/21)",
        "Target",
        "Value",
        "Why no figure",
        "Commentary",
    ]
    assert all(cell.font.b for cell in sheet[1])
    rows = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=2)]
    assert [row[:11] for row in rows] == [
        [
            "CS1",
            "Complaints in time",
            "%",
            "Higher is better",
            "Quarterly",
            "Q3 2020/21",
            84.5,
            80,
            None,
            None,
            None,
        ],
        [
            "DAYS",
            "Days to pay",
            "Days",
            "Lower is better",
            "Quarterly",
            "Q3 2020/21",
            12,
            10,
            11,
            None,
            "Early figure",
        ],
    ]
    # The version each value was downloaded at travels in a hidden, locked column.
    columns, _ = by_code(book)
    assert [row[columns["Version"] - 1] for row in rows] == [None, 1]
    assert sheet.column_dimensions["L"].hidden and sheet.protection.sheet
    assert not sheet["I2"].protection.locked and sheet["L2"].protection.locked
    assert any("Suppressed" in v.formula1 for v in sheet.data_validations.dataValidation)


def test_an_upload_is_previewed_then_saved_at_once_as_the_officer(client, medway):
    client.force_login(medway["officer"])
    book = download(client)
    fill(book, "CS1", Value=0.684, Commentary="Two late\nreplies")
    book.active.cell(2, by_code(book)[0]["Value"]).number_format = "0.0%"
    fill(book, "DAYS", Value="n/a", Why_no_figure="Suppressed")
    preview = upload(client, book)
    assert preview.status_code == 200
    words = text(preview)
    assert (
        "CS1 Complaints in time Sheet row: 2 Now: No value New: 68.4% Commentary: Two late replies"
    ) in words
    assert (
        "DAYS Days to pay Sheet row: 3 Now: 11 days New: Suppressed Commentary: Unchanged" in words
    )
    assert not KpiValue.objects.filter(kpi=medway["rate"], quarter=3).exists()

    confirm(client, preview)
    rate = KpiValue.objects.get(kpi=medway["rate"], quarter=3)
    assert (rate.actual, rate.commentary, rate.entered_by) == (
        Decimal("68.4"),
        "Two late\nreplies",
        medway["officer"],
    )
    days = KpiValue.objects.get(kpi=medway["days"], quarter=3)
    assert (days.actual, days.not_published, days.version) == (None, "suppressed", 2)
    assert {h.history_user for h in KpiValue.history.filter(history_user__isnull=False)} == {
        medway["officer"]
    }
    assert "Saved 2 values for Q3 2020/21." in text(client.get(RETURN_URL))


@pytest.mark.parametrize(
    "typed, message",
    [
        (">95%", '">95%" is not a number'),
        ("101", "Enter a percentage from 0 to 100"),
    ],
)
def test_a_bad_number_is_refused_for_its_row_and_nothing_is_saved(client, medway, typed, message):
    client.force_login(medway["officer"])
    book = download(client)
    fill(book, "CS1", Value=typed)
    fill(book, "DAYS", Value=9)
    preview = upload(client, book)
    words = text(preview)
    assert "There is a problem: nothing has been saved" in words
    assert f"Row 2 (CS1): {message}" in words
    assert 'action="/medway/2020-21/q3/return/"' not in preview.content.decode()
    assert KpiValue.objects.get(kpi=medway["days"], quarter=3).actual == 11


def test_a_value_changed_since_the_download_is_refused_not_overwritten(client, medway):
    client.force_login(medway["officer"])
    book = download(client)
    admin = make_user("admin", medway["council"], Role.ADMIN, first_name="Ann", last_name="Lee")
    client.force_login(admin)
    pk = medway["days"].pk
    form = {f"actual-{pk}": "14", f"version-{pk}": "1"}
    assert client.post(RETURN_URL, form).status_code == 302

    client.force_login(medway["officer"])
    fill(book, "DAYS", Value=9)
    fill(book, "CS1", Value=70)
    words = text(upload(client, book))
    assert (
        "Row 3 (DAYS): Ann Lee saved 14 here since the spreadsheet was downloaded. "
        "Your value was not saved"
    ) in words
    assert "Save 1 value" not in words
    assert not KpiValue.objects.filter(kpi=medway["rate"], quarter=3).exists()
    assert KpiValue.objects.get(kpi=medway["days"], quarter=3).actual == 14


def test_a_conflict_between_preview_and_confirm_saves_nothing(client, medway):
    client.force_login(medway["officer"])
    book = download(client)
    fill(book, "DAYS", Value=9)
    fill(book, "CS1", Value=70)
    preview = upload(client, book)
    KpiValue.objects.filter(kpi=medway["days"], quarter=3).update(actual=15, version=2)
    form = re.search(
        r'<form method="post" action="/medway/2020-21/q3/return/".*?</form>',
        preview.content.decode(),
        re.S,
    )
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert client.post(RETURN_URL, data).status_code == 409
    assert not KpiValue.objects.filter(kpi=medway["rate"], quarter=3).exists()


def test_rows_of_other_measures_and_councils_are_refused(client, medway):
    officer = medway["officer"]
    colleague = make_kpi(
        medway["council"], code="OTHER", owner_user=make_user("colleague", medway["council"])
    )
    kent = make_council("Kent County Council", slug="kent")
    make_kpi(kent, code="KENT1", owner_user=officer)
    client.force_login(officer)
    book = download(client)
    fill(book, "CS1", Value=70)
    for code in ("OTHER", "KENT1"):
        book.active.append([code, "", "", "", "", "Q3 2020/21", None, None, 5])
    words = text(upload(client, book))
    assert "Row 4 (OTHER): “OTHER” is not one of your measures on this return" in words
    assert "Row 5 (KENT1): “KENT1” is not one of your measures on this return" in words
    assert not KpiValue.objects.filter(quarter=3).exclude(pk=medway["q3"].pk).exists()
    assert not colleague.values.exists()
    # Another council's return is not found; one where the officer enters nothing, forbidden.
    assert client.get("/kent/2020-21/q3/return/spreadsheet/").status_code == 404
    assert upload(client, book).status_code == 200
    other = make_council("Swale Borough Council", slug="swale")
    assert client.post("/swale/2020-21/q3/return/upload/").status_code == 404
    make_user("officer2", other, Role.OFFICER)
    client.force_login(make_user("cabinet", medway["council"], Role.CABINET))
    assert client.get(SHEET_URL).status_code == 403
    assert upload(client, book).status_code == 403


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Choose the filled-in spreadsheet to upload"),
        (b"not a spreadsheet", "This file is not an Excel workbook (.xlsx)"),
        ("empty", "The spreadsheet is empty"),
        ("headers", "The spreadsheet has a column this return does not know: “Score”"),
        ("missing", "The spreadsheet is missing the columns “Version”"),
    ],
)
def test_a_bad_file_is_explained_and_changes_nothing(client, medway, content, message):
    client.force_login(medway["officer"])
    if isinstance(content, str):
        book = Workbook()
        if content == "headers":
            book.active.append(["Code", "Score"])
        elif content == "missing":
            book.active.append(["Code", "Period", "Value", "Why no figure", "Commentary"])
            book.active.append(["CS1", "Q3 2020/21", 70])
        response = upload(client, book)
    elif content:
        response = upload(client, content)
    else:
        response = client.post(UPLOAD_URL, {})
    assert response.status_code == 200
    assert message in text(response)
    assert 'id="spreadsheet-error"' in response.content.decode()
    assert KpiValue.objects.filter(quarter=3).count() == 1
