"""Actions a cabinet must hear about: off track, at risk or overdue (two queries).

A past quarter's report shows them as they stood at its end (see actions.asat)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from actions.asat import STATE_ANNOTATIONS, is_overdue_at, with_state_as_at
from actions.models import CLOSED_STATUSES, Action, ActionStatus, ActionUpdate
from core.periods import Quarter
from plans.models import Council

#: How many actions the dashboard lists; the action list has the rest.
ATTENTION_LIMIT = 20


@dataclass(frozen=True)
class ActionRow:
    """An action needing attention, with its latest update (None if never updated)."""

    action: Action
    status: ActionStatus
    overdue: bool
    latest_update: ActionUpdate | None

    @property
    def overdue_since(self) -> date | None:
        """The due date it missed, for "overdue since ..." (None when not overdue)."""
        return self.action.due_date if self.overdue else None


@dataclass
class AttentionReport:
    """The actions of a quarter's plans that are off track, at risk or overdue.

    ``rows`` lists at most ATTENTION_LIMIT of them, worst first; overdue actions whose status
    was never reported are only counted (``not_reported``): a list of them says nothing.
    """

    rows: list[ActionRow] = field(default_factory=list)
    total: int = 0
    off_track: int = 0
    at_risk: int = 0
    overdue: int = 0
    not_reported: int = 0
    #: The quarter whose end the report is as at (None: the actions as they stand now).
    as_at_quarter: Quarter | None = None

    @property
    def list_quarter(self) -> str:
        """The action list's quarter parameter that shows the same state ("" for now)."""
        return str(self.as_at_quarter) if self.as_at_quarter else ""

    @property
    def more(self) -> int:
        """How many listed-worthy actions the dashboard leaves to the action list."""
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.total or self.not_reported)


def as_at_date(quarter: Quarter, today: date) -> date | None:
    """The date a quarter's actions are shown as at: its end once it is over; None (their
    current state) for the quarter still running."""
    return quarter.end if quarter.end < today else None


def show_state(action: Action) -> Action:
    """Give an annotated action, in memory only, the state it had at the as-at date, so that
    pages and tags that read ``status`` or ``percent_complete`` show that state."""
    for name, stored in zip(
        STATE_ANNOTATIONS, ("status", "stage", "rag", "percent_complete"), strict=True
    ):
        setattr(action, stored, getattr(action, name))
    return action


def attention_report(
    council: Council, quarter: Quarter, today: date, limit: int = ATTENTION_LIMIT
) -> AttentionReport:
    """Off-track, at-risk or overdue actions of the ``council``'s plans whose period covers
    ``quarter``: off track first, then at risk, overdue first within each.

    A quarter that is over is judged at its end, from the updates dated by then (a later
    update changes nothing); the current quarter at ``today``, from the actions' state now.
    """
    year = quarter.year.start_year
    as_at = as_at_date(quarter, today)
    judged_at = as_at or today
    actions = list(
        with_state_as_at(
            Action.objects.filter(
                plan__council=council, plan__start_year__lte=year, plan__end_year__gte=year
            ),
            as_at,
        )
        .filter(
            Q(state_status__in=(ActionStatus.OFF_TRACK, ActionStatus.AT_RISK))
            | Q(due_date__lt=judged_at) & ~Q(state_status__in=CLOSED_STATUSES)
        )
        .select_related("plan__council", "theme")
        .order_by("due_date", "reference", "pk")
    )
    report = AttentionReport(as_at_quarter=quarter if as_at else None)
    rows = []
    for action in actions:
        show_state(action)
        status, overdue = ActionStatus(action.status), is_overdue_at(action, judged_at)
        if status is ActionStatus.NOT_REPORTED:
            report.not_reported += 1
            continue
        report.off_track += status is ActionStatus.OFF_TRACK
        report.at_risk += status is ActionStatus.AT_RISK
        report.overdue += overdue
        rows.append((action, status, overdue))
    severity = {ActionStatus.OFF_TRACK: 0, ActionStatus.AT_RISK: 1}
    rows.sort(key=lambda r: (severity.get(r[1], 2), not r[2]))
    report.total = len(rows)
    shown = rows[:limit]
    # The latest update as at then of each action shown (not of every one counted), in one
    # query.
    update_ids = [action.state_update_id for action, _, _ in shown if action.state_update_id]
    updates = {
        u.pk: u for u in ActionUpdate.objects.filter(pk__in=update_ids).select_related("author")
    }
    report.rows = [
        ActionRow(action, status, overdue, updates.get(action.state_update_id))
        for action, status, overdue in shown
    ]
    return report
