"""The collection window's dates and the reminder due on a day."""

from datetime import date
from decimal import Decimal

import pytest

from core.cycle import CollectionRule, CollectionWindow, Stage, quarter_in_collection
from core.periods import FinancialYear
from core.plausibility import jumps_beyond_history, percent_out_of_bounds, target_changed

Q1 = FinancialYear(2026).quarter(1)  # April-June 2026: ends 30 June


def test_default_rule_gives_four_weeks_then_a_grace_period():
    window = CollectionRule().window(Q1)
    assert window.opens_on == date(2026, 6, 30)
    assert window.deadline == date(2026, 7, 28)
    assert window.reminder_on == date(2026, 7, 23)
    assert window.grace_ends == date(2026, 8, 2)
    assert window.escalates_on == date(2026, 8, 3)


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2026, 6, 29), None),
        (date(2026, 7, 3), Stage.OPENED),  # opened on 3 July
        (date(2026, 7, 22), Stage.OPENED),
        (date(2026, 7, 23), Stage.BEFORE_DEADLINE),
        (date(2026, 7, 28), Stage.DEADLINE),
        (date(2026, 8, 2), Stage.DEADLINE),  # grace period: nothing new
        (date(2026, 8, 3), Stage.OVERDUE),
    ],
)
def test_the_latest_stage_whose_day_has_come_is_due(today, stage):
    window = CollectionRule(opens_after_days=3).window(Q1)
    assert window.due_stage(today) == stage


def test_a_quarters_own_dates_must_be_in_order():
    with pytest.raises(ValueError):
        CollectionWindow(Q1, date(2026, 7, 10), date(2026, 7, 1), date(2026, 7, 20))


def test_a_rule_with_the_deadline_before_the_opening_is_refused():
    assert "deadline_days" in CollectionRule(opens_after_days=10, deadline_days=5).problems()
    assert CollectionRule().problems() == {}


def test_quarter_in_collection_is_the_latest_opened():
    rule = CollectionRule(opens_after_days=7)
    assert quarter_in_collection(rule, date(2026, 7, 6)) == Q1.previous()
    assert quarter_in_collection(rule, date(2026, 7, 7)) == Q1
    assert quarter_in_collection(CollectionRule(), date(2026, 6, 30)) == Q1


def test_plausibility_checks():
    assert percent_out_of_bounds(Decimal("101"), unbounded=False)
    assert not percent_out_of_bounds(Decimal("101"), unbounded=True)
    assert not percent_out_of_bounds(Decimal("100"), unbounded=False)
    history = [Decimal(10), Decimal(12), Decimal(11)]
    assert not jumps_beyond_history(Decimal(17), history)  # 12 + 3 x 2 = 18
    assert jumps_beyond_history(Decimal(19), history)
    assert jumps_beyond_history(Decimal(3), history)
    assert not jumps_beyond_history(Decimal(55), [Decimal(50)] * 3)
    assert jumps_beyond_history(Decimal(70), [Decimal(50)] * 3)
    assert not jumps_beyond_history(Decimal(70), [])
    assert target_changed(Decimal(5), Decimal(6))
    assert not target_changed(Decimal(5), None)
