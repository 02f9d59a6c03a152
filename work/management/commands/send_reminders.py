"""Send the collection reminders due today (or on --date): the daily task's logic, by hand."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from work.reminders import send_reminders


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be a date like 2026-07-28, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Email the quarter's collection reminders due today: digests to officers with "
        "something missing, escalations after the grace period. Never sends one twice. "
        "--enqueue hands the run to the task worker instead (for a daily cron or timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be sent what; send nothing."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue the daily task for the worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, date=None, dry_run=False, enqueue=False, **options):
        today = iso_date(date) if date else timezone.localdate()
        if enqueue:
            if dry_run:
                raise CommandError("--enqueue and --dry-run cannot be used together.")
            from work.tasks import send_daily_reminders

            result = send_daily_reminders.enqueue(date=today.isoformat())
            self.stdout.write(f"Enqueued the reminders for {today:%d %B %Y} (task {result.id}).")
            return
        outcome = send_reminders(today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for digest in outcome.sent:
            self.stdout.write(
                f"{verb}: {digest.council.short_name}, {digest.quarter}, {digest.stage.label}, "
                f"to {digest.recipient.email} ({len(digest.items)} missing)"
            )
        self.stdout.write(
            f"{verb} {len(outcome.sent)} reminder{'s' if len(outcome.sent) != 1 else ''}; "
            f"{outcome.already_sent} already sent before."
        )
