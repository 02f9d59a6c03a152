"""Workflows over actions and their updates. Every multi-row write here is atomic."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionRag,
    ActionStage,
    ActionStatus,
    ActionUpdate,
    status_from_stage_and_rag,
)
from core.periods import is_plausible_date

#: What an action takes over from its latest update.
STATE_FIELDS = ("status", "stage", "rag", "percent_complete")


def latest_update(action: Action) -> ActionUpdate | None:
    """The update with the latest as-at date (ties: the one typed last), or None."""
    return ActionUpdate.objects.filter(action=action).first()  # Meta ordering: newest first


@transaction.atomic
def sync_current_state(action: Action) -> Action:
    """Make the action's status, stage, RAG and % complete those of its latest update."""
    latest = latest_update(action)
    if latest is not None and any(
        getattr(action, name) != getattr(latest, name) for name in STATE_FIELDS
    ):
        for name in STATE_FIELDS:
            setattr(action, name, getattr(latest, name))
        action.version += 1
        action.save(update_fields=[*STATE_FIELDS, "version", "updated_at"])
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


def _check_as_at(action: Action, as_at: Any, today: datetime.date) -> datetime.date:
    if not isinstance(as_at, datetime.date) or isinstance(as_at, datetime.datetime):
        raise ValidationError({"as_at": "Enter the date this update is as at, like 31 3 2025."})
    if as_at > today:
        raise ValidationError(
            {"as_at": "The as-at date cannot be in the future: enter today or an earlier date."}
        )
    if action.start_date and as_at < action.start_date:
        raise ValidationError(
            {
                "as_at": "The as-at date cannot be before the action began "
                f"({action.start_date:%-d %B %Y})."
            }
        )
    if not is_plausible_date(as_at):
        raise ValidationError({"as_at": "Enter a real date, like 31 3 2025."})
    return as_at


def record_update(
    action: Action,
    user: Any,
    status: str,
    percent_complete: int | str,
    commentary: str,
    expected_version: int,
    *,
    stage: str = "",
    rag: str = "",
    as_at: datetime.date | None = None,
) -> ActionUpdate:
    """Add an update to an action, as at ``as_at`` (default today), and make the latest
    update (by as-at date, then by when typed) the action's current state.

    Where the action's council reports stage and RAG apart, ``stage`` (needed) and ``rag``
    (optional) are reported and the one status follows from them; otherwise ``status``.
    Completing an action sets it to 100%; completing or cancelling needs a commentary. An
    update may be back-dated, but not to the future nor to before the action began.
    Raises ``PermissionDenied`` if the user may not edit the action, ``ValidationError``
    (by field) for bad input and ``ActionConflict`` if the action's version is no longer
    ``expected_version`` (someone saved in between); in every case nothing is written.
    """
    if not Action.objects.editable_by(user).filter(pk=action.pk).exists():
        raise PermissionDenied("You cannot update this action.")
    errors: dict[str, str] = {}
    stage, rag = stage or "", rag or ""
    if action.reports_stage_and_rag:
        if stage not in ActionStage.values:
            errors["stage"] = "Choose the action's stage."
        if rag and rag not in ActionRag.values:
            errors["rag"] = "Choose a RAG status from the list."
        if not errors:
            status = status_from_stage_and_rag(stage, rag)
    else:
        stage = rag = ""
        if status not in ActionStatus.values:
            errors["status"] = "Choose a status."
        elif status == ActionStatus.NOT_REPORTED:
            errors["status"] = "Choose the action's status: an update reports one."
    try:
        as_at = _check_as_at(
            action, timezone.localdate() if as_at is None else as_at, timezone.localdate()
        )
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
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
        update = ActionUpdate(
            action_id=action.pk,
            author=user,
            date=as_at,
            status=status,
            stage=stage,
            rag=rag,
            percent_complete=percent,
            commentary=commentary,
        )
        update._history_user = user
        update.save()
        # A back-dated update joins the history; the current state is the latest as at.
        current = Action.objects.get(pk=action.pk)
        latest = latest_update(current)
        for name in STATE_FIELDS:
            setattr(current, name, getattr(latest, name))
        current._history_user = user  # audit trail: who, even outside a request
        current.save(update_fields=[*STATE_FIELDS, "updated_at"])
    for name in (*STATE_FIELDS, "version"):
        setattr(action, name, getattr(current, name))
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
