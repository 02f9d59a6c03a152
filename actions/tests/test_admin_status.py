"""The admin's action updates: the status follows from stage and RAG where reported apart."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionStatus, ActionUpdate
from plans.models import ActionStatusScheme, Role
from tests import factories as f
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _council_with_action(scheme: str):
    council = f.make_council(action_status_scheme=scheme)
    admin_user = f.make_user(council=council, role=Role.ADMIN)
    action = f.make_action(f.make_plan(council), title="Open the hub")
    return admin_user, action


def _new_inline_row(client, action, **row) -> dict[str, list[str]]:
    """The action's change form with its new (extra) update row filled in."""
    form = change_form(client, action)
    prefix = f"updates-{form['updates-TOTAL_FORMS'][0]}"
    form["updates-TOTAL_FORMS"] = [str(int(form["updates-TOTAL_FORMS"][0]) + 1)]
    form[f"{prefix}-action"] = [str(action.pk)]
    form[f"{prefix}-date"] = [timezone.localdate().isoformat()]
    for name, value in row.items():
        form[f"{prefix}-{name}"] = [value]
    return form


def test_a_stage_and_rag_council_adds_an_update_without_a_status(client):
    admin_user, action = _council_with_action(ActionStatusScheme.STAGE_AND_RAG)
    client.force_login(admin_user)
    form = _new_inline_row(
        client, action, stage="in_progress", rag="at_risk", status="", percent_complete="40"
    )

    response = client.post(_url(Action, "change", action.pk), form)

    assert response.status_code == 302, response.content.decode()[:3000]
    update = ActionUpdate.objects.get(action=action)
    assert (update.stage, update.rag, update.status) == ("in_progress", "at_risk", "at_risk")
    action.refresh_from_db()
    assert (action.stage, action.rag, action.status) == ("in_progress", "at_risk", "at_risk")


def test_a_stage_and_rag_council_with_neither_reported_is_not_reported(client):
    admin_user, action = _council_with_action(ActionStatusScheme.STAGE_AND_RAG)
    client.force_login(admin_user)
    form = _new_inline_row(client, action, status="", commentary="No news")

    response = client.post(_url(Action, "change", action.pk), form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert ActionUpdate.objects.get(action=action).status == ActionStatus.NOT_REPORTED


def test_a_single_status_council_still_needs_the_status(client):
    admin_user, action = _council_with_action(ActionStatusScheme.SINGLE)
    client.force_login(admin_user)
    form = _new_inline_row(client, action, status="", percent_complete="40")

    response = client.post(_url(Action, "change", action.pk), form)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ActionUpdate.objects.filter(action=action).exists()


@pytest.mark.parametrize(
    ("scheme", "saved"),
    [(ActionStatusScheme.STAGE_AND_RAG, True), (ActionStatusScheme.SINGLE, False)],
)
def test_the_update_admin_derives_the_status_only_for_stage_and_rag(client, scheme, saved):
    admin_user, action = _council_with_action(scheme)
    client.force_login(admin_user)
    data = {
        "action": action.pk,
        "date": timezone.localdate().isoformat(),
        "status": "",
        "stage": "not_started",
        "rag": "",
        "percent_complete": "0",
    }

    response = client.post(_url(ActionUpdate, "add"), data)

    assert (response.status_code == 302) is saved
    if saved:
        assert ActionUpdate.objects.get(action=action).status == ActionStatus.NOT_STARTED
    else:
        assert not ActionUpdate.objects.filter(action=action).exists()
