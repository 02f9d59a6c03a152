"""An officer does the quarterly return by spreadsheet in Chromium: download, fill, upload, save.

Screenshots of the return page (with its upload) and of the preview at 1280 and 390 px go to
artifacts/screenshots/; each page is checked with axe and for sideways scrolling.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from core.units import Unit
from kpis.models import KpiValue
from plans.models import Role
from tests.browser.test_layout import sideways_overflow
from tests.factories import make_council, make_kpi, make_user, make_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_downloads_fills_uploads_previews_and_saves_the_return(
    page: Page, live_server, login, assert_accessible, screenshot, tmp_path
):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    rate = make_kpi(
        council,
        code="CS1",
        name="Stage 1 complaints answered in time",
        owner_user=officer,
        unit=Unit.PERCENT,
    )
    days = make_kpi(
        council, code="PAY", name="Days to pay invoices", owner_user=officer, unit=Unit.DAYS
    )
    make_value(rate, 2020, 2, 84, 80)
    make_value(days, 2020, 3, 11, 10, commentary="Early figure")

    login("officer")
    page.goto(f"{live_server.url}/medway/2020-21/q3/return/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your measures for Q3 2020/21").click()
    path = tmp_path / "return.xlsx"
    download.value.save_as(path)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways_overflow(page) == "", f"return page at {width}px"
        screenshot(f"return-sheet-upload-{width}")
    assert_accessible("return page with the upload")

    book = load_workbook(path)
    sheet = book.active
    assert [sheet.cell(row, 1).value for row in (2, 3)] == ["CS1", "PAY"]
    sheet["I2"] = "68.4%"
    sheet["K2"] = "Two replies were late: both were complex cases needing legal advice."
    sheet["I3"] = 9
    book.save(path)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Upload the filled-in spreadsheet").set_input_files(path)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your spreadsheet: Q3 2020/21")
    changes = page.locator(".app-upload-changes")
    expect(changes).to_contain_text("CS1 Stage 1 complaints answered in time")
    expect(changes).to_contain_text("68.4%")
    expect(changes).to_contain_text("11 days")
    assert not KpiValue.objects.filter(kpi=rate, quarter=3).exists()  # nothing saved yet
    assert_accessible("upload preview")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways_overflow(page) == "", f"preview at {width}px"
        screenshot(f"return-sheet-preview-{width}")

    page.get_by_role("button", name="Save 2 values").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Saved 2 values for Q3 2020/21."
    )
    saved = {v.kpi_id: v for v in KpiValue.objects.filter(quarter=3)}
    assert (saved[rate.pk].actual, saved[rate.pk].entered_by) == (Decimal("68.4"), officer)
    assert (saved[days.pk].actual, saved[days.pk].version) == (9, 2)
    # What the spreadsheet brought is on the return page, as if typed there.
    expect(page.locator(f"#actual-{rate.pk}")).to_have_value("68.4")
