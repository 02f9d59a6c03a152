"""An officer does the quarter's updating in Chromium; a cabinet member then reads the result.

Every page visited is checked with axe; screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.rag import Polarity
from core.units import Unit
from kpis.models import KpiValue
from plans.models import Role
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_user,
    make_value,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    make_user("leader", council, Role.CABINET, first_name="Council", last_name="Leader")
    plan = make_plan(council, title="Council Plan 2020/21")
    action = make_action(plan, title="Adopt the digital strategy", assigned=[officer])
    stage2 = make_kpi(council, code="CS2", name="Stage 2 corporate complaints",
                      owner_user=officer)
    stage1 = make_kpi(council, code="CS1", name="Stage 1 corporate complaints",
                      owner_user=officer)
    make_value(stage2, 2020, 2, 70, 75)
    make_value(stage1, 2020, 2, 84, 80)
    # The performance team has set Q3's targets; the officer enters the values.
    make_value(stage2, 2020, 3, None, 75)
    make_value(stage1, 2020, 3, None, 80)
    return {"council": council, "action": action, "stage1": stage1, "stage2": stage2}


def test_officer_updates_an_action_and_enters_a_return_then_cabinet_sees_the_rag(
    page: Page, live_server, login, assert_accessible, screenshot, medway
):
    login("officer")
    expect(page).to_have_url(re.compile(r"/my-work/$"))  # officers land on their work
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("link", name="Adopt the digital strategy")).to_be_visible()
    assert_accessible("my work")
    screenshot("officer-my-work")

    # Update the action: status, % complete and a commentary in one short form.
    page.get_by_role("link", name="Adopt the digital strategy").click()
    page.get_by_label("Status").select_option(label="At risk")
    page.get_by_label("% complete").fill("45")
    page.get_by_label("Commentary").fill("Supplier is two weeks late.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Update saved: At risk, 45% complete.")).to_be_visible()
    expect(page.locator("#updates + table")).to_contain_text("Supplier is two weeks late.")
    assert_accessible("action page after update")
    screenshot("officer-action-updated")

    # The quarterly return, with one bad cell.
    stage1, stage2 = medway["stage1"], medway["stage2"]
    page.goto(f"{live_server.url}/medway/2020-21/q3/return/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly return: Q3 2020/21")
    assert_accessible("return page")
    page.get_by_label("Q3 2020/21 value for CS2").fill("abc")
    page.get_by_label("Q3 2020/21 value for CS1").fill("88.0")
    page.get_by_role("button", name="Save all values").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number, like 88.0")
    expect(page.locator(f"#actual-{stage2.pk}-error")).to_contain_text("Enter a number")
    expect(page.get_by_label("Q3 2020/21 value for CS2")).to_have_value("abc")
    expect(page.get_by_label("Q3 2020/21 value for CS1")).to_have_value("88.0")
    assert not KpiValue.objects.filter(quarter=3, actual__isnull=False).exists()
    assert_accessible("return page with an error")
    screenshot("officer-return-error")

    page.get_by_label("Q3 2020/21 value for CS2").fill("68.4")
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_text("Saved 2 values for Q3 2020/21.")).to_be_visible()
    expect(page.locator(f"#row-{stage2.pk}")).to_contain_text("Red")
    expect(page.locator(f"#row-{stage1.pk}")).to_contain_text("Green")
    assert_accessible("return page after saving")
    screenshot("officer-return-saved")

    page.get_by_role("button", name="Sign out").click()

    # The cabinet member sees the new RAG on the dashboard.
    login("leader")
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    rows = page.locator("table.app-summary-table tbody tr")
    row = rows.filter(has=page.get_by_role("cell", name="CS2", exact=True)).first
    expect(row).to_contain_text("Red")
    expect(row).to_contain_text("68.4")
    expect(rows.filter(has=page.get_by_role("cell", name="CS1", exact=True)).first).to_contain_text(
        "Green"
    )
    expect(page).to_have_url(re.compile(r"/medway/2020-21/q3/$"))
    assert_accessible("dashboard seen by the cabinet member")
    screenshot("cabinet-dashboard-after-return")


@pytest.fixture
def many_units(medway):
    """A return with a measure of every kind an officer meets, long names and commentary."""
    council = medway["council"]
    officer = medway["stage1"].owner_user
    rows = [
        ("CT01", "Council tax collected in the year (percentage of the net collectable debit)",
         Unit.PERCENT, Polarity.HIGHER, False, "86.3", "90"),
        ("HB02", "Average days to process new housing benefit claims", Unit.DAYS,
         Polarity.LOWER, False, "21", "20"),
        ("LGSCO", "Referrals made to the Local Government and Social Care Ombudsman (LGSCO)",
         Unit.COUNT, Polarity.HIGHER, True, "145", None),
        ("SAV", "Savings delivered in the year against the medium term financial strategy",
         Unit.POUNDS, Polarity.HIGHER, False, "1200000", "1500000"),
    ]
    kpis = {}
    for code, name, unit, polarity, data_only, previous, target in rows:
        kpi = make_kpi(council, code=code, name=name, unit=unit, polarity=polarity,
                       data_only=data_only, owner_user=officer)
        make_value(kpi, 2020, 2, previous, target,
                   commentary="Collection is behind profile because of the pandemic; "
                   "recovery action resumed in September and the gap is closing." * 2)
        kpis[code] = kpi
    return kpis


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_return_fits_the_screen_and_is_accessible(
    page: Page, live_server, login, assert_accessible, screenshot, medway, many_units,
    width, height,
):
    page.set_viewport_size({"width": width, "height": height})
    login("officer")
    page.goto(f"{live_server.url}/medway/2020-21/q3/return/")

    def no_sideways_scroll() -> None:
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), f"the return scrolls sideways at {width} px"

    row = page.locator(f"#row-{many_units['CT01'].pk}")
    expect(row).to_contain_text("86.3%")
    expect(row).to_contain_text("carried from Q2 2020/21")
    expect(page.locator(f"#row-{many_units['HB02'].pk}")).to_contain_text("Lower is better")
    expect(page.locator(f"#row-{many_units['SAV'].pk}")).to_contain_text("£1,200,000")
    # The unit sits in the input's box, on the same line as the input.
    field = page.get_by_label("Q3 2020/21 value for CT01")
    suffix = page.locator(f"#actual-{many_units['CT01'].pk} + .govuk-input__suffix")
    expect(suffix).to_have_text("%")
    assert abs(field.bounding_box()["y"] - suffix.bounding_box()["y"]) < 2
    # Commentary boxes are wide: most of the page's width.
    box = page.get_by_label("Commentary on CT01").bounding_box()
    assert box["width"] > 0.8 * page.locator("main").bounding_box()["width"]
    no_sideways_scroll()
    assert_accessible(f"return page at {width} px")
    screenshot(f"officer-return-{width}")

    field.fill("250")
    page.get_by_label("Q3 2020/21 value for SAV").fill("88%")
    page.get_by_role("button", name="Save all values").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a percentage from 0 to 100"
    )
    expect(page.locator(f"#actual-{many_units['SAV'].pk}-error")).to_contain_text(
        "This measure is an amount in pounds, not a percentage"
    )
    expect(page.get_by_label("Q3 2020/21 value for CT01")).to_have_value("250")
    assert not KpiValue.objects.filter(quarter=3, actual__isnull=False).exists()
    no_sideways_scroll()
    assert_accessible(f"return page with errors at {width} px")
    screenshot(f"officer-return-errors-{width}")
def test_officer_lands_on_my_work_updates_an_action_and_finds_the_way_back(
    page: Page, live_server, login, assert_accessible, screenshot, medway
):
    login("officer")
    expect(page).to_have_url(re.compile(r"/my-work/$"))
    navigation = page.get_by_role("navigation", name="Your pages")
    expect(navigation.get_by_role("link", name="My work")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="My quarterly returns")).to_be_visible()
    expect(page.get_by_label("Enter the return for any quarter")).to_be_visible()
    assert_accessible("my work at 1280 px")
    screenshot("my-work-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("my-work-390")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"My work scrolls sideways at 390 px: {wide}"
    assert_accessible("my work at 390 px")
    page.set_viewport_size({"width": 1280, "height": 800})

    # To the action, whose page keeps My work in the navigation, and save an update.
    page.get_by_role("link", name="Adopt the digital strategy").click()
    council_nav = page.get_by_role("navigation", name="Medway pages")
    expect(council_nav.get_by_role("link", name="My work")).to_be_visible()
    expect(council_nav.get_by_role("link", name="Actions")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_label("Status").select_option(label="On track")
    page.get_by_label("% complete").fill("60")
    page.get_by_label("Commentary").fill("Strategy drafted.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Update saved: On track, 60% complete.")).to_be_visible()
    assert_accessible("action page after saving")

    # The message leads back to My work, where the action shows its new progress.
    page.get_by_role("link", name="Back to My work").click()
    expect(page).to_have_url(re.compile(r"/my-work/$"))
    expect(page.get_by_role("row", name=re.compile("Adopt the digital strategy"))).to_contain_text(
        "60%"
    )
