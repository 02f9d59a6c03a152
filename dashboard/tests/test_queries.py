"""The cabinet's pages run a fixed number of queries however much data a council holds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import Action, ActionStatus, ActionUpdate
from core.targets import TargetKind
from kpis.models import KPI, Frequency, KpiTarget, KpiValue
from plans.models import QuarterSummary, Role, ThemeNarrative
from risks.models import RiskAssessment, RiskRegisterEntry
from tests.factories import make_council, make_kpi, make_plan, make_savings, make_theme, make_user

pytestmark = pytest.mark.django_db

# One query each, whatever the number of rows:
DASHBOARD_QUERY_LIST = [
    "session",
    "user",
    "council visible to the user, with the user's role",
    "the quarter's publication, if it is signed off (then cached under the data version)",
    "quarters with data (for the quarter switch)",
    "KPIs with theme and plan",
    "their values for this quarter and the four before (and annual outturns)",
    "their yearly targets",
    "the council's RAG scheme with its states (Medway's when it has none)",
    "the council's risk matrix in use",
    "its levels (prefetch)",
    "its bands (prefetch)",
    "open risks",
    "the register's quarterly assessments",
    "the themes each risk pertains to",
    "savings targets covering the year",
    "actions off track or overdue",
    "each action's latest update as at the quarter's end",
    "the quarter's overall summary",
    "the themes' narratives for the quarter",
]
# A warm request: the dashboard's body (every query above but the first four) and whether
# the quarter is signed off are cached.
DASHBOARD_WARM_QUERY_LIST = DASHBOARD_QUERY_LIST[:3]
COUNCIL_HOME_QUERIES = 5  # session, user, council, quarters with data, plans
# session, user, council, the KPI, its values, its yearly targets, its change history, and the
# council its creation record names (one query per related model the history mentions, never
# per row), and the council's RAG scheme with its states
KPI_PAGE_QUERIES = 9
# The comparison with earlier quarters (a page of its own): the dashboard's first four, then
# the measures' report.
COMPARISON_QUERY_LIST = [
    *DASHBOARD_QUERY_LIST[:4],
    "KPIs with theme and plan",
    "their values for this quarter and the four before (and annual outturns)",
    "their yearly targets",
    "the council's RAG scheme with its states (Medway's when it has none)",
]


def populate(council, n: int, risks: int | None = None) -> KPI:
    """``n`` themes' worth of measures, values, risks (``n`` unless given), savings and
    failing actions."""
    plan = make_plan(council)
    themes = [make_theme(plan, number=i + 1) for i in range(max(1, n // 10))]
    kpis = KPI.objects.bulk_create(
        KPI(council=council, theme=themes[i % len(themes)], code=f"M{i:04d}", name=f"Measure {i}")
        for i in range(n)
    )
    KpiValue.objects.bulk_create(
        KpiValue(
            kpi=kpi,
            financial_year=year,
            quarter=q,
            actual=Decimal(50 + i % 40),
            target=Decimal(75),
            commentary=f"Commentary {i}" if i % 2 else "",
        )
        for i, kpi in enumerate(kpis)
        for year, q in [(2019, 3), (2019, 4), (2020, 1), (2020, 2), (2020, 3)]
    )
    # As many annual and cumulative measures, with outturns, yearly targets and values not
    # published: none of them may cost a query of its own.
    annual = KPI.objects.bulk_create(
        KPI(
            council=council,
            theme=themes[i % len(themes)],
            code=f"A{i:04d}",
            name=f"Annual {i}",
            frequency=Frequency.ANNUAL,
            cumulative=i % 2 == 0,
            baseline=Decimal(60),
            baseline_year=2016,
        )
        for i in range(n)
    )
    KpiValue.objects.bulk_create(
        KpiValue(
            kpi=kpi,
            financial_year=year,
            quarter=0,
            actual=None if year == 2019 else Decimal(60 + i % 30),
            not_published="suppressed" if year == 2019 else "",
        )
        for i, kpi in enumerate(annual)
        for year in range(2014, 2020)
    )
    KpiTarget.objects.bulk_create(
        KpiTarget(kpi=kpi, financial_year=year, kind=TargetKind.RELATIVE, amount=Decimal(2))
        for kpi in [*kpis, *annual]
        for year in (2018, 2019, 2020)
    )
    RiskRegisterEntry.objects.bulk_create(
        RiskRegisterEntry(
            council=council,
            reference=f"SR{i:03d}",
            title=f"Risk {i}",
            residual_score="ABCDEF"[i % 6] + ["I", "II", "III", "IV"][i % 4],
        )
        for i in range(n if risks is None else risks)
    )
    RiskAssessment.objects.bulk_create(
        RiskAssessment(risk=risk, financial_year=year, quarter=q, score="BII", commentary="Why")
        for risk in RiskRegisterEntry.objects.filter(council=council)
        for year, q in [(2020, 2), (2020, 3)]
    )
    # The quarter's summary and every theme's narrative: one query each, not one a theme.
    QuarterSummary.objects.create(council=council, financial_year=2020, quarter=3, text="Sum")
    ThemeNarrative.objects.bulk_create(
        ThemeNarrative(theme=theme, financial_year=2020, quarter=3, text=f"Narrative {theme.pk}")
        for theme in themes
    )
    for i in range(n // 10 or 1):
        make_savings(council, title=f"Savings {i}", start_year=2020)
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            title=f"Action {i}",
            status=ActionStatus.OFF_TRACK,
            lead_officer="Chief Finance Officer",
            due_date=datetime.date(2020, 6, 1),
        )
        for i in range(n)
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            date=datetime.date(2020, 10, d),
            status=ActionStatus.OFF_TRACK,
            percent_complete=10,
            commentary=f"Update {d}",
        )
        for action in actions
        for d in (1, 2)
    )
    return kpis[0]


@pytest.fixture
def viewer(client):
    def setup(n: int):
        council = make_council(slug=f"council-{n}")
        kpi = populate(council, n)
        client.force_login(make_user(council=council, role=Role.CABINET))
        return council, kpi

    return setup


@pytest.mark.parametrize("rows", [10, 200])
def test_dashboard_query_count_is_fixed(client, viewer, django_assert_num_queries, rows):
    council, _ = viewer(rows)
    url = reverse("dashboard", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"})
    with django_assert_num_queries(len(DASHBOARD_QUERY_LIST)):
        response = client.get(url)
    assert response.status_code == 200
    # A row per measure (the comparison with earlier quarters is a page of its own).
    assert response.content.decode().count("<tr><td>M") == rows
    assert response.content.decode().count("<tr><td>A") == rows
    assert response.content.decode().count("Narrative ") == max(1, rows // 10)
    # Warm: the body comes from the cache, under the council's data version.
    with django_assert_num_queries(len(DASHBOARD_WARM_QUERY_LIST)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_comparison_query_count_is_fixed(client, viewer, django_assert_num_queries, rows):
    council, _ = viewer(rows)
    url = reverse(
        "quarter-comparison",
        kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"},
    )
    with django_assert_num_queries(len(COMPARISON_QUERY_LIST)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<td class="n" data-label="Code">M') == rows
    assert response.content.decode().count('<td class="n" data-label="Code">A') == rows
    # Warm: the table, and whether the quarter is signed off, come from the cache, under the
    # council's data version.
    with django_assert_num_queries(len(COMPARISON_QUERY_LIST[:3])):
        assert client.get(url).status_code == 200


def test_dashboard_of_100_measures_is_under_100_kb(client):
    """The national-scale goal: a council of 100 measures (values and trends, commentary on
    some), failing actions, risks and savings draws its dashboard in under 100 KB of HTML,
    detail folded rather than repeated."""
    council = make_council(slug="hundred")
    populate(council, 50, risks=20)  # 50 quarterly and 50 annual measures
    client.force_login(make_user(council=council, role=Role.CABINET))
    url = reverse("dashboard", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"})
    html = client.get(url).content
    assert html.decode().count("<tr><td>") == 100  # every measure is on it
    assert len(html) < 100_000, f"{len(html)} bytes"


@pytest.mark.parametrize("rows", [10, 200])
def test_council_home_query_count_is_fixed(client, viewer, django_assert_num_queries, rows):
    council, _ = viewer(rows)
    with django_assert_num_queries(COUNCIL_HOME_QUERIES):
        response = client.get(reverse("council-home", kwargs={"council": council.slug}))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_kpi_page_query_count_is_fixed(client, viewer, django_assert_num_queries, rows):
    council, _ = viewer(rows)
    kpi = make_kpi(council, code="HIST")
    # Give the measure as many values as there are rows.
    KpiValue.objects.bulk_create(
        KpiValue(kpi=kpi, financial_year=2000 + i // 4, quarter=i % 4 + 1, actual=i)
        for i in range(rows)
    )
    with django_assert_num_queries(KPI_PAGE_QUERIES):
        response = client.get(reverse("kpi-detail", kwargs={"council": council.slug, "pk": kpi.pk}))
    assert response.status_code == 200
