"""No lost update through the admin: a change form or inline row saved after someone else
changed the row is refused, says what changed, keeps the user's entries and saves nothing.

The forms are posted as a browser would send them: every field read from the page served.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client

from actions.models import Action, ActionStatus, ActionUpdate
from actions.services import ActionConflict, record_update
from core.periods import FinancialYear, Quarter
from kpis.admin import KPIAdmin
from kpis.models import KPI, KpiValue
from kpis.services import ReturnConflict, ReturnEntry, submit_return
from plans.models import Council, Membership, Role, Theme
from tests import factories as f
from tests import test_admin
from tests.admin_forms import change_form, inline_row, read_form

world = test_admin.world  # the same two councils, superuser and Medway administrator
admin_url = test_admin.admin_url

Q3_2020 = Quarter(FinancialYear(2020), 3)
STALE = "after you opened this page"


@pytest.fixture
def medway(world):
    """Medway's KPI with a Q3 value its officer enters, and an action the officer updates."""
    council = world["medway"][Council]
    officer = f.make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    kpi = world["medway"][KPI]
    kpi.owner_user = officer
    kpi.save()
    action = world["medway"][Action]
    action.assigned_users.add(officer)
    return council, officer, kpi, world["medway"][KpiValue], action


def test_admin_saving_a_kpi_value_the_officer_changed_meanwhile_is_refused(client, world, medway):
    council, officer, _, value, _ = medway
    client.force_login(world["medway_admin"])
    form = change_form(client, value)
    submit_return(officer, council, Q3_2020, [ReturnEntry(value.kpi_id, "71", "Rechecked", 1)])

    form["actual"] = ["99"]
    response = client.post(admin_url(KpiValue, "change", value.pk), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ola Ade changed this KPI value on " in page and STALE in page
    assert "Actual: “71”" in page and "Commentary: “Rechecked”" in page
    assert 'value="99' in page  # the admin's entry is kept on the page
    value.refresh_from_db()
    assert (value.actual, value.commentary, value.version) == (Decimal(71), "Rechecked", 2)


def test_admin_saving_an_action_updated_meanwhile_is_refused_then_saved_deliberately(
    client, world, medway
):
    _, officer, _, _, action = medway
    client.force_login(world["superuser"])
    form = change_form(client, action)
    record_update(action, officer, ActionStatus.AT_RISK, 30, "Budget cut", action.version)

    form["status"], form["percent_complete"] = [ActionStatus.COMPLETED], ["100"]
    response = client.post(admin_url(Action, "change", action.pk), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ola Ade changed this action on" in page
    assert "Status: “At risk”" in page and "% complete: “30”" in page
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (ActionStatus.AT_RISK, 30)
    assert ActionUpdate.objects.filter(action=action).count() == 2  # the officer's is kept

    # Having read what changed, the admin saves the page shown again: now it is deliberate.
    again = read_form(response, action)
    assert again["status"] == [ActionStatus.COMPLETED]
    assert client.post(admin_url(Action, "change", action.pk), again).status_code == 302


def test_second_of_two_admins_saving_the_same_kpi_is_refused(client, world, medway):
    _, _, kpi, _, _ = medway
    first, second = Client(), client
    first.force_login(world["superuser"])
    second.force_login(world["medway_admin"])
    first_form, second_form = change_form(first, kpi), change_form(second, kpi)

    first_form["name"] = ["Complaints answered in time"]
    assert first.post(admin_url(KPI, "change", kpi.pk), first_form).status_code == 302
    second_form["name"] = ["Complaints closed"]
    response = second.post(admin_url(KPI, "change", kpi.pk), second_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "root changed this KPI on" in page
    assert "Name: “Complaints answered in time”" in page
    kpi.refresh_from_db()
    assert (kpi.name, kpi.version) == ("Complaints answered in time", 2)


def test_a_stale_inline_value_refuses_the_whole_kpi_page(client, world, medway):
    council, officer, kpi, value, _ = medway
    client.force_login(world["medway_admin"])
    form = change_form(client, kpi)
    submit_return(officer, council, Q3_2020, [ReturnEntry(kpi.pk, "71", "", 1)])

    form["name"] = ["Renamed"]  # the admin left the value's row as it was shown
    response = client.post(admin_url(KPI, "change", kpi.pk), form)

    assert response.status_code == 200
    assert "Ola Ade changed this KPI value on" in response.content.decode()
    kpi.refresh_from_db()
    value.refresh_from_db()
    assert kpi.name != "Renamed" and kpi.version == 1
    assert (value.actual, value.version) == (Decimal(71), 2)


@pytest.mark.parametrize("forged", ["999", "0", "", "two"])
def test_an_inline_row_with_a_forged_version_is_refused(client, world, medway, forged):
    _, _, kpi, value, _ = medway
    client.force_login(world["superuser"])
    form = change_form(client, kpi)
    row = inline_row(form, "values", value.pk)
    form[f"{row}-actual"] = ["12"]
    form[f"{row}-loaded_version"] = [forged]

    response = client.post(admin_url(KPI, "change", kpi.pk), form)

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    value.refresh_from_db()
    assert (value.actual, value.version) == (Decimal("68.4"), 1)


def test_deleting_an_inline_row_changed_meanwhile_is_refused(client, world, medway):
    council, officer, kpi, value, _ = medway
    client.force_login(world["superuser"])
    form = change_form(client, kpi)
    submit_return(officer, council, Q3_2020, [ReturnEntry(kpi.pk, "71", "", 1)])
    form[f"{inline_row(form, 'values', value.pk)}-DELETE"] = ["on"]

    response = client.post(admin_url(KPI, "change", kpi.pk), form)

    assert response.status_code == 200
    assert f"{value} was not deleted. Ola Ade changed" in response.content.decode()
    assert KpiValue.objects.get(pk=value.pk).actual == 71


def test_an_inline_edit_makes_the_officers_open_return_stale(client, world, medway):
    council, officer, kpi, value, _ = medway
    client.force_login(world["superuser"])
    form = change_form(client, kpi)
    form[f"{inline_row(form, 'values', value.pk)}-actual"] = ["70"]
    assert client.post(admin_url(KPI, "change", kpi.pk), form).status_code == 302
    assert KpiValue.objects.get(pk=value.pk).version == 2

    with pytest.raises(ReturnConflict):
        submit_return(officer, council, Q3_2020, [ReturnEntry(kpi.pk, "50", "", 1)])
    assert KpiValue.objects.get(pk=value.pk).actual == 70


def test_an_action_update_row_edited_inline_moves_the_action_on(client, world, medway):
    """ActionUpdateInline rows are versioned too, and the action still follows its latest."""
    _, officer, _, _, action = medway
    update = world["medway"][ActionUpdate]
    client.force_login(world["superuser"])
    form = change_form(client, action)
    row = inline_row(form, "updates", update.pk)
    form[f"{row}-status"], form[f"{row}-percent_complete"] = [ActionStatus.OFF_TRACK], ["20"]

    assert client.post(admin_url(Action, "change", action.pk), form).status_code == 302

    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (ActionStatus.OFF_TRACK, 20)
    assert ActionUpdate.objects.get(pk=update.pk).version == 2
    with pytest.raises(ActionConflict):
        record_update(action, officer, ActionStatus.ON_TRACK, 50, "Fine", 1)


def test_an_action_added_on_its_themes_page_belongs_to_the_themes_plan(client, world):
    theme = world["medway"][Theme]
    client.force_login(world["superuser"])
    form = change_form(client, theme)
    form["actions-TOTAL_FORMS"] = [str(int(form["actions-TOTAL_FORMS"][0]) + 1)]
    new = f"actions-{int(form['actions-TOTAL_FORMS'][0]) - 1}"
    form.update({f"{new}-title": ["Added inline"], f"{new}-status": [ActionStatus.ON_TRACK],
                 f"{new}-theme": [str(theme.pk)]})

    assert client.post(admin_url(Theme, "change", theme.pk), form).status_code == 302

    assert Action.objects.get(title="Added inline").plan == theme.plan


@pytest.mark.parametrize("model", test_admin.DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_every_change_form_refuses_a_stale_save_and_saves_a_fresh_one(client, world, model):
    obj = world["medway"][model]
    client.force_login(world["superuser"])
    stale = change_form(client, obj)
    fresh_version = obj.version + 1
    model.objects.filter(pk=obj.pk).update(version=F("version") + 1)  # someone saved

    response = client.post(admin_url(model, "change", obj.pk), stale)
    assert response.status_code == 200, model
    assert STALE in response.content.decode()
    assert model.objects.get(pk=obj.pk).version == fresh_version

    fresh = change_form(client, obj)
    response = client.post(admin_url(model, "change", obj.pk), fresh)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert model.objects.get(pk=obj.pk).version > fresh_version


def test_a_form_without_its_version_is_refused(client, world):
    membership = world["medway"][Membership]
    client.force_login(world["superuser"])
    form = change_form(client, membership)
    del form["loaded_version"]
    form["job_title"] = ["Head of Performance"]

    response = client.post(admin_url(Membership, "change", membership.pk), form)

    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).job_title == ""


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_admins_saving_the_same_kpi_at_once_on_postgresql_one_wins(world, monkeypatch):
    """Both pass validation before either writes; the version claim lets exactly one save."""
    assert connection.vendor == "postgresql"
    kpi = world["medway"][KPI]
    barrier = threading.Barrier(2)
    save_model = KPIAdmin.save_model

    def save_after_both_validated(self, request, obj, form, change):
        barrier.wait(timeout=10)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(KPIAdmin, "save_model", save_after_both_validated)
    forms = {}
    for who in ("superuser", "medway_admin"):
        browser = Client()
        browser.force_login(world[who])
        forms[who] = (browser, change_form(browser, kpi))
    outcomes: dict[str, int | str] = {}

    def save(who: str) -> None:
        browser, form = forms[who]
        form["name"] = [f"Named by {who}"]
        try:
            response = browser.post(admin_url(KPI, "change", kpi.pk), form)
            outcomes[who] = response.status_code
            if response.status_code == 200:
                assert STALE in response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(who,)) for who in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == [200, 302]
    winner = next(who for who, status in outcomes.items() if status == 302)
    kpi.refresh_from_db()
    assert (kpi.name, kpi.version) == (f"Named by {winner}", 2)


def test_a_forged_row_count_is_refused_without_building_thousands_of_rows(client, world, medway):
    """TOTAL_FORMS is the browser's number: 5,000 would have the server build and draw 5,000
    inline rows (seconds of work per request). One save adds at most 100 new rows."""
    _, _, kpi, value, _ = medway
    client.force_login(world["medway_admin"])
    form = change_form(client, kpi)
    form["values-TOTAL_FORMS"] = ["5000"]
    form["name"] = ["Renamed by a forged form"]

    response = client.post(admin_url(KPI, "change", kpi.pk), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Please submit at most" in page
    assert page.count('name="values-') < 30 * 101  # at most the stored rows and 100 new ones
    kpi.refresh_from_db()
    assert kpi.name != "Renamed by a forged form"
