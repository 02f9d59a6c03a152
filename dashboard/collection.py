"""What a quarter's collection still lacks: per officer, each measure due and each open action,
entered or missing, with the warnings the performance team checks (the status board, the
sign-off page and the reminders all read it).

A measure is due in a quarter by its frequency: a quarterly one that quarter's value, a monthly
one each of its three months, an annual one its year's outturn in Q4; a measure in a plan only
within the plan's years. A figure, or the reason there is none (not published), is entered.
An open action is due an update dated from the quarter's first day to the end of its grace
period (officers report after the quarter ends). "Red without commentary" is the quarterly
report's own rule (``kpis.reports.red_without_commentary``), so the board, the sign-off page
and the dashboard flag the same values. Ten queries, whatever the data size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse

from actions.models import CLOSED_STATUSES, Action, ActionUpdate
from core.cycle import CollectionWindow
from core.periods import MONTH_NAMES, FinancialYear, Quarter, period_sort_key
from core.plausibility import jumps_beyond_history, percent_out_of_bounds, target_changed
from core.units import Unit
from kpis.models import KPI, Frequency, KpiValue
from kpis.reports import red_without_commentary
from kpis.schemes import rag_scheme
from plans.models import Council, Membership, Role

#: How many earlier values of a measure its history (for the jump check) takes in.
HISTORY_LENGTH = 8


@dataclass
class Item:
    """One measure's period, or one action, that an officer owes the quarter."""

    kind: str  # "measure" or "action"
    label: str
    period: str
    entered: bool
    url: str  # where the officer enters it (path only)
    admin_url: str
    red_without_commentary: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return not self.entered

    def as_record(self) -> dict[str, str]:
        """What a reminder records of it."""
        return {"kind": self.kind, "label": self.label, "period": self.period, "url": self.url}


@dataclass
class OfficerStatus:
    """One person's items (``user`` None: measures and actions no member is named for)."""

    user: Any
    name: str
    email: str = ""
    manager: Any = None
    items: list[Item] = field(default_factory=list)

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if item.missing]

    @property
    def entered_count(self) -> int:
        return len(self.items) - len(self.missing)

    @property
    def flagged(self) -> list[Item]:
        return [i for i in self.items if i.red_without_commentary or i.warnings]


@dataclass
class QuarterStatus:
    council: Council
    quarter: Quarter
    window: CollectionWindow
    officers: list[OfficerStatus]
    unassigned: OfficerStatus

    @property
    def rows(self) -> list[OfficerStatus]:
        return [*self.officers, *([self.unassigned] if self.unassigned.items else [])]

    @property
    def item_count(self) -> int:
        return sum(len(o.items) for o in self.rows)

    @property
    def missing_count(self) -> int:
        return sum(len(o.missing) for o in self.rows)

    @property
    def flagged_count(self) -> int:
        return sum(len(o.flagged) for o in self.rows)

    @property
    def missing_items(self) -> list[tuple[str, Item]]:
        """Every item still missing, with whose it is (an item shared by two officers once)."""
        seen: set[int] = set()
        found = []
        for officer in self.rows:
            for item in officer.missing:
                if id(item) not in seen:
                    seen.add(id(item))
                    found.append((officer.name, item))
        return found

    @property
    def red_without_commentary(self) -> list[tuple[str, Item]]:
        """The entered values rated Red with no commentary, with whose they are."""
        return [
            (o.name, item) for o in self.rows for item in o.items if item.red_without_commentary
        ]


def display_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _due_periods(kpi: KPI, quarter: Quarter) -> list[tuple[int, int, int]]:
    """The stored periods (year, quarter, month) the measure is due in ``quarter``."""
    plan = kpi.plan
    year = quarter.year.start_year
    if plan is not None and not plan.start_year <= year <= plan.end_year:
        return []
    if kpi.frequency == Frequency.MONTHLY:
        return [(year, quarter.number, month) for month in quarter.months]
    if kpi.frequency == Frequency.ANNUAL:
        return [(year, 0, 0)] if quarter.number == 4 else []
    return [(year, quarter.number, 0)]


def _period_words(year: int, quarter: int, month: int) -> str:
    if month:
        return f"{MONTH_NAMES[month]} {FinancialYear(year)}"
    if quarter:
        return str(FinancialYear(year).quarter(quarter))
    return f"{FinancialYear(year)} (year)"


def _warnings(kpi: KPI, value: KpiValue, earlier: list[KpiValue]) -> list[str]:
    warnings = []
    if kpi.unit == Unit.PERCENT and percent_out_of_bounds(
        value.actual, unbounded=kpi.percent_unbounded
    ):
        warnings.append("Percentage outside 0–100")
    history = [v.actual for v in earlier[-HISTORY_LENGTH:] if v.actual is not None]
    if jumps_beyond_history(value.actual, history):
        warnings.append("Far outside its history")
    previous = earlier[-1] if earlier else None
    if previous is not None and target_changed(value.target, previous.target):
        warnings.append(f"Target changed from {_plain(previous.target)} to {_plain(value.target)}")
    return warnings


