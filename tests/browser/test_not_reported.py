"""An officer meets an action whose plan states no status or % complete, and reports one."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from actions.models import ActionStatus
from plans.models import Role
from tests.factories import make_action, make_council, make_plan, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def action():
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council, title="Corporate Peer Challenge Action Plan", start_year=2018)
    return make_action(
        plan,
        title="Develop a Member development programme",
        due_date=datetime.date(2018, 12, 31),
        status=ActionStatus.NOT_REPORTED,
        percent_complete=None,
        assigned=[officer],
    )


def test_officer_sees_not_reported_and_gives_the_first_status(
    page: Page, live_server, login, assert_accessible, screenshot, action
):
    login("officer")
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Not reported")
    expect(summary).to_contain_text("% complete not reported")
    expect(page.locator("body")).not_to_contain_text("None%")
    # Nothing is offered that the plan did not say: no status chosen, no figure typed.
    expect(page.get_by_label("Status")).to_have_value("")
    expect(page.get_by_label("% complete")).to_have_value("")
    assert_accessible("not-reported action")
    screenshot("action-not-reported")

    page.get_by_label("Status").select_option(label="On track")
    page.get_by_label("% complete").fill("20")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Update saved: On track, 20% complete.")).to_be_visible()
    expect(summary).to_contain_text("20% complete")
