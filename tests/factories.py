"""Small builders for test data, shared by every app's tests.

Each returns a saved object; keyword arguments override the defaults.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from actions.models import Action, ActionStatus, ActionUpdate
from core.rag import Polarity
from kpis.models import KPI, Frequency, KpiValue
from kpis.schemes import RagScheme, RagState
from plans.models import (
    Council,
    CouncilKind,
    Membership,
    Plan,
    PlanKind,
    Role,
    SavingsTarget,
    Theme,
)
from risks.models import Axis, RiskAssessment, RiskBand, RiskLevel, RiskMatrix, RiskRegisterEntry
from risks.services import create_matrix

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_council(name: str | None = None, **kw: Any) -> Council:
    n = next(_seq)
    name = name or f"Testshire Council {n}"
    slug = kw.pop("slug", None) or name.lower().replace(" ", "-")
    preset = kw.pop("risk_matrix", None)  # a built-in matrix other than the default
    council = Council.objects.create(
        name=name,
        short_name=kw.pop("short_name", name.split()[0]),
        slug=slug,
        kind=kw.pop("kind", CouncilKind.UNITARY),
        **kw,
    )
    if preset is not None:
        RiskMatrix.objects.filter(council=council).delete()
        create_matrix(council, preset)
    return council


def make_user(
    username: str | None = None,
    council: Council | None = None,
    role: str | None = None,
    **kw: Any,
):
    """A user with a known password and, if a council is given, a role in it."""
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    if role == Role.ADMIN:
        kw.setdefault("is_staff", True)
    user = User.objects.create_user(username=username, password=PASSWORD, **kw)
    if council is not None:
        Membership.objects.create(user=user, council=council, role=role or Role.OFFICER)
    return user


def make_plan(council: Council, **kw: Any) -> Plan:
    n = next(_seq)
    kw.setdefault("title", f"Council Plan {n}")
    kw.setdefault("slug", f"council-plan-{n}")
    kw.setdefault("kind", PlanKind.COUNCIL_PLAN)
    kw.setdefault("start_year", 2020)
    kw.setdefault("end_year", kw["start_year"])
    return Plan.objects.create(council=council, **kw)


def make_theme(plan: Plan, **kw: Any) -> Theme:
    kw.setdefault("title", f"Theme {next(_seq)}")
    return Theme.objects.create(plan=plan, **kw)


def make_action(plan: Plan, **kw: Any) -> Action:
    kw.setdefault("title", f"Action {next(_seq)}")
    assigned = kw.pop("assigned", [])
    action = Action.objects.create(plan=plan, **kw)
    if assigned:
        action.assigned_users.set(assigned)
    return action


def make_update(action: Action, **kw: Any) -> ActionUpdate:
    kw.setdefault("status", ActionStatus.ON_TRACK)
    kw.setdefault("percent_complete", 10)
    kw.setdefault("date", datetime.date(2020, 12, 1))
    return ActionUpdate.objects.create(action=action, **kw)


def make_kpi(council: Council, **kw: Any) -> KPI:
    n = next(_seq)
    kw.setdefault("code", f"KPI {n:03d}")
    kw.setdefault("name", f"Measure {n}")
    kw.setdefault("polarity", Polarity.HIGHER)
    kw.setdefault("frequency", Frequency.QUARTERLY)
    return KPI.objects.create(council=council, **kw)


def make_value(
    kpi: KPI, financial_year: int, quarter: int, actual: Any, target: Any = None, **kw: Any
) -> KpiValue:
    return KpiValue.objects.create(
        kpi=kpi,
        financial_year=financial_year,
        quarter=quarter,
        actual=None if actual is None else Decimal(str(actual)),
        target=None if target is None else Decimal(str(target)),
        **kw,
    )


def make_rag_scheme(
    council: Council,
    preset: str = "medway",
    states: dict[str, tuple[str, str, str]] | None = None,
    **kw: Any,
) -> RagScheme:
    """A council's RAG scheme: a built-in one by name, with thresholds in ``kw`` and its own
    words in ``states`` ({role: (label, symbol, colour)})."""
    kw.setdefault("name", f"{council.name} key")
    scheme = RagScheme.objects.create(council=council, preset=preset, **kw)
    for role, (label, symbol, colour) in (states or {}).items():
        RagState.objects.create(scheme=scheme, role=role, label=label, symbol=symbol, colour=colour)
    return scheme


def make_risk(council: Council, **kw: Any) -> RiskRegisterEntry:
    n = next(_seq)
    kw.setdefault("reference", f"SR{n:02d}")
    kw.setdefault("title", f"Risk {n}")
    kw.setdefault("residual_score", "BII")
    return RiskRegisterEntry.objects.create(council=council, **kw)


def make_matrix(
    council: Council,
    likelihoods: list[tuple[str, str]],
    impacts: list[tuple[str, str]],
    notation: str = "{l}x{i}",
    bands: list[tuple[str, str, int | None, str]] = (),
    **kw: Any,
) -> RiskMatrix:
    """Replace the council's matrix in use by one with these levels (most likely / severe
    first), notation and bands ``(name, colour, minimum, cells)``."""
    RiskMatrix.objects.filter(council=council).delete()
    matrix = RiskMatrix.objects.create(council=council, notation=notation, **kw)
    for axis, levels in ((Axis.LIKELIHOOD, likelihoods), (Axis.IMPACT, impacts)):
        for n, (code, words) in enumerate(levels, start=1):
            RiskLevel.objects.create(matrix=matrix, axis=axis, position=n, code=code, words=words)
    for name, colour, minimum, cells in bands:
        RiskBand.objects.create(
            matrix=matrix, name=name, colour=colour, minimum=minimum, cells=cells
        )
    return matrix


def make_assessment(
    risk: RiskRegisterEntry, year: int, quarter: int, score: str = "", **kw: Any
) -> RiskAssessment:
    return RiskAssessment.objects.create(
        risk=risk, financial_year=year, quarter=quarter, score=score, **kw
    )


def make_savings(council: Council, **kw: Any) -> SavingsTarget:
    kw.setdefault("title", f"Savings {next(_seq)}")
    kw.setdefault("start_year", 2020)
    kw.setdefault("end_year", kw["start_year"])
    kw.setdefault("target_amount", Decimal("1000000"))
    return SavingsTarget.objects.create(council=council, **kw)
