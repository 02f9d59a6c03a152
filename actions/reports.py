"""Actions a cabinet must hear about: off track, at risk or overdue (two queries).

A past quarter's report shows them as they stood at its end (see actions.asat)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from actions.asat import state_as_at, with_latest_update_as_at
from actions.models import CLOSED_STATUSES, Action, ActionStatus, ActionUpdate
from core.periods import Quarter
from plans.models import Council
from plans.querysets import plain_instances

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
    # Every action of the plans, read as plain rows with only what their state as at then
    # follows from worked out in SQL (three correlated subqueries: the full state as
    # with_state_as_at gives it, and filtered on, took some four times the SQL and its
    # compiling); which need attention is worked out here, by the same rule.
    candidates = Action.objects.filter(
        plan__council=council, plan__start_year__lte=year, plan__end_year__gte=year
    ).order_by("due_date", "reference", "pk")
    report = AttentionReport(as_at_quarter=quarter if as_at else None)
    rows = []
    plans_seen = set()
    for action in plain_instances(
        with_latest_update_as_at(candidates, as_at),
        chunk_size=None,
        related=("plan",),
        annotations=("state_update_id", "state_update_status", "reported"),
    ):
        status_text = state_as_at(action, None, as_at)[0]
        status = ActionStatus(status_text)
        overdue = bool(
            action.due_date and action.due_date < judged_at and status_text not in CLOSED_STATUSES
        )
        if status not in (ActionStatus.OFF_TRACK, ActionStatus.AT_RISK) and not overdue:
            continue
        plan = action.plan
        if plan.pk not in plans_seen:  # the plans' council: the one asked about
            plans_seen.add(plan.pk)
            plan._state.fields_cache["council"] = council
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
    # query; it gives the action's stage, RAG and % complete as at then.
    update_ids = [action.state_update_id for action, _, _ in shown if action.state_update_id]
    updates = {
        u.pk: u for u in ActionUpdate.objects.filter(pk__in=update_ids).select_related("author")
    }
    for action, _, _ in shown:
        update = updates.get(action.state_update_id)
        state = state_as_at(action, update, as_at)
        # In memory only: pages and tags that read them show the state as at then.
        action.status, action.stage, action.rag, action.percent_complete = state
    report.rows = [
        ActionRow(action, status, overdue, updates.get(action.state_update_id))
        for action, status, overdue in shown
    ]
    return report
