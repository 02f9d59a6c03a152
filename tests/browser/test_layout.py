"""Every main page fits a phone (320-390 px) and a desktop (1280 px) without sideways scroll.

Medway's seed data in Chromium: at each width each page is checked for horizontal overflow
and with axe, and a full-page screenshot is saved under artifacts/screenshots/layout-*.png.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from actions.models import Action
from kpis.models import KPI
from plans.models import Council, Role
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEIGHT = 900


@pytest.fixture
def medway_pages():
    """An officer of Medway with actions and measures to report on, and the pages to visit."""
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    officer = make_user("officer", council=medway, role=Role.OFFICER)
    actions = list(Action.objects.filter(plan__council=medway).order_by("pk")[:6])
    for action in actions:
        action.assigned_users.add(officer)
    KPI.objects.filter(council=medway).update(owner_user=officer)
    with_updates = (
        Action.objects.filter(plan__council=medway, updates__isnull=False).order_by("pk").first()
    )
    stage2 = KPI.objects.get(council=medway, name__startswith="Stage 2")
    return {
        "council-home": "/medway/",
        "dashboard": "/medway/2020-21/q3/",
        "comparison": "/medway/2020-21/q3/comparison/",
        "kpi": f"/medway/kpis/{stage2.pk}/",
        "kpi-list": "/medway/kpis/",
        "action-list": "/medway/actions/",
        "risk-list": "/medway/risks/",
        "savings-list": "/medway/savings/",
        "action": with_updates.get_absolute_url(),
        "my-work": "/my-work/",
    }


def sideways_overflow(page: Page) -> str:
    """'' when the page fits its window, else the widths and the widest offending elements."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return "";
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .filter((el) => !el.closest(".app-scroll"))
            .slice(-5)
            .map((el) => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 60)}"`);
          return `scrollWidth ${document.documentElement.scrollWidth} > ${width}: ${wide}`;
        }"""
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_main_pages_fit_the_screen_and_pass_axe(
    page: Page, live_server, login, assert_accessible, screenshot, medway_pages, width
):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    login("officer")
    problems = []
    for name, path in medway_pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, f"{name}: {path}"
        overflow = sideways_overflow(page)
        if overflow:
            problems.append(f"{name} at {width}px: {overflow}")
        # The header's black band spans the whole window.
        header = page.locator("header").bounding_box()
        assert header is not None and header["width"] == width, name
        assert_accessible(f"{name} at {width}px")
        screenshot(f"layout-{name}-{width}")
    assert not problems, "\n".join(problems)


def test_nothing_scrolls_sideways_at_320_px(page: Page, live_server, login, medway_pages):
    page.set_viewport_size({"width": 320, "height": HEIGHT})
    login("officer")
    problems = []
    for name, path in medway_pages.items():
        page.goto(f"{live_server.url}{path}")
        overflow = sideways_overflow(page)
        if overflow:
            problems.append(f"{name}: {overflow}")
    assert not problems, "\n".join(problems)


def test_dashboard_on_a_phone_opens_with_the_summary_and_reaches_the_heat_map_by_keyboard(
    page: Page, live_server, login, medway_pages
):
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    login("officer")
    page.goto(f"{live_server.url}{medway_pages['dashboard']}")
    # Tables stack: each value is labelled with its column (the stylesheet names each column).
    table = page.locator("table.app-summary-table").first
    row = page.locator("table.app-summary-table tr", has_text="Stage 2 corporate complaints")
    target = row.locator("td:nth-child(5)")
    expect(target).to_contain_text("75%")
    label = target.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert label == '"Target"'
    headers = table.locator("thead th").all_inner_texts()
    labels = table.locator("tbody tr").first.locator("td, th").evaluate_all(
        "(cells) => cells.map((c) => c.tagName === 'TH' ? 'row header'"
        " : getComputedStyle(c, '::before').content.replaceAll('\"', ''))"
    )
    assert labels == [
        "row header" if header == "Measure" else header for header in headers
    ], labels
    # The register's rows too, and the actions'.
    for name, heading in (("app-risk-table", "Risk"), ("app-actions-table", "Action")):
        stacked = page.locator(f"table.{name}").first
        headers = stacked.locator("thead th").all_inner_texts()
        labels = stacked.locator("tbody tr").first.locator("td, th").evaluate_all(
            "(cells) => cells.map((c) => c.tagName === 'TH' ? 'row header'"
            " : getComputedStyle(c, '::before').content.replaceAll('\"', ''))"
        )
        expected = ["row header" if h == heading else h for h in headers]
        assert [label.split(" (")[0] for label in labels] == [
            h.split(" (")[0] for h in expected
        ], (name, labels)
    # The key is folded; opening it shows the statuses.
    key = page.get_by_text("Key: statuses and trends")
    expect(page.get_by_text("met or exceeded target")).to_be_hidden()
    key.click()
    expect(page.get_by_text("met or exceeded target")).to_be_visible()
    # The heat map's scroll region takes keyboard focus and names itself.
    region = page.get_by_role("region", name="Heat map of risks (scrolls sideways)")
    region.focus()
    expect(region).to_be_focused()
