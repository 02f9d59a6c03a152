"""The admin's workbook pages: import (upload, preview with nothing written, confirm), the
council's workbook and a blank template as downloads, past imports; own council only."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kpis.models import KPI
from plans.models import Role
from tests.factories import make_council, make_plan, make_theme, make_user
from workbooks.models import WorkbookImport
from workbooks.tests.test_measures import MEASURES, VALUES, xlsx

URL = reverse("admin:workbooks_workbookimport_import")
EXPORT = reverse("admin:workbooks_workbookimport_export")
TEMPLATE = reverse("admin:workbooks_workbookimport_template")
IMPORTS = reverse("admin:workbooks_workbookimport_changelist")
NDJSON = "application/x-ndjson"


def compare_url(record) -> str:
    return reverse("admin:workbooks_workbookimport_compare", args=[record.pk])


def again_url(record) -> str:
    return reverse("admin:workbooks_workbookimport_import_again", args=[record.pk])


def lines(response) -> list[dict]:
    assert response["Content-Type"] == NDJSON
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    make_user("ola", council, Role.OFFICER, email="ola@example.org")
    make_theme(make_plan(council, title="Council Plan"), number=1, title="Growth")
    return council


@pytest.fixture
def medway_admin(medway):
    return make_user("medway_admin", medway, Role.ADMIN)


def upload(data: bytes, name: str = "Workbook.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_council_admin_previews_then_confirms(client, medway, medway_admin):
    client.force_login(medway_admin)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL, {"council": medway.pk, "file": upload(xlsx({"Measures": MEASURES}))}
    )
    assert response.status_code == 200
    assert "Checked: ready to import" in response.text and not KPI.objects.exists()
    response = client.post(URL, {"confirm": "1"})
    assert response.status_code == 302
    assert KPI.objects.filter(council=medway).count() == 2
    assert KPI.objects.get(code="CS2").history.get().history_user == medway_admin


def test_errors_are_shown_and_cannot_be_confirmed(client, medway, medway_admin):
    client.force_login(medway_admin)
    rows = [["Code", "Measure", "Unit"], ["X1", "Thing", "furlongs"]]
    response = client.post(URL, {"council": medway.pk, "file": upload(xlsx({"Measures": rows}))})
    assert "Measures row 2, Unit: &quot;furlongs&quot; is not one of" in response.text
    assert client.post(URL, {"confirm": "1"}).status_code == 302
    assert not KPI.objects.exists()


def test_a_wrong_file_is_a_form_error(client, medway, medway_admin):
    client.force_login(medway_admin)
    response = client.post(URL, {"council": medway.pk, "file": upload(b"hello", "x.xlsx")})
    assert response.status_code == 200 and "not an Excel workbook" in response.text


def test_another_councils_admin_cannot_import_into_it(client, medway):
    other_admin = make_user("other_admin", make_council(), Role.ADMIN)
    client.force_login(other_admin)
    response = client.post(
        URL, {"council": medway.pk, "file": upload(xlsx({"Measures": MEASURES}))}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not KPI.objects.exists()


def test_officers_and_cabinet_members_cannot_import(client, medway):
    client.force_login(make_user("officer", medway, Role.OFFICER))
    assert client.get(URL).url.startswith(reverse("admin:login"))
    client.force_login(make_user("cab", medway, Role.CABINET, is_staff=True))
    assert client.get(URL).status_code == 403


def test_the_old_address_leads_to_the_import(client, medway, medway_admin):
    client.force_login(medway_admin)
    assert client.get(reverse("admin:kpis_kpi_import")).url == URL
    assert URL in client.get(reverse("admin:index")).text  # listed on the admin's home


def test_past_imports_are_listed_for_their_council_only(client, medway, medway_admin):
    client.force_login(medway_admin)
    client.post(URL, {"council": medway.pk, "file": upload(xlsx({"Measures": MEASURES}))})
    client.post(URL, {"confirm": "1"})
    record = WorkbookImport.objects.get()
    assert (record.council, record.user) == (medway, medway_admin)
    assert record.file_name == "Workbook.xlsx"
    assert record.summary["Measures"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "Measures: 2 created" in client.get(IMPORTS).text
    other = make_council()
    client.force_login(make_user("other_admin", other, Role.ADMIN))
    assert "Workbook.xlsx" not in client.get(IMPORTS).text


def test_council_admin_downloads_own_councils_workbook_only(client, medway, medway_admin):
    other = make_council("Kent County Council", slug="kent")
    client.force_login(medway_admin)
    page = client.get(EXPORT)
    assert "Medway Council" in page.text and "Kent" not in page.text
    response = client.get(EXPORT, {"council": "medway"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "Council Plan" in [row[0] for row in book["Plans"].iter_rows(values_only=True)]
    assert client.get(EXPORT, {"council": other.slug}).status_code == 404
    client.force_login(make_user("officer", medway, Role.OFFICER, is_staff=True))
    assert client.get(EXPORT, {"council": "medway"}).status_code == 403


def test_blank_template_has_instructions_and_drop_downs(client, medway, medway_admin):
    client.force_login(medway_admin)
    response = client.get(TEMPLATE)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Instructions"
    status = book["Plans"].data_validations.dataValidation
    assert any(rule.formula1 == '"Draft,Approved,Published,Archived"' for rule in status)
    assert [c.value for c in book["Risks"][1]][:2] == ["Reference", "Title"]
    example = client.get(reverse("admin:workbooks_workbookimport_example"))
    book = load_workbook(io.BytesIO(example.content))
    assert book.sheetnames[0] == "Instructions" and book["Plans"]["A2"].value.startswith("River")


def test_a_past_import_is_compared_with_todays_data_and_imported_again(client, medway):
    first_admin = make_user("first_admin", medway, Role.ADMIN)
    client.force_login(first_admin)
    client.post(URL, {"council": medway.pk, "file": upload(xlsx({"Measures": MEASURES}))})
    client.post(URL, {"confirm": "1"})
    record = WorkbookImport.objects.get()
    assert record.file_size == len(bytes(record.data)) > 0
    assert "Compare with the current data" in client.get(IMPORTS).text
    KPI.objects.filter(code="CS2").update(name="Stage 2 complaints", frequency="monthly")
    second_admin = make_user("second_admin", medway, Role.ADMIN)
    client.force_login(second_admin)
    page = client.get(compare_url(record)).text
    assert "importing it again would do this" in page
    assert "<td>Frequency</td><td>Monthly</td><td>Quarterly</td>" in page
    assert "Stage 2 complaints" in page and KPI.objects.get(code="CS2").frequency == "monthly"
    response = client.post(again_url(record))
    assert response.url == reverse("admin:workbooks_workbookimport_imported", args=[record.pk + 1])
    assert (
        "Measures: 0 created, 1 updated, 1 unchanged" in client.get(response.url, follow=True).text
    )
    assert KPI.objects.get(code="CS2").name == "Complaints stage 2"
    again = WorkbookImport.objects.first()
    assert (again.pk, again.user, again.file_name) == (record.pk + 1, second_admin, "Workbook.xlsx")


def test_a_confirmed_import_streams_its_progress_and_writes(client, medway, medway_admin):
    client.force_login(medway_admin)
    workbook = xlsx({"Measures": MEASURES, "Values": VALUES})
    client.post(URL, {"council": medway.pk, "file": upload(workbook)})
    events = lines(client.post(URL, {"confirm": "1"}, HTTP_ACCEPT=NDJSON))
    assert events[:3] == [
        {"sheet": "Measures", "done": 0, "total": 2},
        {"sheet": "Measures", "done": 2, "total": 2},
        {"sheet": "Values", "done": 0, "total": 3},
    ]
    record = WorkbookImport.objects.get()
    assert events[-1] == {
        "ok": True,
        "url": reverse("admin:workbooks_workbookimport_imported", args=[record.pk]),
    }
    assert KPI.objects.filter(council=medway).count() == 2
    assert record.summary["Values"]["created"] == 3


def test_a_failing_import_streams_its_errors_and_writes_nothing(client, medway, medway_admin):
    rows = [["Code", "Measure", "Unit"], ["X1", "Thing", "furlongs"]]
    data = xlsx({"Measures": rows})
    record = WorkbookImport.objects.create(
        council=medway, file_name="Old.xlsx", data=data, file_size=len(data)
    )
    client.force_login(medway_admin)
    events = lines(client.post(again_url(record), HTTP_ACCEPT=NDJSON))
    assert events[-1]["ok"] is False and events[-1]["count"] == 1
    assert events[-1]["errors"][0].startswith('Measures row 2, Unit: "furlongs" is not one of')
    assert not KPI.objects.exists() and WorkbookImport.objects.count() == 1
