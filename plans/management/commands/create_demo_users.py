"""Create demo logins for trying the product locally: never under production settings."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Action
from kpis.models import KPI
from plans.dataversion import bump_data_version
from plans.models import Council, Membership, Role

#: The one password every demo login uses (documented in the README).
DEMO_PASSWORD = "demo-councilplans"

#: Which seeded actions each council's demo officer leads and updates.
OFFICER_ACTIONS: dict[str, dict[str, Any]] = {
    # The Corporate Peer Challenge recommendations, with their dated updates.
    "medway": {
        "plan__slug": "corporate-peer-challenge-action-plan-2018",
        "theme__title__isnull": False,
        "order": 1,
    },
    # "Our plans for transformation over the next two year are:"
    "bromsgrove": {
        "plan__slug": "productivity-plan-2024-25",
        "description__startswith": "Our plans for transformation",
    },
    # Appendix 1's 2012-13 points.
    "maidstone": {"plan__slug": "improvement-plan-2012-15", "horizon": "short"},
}

ROLES = [
    (Role.OFFICER, "officer", "Officer"),
    (Role.CABINET, "cabinet", "Cabinet member"),
    (Role.ADMIN, "admin", "Council administrator"),
]


class Command(BaseCommand):
    help = (
        "Create demo users for each seeded council (officer, cabinet member, council "
        "administrator) and a superuser 'admin', all with the demo password, and lift any "
        "login lockout on them. Existing demo users keep their password (hashing is slow) "
        "unless --reset-passwords is given. Refused unless ALLOW_DEMO_USERS is True (it "
        "follows DEBUG)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set every demo user's password back to {DEMO_PASSWORD!r}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_USERS:
            raise CommandError(
                "Demo users are not created under production settings: ALLOW_DEMO_USERS is "
                "False. Set DEBUG=True (or ALLOW_DEMO_USERS=True) on a local copy."
            )
        councils = list(Council.objects.filter(slug__in=OFFICER_ACTIONS).order_by("name"))
        if not councils:
            raise CommandError("No seeded councils found: run `manage.py load_seed` first.")
        reset_password = options["reset_passwords"]
        logins: list[tuple[str, str]] = []
        with transaction.atomic():
            self._user("admin", "Site administrator", reset_password, superuser=True)
            logins.append(("admin", "Site administrator"))
            for council in councils:
                for role, suffix, label in ROLES:
                    username = f"{council.slug}-{suffix}"
                    description = f"{label}, {council.short_name}"
                    user = self._user(
                        username, description, reset_password, staff=role == Role.ADMIN
                    )
                    logins.append((username, description))
                    Membership.objects.update_or_create(
                        user=user, council=council, defaults={"role": role, "job_title": ""}
                    )
                    if role == Role.OFFICER:
                        self._give_work(user, council)
            # A demo login locked out by mistyped passwords would stay locked for an hour.
            for username, _ in logins:
                axes_reset(username=username)
        width = max(len(name) for name, _ in logins)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username.ljust(width)}  {description}")

    def _user(
        self,
        username: str,
        description: str,
        reset_password: bool,
        *,
        superuser: bool = False,
        staff: bool = False,
    ) -> Any:
        """The demo user, created or put right; its password is hashed only when needed."""
        wanted = {
            "email": f"{username}@example.org",
            "first_name": "Demo",
            "last_name": description,
            "is_superuser": superuser,
            "is_staff": superuser or staff,
            "is_active": True,
        }
        user, created = get_user_model().objects.get_or_create(username=username)
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if created or reset_password or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        return user

    def _give_work(self, officer: Any, council: Council) -> None:
        """Assign the officer some of the council's actions and all of its KPIs."""
        actions = Action.objects.filter(plan__council=council, **OFFICER_ACTIONS[council.slug])
        for action in actions:
            action.assigned_users.add(officer)
        KPI.objects.filter(council=council).update(owner_user=officer)
        bump_data_version([council.pk])
