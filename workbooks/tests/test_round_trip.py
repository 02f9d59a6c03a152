"""The key promise: a seed council exported and imported into a new council gives the same
dashboards (every quarter's measures, risks, savings and actions needing attention) and the
same number of everything."""

from __future__ import annotations

import dataclasses
import datetime
import io
from decimal import Decimal
from enum import Enum

import pytest
from django.core.management import call_command
from django.db import models

from actions.models import Action, ActionUpdate
from actions.reports import attention_report
from kpis.models import KPI, KpiValue
from kpis.reports import quarterly_report, quarters_with_data, reporting_quarters
from plans.models import Council, Plan, SavingsTarget, Theme
from plans.reports import council_plans, savings_report
from risks.models import RiskAssessment, RiskRegisterEntry
from risks.reports import risk_report
from workbooks.export import export_workbook
from workbooks.importer import import_workbook

COUNTED = {
    Plan: "council",
    Theme: "plan__council",
    KPI: "council",
    KpiValue: "kpi__council",
    Action: "plan__council",
    ActionUpdate: "action__plan__council",
    RiskRegisterEntry: "council",
    RiskAssessment: "risk__council",
    SavingsTarget: "council",
}
#: What differs between two councils holding the same data: keys, versions, save times.
SKIPPED = {"id", "pk", "version", "created_at", "updated_at", "entered_at", "assessed_at"}


def normal(value, depth: int = 0):
    """``value`` with every database key, version and council name left out."""
    if depth > 12:
        return "…"
    if isinstance(value, Council):
        return "council"
    if isinstance(value, models.Model):
        return (
            type(value).__name__,
            tuple(
                (f.name, normal(getattr(value, f.attname), depth + 1))
                for f in value._meta.concrete_fields
                if f.name not in SKIPPED and not f.is_relation
            ),
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                (f.name, normal(getattr(value, f.name), depth + 1))
                for f in dataclasses.fields(value)
                if f.name not in SKIPPED and not f.name.endswith("_id")
            ),
        )
    if isinstance(value, dict):
        items = [
            (None if isinstance(k, int) else normal(k, depth + 1), normal(v, depth + 1))
            for k, v in value.items()
        ]
        return sorted(items, key=repr)
    if isinstance(value, list | tuple | set | frozenset):
        items = [normal(v, depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, str | int | float | Decimal | datetime.date | Enum | type(None)):
        return value
    return type(value).__name__


def dashboards(council: Council) -> list:
    today = datetime.date(2026, 11, 1)
    quarters = reporting_quarters(quarters_with_data(council), council_plans(council), today)
    pages = []
    for quarter in quarters:
        as_of = min(today, quarter.end)
        pages.append(
            (
                str(quarter),
                normal(quarterly_report(council, quarter)),
                normal(risk_report(council, quarter)),
                normal(savings_report(council, as_of, quarter.year)),
                normal(attention_report(council, quarter, as_of)),
            )
        )
    return pages


def counts(council: Council) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(**{path: council}).count()
        for model, path in COUNTED.items()
    }


@pytest.mark.parametrize("slug", ["medway", "bromsgrove", "maidstone"])
def test_a_seed_council_round_trips(db, slug):
    call_command("load_seed", verbosity=0)
    original = Council.objects.get(slug=slug)
    out = io.BytesIO()
    export_workbook(original, out)
    copy = Council.objects.create(
        name="Copy Council", short_name="Copy", slug="copy", kind="district"
    )

    result = import_workbook(copy, None, "Workbook.xlsx", out.getvalue())

    assert result.ok, [str(e) for e in result.errors[:10]]
    assert counts(copy) == counts(original)
    assert counts(copy)["Plan"] >= 1
    expected, got = dashboards(original), dashboards(copy)
    assert [page[0] for page in got] == [page[0] for page in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs, mine[0]
    again = import_workbook(copy, None, "Workbook.xlsx", out.getvalue())
    assert again.ok and all(t.created == t.updated == 0 for t in again.tallies.values())
