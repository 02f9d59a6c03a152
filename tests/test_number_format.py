"""One figure reads the same on every page: dashboard, KPI page, lists, My work, action page.

The rule (core.formatting.format_measure): the stored precision without trailing zeros and
with thousands separators, then the unit: "88%", "68.4%", "1,234", "12 days", "£1,200";
money from £1,000 up in whole pounds ("£904,110").
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import ActionStatus
from kpis.models import Unit
from plans.models import Role
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_savings,
    make_theme,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

FIGURES = [
    # code, unit, stored actual, how it reads, ways it must never read
    ("PCT", Unit.PERCENT, "88.0000", "88%", ["88.0%", "88 %", "88.0000"]),
    ("DEC", Unit.PERCENT, "68.4000", "68.4%", ["68.40%", "68.4 %", "68.4000"]),
    ("CNT", Unit.COUNT, "1234.0000", "1,234", ["1234", "1,234.0"]),
    ("DAY", Unit.DAYS, "12.0000", "12 days", ["12.0 days", "12.00"]),
    ("GBP", Unit.POUNDS, "1200.0000", "£1,200", ["£1,200.00", "£1200"]),
]


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    theme = make_theme(plan, number=1, title="Giving value for money")
    officer = make_user("officer", council, Role.OFFICER)
    kpis = {}
    for code, unit, actual, _, _ in FIGURES:
        kpis[code] = make_kpi(council, theme=theme, code=code, name=f"Measure {code}", unit=unit)
        make_value(kpis[code], 2020, 3, actual, actual)
    make_savings(council, title="FIT Plan savings", start_year=2020,
                 target_amount=Decimal("1200000"), achieved_amount=Decimal("100000.40"))
    action = make_action(plan, title="Adopt the digital strategy", assigned=[officer],
                         status=ActionStatus.ON_TRACK, percent_complete=45)
    return {"council": council, "kpis": kpis, "officer": officer, "action": action}


def row(html: str, code: str, marker: str) -> str:
    """The visible text of the first table row holding ``marker`` (a code or a name)."""
    for found in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found))
        if marker in found:
            return text
    raise AssertionError(f"no row with {marker!r} for {code}")


@pytest.mark.parametrize(("code", "unit", "actual", "reads", "never"), FIGURES)
def test_a_measure_reads_the_same_on_dashboard_kpi_page_and_kpi_list(
    client, medway, code, unit, actual, reads, never
):
    client.force_login(medway["officer"])
    kpi = medway["kpis"][code]
    pages = {
        "dashboard": row(client.get("/medway/2020-21/q3/").content.decode(), code,
                         f"<tr><td>{code}</td>"),
        "KPI page": row(client.get(f"/medway/kpis/{kpi.pk}/").content.decode(), code,
                        "Q3 2020/21"),
        "KPI list": row(client.get("/medway/kpis/").content.decode(), code,
                        f"Measure {code}<"),
    }
    for page, text in pages.items():
        # Value and target (stored equal) both read the one way.
        assert len(re.findall(rf"(?<!\S){re.escape(reads)}(?!\S)", text)) == 2, f"{page}: {text!r}"
        for wrong in never:
            assert wrong not in text, f"{page} shows {wrong!r}: {text!r}"


def test_money_reads_in_whole_pounds_on_dashboard_and_savings_list(client, medway):
    client.force_login(medway["officer"])
    dashboard = re.sub(r"\s+", " ", client.get("/medway/2020-21/q3/").content.decode())
    # 1,200,000 × 275/365 of 2020/21 passed by 31 December 2020 = £904,109.59.
    assert "expected £904,110 by now" in dashboard
    assert "£904,109.59" not in dashboard
    assert "£100,000" in dashboard and "£100,000.40" not in dashboard
    assert "8% achieved" in dashboard
    savings = row(client.get("/medway/savings/").content.decode(), "savings", "FIT Plan")
    assert "£1,200,000" in savings and "£100,000 " in savings and "8%" in savings


def test_an_actions_progress_reads_the_same_on_my_work_action_page_and_list(client, medway):
    client.force_login(medway["officer"])
    action = medway["action"]
    pages = {
        "My work": row(client.get(reverse("my-work")).content.decode(), "action",
                       action.title),
        "action page": re.sub(r"<[^>]+>", " ", client.get(action.get_absolute_url())
                              .content.decode()),
        "action list": row(client.get("/medway/actions/").content.decode(), "action",
                           action.title),
    }
    for page, text in pages.items():
        assert re.search(r"(^|\s)45%(\s|$)", text), f"{page}: no 45%"
        assert "45.0%" not in text and "45 %" not in text, page
