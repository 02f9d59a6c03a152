"""The admin as a council administrator meets it: axe (WCAG 2.2 AA), no sideways scroll at a
desktop (1280 px) and a phone (390 px), and the theme picker following the plan picked.

One login, a handful of pages on Medway's seed data; screenshots go to
artifacts/screenshots/admin-*.png.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from actions.models import ActionUpdate
from kpis.models import KPI
from plans.models import Council, Plan, Role, SavingsTarget
from risks.models import RiskRegisterEntry
from tests.browser.test_layout import sideways_overflow
from tests.factories import PASSWORD, make_plan, make_theme, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEIGHT = 900

#: axe findings inside Django's own markup that a template override cannot reasonably reach,
#: as (rule, CSS selector of the element): each is explained in the README's admin section.
DJANGO_MARKUP_EXCEPTIONS: list[tuple[str, str]] = []


@pytest.fixture
def admin_pages():
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    make_user("counciladmin", council=medway, role=Role.ADMIN, is_staff=True)
    plan = Plan.objects.filter(council=medway).order_by("pk").first()
    other_plan = make_plan(medway, title="Medway Housing Strategy", slug="housing-strategy")
    make_theme(other_plan, title="More homes", number=1)
    kpi = KPI.objects.filter(council=medway, values__isnull=False).order_by("pk").first()
    action = ActionUpdate.objects.filter(action__plan__council=medway).order_by("pk").first().action
    risk = RiskRegisterEntry.objects.filter(council=medway).order_by("pk").first()
    savings = SavingsTarget.objects.filter(council=medway).order_by("pk").first()
    assert plan and kpi and action and risk
    pages = {
        "index": "/admin/",
        "app-index": "/admin/kpis/",
        "kpi-list": f"/admin/kpis/kpi/?council__id__exact={medway.pk}",
        "kpi-change": f"/admin/kpis/kpi/{kpi.pk}/change/",
        "kpi-add": "/admin/kpis/kpi/add/",
        "kpi-history": f"/admin/kpis/kpi/{kpi.pk}/history/",
        "kpivalue-list": "/admin/kpis/kpivalue/",
        "action-list": "/admin/actions/action/",
        "action-change": f"/admin/actions/action/{action.pk}/change/",
        "risk-list": "/admin/risks/riskregisterentry/",
        "risk-change": f"/admin/risks/riskregisterentry/{risk.pk}/change/",
        "action-delete": f"/admin/actions/action/{action.pk}/delete/",
        "password-change": "/admin/password_change/",
    }
    if savings is not None:
        pages["savings-list"] = "/admin/plans/savingstarget/"
        pages["savings-change"] = f"/admin/plans/savingstarget/{savings.pk}/change/"
    return pages


def axe_problems(page: Page, context: str) -> list[str]:
    """axe's violations on the page, less the listed ones in Django's own markup."""
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    for violation in Axe().run(page).response["violations"]:
        excepted = [
            selector for rule, selector in DJANGO_MARKUP_EXCEPTIONS if rule == violation["id"]
        ]
        targets = [
            ", ".join(node["target"])
            for node in violation["nodes"]
            if not any(
                page.locator(", ".join(node["target"])).evaluate(
                    "(el, selector) => !!el.closest(selector)", selector
                )
                for selector in excepted
            )
        ]
        if targets:
            problems.append(f"{context}: {violation['id']} ({violation['help']}) at {targets[:5]}")
    return problems


def admin_login(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("counciladmin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_admin_pages_pass_axe_fit_the_screen_and_pick_themes_by_plan(
    page: Page, live_server, screenshot, admin_pages
):
    problems = []
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(f"{live_server.url}/admin/login/")
    problems += axe_problems(page, "login at 390px")
    if overflow := sideways_overflow(page):
        problems.append(f"login: {overflow}")
    admin_login(page, live_server)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in admin_pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, f"{name}: {path}"
            if overflow := sideways_overflow(page):
                problems.append(f"{name} at {width}px: {overflow}")
            if width == 1280 or name.endswith(("-list", "-change")):
                problems += axe_problems(page, f"{name} at {width}px")
            screenshot(f"admin-{name}-{width}")
    assert not problems, "\n".join(problems)
    # One login and one seed load for the whole file (CI's time budget).
    check_the_theme_picker_follows_the_plan_picked(page, live_server)


def check_the_theme_picker_follows_the_plan_picked(page: Page, live_server) -> None:
    """admin-themes.js: themes of other plans hide when the plan (an autocomplete) changes."""
    housing = Plan.objects.get(slug="housing-strategy")
    page.goto(f"{live_server.url}/admin/kpis/kpi/add/")
    theme = page.locator("#id_theme")
    shown = "(select) => [...select.options].filter((o) => o.value && !o.hidden).map((o) => o.text)"
    every_theme = theme.evaluate(shown)
    assert "1. More homes" in every_theme and len(every_theme) > 1  # no plan picked: all
    assert theme.locator("optgroup[label='Medway Housing Strategy']").count() == 1
    # Pick the plan as the autocomplete does (select2 announces it through jQuery).
    page.evaluate(
        """([pk, title]) => {
          const $ = django.jQuery;
          $("#id_plan").append(new Option(title, pk, true, true)).trigger("change");
        }""",
        [str(housing.pk), housing.title],
    )
    assert theme.evaluate(shown) == ["1. More homes"]
    other = theme.locator("optgroup").filter(
        has_not=page.locator(f"option[data-plan='{housing.pk}']")
    )
    assert other.first.evaluate("(group) => group.hidden")
    # Clearing the plan shows every theme again.
    page.evaluate('() => django.jQuery("#id_plan").val(null).trigger("change")')
    assert theme.evaluate(shown) == every_theme
