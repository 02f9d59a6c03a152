"""A cabinet member uses the list pages in Chromium: sorts, filters, downloads the CSV.

Every list page is checked with axe; screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
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
    return make_user("portfolio", council=medway, role=Role.CABINET)


def column_texts(page: Page, header: str) -> list[str]:
    """The cells of one column, by its header (each cell carries it as data-label)."""
    return [
        text.strip()
        for text in page.locator("table.govuk-table tbody tr").evaluate_all(
            "(rows, header) => rows.map((r) => {"
            " const cell = r.querySelector(`[data-label='${header}']`);"
            " return cell ? cell.innerText : ''; })",
            header,
        )
    ]


def test_cabinet_member_sorts_filters_and_downloads_kpis(
    page: Page, live_server, login, assert_accessible, screenshot, medway_cabinet_member
):
    login("portfolio")
    page.goto(f"{live_server.url}/medway/kpis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("KPIs")
    table = page.get_by_role("table", name="KPIs, Medway Council, Q3 2020/21")
    expect(table).to_be_visible()
    expect(table).to_contain_text("68.4%")
    assert_accessible("KPI list")
    screenshot("kpi-list")

    # Sort by measure, descending on the second click; the header says how it is sorted.
    header = page.get_by_role("columnheader", name=re.compile("^Measure"))
    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = column_texts(page, "Measure")
    assert len(names) > 5 and names == sorted(names)
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert column_texts(page, "Measure") == sorted(names, reverse=True)

    # Filter to the Red measures; the sort is kept.
    page.get_by_label("RAG status").select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"rag=red"))
    rags = column_texts(page, "RAG status")
    assert rags and set(rags) == {"Red"}
    red_names = column_texts(page, "Measure")
    assert red_names == sorted(red_names, reverse=True)
    expect(page.locator("table.govuk-table")).to_contain_text("68.4%")
    assert_accessible("KPI list filtered to Red")
    screenshot("kpi-list-red")

    # The CSV holds exactly the filtered rows.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download CSV")).click()
    download = download_info.value
    assert re.fullmatch(r"medway-kpis-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0][:2] == ["Code", "Measure"]
    assert [row[1] for row in rows[1:]] == red_names
    assert {row[7] for row in rows[1:]} == {"Red"}

    # A bad filter value in the address gives a message, not an error page.
    page.goto(f"{live_server.url}/medway/kpis/?quarter=9")
    expect(page.get_by_role("alert")).to_contain_text("Quarter: Select a valid choice")
    assert_accessible("KPI list with a filter error")


@pytest.mark.parametrize(
    ("link", "heading", "expected"),
    [
        ("Actions", "Actions", None),
        ("Risks", "Strategic risks", "L – very high, I – catastrophic"),
        ("Savings", "Savings targets", "£"),
    ],
)
def test_every_list_page_is_accessible(
    page: Page,
    live_server,
    login,
    assert_accessible,
    screenshot,
    medway_cabinet_member,
    link,
    heading,
    expected,
):
    login("portfolio")
    page.goto(f"{live_server.url}/medway/kpis/")
    page.get_by_role("navigation", name=re.compile("pages")).get_by_role(
        "link", name=link, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    table = page.locator("table.govuk-table")
    expect(table).to_be_visible()
    if expected:
        expect(table).to_contain_text(expected)
    assert_accessible(f"{heading} list")
    screenshot(f"{link.lower()}-list")
