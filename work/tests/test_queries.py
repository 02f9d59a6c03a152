"""My work and the quarterly return run the same number of queries at 10 and 200 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import KpiValue
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


@pytest.mark.django_db
def test_a_returns_queries_grow_by_at_most_four_per_value_saved(client):
    """Saving N values costs a fixed number of queries plus at most 4 per value.

    Per value: claim its version (UPDATE) or open a savepoint, read it back (or INSERT),
    write it, and its history row. Cells the officer left alone cost nothing.
    """
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    kpis = [make_kpi(council, owner_user=officer) for _ in range(40)]
    stored = {kpi.pk: make_value(kpi, 2020, 3, 60, None) for kpi in kpis[::2]}
    client.force_login(officer)

    def post(changed: int, typed: str) -> int:
        data = {}
        for n, kpi in enumerate(kpis):
            value = stored.get(kpi.pk)
            shown = "" if value is None else f"{value.actual.normalize():f}"
            data.update({
                f"actual-{kpi.pk}": typed if n < changed else shown,
                f"version-{kpi.pk}": "" if value is None else str(value.version),
                f"shown-actual-{kpi.pk}": shown, f"shown-commentary-{kpi.pk}": "",
            })
        with CaptureQueriesContext(connection) as queries:
            assert client.post("/medway/2020-21/q3/return/", data).status_code == 302
        for value in stored.values():
            value.refresh_from_db()
        stored.update({v.kpi_id: v for v in KpiValue.objects.filter(quarter=3)})
        return len(queries)

    at_2, at_20 = post(2, "61"), post(20, "62")
    assert at_20 - at_2 <= 4 * 18
