"""The people service: one account per email, a role per council, invitations after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from plans.models import Membership, Role
from plans.people import add_person
from tests.factories import make_council, make_user


@pytest.mark.django_db
def test_add_person_creates_invites_and_refuses_a_second_membership(
    django_capture_on_commit_callbacks,
):
    medway = make_council("Medway Council", slug="medway")
    with django_capture_on_commit_callbacks(execute=True):
        result = add_person(medway, " Ola@Medway.Example ", Role.OFFICER, "https://plans.test")
    assert result.created_account and result.invited
    assert result.membership.user.email == "ola@medway.example"
    assert "https://plans.test/accounts/password/reset/" in mail.outbox[0].body

    with pytest.raises(ValidationError):
        add_person(medway, "ola@medway.example", Role.ADMIN, "https://plans.test")
    assert Membership.objects.get().role == Role.OFFICER


@pytest.mark.django_db
def test_an_email_shared_by_two_accounts_is_refused_not_guessed():
    medway = make_council("Medway Council", slug="medway")
    make_user("a", email="dup@example.org")
    make_user("b", email="DUP@example.org")
    with pytest.raises(ValidationError, match="Several accounts"):
        add_person(medway, "dup@example.org", Role.OFFICER, "https://plans.test")
    assert not Membership.objects.exists()
