"""Workflows over actions and their updates. Every multi-row write here is atomic."""

from __future__ import annotations

from django.db import transaction

from actions.models import Action, ActionUpdate


@transaction.atomic
def sync_current_state(action: Action) -> Action:
    """Make the action's status and % complete those of its latest update (if any)."""
    latest = ActionUpdate.objects.filter(action=action).order_by("-date", "-created_at", "-pk").first()
    if latest is not None and (
        action.status != latest.status or action.percent_complete != latest.percent_complete
    ):
        action.status = latest.status
        action.percent_complete = latest.percent_complete
        action.version += 1
        action.save(update_fields=["status", "percent_complete", "version", "updated_at"])
    return action
