"""The quarter's collection status board on a phone and a desktop: no sideways scroll, axe
clean, screenshots under artifacts/screenshots/collection-status-*.png."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from plans.models import Membership, Role
from tests.browser.test_layout import HEIGHT, sideways_overflow
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_update,
    make_user,
    make_value,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board():
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council, start_year=2026)
    make_user("perf", council, Role.ADMIN, email="perf@medway.example")
    manager = make_user("mark", council, Role.OFFICER, first_name="Mark", last_name="Manning")
    olive = make_user(
        "olive",
        council,
        Role.OFFICER,
        email="olive.officer@medway.example",
        first_name="Olive",
        last_name="Oyelaran-Featherstonehaugh",
    )
    Membership.objects.filter(user=olive).update(manager=manager)
    missing = make_kpi(
        council,
        code="HOU 01",
        owner_user=olive,
        name="Number of affordable homes delivered through the council's own housing company",
    )
    jumpy = make_kpi(
        council, code="CS 02", name="Calls answered within 60 seconds", owner_user=olive
    )
    make_value(jumpy, 2025, 4, 40, 50)
    make_value(jumpy, 2026, 1, 120, 60)
    red = make_kpi(council, code="DIGI 01", name="Digital take up", owner_user=manager)
    make_value(red, 2026, 1, 10, 50)
    make_action(plan, title="Open the new community hub at the former library", assigned=[olive])
    done = make_action(plan, title="Close the depot", assigned=[manager])
    make_update(done, date=date(2026, 7, 10))
    make_kpi(council, code="ORPH 1", name="A measure no one is named for")
    return missing


@pytest.mark.parametrize("width", [390, 1280])
def test_status_board_fits_and_passes_axe(
    page: Page, live_server, login, assert_accessible, screenshot, board, width
):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    login("perf")
    response = page.goto(f"{live_server.url}/medway/2026-27/q1/status/")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", name="Collection status: Q1 2026/27").is_visible()
    assert page.get_by_text("Red without commentary").first.is_visible()
    assert sideways_overflow(page) == ""
    assert_accessible(f"status board at {width}px")
    screenshot(f"collection-status-{width}")
