"""Model rules for councils, plans and savings targets."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_plan_period_reads_as_financial_years():
    council = f.make_council()
    plan = f.make_plan(council, title="Improvement Plan", start_year=2012, end_year=2014)
    assert plan.period == "2012/13 to 2014/15"
    assert f.make_plan(council, start_year=2024).period == "2024/25"
    assert str(plan) == f"Improvement Plan ({council.short_name})"


def test_plan_cannot_end_before_it_starts():
    plan = f.make_plan(f.make_council(), start_year=2024, end_year=2024)
    plan.end_year = 2023
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "end_year" in exc.value.message_dict


def test_negative_savings_amounts_are_rejected():
    savings = f.make_savings(f.make_council(), target_amount=Decimal("5000000"))
    savings.achieved_amount = Decimal("-1")
    savings.identified_amount = Decimal("-2")
    with pytest.raises(ValidationError) as exc:
        savings.full_clean()
    assert set(exc.value.message_dict) >= {"achieved_amount", "identified_amount"}
    assert exc.value.message_dict["achieved_amount"] == ["An amount cannot be negative."]


def test_savings_cannot_hang_from_another_councils_plan():
    medway, maidstone = f.make_council(), f.make_council()
    savings = f.make_savings(medway)
    savings.plan = f.make_plan(maidstone)
    with pytest.raises(ValidationError) as exc:
        savings.full_clean()
    assert exc.value.message_dict["plan"] == ["This plan belongs to another council."]


def test_savings_over_three_years_list_their_years():
    savings = f.make_savings(f.make_council(), start_year=2012, end_year=2014)
    assert savings.period == "2012/13 to 2014/15"
    assert [str(y) for y in savings.years] == ["2012/13", "2013/14", "2014/15"]
