"""Change histories say what changed: the values a record was created with, and old → new."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actions.models import ActionStatus
from actions.services import record_update
from plans.audit import audit_trail
from plans.models import Role
from tests.factories import make_action, make_council, make_kpi, make_plan, make_user, make_value


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("ola", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    return council, officer


def test_a_created_value_says_what_it_was_created_with(client, medway):
    council, officer = medway
    kpi = make_kpi(council, owner_user=officer, name="Stage 2 complaints")
    value = make_value(kpi, 2020, 3, "68.4", "75")

    [entry] = audit_trail(value.history.all())
    assert entry.kind == "Created"
    stated = {change.label: change.new for change in entry.changes}
    assert stated["Actual"] == "68.4"  # not 68.4000
    assert stated["Target"] == "75"

    client.force_login(officer)
    html = client.get(reverse("kpi-value-history", args=[value.pk])).content.decode()
    assert "Created with:" in html
    assert "68.4" in html and "68.4000" not in html


def test_a_row_loaded_without_history_shows_its_first_recorded_state(client, medway):
    """Seeded rows are loaded raw (no history); their first change must not read empty."""
    council, officer = medway
    action = make_action(make_plan(council), assigned=[officer], title="Adopt the plan")
    action.history.all().delete()  # as loaddata leaves a seeded action: no creation record

    record_update(action, officer, ActionStatus.AT_RISK, 40, "Consultation late", action.version)

    [entry] = audit_trail(action.history.all())
    stated = {change.label: change.new for change in entry.changes}
    assert stated["Status"] == "At risk"
    assert stated["% complete"] == "40"
    assert entry.who == "Ola Ade"

    client.force_login(officer)
    html = client.get(reverse("action-detail", args=[action.pk])).content.decode()
    assert "Recorded as:" in html
    assert "At risk" in html


def test_a_later_change_lists_old_and_new_values(medway):
    council, officer = medway
    action = make_action(make_plan(council), assigned=[officer])
    record_update(action, officer, ActionStatus.ON_TRACK, 20, "", action.version)
    record_update(action, officer, ActionStatus.OFF_TRACK, 20, "Funding pulled", action.version)

    newest = audit_trail(action.history.all())[0]
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    assert changes == {"Status": ("On track", "Off track")}
