"""Medway's Q3 2020/21 dashboard with its commentary, on a desktop and a phone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from kpis.models import KpiValue
from plans.models import Council, QuarterSummary, Role, Theme, ThemeNarrative
from risks.models import RiskAssessment, RiskRegisterEntry
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPLAINTS = (
    "In Q3, 220 stage one complaints were responded to, and of those 193 were responded to "
    "within 10 working days, giving an excellent timeliness performance of 87.7%, exceeding "
    "the performance target of 80%.\n\nThe following table gives an overall picture of the "
    "volumes and timeliness performance of each area for complaints in Q3, and compares this "
    "to the previous quarter, and the same period during the previous year."
)
CONTRACTS = (
    "The Category Management team continues to achieve significant value for money as a "
    "result of the contracts awarded. The Council spends roughly £320 million each year "
    "buying goods, services and works for the community."
)


def add_commentary(medway: Council) -> None:
    QuarterSummary.objects.create(
        council=medway,
        financial_year=2020,
        quarter=3,
        text="Performance held up through the second lockdown: most measures met target.",
    )
    for theme in Theme.objects.filter(plan__council=medway, plan__start_year=2020):
        ThemeNarrative.objects.create(
            theme=theme, financial_year=2020, quarter=3, text=f"{theme.title}. {CONTRACTS}"
        )
    for value in KpiValue.objects.filter(kpi__council=medway, financial_year=2020, quarter=3):
        value.commentary = COMPLAINTS
        value.save()
    risk = RiskRegisterEntry.objects.get(council=medway, reference="SR03B")
    RiskAssessment.objects.create(
        risk=risk,
        financial_year=2020,
        quarter=3,
        score=risk.residual_score,
        commentary="The budget gap for 2021/22 is being closed.",
    )


def test_medway_q3_dashboard_with_commentary(
    page: Page, live_server, login, assert_accessible, screenshot
):
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    add_commentary(medway)
    make_user("performance", council=medway, role=Role.ADMIN)
    login("performance")
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    expect(page.get_by_role("heading", name="Overall summary")).to_be_visible()
    expect(page.get_by_text("Performance held up through the second lockdown")).to_be_visible()
    # Long commentary is folded until asked for.
    fold = page.locator("details.app-commentary").first
    expect(fold.locator(".govuk-details__text")).to_be_hidden()
    fold.locator("summary").click()
    expect(fold.locator(".govuk-details__text")).to_be_visible()
    expect(page.get_by_text("The budget gap for 2021/22 is being closed.").first).to_be_attached()
    assert_accessible("dashboard with commentary")
    screenshot("medway-q3-commentary-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible("dashboard with commentary at 390px")
    screenshot("medway-q3-commentary-390")
