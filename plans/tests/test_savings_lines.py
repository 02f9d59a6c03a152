"""Savings lines as councils report them: a % of a budget, recurring, extra income, and the
scheme's own status beside the computed progress, as a cabinet member sees them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import (
    Role,
    SavingsBasis,
    SavingsKind,
    SavingsRecurrence,
    SavingsStatus,
    SavingsTarget,
)
from plans.reports import savings_report
from tests.factories import make_council, make_plan, make_savings, make_user

pytestmark = pytest.mark.django_db

#: The end of Q3 2024/25: what a past quarter's dashboard is judged at.
Q3_END = datetime.date(2024, 12, 31)


@pytest.fixture
def northshire():
    """A made-up council with one line of each kind (default at-risk rule: 5% short)."""
    council = make_council("Northshire Council", slug="northshire", short_name="Northshire")
    make_plan(council, title="Budget Plan 2024/25", start_year=2024)
    # 2% of a £50m budget = £1m; by 31 Dec 75.3% of the year (£753,425) is expected.
    # £740,000 is 1.8% short of that: not at risk under a 5% rule.
    make_savings(
        council,
        title="Procurement review",
        start_year=2024,
        target_basis=SavingsBasis.PERCENT_OF_BUDGET,
        target_percent=Decimal("2"),
        budget_amount=Decimal("50000000"),
        target_amount=None,
        achieved_amount=Decimal("740000"),
    )
    # £100,000 a year over three years = £300,000; by 31 Dec 2024 £175,000 expected.
    make_savings(
        council,
        title="Shared back office",
        start_year=2023,
        end_year=2025,
        recurrence=SavingsRecurrence.RECURRING,
        target_amount=Decimal("100000"),
        achieved_amount=Decimal("100000"),
    )
    make_savings(
        council,
        title="Car parking charges",
        start_year=2024,
        kind=SavingsKind.INCOME,
        target_amount=Decimal("50000"),
        reported_status=SavingsStatus.SLIPPING,
    )
    make_savings(
        council,
        title="Library hours",
        start_year=2024,
        target_amount=Decimal("20000"),
        achieved_amount=Decimal("20000"),
        reported_status=SavingsStatus.DELIVERED,
    )
    return council


def rows_by_title(council):
    return {row.target.title: row for row in savings_report(council, Q3_END)}


def test_a_percentage_target_is_stored_as_the_pounds_it_means(northshire):
    line = SavingsTarget.objects.get(title="Procurement review")
    assert line.target_amount == Decimal("1000000.00")
    assert line.target_note == "2% of a £50,000,000 budget"
    # The budget changes: so do the pounds.
    line.budget_amount = Decimal("60000000")
    line.save()
    line.refresh_from_db()
    assert line.target_amount == Decimal("1200000.00")


def test_a_percentage_target_needs_its_budget():
    council = make_council()
    line = SavingsTarget(
        council=council,
        title="Half-told",
        start_year=2024,
        end_year=2024,
        target_basis=SavingsBasis.PERCENT_OF_BUDGET,
        target_percent=Decimal("3"),
    )
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "budget_amount" in error.value.message_dict


def test_a_pounds_target_needs_its_amount():
    line = SavingsTarget(council=make_council(), title="No sum", start_year=2024, end_year=2024)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "target_amount" in error.value.message_dict


def test_progress_follows_the_councils_rule(northshire):
    rows = rows_by_title(northshire)
    # 1.8% short of the amount expected by now: not at risk under the default 5% rule.
    assert not rows["Procurement review"].progress.at_risk
    # Recurring: judged against £300,000 over three years, £175,000 expected by now.
    recurring = rows["Shared back office"].progress
    assert recurring.target == Decimal("300000") and recurring.at_risk
    # The council's own rule: any shortfall is at risk.
    northshire.savings_at_risk_shortfall = Decimal("0")
    northshire.save()
    assert rows_by_title(northshire)["Procurement review"].progress.at_risk


def test_what_a_cabinet_member_sees_on_the_dashboard(client, northshire):
    client.force_login(make_user("leader", northshire, Role.CABINET))
    url = reverse("dashboard", kwargs={"council": "northshire", "year": "2024-25", "quarter": "q3"})
    html = client.get(url).content.decode()
    savings = html[html.index('id="savings"') :]
    savings = savings[: savings.index('id="actions"')]
    assert "£1,000,000" in savings and "2% of a £50,000,000 budget" in savings
    assert "£300,000" in savings and "£100,000 a year over 2023/24 to 2025/26" in savings
    assert "Recurring each year" in savings
    assert "Car parking charges" in savings and "Extra income" in savings
    # The council's word beside the computed progress, never instead of it.
    assert "Reported:" in savings and "Slipping" in savings and "Delivered" in savings
    procurement = savings[savings.index("Procurement review") :]
    procurement = procurement[: procurement.index("</tr>")]
    assert "At risk" not in procurement and "On track" in procurement
    shared = savings[savings.index("Shared back office") :]
    shared = shared[: shared.index("</tr>")]
    assert "At risk" in shared and "expected £175" in shared


def test_what_a_cabinet_member_sees_on_the_savings_list(client, northshire):
    client.force_login(make_user("member", northshire, Role.CABINET))
    list_url = reverse("savings-list", kwargs={"council": "northshire"})
    html = client.get(list_url).content.decode()
    for text in ("Target set as", "Status reported", "Extra income", "Slipping", "£300,000"):
        assert text in html
    csv = client.get(list_url + "?_export=csv").getvalue().decode("utf-8-sig")
    header, *lines = csv.splitlines()
    assert header.startswith("Title,Plan,Period,Type,Target,Target set as")
    shared = next(line for line in lines if line.startswith("Shared back office"))
    assert "300000" in shared and "Recurring each year" in shared
