"""A cabinet member reads Medway's Q3 2020/21 dashboard in Chromium, from the seed data.

Every page visited is checked with axe; screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from plans.models import Council, Role
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def medway_cabinet_member():
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    return make_user(
        "leader", council=medway, role=Role.CABINET, first_name="Council", last_name="Leader"
    )


def summary_row(page: Page, measure: str):
    return page.locator("table.app-summary-table tr", has_text=measure).first


def test_cabinet_member_reads_and_prints_medway_q3(
    page: Page, live_server, login, assert_accessible, screenshot, medway_cabinet_member
):
    login("leader")
    # A member of one council lands on its latest dashboard; the breadcrumbs lead back.
    expect(page).to_have_url(re.compile(r"/medway/2020-21/q3/$"))
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Your councils"
    ).click()
    expect(page).to_have_title(re.compile("^Your councils"))
    assert_accessible("home")

    page.get_by_role("link", name="Medway Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medway Council")
    assert_accessible("council home")
    screenshot("council-home")

    page.get_by_role("link", name="Open the dashboard for Q3 2020/21").click()
    expect(page).to_have_url(re.compile(r"/medway/2020-21/q3/$"))
    expect(page).to_have_title("Performance Q3 2020/21 – Medway Council – Council Plans")

    stage2 = summary_row(page, "Stage 2 corporate complaints")
    expect(stage2.locator("td").nth(1)).to_have_text("Red")
    expect(stage2).to_contain_text("68.4%")
    expect(stage2).to_contain_text("75%")
    stage1 = summary_row(page, "Stage 1 corporate complaints")
    expect(stage1.locator("td").nth(1)).to_have_text("Green")
    expect(stage1).to_contain_text("88%")
    expect(stage1).to_contain_text("80%")
    digi = summary_row(page, "Digital take up")
    expect(digi.locator("td").nth(1)).to_have_text("Data")
    expect(digi.locator("td").nth(4)).to_contain_text("IMP")  # long trend, as published
    expect(digi.locator("td").nth(5)).to_contain_text("IMP")  # short trend, as published
    risks = page.get_by_role("table", name=re.compile("^Strategic risk register"))
    expect(risks).to_contain_text("Finances")
    expect(risks).to_contain_text("L – very high, I – catastrophic")
    expect(page.get_by_role("table", name=re.compile("Heat map"))).to_be_visible()
    assert_accessible("dashboard Q3 2020/21")
    screenshot("dashboard-medway-2020-21-q3")

    # Printed as a cabinet paper: no navigation, no quarter switch.
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Show quarter")).to_be_hidden()
    screenshot("dashboard-medway-2020-21-q3-print")
    page.pdf(path=str(screenshot("dashboard-print-check").with_suffix(".pdf")), format="A4")
    page.emulate_media(media="screen")

    # Switch quarter with the form (no JavaScript needed).
    page.get_by_label("Quarter", exact=True).select_option(label="Q2 2020/21")
    page.get_by_role("button", name="Show quarter").click()
    expect(page).to_have_url(re.compile(r"/medway/2020-21/q2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance: Q2 2020/21")
    expect(summary_row(page, "Stage 2 corporate complaints").locator("td").nth(1)).to_have_text(
        "Green"
    )  # 88.9% against 75%
    assert_accessible("dashboard Q2 2020/21")

    # Keyboard: the skip link is the first thing Tab reaches and it moves focus to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    link = summary_row(page, "Stage 2 corporate complaints").get_by_role("link")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stage 2 corporate complaints")
    expect(page.get_by_role("img", name=re.compile("values against targets"))).to_be_visible()
    history = page.get_by_role("table", name=re.compile("History of"))
    expect(history.locator("tr", has_text="Q3 2020/21")).to_contain_text("Red")
    assert_accessible("KPI page")
    screenshot("kpi-stage-2-complaints")


def test_other_councils_dashboard_is_not_found(page: Page, live_server, login, assert_accessible):
    call_command("load_seed", verbosity=0)
    make_user(
        "bromsgrove-member", council=Council.objects.get(slug="bromsgrove"), role=Role.CABINET
    )
    login("bromsgrove-member")
    response = page.goto(f"{live_server.url}/medway/2020-21/q3/")
    assert response is not None and response.status == 404
