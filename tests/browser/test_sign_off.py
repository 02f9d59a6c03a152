"""A council administrator signs a quarter off in Chromium; cabinet then reads it as reported,
with a later correction beside it. Every page visited is checked with axe and for sideways
scrolling on a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kpis.models import KpiValue
from plans.models import Role
from tests.browser.test_layout import sideways_overflow
from tests.factories import make_council, make_kpi, make_plan, make_theme, make_user, make_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_signs_off_and_cabinet_reads_the_published_quarter(
    page: Page, live_server, login, assert_accessible, screenshot
):
    council = make_council("Testshire Council", slug="testshire")
    theme = make_theme(make_plan(council), number=1, title="Giving value for money")
    kpi = make_kpi(council, theme=theme, code="DIGI TU 01", name="Digital take up")
    value = make_value(kpi, 2020, 3, "68.4", "75", commentary="Fewer forms moved online.")
    make_user("perf-team", council, Role.ADMIN)
    officer = make_user("officer", council, Role.OFFICER, first_name="Olu", last_name="Ade")
    make_user("leader", council, Role.CABINET)
    page.set_viewport_size({"width": 390, "height": 844})

    login("perf-team")
    page.goto(f"{live_server.url}/testshire/2020-21/q3/")
    expect(page.get_by_text("Draft — not yet signed off")).to_be_visible()
    page.get_by_role("button", name="Sign off and publish Q3 2020/21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign off Q3 2020/21 and publish it to Cabinet"
    )
    assert_accessible("sign-off confirmation")
    assert not sideways_overflow(page)
    page.get_by_role("button", name="Sign off and publish Q3 2020/21").click()
    expect(page).to_have_url(re.compile(r"/testshire/2020-21/q3/$"))
    expect(page.get_by_text("Q3 2020/21 is signed off and published to Cabinet")).to_be_visible()

    stored = KpiValue.objects.get(pk=value.pk)
    stored.actual, stored.entered_by = Decimal("80"), officer
    stored.save()

    page.context.clear_cookies()
    login("leader")
    page.goto(f"{live_server.url}/testshire/2020-21/q3/")
    expect(page.get_by_text(re.compile("As reported to Cabinet on"))).to_be_visible()
    expect(page.locator("#corrections")).to_contain_text(
        "Corrected after publishing: 80% (was 68.4%), by Olu Ade"
    )
    row = page.locator("table.app-summary-table tr", has_text="Digital take up")
    expect(row).to_contain_text("68.4%")
    expect(page.get_by_role("link", name="Download the cabinet pack (PDF)")).to_be_visible()
    assert_accessible("published dashboard with a correction")
    assert not sideways_overflow(page)
    screenshot("published-dashboard-phone")

    # The comparison with earlier quarters, one click away: the table as reported to Cabinet.
    page.get_by_role("link", name="Each measure in Q3 2019/20, Q2 2020/21 and Q3 2020/21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Comparison with earlier quarters: Q3 2020/21"
    )
    expect(page.get_by_text(re.compile("as reported to Cabinet when the quarter"))).to_be_visible()
    compared = page.locator("table.app-comparison-table tr", has_text="Digital take up")
    expect(compared).to_contain_text("68.4%")
    expect(compared).not_to_contain_text("80%")
    assert_accessible("published quarter's comparison")
    assert not sideways_overflow(page)
    screenshot("published-comparison-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not sideways_overflow(page)
    screenshot("published-comparison-desktop")
