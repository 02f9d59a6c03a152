"""The quarterly collection cycle: when a quarter's window opens, its deadline, the grace
period after it, and which reminder is due on a day.

Pure date arithmetic: nothing here reads the clock or the database ("today" is passed in).
A council's rule counts days after the quarter's last day; a quarter may set its own dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from core.periods import Quarter

#: DOMAIN.md: "officers have a window (e.g. four weeks) to enter values".
DEFAULT_OPENS_AFTER_DAYS = 0
DEFAULT_DEADLINE_DAYS = 28
DEFAULT_GRACE_DAYS = 5
DEFAULT_REMINDER_LEAD_DAYS = 5


class Stage(StrEnum):
    """A reminder's stage, in the order they fall due."""

    OPENED = "opened"
    BEFORE_DEADLINE = "before_deadline"
    DEADLINE = "deadline"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def escalates(self) -> bool:
        """Overdue reminders go to the performance team and managers, not the officer."""
        return self is Stage.OVERDUE


STAGE_LABELS = {
    Stage.OPENED: "Window opened",
    Stage.BEFORE_DEADLINE: "Deadline coming up",
    Stage.DEADLINE: "Deadline today",
    Stage.OVERDUE: "Overdue (escalated)",
}


@dataclass(frozen=True)
class CollectionRule:
    """A council's rule, in days counted from the quarter's last day."""

    opens_after_days: int = DEFAULT_OPENS_AFTER_DAYS
    deadline_days: int = DEFAULT_DEADLINE_DAYS
    grace_days: int = DEFAULT_GRACE_DAYS
    reminder_lead_days: int = DEFAULT_REMINDER_LEAD_DAYS

    def problems(self) -> dict[str, str]:
        """What is wrong with the rule, by field ({} when it is sound)."""
        errors: dict[str, str] = {}
        for name in ("opens_after_days", "deadline_days", "grace_days", "reminder_lead_days"):
            if getattr(self, name) < 0:
                errors[name] = "Enter a number of days, 0 or more."
        if not errors and self.deadline_days < self.opens_after_days:
            errors["deadline_days"] = "The deadline cannot come before the window opens."
        return errors

    def window(self, quarter: Quarter) -> CollectionWindow:
        end = quarter.end
        day = datetime.timedelta
        deadline = end + day(self.deadline_days)
        return CollectionWindow(
            quarter=quarter,
            opens_on=end + day(self.opens_after_days),
            deadline=deadline,
            grace_ends=deadline + day(self.grace_days),
            reminder_lead_days=self.reminder_lead_days,
        )


@dataclass(frozen=True)
class CollectionWindow:
    """One quarter's collection dates (all inclusive)."""

    quarter: Quarter
    opens_on: datetime.date
    deadline: datetime.date
    grace_ends: datetime.date
    reminder_lead_days: int = DEFAULT_REMINDER_LEAD_DAYS

    def __post_init__(self) -> None:
        if not self.opens_on <= self.deadline <= self.grace_ends:
            raise ValueError("A window opens, then has its deadline, then its grace ends.")

    @property
    def reminder_on(self) -> datetime.date:
        """The "deadline coming up" day (never before the window opens)."""
        return max(self.opens_on, self.deadline - datetime.timedelta(self.reminder_lead_days))

    @property
    def escalates_on(self) -> datetime.date:
        """The first day after the grace period."""
        return self.grace_ends + datetime.timedelta(1)

    def stage_dates(self) -> dict[Stage, datetime.date]:
        return {
            Stage.OPENED: self.opens_on,
            Stage.BEFORE_DEADLINE: self.reminder_on,
            Stage.DEADLINE: self.deadline,
            Stage.OVERDUE: self.escalates_on,
        }

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today

    def state(self, today: datetime.date) -> str:
        """In words, for the status board."""
        if today < self.opens_on:
            return "not open yet"
        if today <= self.deadline:
            return "open"
        if today <= self.grace_ends:
            return "past its deadline (grace period)"
        return "overdue"

    def due_stage(self, today: datetime.date) -> Stage | None:
        """The latest stage whose day has come, or None before the window opens.

        A day missed (the job did not run) is caught up by the next run, with the latest
        stage only: an officer is never sent two reminders on one day.
        """
        due = [stage for stage, on in self.stage_dates().items() if on <= today]
        return due[-1] if due else None


def quarter_in_collection(rule: CollectionRule, today: datetime.date) -> Quarter:
    """The quarter whose collection is under way on ``today``: the latest whose window has
    opened (by the council's rule; a quarter's own dates are applied by the caller)."""
    quarter = Quarter.for_date(today).previous()
    while rule.window(quarter.next()).opens_on <= today:  # opens_after_days may be 0
        quarter = quarter.next()
    while rule.window(quarter).opens_on > today:
        quarter = quarter.previous()
    return quarter
