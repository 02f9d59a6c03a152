"""Adding people to a council: a council administrator adds or invites them by email.

A person is one user account, matched by email across councils; membership of a council
(with a role) is what a council administrator grants. New people get an email with a link
to set their password (the password-reset token), so no administrator ever knows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from plans.models import Council, Membership, Role


@dataclass
class Invitation:
    """The outcome of adding a person: their account, their role here, and what was done."""

    membership: Membership
    created_account: bool
    invited: bool


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def person_for_email(email: str, first_name: str = "", last_name: str = "") -> tuple[Any, bool]:
    """The account with this email, or a new one without a usable password.

    Returns ``(user, created)``. Raises ``ValidationError`` if several accounts share the
    email (a site administrator must sort that out: we never guess which person is meant).
    """
    User = get_user_model()
    email = normalise_email(email)
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if len(matches) > 1:
        raise ValidationError(
            {"email": "Several accounts use this email; ask a site administrator to merge them."}
        )
    if matches:
        return matches[0], False
    username, n = email[:150], 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        suffix = f"-{n}"
        username = email[: 150 - len(suffix)] + suffix
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    return user, True


def grant_admin_access(user: Any, role: str) -> None:
    """Council administrators work in the admin, which needs staff status."""
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def send_invitation(user: Any, council: Council, base_url: str) -> None:
    """Email the person a link to set their password and sign in (after the commit)."""
    context = {
        "user": user,
        "council": council,
        "site_name": settings.SITE_NAME,
        "link": base_url.rstrip("/")
        + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        ),
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    body = render_to_string("registration/invitation_email.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )


@transaction.atomic
def add_person(
    council: Council,
    email: str,
    role: str,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
) -> Invitation:
    """Give the person with ``email`` a role in ``council``, creating and inviting them if new.

    Raises ``ValidationError`` if they already belong to the council (change their role
    instead) or the email matches several accounts; nothing is written then.
    """
    user, created = person_for_email(email, first_name, last_name)
    if Membership.objects.filter(user=user, council=council).exists():
        raise ValidationError({"email": f"This person already belongs to {council.short_name}."})
    membership = Membership.objects.create(
        user=user, council=council, role=role, job_title=job_title
    )
    grant_admin_access(user, role)
    invited = created or not user.has_usable_password()
    if invited:
        send_invitation(user, council, base_url)
    return Invitation(membership=membership, created_account=created, invited=invited)


def deactivate_people(memberships: QuerySet, acting_user: Any) -> tuple[list, list]:
    """Deactivate the accounts behind ``memberships`` that only the acting user's councils use.

    A person who also belongs to a council the acting user does not administer keeps their
    account (remove their membership instead); nobody deactivates themselves or a superuser.
    Returns ``(deactivated, kept)`` lists of users.
    """
    administered = Council.objects.administered_by(acting_user).values("pk")
    deactivated, kept = [], []
    users = {m.user_id: m.user for m in memberships.select_related("user")}
    elsewhere = set(
        Membership.objects.filter(user__in=users)
        .exclude(council__in=administered)
        .values_list("user_id", flat=True)
    )
    with transaction.atomic():
        for user_id, user in users.items():
            if user_id in elsewhere or user.is_superuser or user_id == acting_user.pk:
                kept.append(user)
            elif user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
                deactivated.append(user)
    return deactivated, kept
