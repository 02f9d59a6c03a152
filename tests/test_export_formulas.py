"""List exports open user text as text, whatever disguise a formula wears."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Role
from tests.factories import make_action, make_council, make_plan, make_user

DISGUISED = ["＝1+1", "Fine; =1+1", "Fine, =1+1", "＠SUM(A1)"]


@pytest.fixture
def exports(client, db):
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council)
    for n, title in enumerate(DISGUISED, start=1):
        make_action(plan, reference=f"X{n}", title=title)
    make_action(plan, reference="X9", title="-5")
    client.force_login(make_user("cabinet", council, Role.CABINET))
    url = reverse("action-list", kwargs={"council": "medway"})

    def titles(export_format: str) -> set[str]:
        response = client.get(url, {"_export": export_format})
        assert response.status_code == 200
        if export_format == "csv":
            content = b"".join(response.streaming_content) if response.streaming else (
                response.content)
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        else:
            workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
            rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        column = rows[0].index("Action")
        return {str(row[column]) for row in rows[1:]}

    return titles


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_disguised_formulas_are_exported_as_text(exports, export_format):
    titles = exports(export_format)
    for title in DISGUISED:
        assert "'" + title in titles
    assert "-5" in titles  # a number stays a number
