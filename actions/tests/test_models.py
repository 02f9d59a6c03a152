"""Model rules for actions and their updates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ActionStatus, ActionUpdate
from actions.services import sync_current_state
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2018, 6, 1)


@pytest.fixture
def plan():
    return f.make_plan(f.make_council(), start_year=2018)


def test_due_date_before_start_is_rejected(plan):
    action = Action(
        plan=plan,
        title="Skills plan",
        start_date=datetime.date(2018, 4, 1),
        due_date=datetime.date(2018, 3, 31),
    )
    with pytest.raises(ValidationError) as exc:
        action.full_clean()
    assert exc.value.message_dict["due_date"] == ["The due date cannot be before the start date."]


@pytest.mark.parametrize("percent", [101, 250])
def test_percent_complete_over_100_is_rejected(plan, percent):
    action = Action(plan=plan, title="Road map", percent_complete=percent)
    with pytest.raises(ValidationError) as exc:
        action.full_clean()
    assert "percent_complete" in exc.value.message_dict


def test_theme_must_belong_to_the_actions_plan(plan):
    other_theme = f.make_theme(f.make_plan(plan.council))
    action = Action(plan=plan, title="Road map", theme=other_theme)
    with pytest.raises(ValidationError) as exc:
        action.full_clean()
    assert "theme" in exc.value.message_dict


def test_overdue_means_due_date_passed_and_not_completed(plan):
    late = f.make_action(plan, due_date=datetime.date(2018, 4, 30))
    done = f.make_action(plan, due_date=datetime.date(2018, 4, 30), status=ActionStatus.COMPLETED)
    future = f.make_action(plan, due_date=datetime.date(2018, 7, 31))
    assert late.is_overdue(TODAY) and not done.is_overdue(TODAY) and not future.is_overdue(TODAY)
    assert list(Action.objects.overdue(TODAY)) == [late]
    red = f.make_action(plan, status=ActionStatus.OFF_TRACK)
    assert set(Action.objects.off_track_or_overdue(TODAY)) == {late, red}


def test_completed_update_needs_100_percent_and_a_commentary(plan):
    action = f.make_action(plan)
    update = ActionUpdate(action=action, status=ActionStatus.COMPLETED, percent_complete=90)
    with pytest.raises(ValidationError) as exc:
        update.full_clean()
    assert exc.value.message_dict["percent_complete"] == ["A completed action is 100% complete."]
    assert exc.value.message_dict["commentary"] == ["Say why the action is completed or cancelled."]


def test_latest_update_is_the_current_state_and_history_is_kept(plan):
    action = f.make_action(plan)
    f.make_update(
        action, date=datetime.date(2018, 3, 1), status=ActionStatus.ON_TRACK, percent_complete=20
    )
    f.make_update(
        action, date=datetime.date(2018, 5, 1), status=ActionStatus.AT_RISK, percent_complete=35
    )
    sync_current_state(action)
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (ActionStatus.AT_RISK, 35)
    assert [u.percent_complete for u in action.updates.all()] == [35, 20]


def test_status_carries_its_colour():
    assert ActionStatus.OFF_TRACK.colour == "red"
    assert ActionStatus.AT_RISK.colour == "amber"
    assert ActionStatus.COMPLETED.is_closed and not ActionStatus.ON_TRACK.is_closed
