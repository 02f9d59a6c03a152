"""A past quarter shows each action as it stood at its end: later updates never leak in."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.asat import (
    STATE_ANNOTATIONS,
    state_as_at,
    with_latest_update_as_at,
    with_state_as_at,
)
from actions.models import Action, ActionStatus, ActionUpdate
from actions.reports import attention_report
from actions.services import record_update, sync_current_state
from core.periods import Quarter
from plans.models import Council, Role
from tests.factories import make_action, make_council, make_plan, make_update, make_user
from tests.responses import body

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("Q3 2020/21")  # ends 31 December 2020
TODAY = datetime.date(2021, 5, 1)


@pytest.fixture
def plan():
    return make_plan(make_council(slug="asat"), start_year=2020, end_year=2021)


def state(action: Action, as_at: datetime.date | None) -> tuple:
    row = with_state_as_at(Action.objects.filter(pk=action.pk), as_at).get()
    return row.state_status, row.state_percent, row.state_update_id


def test_state_is_that_of_the_latest_update_dated_by_then(plan):
    action = make_action(plan, status=ActionStatus.OFF_TRACK, percent_complete=20)
    on_track = make_update(action, date=datetime.date(2020, 11, 1), percent_complete=40)
    make_update(
        action, date=datetime.date(2021, 2, 1), status=ActionStatus.OFF_TRACK, percent_complete=20
    )
    assert state(action, Q3.end) == ("on_track", 40, on_track.pk)
    # Before any update: nothing was reported yet (not today's state).
    assert state(action, datetime.date(2020, 10, 1)) == ("not_reported", None, None)
    # No date: the action's current state.
    assert state(action, None)[:2] == ("off_track", 20)


@pytest.mark.parametrize(
    "as_at",
    [None, datetime.date(2020, 10, 1), datetime.date(2020, 11, 1), Q3.end, TODAY],
)
def test_the_dashboards_cheaper_as_at_rule_gives_the_lists_state(plan, as_at):
    """The dashboard's attention list works the state out in Python (state_as_at over three
    subqueries); the action list in SQL (with_state_as_at): the same state for every kind
    of action, at every date."""
    never = make_action(plan, status=ActionStatus.AT_RISK, stage="In progress", rag="amber")
    later = make_action(plan, status=ActionStatus.OFF_TRACK, percent_complete=20)
    make_update(later, date=datetime.date(2021, 2, 1), percent_complete=60, rag="green")
    both = make_action(plan, status=ActionStatus.COMPLETED, percent_complete=100)
    make_update(both, date=datetime.date(2020, 11, 1), status=ActionStatus.AT_RISK, rag="red")
    make_update(both, date=datetime.date(2020, 11, 1), percent_complete=45, stage="Delivery")
    make_update(both, date=datetime.date(2021, 3, 1), status=ActionStatus.COMPLETED)
    actions = Action.objects.filter(plan=plan).order_by("pk")
    expected = {
        row.pk: tuple(getattr(row, name) for name in STATE_ANNOTATIONS)
        for row in with_state_as_at(actions, as_at)
    }
    for row in with_latest_update_as_at(actions, as_at):
        update = ActionUpdate.objects.filter(pk=row.state_update_id).first()
        assert state_as_at(row, update, as_at) == expected[row.pk], (row, as_at)
    assert set(expected) == {never.pk, later.pk, both.pk}


def test_action_never_updated_keeps_its_entered_state(plan):
    action = make_action(plan, status=ActionStatus.AT_RISK, percent_complete=30)
    assert state(action, Q3.end) == ("at_risk", 30, None)


def test_attention_report_of_a_past_quarter_ignores_later_updates(plan):
    # Off track at the quarter's end, completed since: the quarter still lists it.
    slipping = make_action(plan, title="Slipping", due_date=datetime.date(2021, 3, 1))
    make_update(slipping, date=datetime.date(2020, 12, 15), status=ActionStatus.OFF_TRACK)
    make_update(
        slipping,
        date=datetime.date(2021, 1, 10),
        status=ActionStatus.COMPLETED,
        percent_complete=100,
        commentary="Done",
    )
    # Due in February: overdue today, not at the quarter's end.
    later = make_action(plan, title="Due later", due_date=datetime.date(2021, 2, 1))
    make_update(later, date=datetime.date(2020, 12, 1), status=ActionStatus.ON_TRACK)
    # Due in November, on track then: overdue at the quarter's end.
    late = make_action(plan, title="Late", due_date=datetime.date(2020, 11, 30))
    make_update(late, date=datetime.date(2020, 10, 1), status=ActionStatus.ON_TRACK)
    for action in (slipping, later, late):
        sync_current_state(action)  # the current state: each one's latest update

    report = attention_report(plan.council, Q3, TODAY)
    rows = {row.action.title: row for row in report.rows}
    assert set(rows) == {"Slipping", "Late"}
    assert rows["Slipping"].status is ActionStatus.OFF_TRACK
    assert rows["Slipping"].latest_update.date == datetime.date(2020, 12, 15)
    assert rows["Late"].overdue and rows["Late"].overdue_since == datetime.date(2020, 11, 30)
    assert (report.off_track, report.overdue) == (1, 1)
    assert report.list_quarter == "Q3 2020/21"
    # The quarter running today is judged now, from the current state.
    current = attention_report(plan.council, Quarter.for_date(TODAY), TODAY)
    assert {row.action.title for row in current.rows} == {"Due later", "Late"}
    assert current.list_quarter == ""


def test_action_list_as_at_a_quarter_filters_and_shows_the_state_then(client, plan):
    action = make_action(plan, title="Bins", reference="A1", due_date=datetime.date(2020, 11, 1))
    make_update(action, date=datetime.date(2020, 12, 1), status=ActionStatus.AT_RISK)
    make_update(
        action,
        date=datetime.date(2021, 1, 5),
        status=ActionStatus.COMPLETED,
        percent_complete=100,
        commentary="Done",
    )
    client.force_login(make_user(council=plan.council, role=Role.CABINET))
    url = reverse("action-list", kwargs={"council": plan.council.slug})
    page = client.get(url, {"quarter": "Q3 2020/21", "status": "at_risk", "overdue": "yes"})
    html = page.content.decode()
    assert "Bins" in html and "At risk" in html and "Overdue" in html
    assert "as at 31 December 2020 (Q3 2020/21)" in html
    assert "Bins" not in client.get(url, {"status": "at_risk"}).content.decode()
    csv = body(client.get(url, {"quarter": "Q3 2020/21", "_export": "csv"})).decode()
    assert "At risk" in csv and "Completed" not in csv
    # A bad quarter: a message, and the list as it stands now.
    bad = client.get(url, {"quarter": "Q9 2020"})
    assert bad.status_code == 200
    assert "Enter a quarter like Q3 2020/21" in bad.content.decode()


def _pages(client, council: Council) -> list[str]:
    dashboard = reverse("dashboard", kwargs={"council": "medway", **Q3.url_kwargs})
    actions = reverse("action-list", kwargs={"council": "medway"})
    pages = [
        client.get(dashboard).content.decode(),
        client.get(actions, {"quarter": str(Q3)}).content.decode(),
        client.get(actions, {"quarter": "Q2 2018/19", "status": "on_track"}).content.decode(),
        body(client.get(actions, {"quarter": str(Q3), "_export": "csv"})).decode(),
    ]
    # Only the page's nonce and CSRF token (sign-out form) differ from one response to the next.
    return [re.sub(r'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', "", page) for page in pages]


def test_update_today_leaves_the_medway_q3_2020_21_pages_unchanged(client):
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    officer = make_user("officer", council=medway, role=Role.ADMIN)
    client.force_login(officer)
    before = _pages(client, medway)
    action = Action.objects.get(
        plan__slug="corporate-peer-challenge-action-plan-2018", status=ActionStatus.ON_TRACK
    )
    assert action.title in before[2]  # on track in Q2 2018/19, as its update of September says
    record_update(
        action,
        officer,
        ActionStatus.OFF_TRACK,
        5,
        "Stalled today.",
        action.version,
        as_at=timezone.localdate(),
    )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OFF_TRACK
    after = _pages(client, medway)
    for was, now in zip(before, after, strict=True):
        assert now == was
    assert "Stalled today." not in "".join(after)
