"""The filled example workbook imports cleanly into a new council, creating what it shows."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.management import call_command

from actions.models import Action, ActionUpdate
from kpis.models import KPI, KpiTarget, KpiValue
from plans.models import Plan, SavingsTarget, Theme
from risks.models import RiskAssessment, RiskRegisterEntry
from tests.factories import make_council
from workbooks import example
from workbooks.importer import import_workbook


def test_the_example_imports_cleanly_into_a_new_council(db, tmp_path):
    council = make_council("Riverford Council", slug="riverford")
    path = tmp_path / "example.xlsx"
    call_command("export_workbook", "--example", str(path), stdout=io.StringIO())
    result = import_workbook(council, None, "example.xlsx", path.read_bytes())
    assert [str(error) for error in result.errors] == []
    rows = example.ROWS
    for sheet, model, where in (
        ("Plans", Plan, "council"),
        ("Themes", Theme, "plan__council"),
        ("Measures", KPI, "council"),
        ("Targets", KpiTarget, "kpi__council"),
        ("Values", KpiValue, "kpi__council"),
        ("Actions", Action, "plan__council"),
        ("Action updates", ActionUpdate, "action__plan__council"),
        ("Risks", RiskRegisterEntry, "council"),
        ("Risk assessments", RiskAssessment, "risk__council"),
        ("Savings", SavingsTarget, "council"),
    ):
        assert model.objects.filter(**{where: council}).count() == len(rows[sheet]), sheet
        assert result.tallies[sheet].created == len(rows[sheet]), sheet
    council.refresh_from_db()
    assert council.rag_tolerance == Decimal("0.05")
    assert KPI.objects.get(code="GOV1").frequency == "monthly"
    assert RiskRegisterEntry.objects.get(reference="CR1").themes.get().number == 2
    again = import_workbook(council, None, "example.xlsx", example.example_workbook())
    assert again.ok and all(t.created == t.updated == 0 for t in again.tallies.values())
