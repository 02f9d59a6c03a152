"""The quarter's collection: what is missing, the status board and the reminders.

Dates are frozen by passing them in; mail goes to the locmem outbox (pytest-django's default).
Q1 2026/27 ends on 30 June 2026; the default rule opens the window that day, reminds on
23 July, has the deadline on 28 July and escalates from 3 August.
"""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.periods import FinancialYear
from dashboard.collection import quarter_status
from kpis.models import Frequency
from plans.models import CollectionDates, Membership, Role
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_update,
    make_user,
    make_value,
)
from work.models import Reminder
from work.reminders import send_reminders

Q1 = FinancialYear(2026).quarter(1)
OPENS, REMINDER, DEADLINE, ESCALATES = (
    date(2026, 6, 30),
    date(2026, 7, 23),
    date(2026, 7, 28),
    date(2026, 8, 3),
)


@pytest.fixture
def cycle(db, settings):
    settings.SITE_URL = "https://plans.example.org"
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council, start_year=2026)
    perf = make_user("perf", council, Role.ADMIN, email="perf@medway.example", first_name="Pat")
    manager = make_user("mark", council, Role.OFFICER, email="mark@medway.example")
    olive = make_user("olive", council, Role.OFFICER, email="olive@medway.example")
    Membership.objects.filter(user=olive).update(manager=manager)
    done = make_user("dana", council, Role.OFFICER, email="dana@medway.example")
    cabinet = make_user("cllr", council, Role.CABINET, email="cllr@medway.example")
    missing_kpi = make_kpi(council, code="HOU 01", name="Homes built", owner_user=olive)
    monthly = make_kpi(
        council, code="CS 02", name="Calls answered", owner_user=olive, frequency=Frequency.MONTHLY
    )
    make_value(monthly, 2026, 1, 90, month=4)  # April in, May and June missing
    entered_kpi = make_kpi(council, code="DIGI 01", name="Digital take up", owner_user=done)
    make_value(entered_kpi, 2026, 1, None, not_published="suppressed")  # counts as entered
    make_kpi(
        council, code="ANN 01", name="Annual survey", owner_user=done, frequency=Frequency.ANNUAL
    )  # due in Q4 only
    late_action = make_action(plan, title="Open the hub", assigned=[olive])
    done_action = make_action(plan, title="Close the depot", assigned=[done])
    make_update(done_action, date=date(2026, 7, 10))
    make_update(late_action, date=date(2026, 3, 1))  # last quarter's: does not count

    other = make_council("Kent County Council", slug="kent")
    bob = make_user("bob", other, Role.OFFICER, email="bob@kent.example")
    make_kpi(other, code="KENT 9", name="Kent roads mended", owner_user=bob)
    other_admin = make_user("kadmin", other, Role.ADMIN, email="admin@kent.example")
    return {
        "council": council,
        "perf": perf,
        "manager": manager,
        "olive": olive,
        "done": done,
        "cabinet": cabinet,
        "missing_kpi": missing_kpi,
        "bob": bob,
        "other_admin": other_admin,
        "late_action": late_action,
    }


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_what_is_missing_per_officer(cycle):
    status = quarter_status(cycle["council"], Q1)
    by_name = {o.user.username: o for o in status.officers}
    olive = by_name["olive"]
    assert sorted((i.label, i.period) for i in olive.missing) == [
        ("CS 02 Calls answered", "June 2026/27"),
        ("CS 02 Calls answered", "May 2026/27"),
        ("HOU 01 Homes built", "Q1 2026/27"),
        ("Open the hub", "update for Q1 2026/27"),
    ]
    assert by_name["dana"].missing == []
    assert len(by_name["dana"].items) == 2  # the annual measure is not due in Q1
    labels = [item.label for row in status.rows for item in row.items]
    assert "bob" not in by_name and not any("Kent" in label for label in labels)


def test_window_opening_sends_each_officer_one_digest_and_never_twice(cycle):
    outcome = send_reminders(OPENS)
    (olive_mail,) = mails_to("olive@medway.example")
    assert "Q1 2026/27" in olive_mail.subject and "28 July 2026" in olive_mail.subject
    assert "HOU 01 Homes built" in olive_mail.body and "Open the hub" in olive_mail.body
    assert "https://plans.example.org/medway/2026-27/q1/return/" in olive_mail.body
    action_link = f"https://plans.example.org/actions/{cycle['late_action'].pk}/"
    html, mime = olive_mail.alternatives[0]
    assert mime == "text/html" and f'href="{action_link}"' in html
    assert mails_to("dana@medway.example") == []  # entered everything
    assert mails_to("perf@medway.example") == []  # not escalated yet
    # The other council's officer gets his own council's digest, never Medway's items.
    (bob_mail,) = mails_to("bob@kent.example")
    assert "Kent roads mended" in bob_mail.body and "Homes built" not in bob_mail.body
    assert "Kent roads" not in olive_mail.body
    assert len(outcome.sent) == 2

    mail.outbox.clear()
    assert send_reminders(OPENS).sent == []
    assert send_reminders(OPENS + datetime.timedelta(days=5)).sent == []
    assert mail.outbox == []
    reminder = Reminder.objects.get(recipient=cycle["olive"])
    assert reminder.stage == "opened" and len(reminder.items) == 4


