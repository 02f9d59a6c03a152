"""Actions off track or overdue, each with its latest update, in two queries."""

import datetime

import pytest

from actions.models import ActionStatus
from actions.reports import attention_report
from tests.factories import make_action, make_council, make_plan, make_update, make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 12, 31)


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
        rows = attention_report(council, TODAY)
        [row.latest_update and row.latest_update.author_display for row in rows]
    assert [r.action.title for r in rows] == ["Off", "Late"]
    assert rows[0].latest_update.commentary == "latest"
    assert rows[0].latest_update.author_display == "Business Improvement"
    assert rows[1].overdue and not rows[0].overdue


def test_action_without_update_has_none():
    council = make_council()
    make_action(make_plan(council), status=ActionStatus.AT_RISK)
    assert attention_report(council, TODAY)[0].latest_update is None
