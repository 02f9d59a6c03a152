"""Workflows over actions and their updates. Every multi-row write here is atomic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from actions.models import CLOSED_STATUSES, Action, ActionStatus, ActionUpdate


@transaction.atomic
def sync_current_state(action: Action) -> Action:
    """Make the action's status and % complete those of its latest update (if any)."""
    latest = ActionUpdate.objects.filter(action=action).first()  # Meta ordering: newest first
    if latest is not None and (
        action.status != latest.status or action.percent_complete != latest.percent_complete
    ):
        action.status = latest.status
        action.percent_complete = latest.percent_complete
        action.version += 1
        action.save(update_fields=["status", "percent_complete", "version", "updated_at"])
    return action


@dataclass
class ActionConflict(Exception):
    """Someone else changed the action after the editor loaded it; nothing was saved.

    ``action`` is the action as it is now; ``updates`` are the updates added meanwhile,
    newest first (what the editor needs to see before trying again).
    """

    action: Action
    expected_version: int
    updates: list[ActionUpdate] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        current = f"It is now {self.action.get_status_display()}, {self.action.progress_phrase}."
        if self.updates:
            latest = self.updates[0]
            who = latest.author_display or "someone"
            return (
                f"{who} updated this action on {latest.date:%-d %B %Y} while you were "
                f"editing it. {current} Your changes were not saved: check the update "
                "below, then save again if yours should replace it."
            )
        return (
            f"This action was changed while you were editing it. {current} Your changes "
            "were not saved: check it, then save again if yours should replace it."
        )


def _parse_percent(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {"percent_complete": "Enter % complete as a whole number from 0 to 100, like 40."}
        ) from None
    if not 0 <= number <= 100:
        raise ValidationError({"percent_complete": "% complete must be between 0 and 100."})
    return number


def record_update(
    action: Action,
    user: Any,
    status: str,
    percent_complete: int | str,
    commentary: str,
    expected_version: int,
) -> ActionUpdate:
    """Add a dated update to an action and make it the action's current state.

    Completing an action sets it to 100%; completing or cancelling needs a commentary.
    Raises ``PermissionDenied`` if the user may not edit the action, ``ValidationError``
    (by field) for bad input and ``ActionConflict`` if the action's version is no longer
    ``expected_version`` (someone saved in between); in every case nothing is written.
    """
    if not Action.objects.editable_by(user).filter(pk=action.pk).exists():
        raise PermissionDenied("You cannot update this action.")
    errors: dict[str, str] = {}
    if status not in ActionStatus.values:
        errors["status"] = "Choose a status."
    elif status == ActionStatus.NOT_REPORTED:
        errors["status"] = "Choose the action's status: an update reports one."
    try:
        percent = _parse_percent(percent_complete)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        percent = 0
    commentary = (commentary or "").strip()
    if status == ActionStatus.COMPLETED:
        percent = 100
    if status in CLOSED_STATUSES and not commentary:
        label = "completed" if status == ActionStatus.COMPLETED else "cancelled"
        errors["commentary"] = f"Say why the action is {label}: a commentary is needed."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Claim the version: the UPDATE locks the row, so of two saves that started from the
        # same version exactly one matches; the other finds 0 rows and is refused.
        claimed = Action.objects.filter(pk=action.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise _conflict(action.pk, expected_version)
        current = Action.objects.get(pk=action.pk)
        current.status = status
        current.percent_complete = percent
        current._history_user = user  # audit trail: who, even outside a request
        current.save(update_fields=["status", "percent_complete", "updated_at"])
        update = ActionUpdate(
            action=current,
            author=user,
            status=status,
            percent_complete=percent,
            commentary=commentary,
        )
        update._history_user = user
        update.save()
    action.status, action.percent_complete, action.version = (
        current.status,
        current.percent_complete,
        current.version,
    )
    return update


def _conflict(pk: int, expected_version: int) -> ActionConflict:
    current = Action.objects.get(pk=pk)
    # Each saved update moved the version on by one, so these are the ones added meanwhile.
    missed = max(1, min(current.version - expected_version, 5))
    updates = list(
        ActionUpdate.objects.filter(action=current).select_related("author")[
            :missed
        ]  # newest first (Meta ordering)
    )
    return ActionConflict(action=current, expected_version=expected_version, updates=updates)