def test_reminders_before_and_on_the_deadline(cycle):
    send_reminders(OPENS)
    mail.outbox.clear()
    send_reminders(REMINDER)
    (before,) = mails_to("olive@medway.example")
    assert before.subject.startswith("Due 28 July 2026")
    send_reminders(DEADLINE)
    _, on_the_day = mails_to("olive@medway.example")
    assert on_the_day.subject.startswith("Due today")
    assert send_reminders(DEADLINE + datetime.timedelta(days=2)).sent == []  # grace period


def test_escalation_after_the_grace_period_goes_to_admins_and_the_manager(cycle):
    outcome = send_reminders(ESCALATES)
    assert sorted(d.recipient.username for d in outcome.sent) == ["kadmin", "mark", "perf"]
    (perf,) = mails_to("perf@medway.example")
    assert "Still missing for Q1 2026/27" in perf.subject
    assert "olive" in perf.body and "HOU 01 Homes built" in perf.body
    assert "/medway/2026-27/q1/status/" in perf.body
    assert "bob" not in perf.body and "Kent" not in perf.body
    (mark,) = mails_to("mark@medway.example")
    assert "Open the hub" in mark.body
    assert mails_to("olive@medway.example") == []
    (kent,) = mails_to("admin@kent.example")  # Kent's performance team: Kent's people only
    assert "Kent roads mended" in kent.body and "Homes built" not in kent.body
    mail.outbox.clear()
    assert send_reminders(ESCALATES + datetime.timedelta(days=1)).sent == []
    assert mail.outbox == []


def test_dry_run_and_the_command(cycle, capsys):
    call_command("send_reminders", "--date", "2026-06-30", "--dry-run")
    assert "Would send: Medway, Q1 2026/27, Window opened, to olive@medway.example" in (
        capsys.readouterr().out
    )
    assert mail.outbox == [] and not Reminder.objects.exists()
    call_command("send_reminders", "--date", "2026-06-30")
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


def test_a_quarters_own_dates_stand_over_the_rule(cycle):
    CollectionDates.objects.create(
        council=cycle["council"],
        financial_year=2026,
        quarter=1,
        opens_on=date(2026, 7, 6),
        deadline=date(2026, 7, 31),
        grace_ends=date(2026, 8, 7),
    )
    assert mails_to("olive@medway.example") == []
    send_reminders(OPENS)
    assert mails_to("olive@medway.example") == []  # Medway's Q1 window is not open yet
    send_reminders(date(2026, 7, 6))
    assert len(mails_to("olive@medway.example")) == 1


def test_the_worker_runs_the_daily_task(cycle, monkeypatch):
    # The worker closes stale connections between tasks; inside the test's transaction that
    # would close the test's own connection (PostgreSQL), so it is left open here.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("send_reminders", "--enqueue", "--date", "2026-06-30")
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mails_to("olive@medway.example")) == 1


def board_url(slug="medway"):
    return f"/{slug}/2026-27/q1/status/"


def test_status_board_for_the_performance_team(cycle, client):
    kpi = cycle["missing_kpi"]
    make_value(kpi, 2025, 4, 40, 50)
    make_value(kpi, 2026, 1, 120, 60)  # Red? no: above target. Out of 0-100 and a jump.
    red = make_kpi(cycle["council"], code="RED 1", name="Red one", owner_user=cycle["done"])
    make_value(red, 2026, 1, 10, 50)
    client.force_login(cycle["perf"])
    response = client.get(board_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Collection status: Q1 2026/27" in html
    assert "Percentage outside 0–100" in html and "Far outside its history" in html
    assert "Target changed from 50 to 60" in html
    assert "Red without commentary" in html
    assert "mailto:olive@medway.example?subject=" in html
    assert "Missing" in html and "Entered" in html
    assert "Kent roads" not in html and "bob" not in html


def test_status_board_is_for_the_councils_administrators_only(cycle, client):
    for user in ("olive", "cabinet"):
        client.force_login(cycle[user])
        assert client.get(board_url()).status_code == 403
    client.force_login(cycle["other_admin"])
    assert client.get(board_url()).status_code == 404
    assert client.get("/kent/2026-27/q9/status/").status_code == 404


def test_status_board_runs_a_fixed_number_of_queries(cycle, client, django_assert_max_num_queries):
    council, plan = cycle["council"], make_plan(cycle["council"], start_year=2026)
    client.force_login(cycle["perf"])

    def add(n):
        for _ in range(n):
            officer = make_user(None, council, Role.OFFICER, email="x@medway.example")
            kpi = make_kpi(council, owner_user=officer)
            make_value(kpi, 2026, 1, 50, 60)
            make_update(make_action(plan, assigned=[officer]), date=date(2026, 7, 1))

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(board_url()).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few)):
        assert client.get(board_url()).status_code == 200