def _plain(number: Decimal | None) -> str:
    return "none" if number is None else f"{number.normalize():f}"


def quarter_status(council: Council, quarter: Quarter) -> QuarterStatus:
    """Everything ``council``'s officers owe ``quarter``, entered or missing."""
    window = council.collection_window(quarter)
    rag_scheme(council)  # loaded once; every value's status reads it from the council
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            council=council, role__in=(Role.OFFICER, Role.ADMIN), user__is_active=True
        ).select_related("user", "manager")
    }
    officers: dict[int, OfficerStatus] = {}
    unassigned = OfficerStatus(None, "No officer named")

    def officer(user_id: int | None) -> OfficerStatus:
        membership = memberships.get(user_id)
        if membership is None:
            return unassigned
        if user_id not in officers:
            user = membership.user
            manager = membership.manager if membership.manager_id else None
            if manager is not None and not manager.is_active:
                manager = None
            officers[user_id] = OfficerStatus(user, display_name(user), user.email, manager)
        return officers[user_id]

    kpis = list(
        KPI.objects.filter(council=council)
        .select_related("plan", "theme")
        .order_by("theme__number", "order", "code", "name", "pk")
    )
    by_pk = {kpi.pk: kpi for kpi in kpis}
    for kpi in kpis:
        kpi.council = council
    first_year = quarter.year.start_year - 2
    values = (
        KpiValue.objects.with_valid_period()
        .filter(kpi__council=council, financial_year__range=(first_year, quarter.year.start_year))
        .order_by()
    )
    series: dict[int, list[KpiValue]] = defaultdict(list)
    for value in values:
        value.kpi = by_pk[value.kpi_id]
        series[value.kpi_id].append(value)
    for rows in series.values():
        rows.sort(key=lambda v: period_sort_key(v.financial_year, v.quarter, v.month))
    # Red and unexplained, judged as the quarter's report judges it (its effective targets,
    # the council's scheme, the value standing for the quarter).
    red_values = {
        row.value.pk for row in red_without_commentary(council, quarter) if row.value is not None
    }
    return_url = reverse("kpi-return", kwargs={"council": council.slug, **quarter.url_kwargs})
    for kpi in kpis:
        for period in _due_periods(kpi, quarter):
            rows = series.get(kpi.pk, [])
            index = next(
                (i for i, v in enumerate(rows) if (v.financial_year, v.quarter, v.month) == period),
                None,
            )
            value = rows[index] if index is not None else None
            entered = value is not None and (value.actual is not None or bool(value.not_published))
            # Quarterly measures are entered in the quarterly return; others on their page.
            url = return_url if kpi.frequency == Frequency.QUARTERLY else kpi.get_absolute_url()
            item = Item(
                kind="measure",
                label=str(kpi),
                period=_period_words(*period),
                entered=entered,
                url=url,
                admin_url=reverse("admin:kpis_kpi_change", args=[kpi.pk]),
            )
            if entered:
                earlier = [
                    v for v in rows[:index] if v.month == 0 or kpi.frequency == Frequency.MONTHLY
                ]
                item.red_without_commentary = value.pk in red_values
                item.warnings = _warnings(kpi, value, earlier)
            officer(kpi.owner_user_id).items.append(item)

    actions = (
        Action.objects.filter(plan__council=council)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(start_date__gt=quarter.end)
        .exclude(plan__end_year__lt=quarter.year.start_year)
        .select_related("theme")
        .prefetch_related(Prefetch("assigned_users", queryset=get_user_model().objects.only("pk")))
        .order_by("plan__title", "theme__number", "order", "pk")
    )
    updated = set(
        ActionUpdate.objects.filter(
            action__plan__council=council, date__range=(quarter.start, window.grace_ends)
        ).values_list("action_id", flat=True)
    )
    for action in actions:
        item = Item(
            kind="action",
            label=str(action),
            period=f"update for {quarter}",
            entered=action.pk in updated,
            url=reverse("action-detail", kwargs={"pk": action.pk}),
            admin_url=reverse("admin:actions_action_change", args=[action.pk]),
        )
        people: list[OfficerStatus] = []
        for user in action.assigned_users.all():
            person = officer(user.pk)
            if person is not unassigned and all(p is not person for p in people):
                people.append(person)
        for person in people or [unassigned]:
            person.items.append(item)

    ordered = sorted(officers.values(), key=lambda o: (o.name.lower(), o.user.pk))
    return QuarterStatus(council, quarter, window, ordered, unassigned)


def officers_missing(status: QuarterStatus) -> list[OfficerStatus]:
    """The named officers with something still missing, who can be emailed."""
    return [o for o in status.officers if o.missing and o.email]


def default_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
