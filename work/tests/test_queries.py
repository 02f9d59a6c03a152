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
def test_a_return_saves_any_number_of_values_in_the_same_number_of_queries(client):
    """5 values or 100: one read under lock, one UPDATE, one INSERT, their history rows.

    Half the cells correct a stored value (its version moves on), half are first values;
    the cells the officer left alone cost nothing.
    """
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    kpis = [make_kpi(council, owner_user=officer) for _ in range(110)]
    stored = {kpi.pk: make_value(kpi, 2020, 3, 60, None) for kpi in kpis[::2]}
    client.force_login(officer)

    def post(changed: int) -> int:
        data = {}
        for n, kpi in enumerate(kpis):
            value = stored.get(kpi.pk)
            shown = "" if value is None else f"{value.actual.normalize():f}"
            data.update(
                {
                    f"actual-{kpi.pk}": "61" if n < changed else shown,
                    f"commentary-{kpi.pk}": "Counted again" if n < changed else "",
                    f"version-{kpi.pk}": "" if value is None else str(value.version),
                    f"shown-actual-{kpi.pk}": shown,
                    f"shown-commentary-{kpi.pk}": "",
                }
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/medway/2020-21/q3/return/", data)
        assert response.status_code == 302
        return len(queries)

    at_5 = post(5)

    def saved():
        return KpiValue.objects.filter(quarter=3, commentary="Counted again")

    assert saved().count() == 5
    assert {v.version for v in saved() if v.kpi_id in stored} == {2}

    KpiValue.objects.filter(quarter=3).exclude(kpi_id__in=stored).delete()
    at_100 = post(100)
    assert saved().count() == 100
    updated = list(saved().filter(kpi_id__in=stored))
    assert (len(updated), {v.version for v in updated}) == (50, {2})
    # One history row per value written, as the officer: 5, then 97 (3 were already so).
    assert KpiValue.history.filter(history_user=officer).count() == 5 + 97
    assert at_100 == at_5
    # Session and user; the council; the return's rows (measures, values, year targets,
    # carried targets); the measures again in the service; then the transaction: the period's
    # values read under lock, one UPDATE, one INSERT in its savepoint, the council's data
    # version moved on, two history INSERTs.
    assert at_5 <= 18


@pytest.mark.django_db
def test_my_work_is_cached_until_the_persons_work_or_councils_change(client):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council)
    client.force_login(officer)
    assert "You have no open actions" in client.get("/my-work/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        assert "You have no open actions" in client.get("/my-work/").content.decode()
    # session, user, the versions of the person's councils, the navigation's "My work" link
    assert len(warm) == 4
    make_action(plan, title="Reopen the library", assigned=[officer])
    assert "Reopen the library" in client.get("/my-work/").content.decode()
    # Joining another council is a new page, whose measures are listed.
    other = make_council("Other Council", slug="other")
    make_kpi(other, name="Homes built", owner_user=officer)
    from plans.models import Membership

    Membership.objects.create(user=officer, council=other, role=Role.OFFICER)
    page = client.get("/my-work/").content.decode()
    assert "Other Council" in page and "Reopen the library" in page


@pytest.mark.django_db
def test_a_cached_return_carries_the_readers_own_token_and_follows_every_change(client):
    from django.test import Client

    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    kpi = make_kpi(council, name="Homes built", owner_user=officer)
    value = make_value(kpi, 2020, 3, 72, None)
    make_kpi(council, name="Parks cleaned")  # nobody's: only an administrator enters it
    url = "/medway/2020-21/q3/return/"
    client.force_login(officer)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url).content.decode()
    assert len(warm) == 3  # session, user, council (version, role, the navigation's My work)
    assert 'value="72"' in page and "Parks cleaned" not in page
    # A second reader of the cached form gets their own token, and their post is accepted.
    other = Client(enforce_csrf_checks=True)
    other.force_login(officer)
    form = other.get(url).content.decode()
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "csrf-token" not in form and token != page.split('csrfmiddlewaretoken" value="')[1][:64]
    data = {
        "csrfmiddlewaretoken": token,
        f"actual-{kpi.pk}": "75",
        f"commentary-{kpi.pk}": "",
        f"version-{kpi.pk}": str(value.version),
        f"shown-actual-{kpi.pk}": "72",
        f"shown-commentary-{kpi.pk}": "",
        f"reason-{kpi.pk}": "",
        f"shown-reason-{kpi.pk}": "",
    }
    assert other.post(url, data).status_code == 302
    assert 'value="75"' in client.get(url).content.decode()
    # Made an administrator (no data changed), the person enters every measure.
    from plans.models import Membership

    Membership.objects.filter(user=officer).update(role=Role.ADMIN)
    assert "Parks cleaned" in client.get(url).content.decode()
