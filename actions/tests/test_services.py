"""Recording action updates: history, rules, permissions and lost-update protection."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from actions.models import Action, ActionStatus, ActionUpdate
from actions.services import ActionConflict, record_update
from plans.models import Role
from tests.factories import make_action, make_council, make_plan, make_user


@pytest.fixture
def setting():
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    action = make_action(
        make_plan(council), title="Refresh the workforce strategy", assigned=[officer]
    )
    return council, officer, action


@pytest.mark.django_db
def test_an_update_becomes_the_actions_current_state_and_is_kept(setting):
    _, officer, action = setting
    record_update(action, officer, ActionStatus.ON_TRACK, 40, "Draft out", action.version)
    record_update(action, officer, ActionStatus.AT_RISK, 50, "Consultation late", action.version)

    action.refresh_from_db()
    assert (action.status, action.percent_complete, action.version) == (
        ActionStatus.AT_RISK,
        50,
        3,
    )
    updates = list(ActionUpdate.objects.filter(action=action))  # newest first
    assert [u.commentary for u in updates] == ["Consultation late", "Draft out"]
    assert updates[0].author == officer


@pytest.mark.django_db
def test_the_audit_trail_records_who_changed_the_action(setting):
    _, officer, action = setting
    record_update(action, officer, ActionStatus.OFF_TRACK, 20, "", action.version)
    latest = action.history.order_by("-history_date").first()
    assert latest.history_user == officer
    assert latest.status == ActionStatus.OFF_TRACK


@pytest.mark.django_db
def test_completing_sets_100_percent_and_needs_a_commentary(setting):
    _, officer, action = setting
    with pytest.raises(ValidationError) as error:
        record_update(action, officer, ActionStatus.COMPLETED, 60, "  ", action.version)
    assert "commentary" in error.value.message_dict
    assert not ActionUpdate.objects.exists()

    record_update(action, officer, ActionStatus.COMPLETED, 60, "Adopted by Cabinet", action.version)
    action.refresh_from_db()
    assert action.percent_complete == 100
    assert ActionUpdate.objects.get().percent_complete == 100


@pytest.mark.django_db
def test_cancelling_needs_a_commentary(setting):
    _, officer, action = setting
    with pytest.raises(ValidationError) as error:
        record_update(action, officer, ActionStatus.CANCELLED, 10, "", action.version)
    assert "cancelled" in error.value.message_dict["commentary"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("percent", [-1, 101, "forty"])
def test_percent_complete_out_of_range_is_refused(setting, percent):
    _, officer, action = setting
    with pytest.raises(ValidationError) as error:
        record_update(action, officer, ActionStatus.ON_TRACK, percent, "", action.version)
    assert "percent_complete" in error.value.message_dict
    assert Action.objects.get(pk=action.pk).version == 1


@pytest.mark.django_db
def test_cabinet_members_and_unassigned_officers_cannot_update(setting):
    council, _, action = setting
    for user in (make_user("cabinet", council, Role.CABINET), make_user("other", council)):
        with pytest.raises(PermissionDenied):
            record_update(action, user, ActionStatus.ON_TRACK, 10, "", action.version)
    assert not ActionUpdate.objects.exists()


@pytest.mark.django_db
def test_council_administrator_may_update_any_action_of_the_council(setting):
    council, _, action = setting
    admin = make_user("admin", council, Role.ADMIN)
    record_update(action, admin, ActionStatus.ON_TRACK, 10, "", action.version)
    assert ActionUpdate.objects.get().author == admin


@pytest.mark.django_db
def test_second_save_from_the_same_version_is_refused_showing_what_changed(setting):
    council, officer, action = setting
    colleague = make_user("colleague", council, Role.ADMIN, first_name="Ann", last_name="Lee")
    started_from = action.version
    record_update(
        Action.objects.get(pk=action.pk),
        colleague,
        ActionStatus.AT_RISK,
        30,
        "Budget cut",
        started_from,
    )

    with pytest.raises(ActionConflict) as conflict:
        record_update(action, officer, ActionStatus.ON_TRACK, 35, "All fine", started_from)

    assert "Ann Lee updated this action" in conflict.value.message
    assert "At risk, 30% complete" in conflict.value.message
    assert [u.commentary for u in conflict.value.updates] == ["Budget cut"]
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (ActionStatus.AT_RISK, 30)
    assert ActionUpdate.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_postgresql_keep_exactly_one(setting):
    """Two connections save from the same version at the same moment: one wins, one is told."""
    assert connection.vendor == "postgresql"
    _, officer, action = setting
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(commentary: str) -> None:
        try:
            mine = Action.objects.get(pk=action.pk)
            barrier.wait(timeout=10)
            record_update(mine, officer, ActionStatus.ON_TRACK, 50, commentary, 1)
            outcomes.append("saved")
        except ActionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f"from thread {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "saved"]
    assert ActionUpdate.objects.count() == 1
    assert Action.objects.get(pk=action.pk).version == 2
