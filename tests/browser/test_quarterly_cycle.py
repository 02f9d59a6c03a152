"""The quarterly cycle end to end on Medway's seed, in Chromium (issue 12's acceptance test).

The window for Q3 2020/21 opens and an officer gets the reminder; following its link they
enter values and commentary; the performance team sees the status board, fixes a flagged
value and signs the quarter off; the cabinet member reads the published dashboard and
downloads the pack; a correction afterwards is shown as a correction, and the pack of the
published quarter is unchanged. Screenshots of the status board and the sign-off page at
1280 and 390 px go to artifacts/screenshots/.
"""

from __future__ import annotations

import datetime
import re
import subprocess

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from core.periods import Quarter
from kpis.models import KPI, KpiValue
from kpis.services import ReturnEntry, submit_return
from plans.models import Council, QuarterSummary, Role
from tests.browser.test_layout import sideways_overflow
from tests.factories import PASSWORD, make_user
from work.reminders import send_reminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = Quarter.parse("Q3 2020/21")
STAGE_2 = "Stage 2 corporate complaints"
ADULTS = "Adult social care complaints"
WHY = "Staff dealt with complex complaints while services changed in lockdown."
SUMMARY = "Performance held up through the second lockdown: most measures met target."


def sign_in(page: Page, username: str) -> None:
    """On the sign-in page the site has sent us to."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def download_pack(page: Page, tmp_path, name: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the cabinet pack (PDF)").click()
    path = tmp_path / name
    download.value.save_as(path)
    return pdf_text(path)


def test_the_quarterly_cycle_on_medway(
    page: Page, live_server, login, assert_accessible, screenshot, settings, tmp_path
):
    call_command("load_seed", verbosity=0)
    settings.SITE_URL = live_server.url  # the reminder's links lead to this server
    medway = Council.objects.get(slug="medway")
    olu = make_user(
        "olu",
        medway,
        Role.OFFICER,
        email="olu.ade@medway.example",
        first_name="Olu",
        last_name="Ade",
    )
    make_user("perf", medway, Role.ADMIN, email="perf@medway.example")
    make_user("leader", medway, Role.CABINET)
    # Olu owns two of the seed's complaints measures; their Q3 figures are not in yet (the
    # performance team has set the targets).
    owned = list(KPI.objects.filter(council=medway, name__regex=f"^({STAGE_2}|{ADULTS})"))
    assert len(owned) == 2
    KPI.objects.filter(pk__in=[k.pk for k in owned]).update(owner_user=olu)
    stage2, adults = sorted(owned, key=lambda k: not k.name.startswith(STAGE_2))
    KpiValue.objects.filter(kpi__in=owned, financial_year=2020, quarter=3).update(
        actual=None, commentary=""
    )
    QuarterSummary.objects.create(council=medway, financial_year=2020, quarter=3, text=SUMMARY)

    # 1. The window opens (31 December 2020): the daily run sends Olu the digest.
    outcome = send_reminders(datetime.date(2021, 1, 4))
    assert [d.recipient for d in outcome.sent] == [olu]
    (reminder,) = [m for m in mail.outbox if m.to == ["olu.ade@medway.example"]]
    assert "Q3 2020/21" in reminder.subject
    link = re.search(rf"{STAGE_2}.*?: (\S+)", reminder.body).group(1)
    assert link == f"{live_server.url}/medway/2020-21/q3/return/"
    assert ADULTS in reminder.body

    # 2. Olu follows the link, signs in and enters both values with commentary, one mistyped.
    page.goto(link)
    sign_in(page, "olu")
    expect(page).to_have_url(link)
    page.locator(f"#actual-{stage2.pk}").fill("6.84")
    page.locator(f"#commentary-{stage2.pk}").fill(WHY)
    page.locator(f"#actual-{adults.pk}").fill("82.8")
    page.locator(f"#commentary-{adults.pk}").fill("Responses within 20 working days improved.")
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_text(re.compile("Saved 2 values for Q3 2020/21"))).to_be_visible()

    # 3. The performance team opens the board from the quarter's dashboard.
    page.context.clear_cookies()
    login("perf")
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    page.get_by_role("link", name="Collection status board for Q3 2020/21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collection status: Q3 2020/21")
    olus = page.locator(
        "section.app-officer-status", has=page.get_by_role("heading", name="Olu Ade")
    )
    expect(olus).to_contain_text("2 of 2 entered")
    flagged = olus.locator("tr", has_text=STAGE_2)
    expect(flagged).to_contain_text("Far outside its history")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways_overflow(page) == ""
        screenshot(f"cycle-status-board-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    # ... fixes the mistyped value (68.4, as the officer meant) from the board ...
    flagged.get_by_role("link", name=re.compile("^Enter")).click()
    page.locator(f"#actual-{stage2.pk}").fill("68.4")
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_text(re.compile("Saved 1 value for Q3 2020/21"))).to_be_visible()
    page.goto(f"{live_server.url}/medway/2020-21/q3/status/")
    expect(olus.locator("tr", has_text=STAGE_2)).not_to_contain_text("Far outside its history")

    # ... and signs the quarter off, warned of what is still missing.
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    page.get_by_role("button", name="Sign off and publish Q3 2020/21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign off Q3 2020/21 and publish it to Cabinet"
    )
    expect(page.locator("#still-missing")).to_contain_text("still missing")
    expect(page.locator("#still-missing")).not_to_contain_text("Red value")
    assert_accessible("sign-off page with its warnings")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways_overflow(page) == ""
        screenshot(f"cycle-sign-off-{width}")
    page.get_by_role("button", name="Sign off and publish Q3 2020/21").click()
    expect(page.get_by_text("Q3 2020/21 is signed off and published to Cabinet")).to_be_visible()

    # 4. The cabinet member reads the published quarter and downloads the pack.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login("leader")
    page.goto(f"{live_server.url}/medway/2020-21/q3/")
    expect(page.get_by_text(re.compile("As reported to Cabinet on"))).to_be_visible()
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    row = page.locator("table.app-summary-table tr", has_text=STAGE_2).first
    expect(row).to_contain_text("68.4%")
    expect(page.get_by_role("link", name=re.compile("status board"))).to_have_count(0)
    before = download_pack(page, tmp_path, "before.pdf")
    flat = " ".join(before.split())
    assert "Performance report to Cabinet" in flat and "Overall summary" in flat
    assert SUMMARY in flat and "68.4%" in flat and WHY in flat

    # 5. A correction afterwards: Olu's later figure is shown beside the published one, and
    # the published quarter's pack is unchanged.
    value = KpiValue.objects.get(kpi=stage2, financial_year=2020, quarter=3, month=0)
    entry = ReturnEntry(kpi_id=stage2.pk, actual="70.1", commentary=WHY, version=value.version)
    submit_return(olu, medway, Q3, [entry])
    page.reload()
    expect(page.locator("#corrections")).to_contain_text(
        "Corrected after publishing: 70.1% (was 68.4%), by Olu Ade"
    )
    expect(row).to_contain_text("68.4%")
    after = download_pack(page, tmp_path, "after.pdf")
    assert after == before
    assert "70.1" not in after
