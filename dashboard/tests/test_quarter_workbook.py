"""The quarter's report as an Excel workbook for the cabinet: the statuses and trends the
dashboard shows, the published snapshot once signed off, own council and readers only."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.periods import Quarter
from dashboard import publishing
from dashboard.tests import test_views
from dashboard.tests.test_views import dashboard_url, login, row_text
from kpis.models import KpiValue
from plans.models import Role
from tests.factories import make_council, make_user

pytestmark = pytest.mark.django_db

medway = test_views.medway  # the dashboard tests' Medway Q3 2020/21 (as DOMAIN.md gives it)

URL = reverse("quarter-workbook", kwargs={"council": "medway", "year": "2020-21", "quarter": "q3"})


def rows(response, title: str) -> dict[str, dict]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = list(book[title].iter_rows(values_only=True))
    return {
        row[1] if title == "Measures" else row[0]: dict(zip(values[0], row, strict=True))
        for row in values[1:]
    }


def test_cabinet_downloads_the_quarter_as_the_dashboard_shows_it(client, medway):
    login(client, medway, Role.CABINET)
    page = client.get(dashboard_url())
    assert URL in page.content.decode()
    assert row_text(page, "CC S2") == "CC S2 Red Corporate complaints stage 2 68.4% 75% – NA ↓ DET"
    assert row_text(page, "CC S1") == "CC S1 Green Corporate complaints stage 1 88% 80% – NA ↑ IMP"
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="medway-2020-21-q3-report.xlsx"'
    )
    measures = rows(response, "Measures")
    stage2, stage1 = measures["CC S2"], measures["CC S1"]
    assert (stage2["Unit"], stage2["Actual (as shown)"], stage2["Actual"], stage2["Target"]) == (
        "%",
        "68.4%",
        68.4,
        75,
    )
    # Red, worsened on the quarter before, no long trend: "Red ... – NA ↓ DET" on the page.
    assert (stage2["Status"], stage2["Short trend"], stage2["Long trend"]) == (
        "Red",
        "Worsened",
        "Not available",
    )
    assert (stage2["Previous quarter"], stage2["Previous status"]) == ("88.9%", "Green")
    assert (stage2["Same quarter last year"], stage2["Last year's status"]) == ("76.7%", "Green")
    assert (stage1["Status"], stage1["Short trend"], stage1["Long trend"]) == (
        "Green",
        "Improved",
        "Not available",
    )
    digital = measures["DIGI TU 01"]  # data only, its trends as published
    assert (digital["Status"], digital["Short trend"], digital["Long trend"]) == (
        "Data",
        "Improved",
        "Improved",
    )
    response = client.get(URL)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [r[0] for r in book["Risks"].iter_rows(min_row=2, values_only=True)] == [
        "SR03B",
        "SR46",
    ]
    assert [r[0] for r in book["Savings"].iter_rows(min_row=2, values_only=True)] == [
        "FIT Plan savings"
    ]
    assert "Refresh the digital roadmap" in [
        r[1] for r in book["Actions"].iter_rows(min_row=2, values_only=True)
    ]


def test_a_signed_off_quarter_is_the_published_snapshot(client, medway):
    admin = login(client, medway, Role.ADMIN)
    publishing.publish_quarter(medway, Quarter.parse("Q3 2020/21"), admin, publishing_today())
    KpiValue.objects.filter(kpi__code="CC S2", financial_year=2020, quarter=3).update(
        actual=Decimal("80")
    )
    measures = rows(client.get(URL), "Measures")
    assert (measures["CC S2"]["Actual (as shown)"], measures["CC S2"]["Status"]) == (
        "68.4%",
        "Red",
    )


def publishing_today():
    return datetime.date(2021, 2, 1)


def test_officers_and_other_councils_get_a_404(client, medway):
    login(client, medway, Role.OFFICER)
    assert URL not in client.get(dashboard_url()).content.decode()
    assert client.get(URL).status_code == 404
    client.force_login(make_user(council=make_council(slug="kent"), role=Role.ADMIN))
    assert client.get(URL).status_code == 404
