"""Another council's register on a phone: a 5x5 matrix with five named bands, quarterly
history and a product-only score, with no sideways scroll at 390 px and clean under axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from plans.models import Role
from tests.browser.test_layout import HEIGHT, sideways_overflow
from tests.factories import make_assessment, make_council, make_matrix, make_risk, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVELS_L = [
    ("5", "almost certain"),
    ("4", "likely"),
    ("3", "possible"),
    ("2", "unlikely"),
    ("1", "rare"),
]
LEVELS_I = [
    ("5", "severe"),
    ("4", "major"),
    ("3", "moderate"),
    ("2", "minor"),
    ("1", "insignificant"),
]
BANDS = [
    ("negligible", "green", 1, ""),
    ("low", "blue", 3, ""),
    ("medium", "yellow", 5, ""),
    ("high", "amber", 10, ""),
    ("very high", "red", 15, ""),
]


@pytest.mark.parametrize("width", [390])
def test_a_five_band_register_fits_a_phone_and_passes_axe(
    page: Page, live_server, login, assert_accessible, width
):
    council = make_council("Fivefold Council", slug="fivefold")
    make_matrix(council, LEVELS_L, LEVELS_I, "L{l} x I{i}", BANDS, appetite=12)
    for n in range(8):
        risk = make_risk(
            council,
            reference=f"Strat-{n + 1}",
            title=f"A strategic risk with a long title number {n}",
            owner="Director of Finance and Business Improvement",
            inherent_score="5x5",
            residual_score="4x4",
            target_score="2x2",
        )
        make_assessment(risk, 2020, 2, "L5 x I4")
        make_assessment(risk, 2020, 3, "L4 x I4" if n % 2 else "20")
    make_user("cabinet", council, Role.CABINET)
    page.set_viewport_size({"width": width, "height": HEIGHT})
    login("cabinet")
    for path in ("/fivefold/2020-21/q3/", "/fivefold/risks/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200
        assert sideways_overflow(page) == "", path
        assert_accessible(f"{path} at {width}px")
    page.goto(f"{live_server.url}/fivefold/2020-21/q3/")
    assert "very high" in page.locator(".app-heat-map").inner_text()
