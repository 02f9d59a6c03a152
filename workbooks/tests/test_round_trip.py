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


def test_a_made_up_councils_own_rag_words_matrix_and_yearly_targets_round_trip(db):
    """What a council made its own (not only the built-ins) is carried: its RAG scheme's
    thresholds and state words, its matrix's levels and band cells, its yearly targets."""
    from core.targets import TargetKind
    from kpis.models import KpiTarget
    from kpis.schemes import RagScheme, RagState, rag_scheme
    from risks.models import Axis, RiskLevel
    from risks.services import create_matrix

    council = Council.objects.create(
        name="Made Up Council", short_name="Made Up", slug="made-up", kind="district"
    )
    scheme = RagScheme.objects.create(
        council=council, name="Our key", preset="two_sided", amber_band=Decimal("0.12"),
        green_band=Decimal("0.02"), trend_amber=True,
    )  # fmt: skip
    RagState.objects.create(
        scheme=scheme, role="green", label="On track", symbol="★", colour="blue",
        meaning="At or near target",
    )  # fmt: skip
    matrix = council.risk_matrices.filter(in_use=True).first() or create_matrix(
        council, "letters_numerals"
    )
    matrix.levels.filter(axis=Axis.LIKELIHOOD, position=1).update(code="VH", words="certain")
    band = matrix.bands.order_by("-minimum").first()
    band.cells = "VHI, VHII, BI"
    band.save()
    kpi = KPI.objects.create(
        council=council, code="HOU 1", name="Homes built", unit="count", baseline=400,
        baseline_year=2023,
    )  # fmt: skip
    KpiTarget.objects.create(kpi=kpi, financial_year=2024, amount=Decimal("450"))
    KpiTarget.objects.create(
        kpi=kpi, financial_year=2025, kind=TargetKind.RELATIVE, amount=Decimal("2.5")
    )
    out = io.BytesIO()
    export_workbook(council, out)
    copy = Council.objects.create(
        name="Copy Council", short_name="Copy", slug="copy", kind="district"
    )

    result = import_workbook(copy, None, "Workbook.xlsx", out.getvalue())

    assert result.ok, [str(e) for e in result.errors[:10]]
    assert normal(rag_scheme(copy)) == normal(rag_scheme(council))
    state = RagState.objects.get(scheme__council=copy)
    assert (state.label, state.symbol, state.colour) == ("On track", "★", "blue")

    def levels(c):
        return sorted(
            RiskLevel.objects.filter(matrix__council=c, matrix__in_use=True).values_list(
                "axis", "position", "code", "words"
            )
        )

    assert levels(copy) == levels(council) and ("likelihood", 1, "VH", "certain") in levels(copy)
    copied = copy.risk_matrices.get(in_use=True)
    assert normal(copied.engine()) == normal(matrix.engine())
    assert sorted(
        KpiTarget.objects.filter(kpi__council=copy).values_list("financial_year", "kind", "amount")
    ) == [(2024, "absolute", Decimal("450")), (2025, "relative", Decimal("2.5"))]
    again = import_workbook(copy, None, "Workbook.xlsx", out.getvalue())
    assert again.ok and all(t.created == t.updated == 0 for t in again.tallies.values())
