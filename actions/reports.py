"""Actions a cabinet must hear about: off track, at risk or overdue (two queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Prefetch, Subquery

from actions.models import Action, ActionStatus, ActionUpdate
from plans.models import Council


@dataclass(frozen=True)
class ActionRow:
    """An action needing attention, with its latest update (None if never updated)."""

    action: Action
    status: ActionStatus
    overdue: bool
    latest_update: ActionUpdate | None


def _latest_updates() -> Prefetch:
    # Only each action's latest update, chosen in SQL (the model's ordering: newest first).
    latest_pk = (
        ActionUpdate.objects.filter(action=OuterRef("action"))
        .order_by("-date", "-created_at", "-pk")
        .values("pk")[:1]
    )
    return Prefetch(
        "updates",
        queryset=ActionUpdate.objects.filter(pk=Subquery(latest_pk)).select_related("author"),
        to_attr="latest_updates",
    )


def attention_report(council: Council, today: date) -> list[ActionRow]:
    """Off-track, at-risk or overdue actions of ``council`` at ``today``, overdue first."""
    actions = (
        Action.objects.filter(plan__council=council)
        .off_track_or_overdue(today)
        .select_related("plan", "theme")
        .prefetch_related(_latest_updates())
        .order_by("due_date", "reference", "pk")
    )
    rows = [
        ActionRow(
            action=action,
            status=ActionStatus(action.status),
            overdue=action.is_overdue(today),
            latest_update=action.latest_updates[0] if action.latest_updates else None,
        )
        for action in actions
    ]
    # Off track before at risk; overdue ones first within each.
    severity = {ActionStatus.OFF_TRACK: 0, ActionStatus.AT_RISK: 1}
    rows.sort(key=lambda r: (severity.get(r.status, 2), not r.overdue))
    return rows
