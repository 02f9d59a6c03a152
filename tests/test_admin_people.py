"""A council administrator adds people to their council, invites them and deactivates them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from plans.models import Membership, Role
from tests.factories import make_council, make_user

ADD_URL = reverse("admin:plans_membership_add")
LIST_URL = reverse("admin:plans_membership_changelist")
User = get_user_model()


@pytest.fixture
def world(db):
    medway = make_council("Medway Council", slug="medway", short_name="Medway")
    maidstone = make_council("Maidstone Borough Council", slug="maidstone", short_name="Maidstone")
    admin = make_user("medadmin", medway, Role.ADMIN)
    return {"medway": medway, "maidstone": maidstone, "admin": admin}


def _add(client, council, email, role=Role.OFFICER, **extra):
    data = {"email": email, "first_name": "Ola", "last_name": "Ade", "council": council.pk,
            "role": role, "job_title": "Performance officer", **extra}
    return client.post(ADD_URL, data, follow=True, HTTP_HOST="testserver")


def test_a_council_admin_invites_a_new_person_who_sets_their_password(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):  # the email goes after the commit
        response = _add(client, world["medway"], "Ola.Ade@Medway.example")
    assert response.status_code == 200
    assert "invitation to set a password was sent" in response.content.decode()

    person = User.objects.get(email="ola.ade@medway.example")
    assert not person.has_usable_password()
    assert Membership.objects.get(user=person).council == world["medway"]
    [invitation] = mail.outbox
    assert invitation.to == ["ola.ade@medway.example"]
    assert "Medway" in invitation.subject

    client.logout()
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", invitation.body)[1]
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {
        "new_password1": "a-brand-new-passphrase-42",
        "new_password2": "a-brand-new-passphrase-42",
    })
    person.refresh_from_db()
    assert person.check_password("a-brand-new-passphrase-42")


def test_a_new_council_administrator_gets_admin_access(client, world):
    client.force_login(world["admin"])
    _add(client, world["medway"], "head@medway.example", role=Role.ADMIN)
    assert User.objects.get(email="head@medway.example").is_staff


def test_adding_someone_who_works_elsewhere_gives_them_a_role_without_a_new_account(
    client, world, django_capture_on_commit_callbacks
):
    elsewhere = make_user("maid-officer", world["maidstone"], Role.OFFICER,
                          email="shared@kent.example")
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        _add(client, world["medway"], "SHARED@kent.example", role=Role.CABINET)

    assert User.objects.filter(email__iexact="shared@kent.example").count() == 1
    assert Membership.objects.get(user=elsewhere, council=world["medway"]).role == Role.CABINET
    assert mail.outbox == []  # they already have a password
    # ...and the Medway admin still sees nothing of Maidstone.
    listed = client.get(LIST_URL).context["cl"].result_list
    assert {m.council for m in listed} == {world["medway"]}


def test_a_council_admin_cannot_add_people_to_another_council(client, world):
    client.force_login(world["admin"])
    response = _add(client, world["maidstone"], "sneaky@example.org")
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="sneaky@example.org").exists()
    assert not Membership.objects.filter(council=world["maidstone"]).exists()
    assert mail.outbox == []


def test_adding_someone_twice_is_refused_with_a_message(client, world):
    make_user("ola", world["medway"], Role.OFFICER, email="ola@medway.example")
    client.force_login(world["admin"])
    response = _add(client, world["medway"], "ola@medway.example", role=Role.ADMIN)
    assert "already belongs to Medway" in response.content.decode()
    assert Membership.objects.get(user__email="ola@medway.example").role == Role.OFFICER


def test_the_person_of_a_membership_cannot_be_swapped(client, world):
    ola = make_user("ola", world["medway"], Role.OFFICER)
    other = make_user("other", world["medway"], Role.OFFICER)
    membership = Membership.objects.get(user=ola)
    client.force_login(world["admin"])
    url = reverse("admin:plans_membership_change", args=[membership.pk])
    client.post(url, {"user": other.pk, "council": world["medway"].pk, "role": Role.CABINET,
                      "job_title": ""})
    membership.refresh_from_db()
    assert membership.user == ola


def test_deactivating_keeps_people_who_work_for_another_council(client, world):
    only_medway = make_user("leaver", world["medway"], Role.OFFICER)
    both = make_user("both", world["medway"], Role.OFFICER)
    Membership.objects.create(user=both, council=world["maidstone"], role=Role.OFFICER)
    client.force_login(world["admin"])
    ids = Membership.objects.filter(user__in=[only_medway, both], council=world["medway"])
    response = client.post(LIST_URL, {
        "action": "deactivate_accounts",
        "_selected_action": [m.pk for m in ids],
    }, follow=True)
    html = response.content.decode()
    only_medway.refresh_from_db()
    both.refresh_from_db()
    assert not only_medway.is_active
    assert both.is_active
    assert "Not deactivated: both" in html


def test_deactivating_cannot_reach_another_councils_people(client, world):
    theirs = make_user("theirs", world["maidstone"], Role.OFFICER)
    client.force_login(world["admin"])
    client.post(LIST_URL, {
        "action": "deactivate_accounts",
        "_selected_action": [Membership.objects.get(user=theirs).pk],
    })
    theirs.refresh_from_db()
    assert theirs.is_active
