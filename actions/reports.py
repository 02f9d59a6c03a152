"""Actions a cabinet must hear about: off track, at risk or overdue (two queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Prefetch, Subquery

from actions.models import Action, ActionStatus, ActionUpdate
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

    @property
    def more(self) -> int:
        """How many listed-worthy actions the dashboard leaves to the action list."""
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.total or self.not_reported)


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


def attention_report(
    council: Council, quarter: Quarter, today: date, limit: int = ATTENTION_LIMIT
) -> AttentionReport:
    """Off-track, at-risk or overdue actions at ``today`` of the ``council``'s plans whose
    period covers ``quarter``: off track first, then at risk, overdue first within each."""
    year = quarter.year.start_year
    actions = (
        Action.objects.filter(
            plan__council=council, plan__start_year__lte=year, plan__end_year__gte=year
        )
        .off_track_or_overdue(today)
        .select_related("plan__council", "theme")
        .prefetch_related(_latest_updates())
        .order_by("due_date", "reference", "pk")
    )
    report = AttentionReport()
    rows = []
    for action in actions:
        row = ActionRow(
            action=action,
            status=ActionStatus(action.status),
            overdue=action.is_overdue(today),
            latest_update=action.latest_updates[0] if action.latest_updates else None,
        )
        if row.status is ActionStatus.NOT_REPORTED:
            report.not_reported += 1
            continue
        report.off_track += row.status is ActionStatus.OFF_TRACK
        report.at_risk += row.status is ActionStatus.AT_RISK
        report.overdue += row.overdue
        rows.append(row)
    severity = {ActionStatus.OFF_TRACK: 0, ActionStatus.AT_RISK: 1}
    rows.sort(key=lambda r: (severity.get(r.status, 2), not r.overdue))
    report.total = len(rows)
    report.rows = rows[:limit]
    return report
