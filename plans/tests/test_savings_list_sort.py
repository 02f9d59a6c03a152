"""The savings list sorts its Target column by the period's target it shows."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Role, SavingsRecurrence, SavingsTarget
from tests.factories import make_council, make_savings, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def list_url(client):
    council = make_council("Sortshire Council", slug="sortshire")
    # £1m a year over three years: £3m over its period, more than the £2m one-off line,
    # though its stored (yearly) amount is less.
    make_savings(
        council,
        title="Recurring line",
        start_year=2024,
        end_year=2026,
        recurrence=SavingsRecurrence.RECURRING,
        target_amount=Decimal("1000000"),
    )
    make_savings(council, title="One-off line", start_year=2024, target_amount=Decimal("2000000"))
    make_savings(council, title="Small line", start_year=2024, target_amount=Decimal("500000"))
    client.force_login(make_user(council=council, role=Role.CABINET))
    return reverse("savings-list", kwargs={"council": "sortshire"})


def _titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r"(Recurring line|One-off line|Small line)", html[html.index("<tbody") :])


def test_target_sorts_by_the_period_target_shown(client, list_url):
    assert _titles(client, f"{list_url}?sort=target_amount") == [
        "Small line",
        "One-off line",
        "Recurring line",
    ]
    assert _titles(client, f"{list_url}?sort=-target_amount") == [
        "Recurring line",
        "One-off line",
        "Small line",
    ]


def test_the_period_target_annotation_matches_the_rule():
    council = make_council()
    line = make_savings(
        council,
        start_year=2023,
        end_year=2026,
        recurrence=SavingsRecurrence.RECURRING,
        target_amount=Decimal("250000.50"),
    )
    once = make_savings(council, start_year=2023, end_year=2026, target_amount=Decimal("7"))
    rows = {row.pk: row for row in SavingsTarget.objects.for_list()}
    # The same figure as the list shows (core.savings.period_target via progress).
    shown = line.progress(datetime.date(2024, 6, 1)).target
    assert rows[line.pk].period_target == Decimal("1000002.00") == shown
    assert rows[once.pk].period_target == Decimal("7")


def test_sorting_by_target_runs_a_fixed_number_of_queries(client, list_url):
    council = SavingsTarget.objects.first().council
    with CaptureQueriesContext(connection) as few:
        _titles(client, f"{list_url}?sort=target_amount")
    for i in range(20):
        make_savings(council, title=f"More {i}", recurrence=SavingsRecurrence.RECURRING)
    with CaptureQueriesContext(connection) as many:
        _titles(client, f"{list_url}?sort=target_amount")
    assert len(many) == len(few)
