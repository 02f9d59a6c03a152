"""Reminders for a quarter's collection: one digest per person per stage, never sent twice.

Each day (work.tasks, or ``manage.py send_reminders``) every council whose collection window
is open is looked at: officers with something missing get one digest when the window opens,
a few days before the deadline and on the deadline; once the grace period has passed, the
council's administrators (the performance team) get what is still missing from everyone, and
each officer's manager (where set) what is still missing from their people. Every reminder
sent is recorded (work.models.Reminder, unique per council, quarter, stage and person) before
it leaves, in the same transaction: a rerun, or a second worker, never sends it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from core.cycle import Stage
from core.periods import Quarter
from dashboard.collection import (
    Item,
    OfficerStatus,
    QuarterStatus,
    display_name,
    officers_missing,
    quarter_status,
)
from plans.models import Council, Membership, Role
from work.models import Reminder


@dataclass
class Digest:
    """One email: to one person, listing what is missing, grouped by officer."""

    council: Council
    quarter: Quarter
    stage: Stage
    recipient: Any
    groups: list[tuple[str, list[Item]]] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for _, items in self.groups for item in items]

    @property
    def escalation(self) -> bool:
        return self.stage.escalates

    def record(self) -> list[dict[str, str]]:
        return [
            {"officer": name, **item.as_record()} for name, items in self.groups for item in items
        ]


def current_quarter(council: Council, today: datetime.date) -> tuple[Quarter, Any] | None:
    """The latest quarter whose collection window (the quarter's own dates, else the rule's)
    has opened by ``today``, with its window."""
    return council.current_collection(today)


def plan_digests(status: QuarterStatus, stage: Stage) -> list[Digest]:
    """Who gets a digest for ``stage``, and what it lists."""
    council, quarter = status.council, status.quarter
    if not stage.escalates:
        return [
            Digest(council, quarter, stage, o.user, [(o.name, o.missing)])
            for o in officers_missing(status)
        ]
    late: list[OfficerStatus] = [o for o in status.rows if o.missing]
    if not late:
        return []
    digests: dict[int, Digest] = {}
    admins = (
        Membership.objects.filter(council=council, role=Role.ADMIN, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    for membership in admins:
        digests[membership.user_id] = Digest(
            council, quarter, stage, membership.user, [(o.name, o.missing) for o in late]
        )
    admin_ids = set(digests)  # an administrator's digest already lists everyone
    for o in late:
        manager = o.manager
        if manager is None or not manager.email or manager.pk in admin_ids:
            continue
        digest = digests.setdefault(manager.pk, Digest(council, quarter, stage, manager))
        digest.groups.append((o.name, o.missing))
    return list(digests.values())


def render_digest(digest: Digest) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "digest": digest,
        "council": digest.council,
        "quarter": digest.quarter,
        "window": digest.council.collection_window(digest.quarter),
        "name": display_name(digest.recipient),
        "site": site,
        "site_name": settings.SITE_NAME,
        "groups": [
            (name, [(item, site + item.url) for item in items]) for name, items in digest.groups
        ],
        "board_url": site + status_board_path(digest.council, digest.quarter),
    }
    subject = render_to_string("work/email/reminder_subject.txt", context).strip()
    text = render_to_string("work/email/reminder.txt", context)
    html = render_to_string("work/email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [digest.recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def status_board_path(council: Council, quarter: Quarter) -> str:
    from django.urls import reverse

    return reverse("quarter-status", kwargs={"council": council.slug, **quarter.url_kwargs})


@dataclass
class Outcome:
    """What a run did (or, dry, would do)."""

    sent: list[Digest] = field(default_factory=list)
    already_sent: int = 0


def send_reminders(today: datetime.date, *, dry_run: bool = False, councils: Any = None) -> Outcome:
    """Send every reminder due on ``today`` that has not been sent (see the module doc)."""
    outcome = Outcome()
    for council in councils if councils is not None else Council.objects.order_by("name"):
        current = current_quarter(council, today)
        if current is None:
            continue
        quarter, window = current
        stage = window.due_stage(today)
        if stage is None:
            continue
        status = quarter_status(council, quarter)
        sent_to = set(
            Reminder.objects.filter(
                council=council,
                financial_year=quarter.year.start_year,
                quarter=quarter.number,
                stage=stage,
            ).values_list("recipient_id", flat=True)
        )
        for digest in plan_digests(status, stage):
            if digest.recipient.pk in sent_to:
                outcome.already_sent += 1
                continue
            if not dry_run and not _send_once(digest):
                outcome.already_sent += 1
                continue
            outcome.sent.append(digest)
    return outcome


def _send_once(digest: Digest) -> bool:
    """Record the reminder and send it, together: False if it had been sent already."""
    message = render_digest(digest)
    try:
        with transaction.atomic():
            Reminder.objects.create(
                council=digest.council,
                financial_year=digest.quarter.year.start_year,
                quarter=digest.quarter.number,
                stage=digest.stage,
                recipient=digest.recipient,
                email=digest.recipient.email,
                items=digest.record(),
            )
            # Sent inside the transaction: a failure to send leaves no record, so the next
            # run tries again; a record that exists means the mail went.
            message.send()
    except IntegrityError:
        return False
    return True
