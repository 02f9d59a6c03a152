"""Savings progress for the dashboard, at an injected date."""

import datetime
from decimal import Decimal

import pytest

from core.periods import FinancialYear
from plans.reports import savings_report
from tests.factories import make_council, make_savings

pytestmark = pytest.mark.django_db


def test_savings_progress_and_year_filter(django_assert_num_queries):
    council = make_council()
    make_savings(
        council,
        title="FIT Plan",
        start_year=2020,
        target_amount=Decimal("5000000"),
        identified_amount=Decimal("4000000"),
        achieved_amount=Decimal("1000000"),
    )
    make_savings(council, title="Older", start_year=2018)
    with django_assert_num_queries(1):
        rows = savings_report(council, datetime.date(2020, 12, 31), FinancialYear(2020))
    assert [r.target.title for r in rows] == ["FIT Plan"]
    progress = rows[0].progress
    assert (progress.percent_identified, progress.percent_achieved) == (80, 20)
    # Three quarters of the year gone, a fifth achieved: at risk.
    assert progress.at_risk
    assert len(savings_report(council, datetime.date(2020, 12, 31))) == 2


def test_amounts_not_reported_are_not_claimed_as_nothing():
    council = make_council()
    make_savings(council, identified_amount=None, achieved_amount=None)
    progress = savings_report(council, datetime.date(2021, 3, 1))[0].progress
    assert progress.achieved is None and progress.percent_identified is None
    # Eleven months into the year, but with nothing reported the line is not called at risk.
    assert not progress.at_risk
