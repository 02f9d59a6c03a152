"""Stage and RAG apart, slipped due dates, as-at dates and unknown state of new actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.models import (
    Action,
    ActionRag,
    ActionStage,
    ActionStatus,
    ActionUpdate,
    status_from_stage_and_rag,
)
from actions.services import record_update
from plans.models import ActionStatusScheme, Role
from tests.factories import make_action, make_council, make_plan, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("stage", "rag", "status"),
    [
        ("complete", "off_track", ActionStatus.COMPLETED),  # a closed stage wins
        ("cancelled", "", ActionStatus.CANCELLED),
        ("in_progress", "at_risk", ActionStatus.AT_RISK),
        ("not_started", "off_track", ActionStatus.OFF_TRACK),  # late to start: attention
        ("not_started", "", ActionStatus.NOT_STARTED),
        ("in_progress", "", ActionStatus.NOT_REPORTED),  # going, but no RAG given
        ("", "on_track", ActionStatus.ON_TRACK),
        ("", "", ActionStatus.NOT_REPORTED),
    ],
)
def test_one_status_stands_for_stage_and_rag(stage, rag, status):
    assert status_from_stage_and_rag(stage, rag) is status


def test_a_new_action_is_not_reported_not_claimed_not_started():
    action = make_action(make_plan(make_council()))
    assert (action.status, action.percent_complete) == (ActionStatus.NOT_REPORTED, None)
    assert (action.stage, action.rag) == ("", "")
    assert action.progress_phrase == "% complete not reported"


def test_a_slipped_due_date_keeps_the_original():
    action = make_action(make_plan(make_council()), due_date=datetime.date(2024, 12, 31))
    assert action.original_due_date is None and not action.due_slipped
    action = Action.objects.get(pk=action.pk)
    action.due_date = datetime.date(2025, 3, 31)
    action.save()
    action = Action.objects.get(pk=action.pk)
    assert action.original_due_date == datetime.date(2024, 12, 31)
    assert action.due_phrase == "31 Mar 2025 (originally 31 Dec 2024)"
    # A second slip keeps the first date; the history has every step.
    action.due_date = datetime.date(2025, 6, 30)
    action.save()
    action = Action.objects.get(pk=action.pk)
    assert action.original_due_date == datetime.date(2024, 12, 31)
    assert action.history.count() == 3
    # Overdue is judged on the current due date.
    assert not action.is_overdue(datetime.date(2025, 4, 1))
    assert action.is_overdue(datetime.date(2025, 7, 1))
    assert list(Action.objects.overdue(datetime.date(2025, 4, 1))) == []


def test_a_first_due_date_is_not_a_slip():
    action = make_action(make_plan(make_council()))
    action = Action.objects.get(pk=action.pk)
    action.due_date = datetime.date(2025, 3, 31)
    action.save()
    action.refresh_from_db()
    assert action.original_due_date is None and action.due_phrase == "31 Mar 2025"


@pytest.fixture
def officer_and_action():
    council = make_council()
    officer = make_user(council=council, role=Role.OFFICER)
    today = timezone.localdate()
    action = make_action(make_plan(council), start_date=today - 200 * DAY, assigned=[officer])
    return officer, action, today


def test_a_back_dated_update_joins_the_history_without_replacing_a_later_one(
    officer_and_action,
):
    officer, action, today = officer_and_action
    record_update(action, officer, ActionStatus.ON_TRACK, 60, "", action.version)
    back = record_update(
        action,
        officer,
        ActionStatus.AT_RISK,
        40,
        "Quarter end",
        action.version,
        as_at=today - 30 * DAY,
    )
    assert back.date == today - 30 * DAY
    action.refresh_from_db()
    # The latest as at (today's) is still the current state.
    assert (action.status, action.percent_complete) == (ActionStatus.ON_TRACK, 60)
    dates = list(ActionUpdate.objects.filter(action=action).values_list("date", flat=True))
    assert dates == [today, today - 30 * DAY]


def test_the_same_as_at_date_goes_by_when_typed(officer_and_action):
    officer, action, today = officer_and_action
    as_at = today - 10 * DAY
    record_update(action, officer, ActionStatus.ON_TRACK, 10, "", action.version, as_at=as_at)
    record_update(action, officer, ActionStatus.OFF_TRACK, 20, "", action.version, as_at=as_at)
    action.refresh_from_db()
    assert action.status == ActionStatus.OFF_TRACK


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "cannot be in the future"), (-201, "cannot be before the action began")],
)
def test_an_as_at_date_out_of_range_is_refused_and_nothing_saved(officer_and_action, days, message):
    officer, action, today = officer_and_action
    version = action.version
    with pytest.raises(ValidationError) as error:
        record_update(
            action, officer, ActionStatus.ON_TRACK, 10, "", version, as_at=today + days * DAY
        )
    assert message in error.value.message_dict["as_at"][0]
    action.refresh_from_db()
    assert action.version == version and not ActionUpdate.objects.exists()


def test_a_stage_and_rag_council_reports_both(officer_and_action):
    officer, action, _ = officer_and_action
    council = action.plan.council
    council.action_status_scheme = ActionStatusScheme.STAGE_AND_RAG
    council.save()
    action = Action.objects.select_related("plan__council").get(pk=action.pk)
    update = record_update(
        action,
        officer,
        "",
        30,
        "Tender out",
        action.version,
        stage=ActionStage.IN_PROGRESS,
        rag=ActionRag.AT_RISK,
    )
    action.refresh_from_db()
    assert (update.stage, update.rag, update.status) == ("in_progress", "at_risk", "at_risk")
    assert (action.stage, action.rag, action.status) == ("in_progress", "at_risk", "at_risk")
    # The stage is needed; the RAG may be unknown.
    with pytest.raises(ValidationError) as error:
        record_update(action, officer, "", 30, "", action.version, rag=ActionRag.ON_TRACK)
    assert "stage" in error.value.message_dict
    record_update(action, officer, "", 35, "", action.version, stage=ActionStage.IN_PROGRESS)
    action.refresh_from_db()
    assert (action.stage, action.rag, action.status) == ("in_progress", "", "not_reported")
