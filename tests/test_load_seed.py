"""Loading the seed again keeps every edit made since, and says what it left alone."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from actions.models import Action, ActionStatus
from actions.services import ActionConflict, record_update
from kpis.models import KpiValue
from plans.management.commands.load_seed import FORCE_REASON
from plans.models import Council, Plan, Role
from tests import factories as f
from tests.admin_forms import change_form
from tests.test_admin import admin_url


def load_seed(*args: str) -> str:
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def edited(db, client):
    """The seed loaded, then corrected: an officer's update and three admin edits."""
    load_seed()
    medway = Council.objects.get(slug="medway")
    officer = f.make_user("officer", medway, Role.OFFICER, first_name="Ola", last_name="Ade")
    action = Action.objects.filter(plan__council=medway).order_by("pk").first()
    action.assigned_users.add(officer)
    record_update(action, officer, ActionStatus.AT_RISK, 40, "Slipping", action.version)

    client.force_login(f.make_user("root", is_superuser=True, is_staff=True))
    value = KpiValue.objects.filter(kpi__council=medway).order_by("pk").first()
    plan = Plan.objects.get(slug="improvement-plan-2012-15")
    for obj, field, typed in [
        (medway, "rag_tolerance", "0.1"),
        (value, "actual", "12.5"),
        (plan, "title", "Improvement Plan 2012 to 2015"),
    ]:
        form = change_form(client, obj)
        form[field] = [typed]
        response = client.post(admin_url(type(obj), "change", obj.pk), form)
        assert response.status_code == 302, response.content.decode()[:2000]
    return officer, action, medway, value, plan


def test_loading_again_keeps_every_edit_and_names_what_it_left(edited):
    officer, action, medway, value, plan = edited

    printed = load_seed()

    action.refresh_from_db()
    medway.refresh_from_db()
    value.refresh_from_db()
    plan.refresh_from_db()
    assert (action.status, action.percent_complete, action.version) == (
        ActionStatus.AT_RISK,
        40,
        2,
    )
    assert (medway.rag_tolerance, medway.version) == (Decimal("0.1"), 2)
    assert (value.actual, value.version) == (Decimal("12.5"), 2)
    assert (plan.title, plan.version) == ("Improvement Plan 2012 to 2015", 2)
    assert "councils: 2 unchanged, 1 edited since loading (left as they are)" in printed
    assert f"edited since loading: council {medway.pk} “Medway Council”: RAG tolerance" in printed
    assert f"action {action.pk} “{action}”: status, % complete" in printed
    assert f"KPI value {value.pk} " in printed and ": actual" in printed
    assert f"plan {plan.pk} “Improvement Plan 2012 to 2015 (Maidstone)”: title" in printed
    assert "plans: 4 unchanged, 1 edited since loading" in printed
    # The versions still move on, so a form opened before the edits is still refused.
    with pytest.raises(ActionConflict):
        record_update(action, officer, ActionStatus.ON_TRACK, 50, "Stale", 1)


def test_loading_again_creates_what_is_missing_but_not_what_was_deleted(edited):
    _, action, medway, _, _ = edited
    deleted, missing = Action.objects.filter(plan__council=medway).order_by("-pk")[:2]
    deleted_pk, missing_pk = deleted.pk, missing.pk
    deleted.delete()  # an administrator deleted it: the audit history says so
    missing.delete()
    Action.history.filter(id=missing_pk).delete()  # as if added to the fixtures since

    printed = load_seed()

    assert Action.objects.filter(pk=missing_pk).exists()
    assert not Action.objects.filter(pk=deleted_pk).exists()
    assert "actions: 1 created" in printed and "1 deleted since loading (not restored)" in printed
    assert f"deleted since loading: action {deleted_pk}\n" in printed
    f.make_council()  # the key sequence is past the seeded rows (PostgreSQL)


def test_force_puts_the_seed_back_with_history_and_a_new_version(edited, client):
    officer, action, medway, _, _ = edited
    stale_admin_form = change_form(client, medway)

    printed = load_seed("--force")

    medway.refresh_from_db()
    action.refresh_from_db()
    assert (medway.rag_tolerance, medway.version) == (Decimal("0.05"), 3)
    assert (action.status, action.version) == (ActionStatus.NOT_REPORTED, 3)
    assert medway.history.first().history_change_reason == FORCE_REASON
    assert "councils: 2 unchanged, 1 edited since loading (put back)" in printed
    # Forms opened before the reload are stale: the admin's, and the officer's.
    stale_admin_form["rag_tolerance"] = ["0.2"]
    response = client.post(admin_url(Council, "change", medway.pk), stale_admin_form)
    assert response.status_code == 200 and "after you opened this page" in response.content.decode()
    with pytest.raises(ActionConflict):
        record_update(action, officer, ActionStatus.ON_TRACK, 50, "Stale", 2)
    # Once put back, the rows match the seed again and a plain reload is silent about them.
    assert "edited since loading" not in load_seed()
