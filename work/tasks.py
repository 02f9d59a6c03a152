"""Background tasks (Django's tasks framework; the database backend's worker runs them)."""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from work.reminders import send_reminders


@task
def send_daily_reminders(date: str | None = None) -> dict[str, int]:
    """Send the reminders due on ``date`` (ISO, default today): enqueued once a day."""
    today = datetime.date.fromisoformat(date) if date else timezone.localdate()
    outcome = send_reminders(today)
    return {"sent": len(outcome.sent), "already_sent": outcome.already_sent}
