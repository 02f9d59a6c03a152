"""The admin's workbook import: upload, preview (nothing written), confirm; own council only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.models import KPI
from kpis.tests.test_workbook import MEASURES, xlsx
from plans.models import Role
from tests.factories import make_council, make_plan, make_theme, make_user

URL = reverse("admin:kpis_kpi_import")


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
