"""Actions off track or overdue, each with its latest update, in two queries."""

import datetime

import pytest

from actions.models import ActionStatus
from actions.reports import attention_report
from core.periods import FinancialYear, Quarter
from tests.factories import make_action, make_council, make_plan, make_update, make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 12, 31)
Q3_2020 = Quarter(FinancialYear(2020), 3)


def test_off_track_and_overdue_actions_with_latest_update(django_assert_num_queries):
    council = make_council()
    plan = make_plan(council)
    author = make_user("bim", first_name="Business", last_name="Improvement")
    late = make_action(
        plan, title="Late", status=ActionStatus.ON_TRACK, due_date=datetime.date(2020, 6, 1)
    )
    off = make_action(plan, title="Off", status=ActionStatus.OFF_TRACK, lead_officer="CFO")
    make_action(plan, title="Fine", status=ActionStatus.ON_TRACK)
    make_action(
        plan, title="Done", status=ActionStatus.COMPLETED, due_date=datetime.date(2020, 1, 1)
    )
    make_update(off, date=datetime.date(2020, 10, 1), commentary="old news")
    make_update(off, date=datetime.date(2020, 11, 1), commentary="latest", author=author)
    for _ in range(3):
        make_update(late, date=datetime.date(2020, 9, 1))
    with django_assert_num_queries(2):
        rows = attention_report(council, Q3_2020, TODAY).rows
        [row.latest_update and row.latest_update.author_display for row in rows]
    assert [r.action.title for r in rows] == ["Off", "Late"]
    assert rows[0].latest_update.commentary == "latest"
    assert rows[0].latest_update.author_display == "Business Improvement"
    assert rows[1].overdue and not rows[0].overdue
    # "On track" is its status; being overdue is said apart from it, with the date missed.
    assert rows[1].status is ActionStatus.ON_TRACK
    assert rows[1].overdue_since == datetime.date(2020, 6, 1) and rows[0].overdue_since is None


def test_action_without_update_has_none():
    council = make_council()
    make_action(make_plan(council), status=ActionStatus.AT_RISK)
    assert attention_report(council, Q3_2020, TODAY).rows[0].latest_update is None


def test_only_actions_of_plans_covering_the_quarter():
    council = make_council()
    old = make_plan(council, title="Peer Challenge 2018", start_year=2018)
    current = make_plan(council, title="Council Plan 2020-23", start_year=2019, end_year=2022)
    make_action(old, title="Old", status=ActionStatus.OFF_TRACK)
    make_action(current, title="Current", status=ActionStatus.AT_RISK)
    report = attention_report(council, Q3_2020, TODAY)
    assert [row.action.title for row in report.rows] == ["Current"]
    assert [
        r.action.title
        for r in attention_report(council, Quarter(FinancialYear(2018), 2), TODAY).rows
    ] == ["Old"]


def test_not_reported_actions_are_counted_not_listed():
    council = make_council()
    plan = make_plan(council)
    for _ in range(3):
        make_action(plan, status=ActionStatus.NOT_REPORTED, due_date=datetime.date(2020, 6, 1))
    make_action(
        plan, title="Late", status=ActionStatus.NOT_STARTED, due_date=datetime.date(2020, 6, 1)
    )
    report = attention_report(council, Q3_2020, TODAY)
    assert [row.action.title for row in report.rows] == ["Late"]
    assert (report.not_reported, report.overdue, report.total) == (3, 1, 1)


def test_the_list_is_limited_and_says_how_many_more():
    council = make_council()
    plan = make_plan(council)
    for i in range(5):
        make_action(plan, title=f"At risk {i}", status=ActionStatus.AT_RISK)
    make_action(plan, title="Off", status=ActionStatus.OFF_TRACK)
    report = attention_report(council, Q3_2020, TODAY, limit=2)
    assert [row.action.title for row in report.rows][0] == "Off"  # the worst first
    assert (len(report.rows), report.total, report.more) == (2, 6, 4)
    assert (report.off_track, report.at_risk) == (1, 5)
