"""Actions as they stood at a date: the state of their latest update dated on or before it.

A past quarter's dashboard and lists show each action's status, stage, RAG and % complete
as at the quarter's end, never a later update. The state is worked out in SQL (correlated
subqueries), so a list annotated here costs one query whatever its length.

The rule: the update with the latest as-at date on or before the date (ties: the one typed
last) gives the state. An action with updates, none of them by then, had no status reported
yet. An action with no update at all keeps the state it was entered with: nothing later was
reported that could leak in.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)

from actions.models import CLOSED_STATUSES, ActionStatus, ActionUpdate

#: The annotations an as-at (or live) queryset carries, named after the fields they stand for.
STATE_ANNOTATIONS = ("state_status", "state_stage", "state_rag", "state_percent")


def _updates_by(as_at: datetime.date) -> QuerySet:
    return ActionUpdate.objects.filter(action=OuterRef("pk"), date__lte=as_at).order_by(
        "-date", "-created_at", "-pk"
    )


def with_state_as_at(queryset: QuerySet, as_at: datetime.date | None) -> QuerySet:
    """``queryset`` of actions annotated with ``state_status``, ``state_stage``, ``state_rag``,
    ``state_percent`` and ``state_update_id`` as at ``as_at``; None: their current state."""
    if as_at is None:
        return queryset.annotate(
            state_status=F("status"),
            state_stage=F("stage"),
            state_rag=F("rag"),
            state_percent=F("percent_complete"),
            state_update_id=Subquery(
                ActionUpdate.objects.filter(action=OuterRef("pk"))
                .order_by("-date", "-created_at", "-pk")
                .values("pk")[:1]
            ),
        )
    updates = _updates_by(as_at)
    reported = Exists(ActionUpdate.objects.filter(action=OuterRef("pk")))
    latest = Exists(updates)

    def field(name: str, stored: str, unreported):
        return Case(
            When(latest, then=Subquery(updates.values(name)[:1])),
            When(reported, then=unreported),
            default=F(stored),
        )

    return queryset.annotate(
        state_status=field("status", "status", Value(ActionStatus.NOT_REPORTED.value)),
        state_stage=field("stage", "stage", Value("")),
        state_rag=field("rag", "rag", Value("")),
        state_percent=field(
            "percent_complete", "percent_complete", Value(None, output_field=IntegerField())
        ),
        state_update_id=Subquery(updates.values("pk")[:1]),
    )


def with_latest_update_as_at(queryset: QuerySet, as_at: datetime.date | None) -> QuerySet:
    """``queryset`` of actions annotated, more cheaply than :func:`with_state_as_at` (three
    correlated subqueries, not thirteen), with what their state as at ``as_at`` follows from:
    ``state_update_id`` and ``state_update_status``, the id and status of their latest update
    on or before it (None without one), and ``reported``, whether they have any update at all.
    :func:`state_as_at` works the state out of these. None: their latest update whatever its
    date (their current state is the one stored)."""
    if as_at is None:
        return queryset.annotate(
            state_update_id=Subquery(
                ActionUpdate.objects.filter(action=OuterRef("pk"))
                .order_by("-date", "-created_at", "-pk")
                .values("pk")[:1]
            ),
            state_update_status=Value(None, output_field=CharField()),
            reported=Value(None, output_field=BooleanField()),
        )
    updates = _updates_by(as_at)
    return queryset.annotate(
        state_update_id=Subquery(updates.values("pk")[:1]),
        state_update_status=Subquery(updates.values("status")[:1]),
        reported=Exists(ActionUpdate.objects.filter(action=OuterRef("pk"))),
    )


def state_as_at(action, update, as_at: datetime.date | None) -> tuple[str, str, str, int | None]:
    """The (status, stage, RAG, % complete) of an action annotated by
    :func:`with_latest_update_as_at` as at ``as_at``, as :func:`with_state_as_at` gives them:
    those of its latest update by then (``update``, that update loaded, or None to read only
    its status: stage, RAG and % complete are then None), else not reported if it was
    updated later, else as stored. None: its stored (current) state."""
    if as_at is None:
        return action.status, action.stage, action.rag, action.percent_complete
    if action.state_update_id is not None:
        if update is None:
            return action.state_update_status, None, None, None
        return update.status, update.stage, update.rag, update.percent_complete
    if action.reported:
        return ActionStatus.NOT_REPORTED.value, "", "", None
    return action.status, action.stage, action.rag, action.percent_complete


def overdue_at(queryset: QuerySet, as_at: datetime.date) -> QuerySet:
    """Of an annotated queryset, the actions overdue at ``as_at`` (due before it, not closed)."""
    return queryset.filter(due_date__lt=as_at).exclude(state_status__in=CLOSED_STATUSES)


def not_overdue_at(queryset: QuerySet, as_at: datetime.date) -> QuerySet:
    return queryset.exclude(pk__in=overdue_at(queryset, as_at).values("pk"))


def is_overdue_at(action, as_at: datetime.date) -> bool:
    """Whether an annotated action was overdue at ``as_at``."""
    return bool(
        action.due_date and action.due_date < as_at and action.state_status not in CLOSED_STATUSES
    )


__all__ = [
    "STATE_ANNOTATIONS",
    "is_overdue_at",
    "not_overdue_at",
    "overdue_at",
    "state_as_at",
    "with_latest_update_as_at",
    "with_state_as_at",
]
