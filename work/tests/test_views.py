"""The officers' pages as a user meets them: my work, action updates, the quarterly return."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from actions.models import ActionStatus, ActionUpdate
from kpis.models import KpiValue
from plans.models import Role
from tests.factories import (
    PASSWORD,
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_update,
    make_user,
    make_value,
)

RETURN_URL = "/medway/2020-21/q3/return/"


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    plan = make_plan(council, title="Council Plan 2020/21")
    action = make_action(plan, title="Adopt the digital strategy", assigned=[officer])
    kpi = make_kpi(council, code="CS2", name="Complaints stage 2", owner_user=officer)
    make_value(kpi, 2020, 2, 70, 75)
    return {"council": council, "officer": officer, "plan": plan, "action": action, "kpi": kpi}


def login(client, user):
    client.force_login(user)
    return client


def test_my_work_lists_overdue_actions_first_then_due_soonest(client, medway):
    today = datetime.date.today()
    officer, plan = medway["officer"], medway["plan"]
    late = make_action(plan, title="Late one", due_date=today - datetime.timedelta(days=3),
                       assigned=[officer])
    soon = make_action(plan, title="Soon one", due_date=today + datetime.timedelta(days=3),
                       assigned=[officer])
    later = make_action(plan, title="Later one", due_date=today + datetime.timedelta(days=30),
                        assigned=[officer])
    make_action(plan, title="Done one", status=ActionStatus.COMPLETED, assigned=[officer])
    make_action(plan, title="Someone else's", assigned=[make_user("x", medway["council"])])

    html = login(client, officer).get(reverse("my-work")).content.decode()

    order = [html.index(a.title) for a in (late, soon, later, medway["action"])]
    assert order == sorted(order)
    assert "Overdue" in html
    assert "Done one" not in html and "Someone else's" not in html
    assert "Complaints stage 2" in html and "still to enter" in html


def test_an_officer_updates_an_action_and_sees_it_in_the_history(client, medway):
    action = medway["action"]
    login(client, medway["officer"])
    response = client.post(action.get_absolute_url(), {
        "status": "at_risk", "percent_complete": "45", "commentary": "Supplier late",
        "version": action.version,
    }, follow=True)
    html = response.content.decode()
    assert "Update saved: At risk, 45% complete." in html
    assert "Supplier late" in html
    assert "Ola Ade" in html  # author in the updates and in the audit trail
    assert "Change history" in html and "Not started → At risk" in html
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("at_risk", 45)


def test_updates_are_listed_newest_first(client, medway):
    action = medway["action"]
    make_update(action, commentary="older words", date=datetime.date(2020, 10, 1))
    make_update(action, commentary="newer words", date=datetime.date(2020, 12, 1))
    html = login(client, medway["officer"]).get(action.get_absolute_url()).content.decode()
    assert html.index("newer words") < html.index("older words")


def test_completing_without_commentary_is_refused_and_keeps_the_input(client, medway):
    action = medway["action"]
    response = login(client, medway["officer"]).post(action.get_absolute_url(), {
        "status": "completed", "percent_complete": "80", "commentary": "", "version": 1,
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "a commentary is needed" in html
    assert '<option value="completed" selected>' in html
    assert not ActionUpdate.objects.exists()


def test_a_non_number_percent_is_explained(client, medway):
    action = medway["action"]
    response = login(client, medway["officer"]).post(action.get_absolute_url(), {
        "status": "on_track", "percent_complete": "lots", "commentary": "typed", "version": 1,
    })
    html = response.content.decode()
    assert "Enter % complete as a whole number from 0 to 100" in html
    assert "typed</textarea>" in html


def test_a_stale_form_is_refused_showing_what_changed_and_keeping_my_words(client, medway):
    action = medway["action"]
    admin = make_user("admin", medway["council"], Role.ADMIN, first_name="Ann",
                      last_name="Lee")
    login(client, admin).post(action.get_absolute_url(), {
        "status": "off_track", "percent_complete": "5", "commentary": "Halted", "version": 1,
    })
    response = login(client, medway["officer"]).post(action.get_absolute_url(), {
        "status": "on_track", "percent_complete": "60", "commentary": "My words", "version": 1,
    })
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ann Lee updated this action" in html and "Halted" in html
    assert "My words</textarea>" in html
    assert 'name="version" value="2"' in html
    assert ActionUpdate.objects.count() == 1


def test_cabinet_member_reads_but_cannot_update(client, medway):
    action = medway["action"]
    login(client, make_user("cllr", medway["council"], Role.CABINET))
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Save update" not in html and "only the officers assigned" in html
    response = client.post(action.get_absolute_url(), {
        "status": "on_track", "percent_complete": "1", "version": 1,
    })
    assert response.status_code == 403


def test_another_councils_action_is_not_found(client, medway):
    outsider = make_user("outsider", make_council("Maidstone"), Role.ADMIN)
    assert login(client, outsider).get(medway["action"].get_absolute_url()).status_code == 404


def test_the_return_shows_last_quarter_and_target(client, medway):
    html = login(client, medway["officer"]).get(RETURN_URL).content.decode()
    assert "Quarterly return: Q3 2020/21" in html
    assert "Q2 2020/21" in html
    assert re.search(r"70 %.*Red", html, re.S)  # last quarter's value with its RAG word
    assert "75 %" in html  # this quarter's target, carried forward


def test_a_bad_cell_is_marked_and_nothing_is_saved_until_corrected(client, medway):
    kpi = medway["kpi"]
    extra = make_kpi(medway["council"], code="CS3", name="Stage 3", owner_user=medway["officer"])
    login(client, medway["officer"])
    response = client.post(RETURN_URL, {
        f"actual-{kpi.pk}": "abc", f"version-{kpi.pk}": "", f"commentary-{kpi.pk}": "",
        f"actual-{extra.pk}": "12", f"version-{extra.pk}": "", f"commentary-{extra.pk}": "ok",
    })
    html = response.content.decode()
    assert "Enter a number, like 88.0" in html
    assert 'value="abc"' in html and 'value="12"' in html
    assert "nothing has been saved" in html
    assert not KpiValue.objects.filter(quarter=3).exists()

    response = client.post(RETURN_URL, {
        f"actual-{kpi.pk}": "76", f"version-{kpi.pk}": "", f"commentary-{kpi.pk}": "",
        f"actual-{extra.pk}": "12", f"version-{extra.pk}": "", f"commentary-{extra.pk}": "ok",
    }, follow=True)
    html = response.content.decode()
    assert "Saved 2 values for Q3 2020/21." in html
    assert "Green" in html
    assert KpiValue.objects.get(kpi=kpi, quarter=3).actual == 76


def test_a_return_cell_changed_meanwhile_shows_the_other_value(client, medway):
    kpi = medway["kpi"]
    value = make_value(kpi, 2020, 3, 60, 75)
    admin = make_user("admin", medway["council"], Role.ADMIN)
    login(client, admin).post(RETURN_URL, {f"actual-{kpi.pk}": "74", f"version-{kpi.pk}": "1"})
    response = login(client, medway["officer"]).post(
        RETURN_URL, {f"actual-{kpi.pk}": "73", f"version-{kpi.pk}": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "admin saved 74 here while you were editing" in html
    assert 'value="73"' in html and f'name="version-{kpi.pk}" value="2"' in html
    value.refresh_from_db()
    assert value.actual == 74


@pytest.mark.parametrize("path", ["/medway/2020-21/q5/return/", "/medway/2020-22/q3/return/",
                                  "/medway/abc/q3/return/", "/nowhere/2020-21/q3/return/"])
def test_bad_return_addresses_are_not_found(client, medway, path):
    assert login(client, medway["officer"]).get(path).status_code == 404


def test_cabinet_member_sees_no_inputs_and_cannot_post_a_return(client, medway):
    login(client, make_user("cllr", medway["council"], Role.CABINET))
    assert "no quarterly measures" in client.get(RETURN_URL).content.decode()
    kpi = medway["kpi"]
    assert client.post(RETURN_URL, {f"actual-{kpi.pk}": "1"}).status_code == 403


def test_kpi_value_history_shows_who_changed_what(client, medway):
    kpi = medway["kpi"]
    login(client, medway["officer"])
    client.post(RETURN_URL, {f"actual-{kpi.pk}": "71", f"version-{kpi.pk}": ""})
    value = KpiValue.objects.get(kpi=kpi, quarter=3)
    client.post(RETURN_URL, {f"actual-{kpi.pk}": "72.5", f"version-{kpi.pk}": "1"})
    html = client.get(reverse("kpi-value-history", args=[value.pk])).content.decode()
    assert "Ola Ade" in html
    assert "71 → 72.5" in html  # numbers as typed, not 71.0000


def test_password_reset_sends_a_link_that_sets_a_new_password(client, medway):
    officer = medway["officer"]
    officer.email = "ola@medway.example"
    officer.save()
    response = client.post(reverse("password_reset"), {"email": "ola@medway.example"},
                           follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(page.redirect_chain[-1][0], {
        "new_password1": "a-brand-new-passphrase-42", "new_password2": "a-brand-new-passphrase-42",
    }, follow=True)
    assert "Password set" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("a-brand-new-passphrase-42")


def test_password_change_in_the_products_look(client, medway):
    login(client, medway["officer"])
    page = client.get(reverse("password_change")).content.decode()
    assert "govuk-button" in page and "Change your password" in page
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "x", "new_password2": "y",
    })
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another-long-passphrase-7",
        "new_password2": "another-long-passphrase-7",
    }, follow=True)
    assert "Password changed" in response.content.decode()


def test_login_page_has_labelled_fields_and_keeps_the_username(client, medway):
    page = client.get(reverse("login")).content.decode()
    assert '<label class="govuk-label" for="id_username">Username</label>' in page
    assert '<label class="govuk-label" for="id_password">Password</label>' in page
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'value="officer"' in html
