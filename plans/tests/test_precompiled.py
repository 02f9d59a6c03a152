"""The council lookup every council page makes, its SQL compiled once per process
(``Precompiled``): it finds exactly what ``for_reader`` finds, for every kind of reader, and
sees a change of membership at once (the SQL is kept, never the answer)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Council, Membership, Role
from plans.querysets import Precompiled
from tests.factories import make_council, make_user

pytestmark = pytest.mark.django_db


def both(user, slug: str) -> tuple:
    """What the precompiled lookup and the plain queryset each find, compared field by field."""
    fast = Council.objects.readable(user, slug)
    plain = Council.objects.for_reader(user).filter(slug=slug).first()

    def seen(council):
        if council is None:
            return None
        fields = {f.attname: getattr(council, f.attname) for f in Council._meta.concrete_fields}
        return fields, council.user_role, bool(council.user_has_work_role)

    return seen(fast), seen(plain)


def test_every_reader_finds_what_the_queryset_finds():
    home = make_council(slug="home", rag_tolerance=Decimal("0.075"))
    away = make_council(slug="away")
    readers = {
        "cabinet": make_user("cab", home, Role.CABINET),
        "officer": make_user("off", home, Role.OFFICER),
        "admin": make_user("adm", home, Role.ADMIN),
        "away admin": make_user("aa", away, Role.ADMIN),
        "no council": make_user("none"),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }
    for name, user in readers.items():
        for slug in ("home", "away", "nowhere"):
            fast, plain = both(user, slug)
            assert fast == plain, (name, slug)
    # Twice, so that the second answer comes from the kept SQL.
    for _ in range(2):
        council = Council.objects.readable(readers["officer"], "home")
        assert (council.user_role, council.user_has_work_role) == (Role.OFFICER, True)
        assert council.rag_tolerance == Decimal("0.075")  # converted as the ORM does
        assert Council.objects.readable(readers["cabinet"], "away") is None
        assert Council.objects.readable(readers["cabinet"], "home").user_has_work_role is False
        root = Council.objects.readable(readers["superuser"], "away")
        assert root.slug == "away" and root.user_role is None


def test_an_inactive_or_anonymous_reader_finds_nothing():
    home = make_council(slug="home")
    user = make_user("gone", home, Role.ADMIN)
    user.is_active = False
    assert Council.objects.readable(user, "home") is None
    assert Council.objects.readable(AnonymousUser(), "home") is None


def test_a_lost_membership_shows_at_once_in_one_query():
    home = make_council(slug="home")
    user = make_user("leaver", home, Role.CABINET)
    assert Council.objects.readable(user, "home").user_role == Role.CABINET
    Membership.objects.filter(user=user).update(role=Role.ADMIN)
    with CaptureQueriesContext(connection) as queries:
        assert Council.objects.readable(user, "home").user_role == Role.ADMIN
    assert len(queries) == 1
    Membership.objects.filter(user=user).delete()
    assert Council.objects.readable(user, "home") is None


def test_a_value_the_orm_transforms_is_not_kept_but_still_answered():
    """``slug__contains`` wraps the value in wildcards: no parameter is the sentinel, so the
    SQL is not kept and each call runs the queryset as built (never another call's SQL)."""
    make_council(slug="north-home")
    make_council(slug="south-away")
    lookup = Precompiled(Council, lambda part: Council.objects.filter(slug__contains=part))
    assert [c.slug for c in lookup.fetch(part="home")] == ["north-home"]
    assert [c.slug for c in lookup.fetch(part="away")] == ["south-away"]
    assert list(lookup.compiled.values()) == [None]
    kept = Precompiled(Council, lambda slug: Council.objects.filter(slug=slug))
    assert [c.slug for c in kept.fetch(slug="south-away")] == ["south-away"]
    assert [c.slug for c in kept.fetch(slug="north-home")] == ["north-home"]
    assert list(kept.compiled.values()) != [None]
    with pytest.raises(TypeError):
        kept.fetch(slug=["a list"])
