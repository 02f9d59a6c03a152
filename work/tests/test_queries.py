"""My work and the quarterly return run the same number of queries at 10 and 200 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Role
from tests.factories import make_action, make_council, make_kpi, make_plan, make_user, make_value


def add_rows(council, plan, officer, rows: int) -> None:
    for _ in range(rows):
        make_action(plan, assigned=[officer])
        kpi = make_kpi(council, owner_user=officer)
        make_value(kpi, 2020, 2, 70, 75)
        make_value(kpi, 2020, 3, 72, None)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/my-work/", "/medway/2020-21/q3/return/"])
def test_query_count_does_not_grow_with_rows(client, url, django_assert_max_num_queries):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council)
    add_rows(council, plan, officer, 10)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as at_10:
        assert client.get(url).status_code == 200
    assert len(at_10) <= 12  # session, user, scope and one query per kind of row

    add_rows(council, plan, officer, 190)
    with django_assert_max_num_queries(len(at_10)):
        assert client.get(url).status_code == 200
