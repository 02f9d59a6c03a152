"""The permission matrix: every URL of the app × six kinds of user × GET and POST.

The URLs are read from the URL conf, so a new view cannot be forgotten: a URL with no
expectation below fails ``test_every_url_has_an_expectation`` and its matrix cases.
Statuses: anonymous users are sent to the login page; a council's pages are 404 to anyone
outside it; writes are 403 (or 405 on a read-only page) for those who may only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.periods import Quarter
from dashboard.publishing import publish_quarter
from plans.models import Role
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_savings,
    make_user,
    make_value,
)

SKIPPED_PREFIXES = ("admin/", "static/", "media/")


def _walk(patterns, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.name))
    return found


URLS = sorted(
    {(route, name) for route, name in _walk(get_resolver().url_patterns)
     if not route.startswith(SKIPPED_PREFIXES)},
    key=lambda item: item[0],
)
URL_NAMES = sorted({name or route for route, name in URLS})

USERS = ["anonymous", "officer", "other_officer", "cabinet", "council_admin", "superuser"]
MEMBERS = ["officer", "cabinet", "council_admin", "superuser"]


@dataclass(frozen=True)
class Kind:
    """How a kind of page answers each user: {user: (GET status, POST status)}.

    "ok" means the write was accepted (200 re-showing the form, 302 onward, 409 conflict);
    "login" means a redirect to the login page; 405 is a read-only page refusing a write.
    """

    expected: dict[str, tuple[object, object]]


def _kind(anonymous, outsider, members_get, cabinet_post, writer_post) -> Kind:
    expected = {"anonymous": anonymous, "other_officer": outsider}
    for user in MEMBERS:
        post = cabinet_post if user == "cabinet" else writer_post
        expected[user] = (members_get, post)
    return Kind(expected)


# Pages of one council that only display: 404 outside the council; POST is refused.
COUNCIL_READ = _kind(("login", "login"), (404, 404), 200, 405, 405)
# Pages of one council with a form: cabinet members read but their writes are 403.
COUNCIL_WRITE = _kind(("login", "login"), (404, 404), 200, 403, "ok")
# Signed-in pages of one's own (not tied to a council).
PERSONAL_READ = _kind(("login", "login"), (200, 405), 200, 405, 405)
PERSONAL_WRITE = _kind(("login", "login"), (200, "ok"), 200, "ok", "ok")
# Redirects for signed-in people (to their work, or a council's latest dashboard).
PERSONAL_REDIRECT = _kind(("login", "login"), ({302}, 405), {302}, 405, 405)
COUNCIL_REDIRECT = _kind(("login", "login"), (404, 404), {302}, 405, 405)
# Pages anyone may open (signing in, resetting a password).
PUBLIC_FORM = _kind((200, "ok"), (200, "ok"), 200, "ok", "ok")
PUBLIC_PAGE = _kind((200, 405), (200, 405), 200, 405, 405)
LOGOUT = _kind((405, "login"), (405, "login"), 405, "login", "login")  # POST signs out
FAVICON = _kind((302, 405), (302, 405), 302, 405, 405)  # a redirect to the static file
# The quarterly return as a spreadsheet: those who enter values download it, no one else.
RETURN_SHEET = Kind({**COUNCIL_READ.expected, "cabinet": (403, 405)})
# Its upload: a GET leads back to the return page; cabinet members cannot upload.
RETURN_UPLOAD = _kind(("login", "login"), (404, 404), {302}, 403, "ok")

# Signing a quarter off: the council's administrators only (the world's Q3 2020/21 is already
# signed off, so the confirmation page leads back to its dashboard and a POST is refused there).
SIGN_OFF = Kind(
    {
        "anonymous": ("login", "login"),
        "other_officer": (404, 404),
        "officer": (403, 403),
        "cabinet": (403, 403),
        "council_admin": ({302}, "ok"),
        "superuser": ({302}, "ok"),
    }
)
# A published quarter's cabinet pack (PDF): cabinet members and administrators of the council.
CABINET_PACK = Kind(
    {
        "anonymous": ("login", "login"),
        "other_officer": (404, 404),
        "officer": (404, 405),
        "cabinet": (200, 405),
        "council_admin": (200, 405),
        "superuser": (200, 405),
    }
)
# A quarter's collection status board: the council's administrators only; read-only.
STATUS_BOARD = Kind(
    {
        "anonymous": ("login", "login"),
        "other_officer": (404, 405),
        "officer": (403, 405),
        "cabinet": (403, 405),
        "council_admin": (200, 405),
        "superuser": (200, 405),
    }
)

EXPECTATIONS: dict[str, Kind] = {
    "login": PUBLIC_FORM,
    "logout": LOGOUT,
    "favicon": FAVICON,
    "password_reset": PUBLIC_FORM,
    "password_reset_done": PUBLIC_PAGE,
    "password_reset_confirm": PUBLIC_FORM,  # an invalid link shows "no longer works"
    "password_reset_complete": PUBLIC_PAGE,
    "healthz": PUBLIC_PAGE,  # load balancers' probe: no login, no data
    "password_change": PERSONAL_WRITE,
    "password_change_done": PERSONAL_READ,
    "home": PERSONAL_READ,
    "my-work": PERSONAL_READ,
    "landing": PERSONAL_REDIRECT,
    "latest-dashboard": COUNCIL_REDIRECT,
    "council-home": COUNCIL_READ,
    "dashboard": COUNCIL_READ,
    # The comparison with earlier quarters: the dashboard's readers. (The world's Q3 2020/21
    # is signed off, so it shows the table its published record keeps.)
    "quarter-comparison": COUNCIL_READ,
    "kpi-list": COUNCIL_READ,
    "kpi-detail": COUNCIL_READ,
    "action-list": COUNCIL_READ,
    "risk-list": COUNCIL_READ,
    "savings-list": COUNCIL_READ,
    "kpi-value-history": COUNCIL_READ,
    "action-detail": COUNCIL_WRITE,
    "kpi-return": COUNCIL_WRITE,
    "kpi-return-sheet": RETURN_SHEET,
    "kpi-return-upload": RETURN_UPLOAD,
    "sign-off": SIGN_OFF,
    "cabinet-pack": CABINET_PACK,
    "quarter-status": STATUS_BOARD,
    "quarter-workbook": CABINET_PACK,  # the quarter's report as a workbook: the same readers
    "council-workbook": COUNCIL_READ,  # the council's workbook, a download
}


@pytest.fixture
def world(db):
    """Medway with one of each object, its officer, cabinet member and admin; and Maidstone."""
    medway = make_council("Medway Council", slug="medway")
    maidstone = make_council("Maidstone Borough Council", slug="maidstone")
    users = {
        "anonymous": AnonymousUser(),
        "officer": make_user("officer", medway, Role.OFFICER),
        "other_officer": make_user("other_officer", maidstone, Role.OFFICER),
        "cabinet": make_user("cabinet", medway, Role.CABINET),
        "council_admin": make_user("council_admin", medway, Role.ADMIN),
        "superuser": make_user("superuser", is_superuser=True, is_staff=True),
    }
    plan = make_plan(medway)
    action = make_action(plan, assigned=[users["officer"]])
    kpi = make_kpi(medway, owner_user=users["officer"])
    value = make_value(kpi, 2020, 3, 80, 75)
    make_risk(medway)
    make_savings(medway, plan=plan)
    publish_quarter(medway, Quarter.parse("Q3 2020/21"), users["council_admin"], date.today())
    objects = {"action-detail": action, "kpi-detail": kpi, "kpi-value-history": value}
    return {"council": medway, "users": users, "objects": objects}


def _kwargs(route: str, name: str, world) -> dict[str, object]:
    values: dict[str, object] = {
        "council": world["council"].slug,
        "year": "2020-21",
        "quarter": "q3",
        "uidb64": "MQ",
        "token": "not-a-valid-token",
    }
    kwargs = {}
    pattern = get_resolver().reverse_dict.getlist(name)
    assert pattern, f"cannot reverse {name!r}"
    for _, _, _, converters in pattern:
        for key in converters:
            if key == "pk":
                assert name in world["objects"], f"which object's pk does {name!r} take?"
                kwargs[key] = world["objects"][name].pk
            else:
                assert key in values, f"no test value for URL kwarg {key!r} of {name!r}"
                kwargs[key] = values[key]
    return kwargs


def test_every_url_has_an_expectation():
    missing = [name for name in URL_NAMES if name not in EXPECTATIONS]
    assert not missing, f"URLs without a permission expectation: {missing}"
    stale = [name for name in EXPECTATIONS if name not in URL_NAMES]
    assert not stale, f"expectations for URLs that no longer exist: {stale}"


def _check(response, expected: object, method: str) -> None:
    where = f"{method} {response.request['PATH_INFO']} → {response.status_code}"
    if expected == "login":
        assert response.status_code == 302, where
        assert response.url.startswith(reverse("login")), where
    elif expected == "ok":
        assert response.status_code in (200, 302, 409), where
        if response.status_code == 302:
            assert not response.url.startswith(reverse("login")), where
    elif isinstance(expected, set):
        assert response.status_code in expected, where
    else:
        assert response.status_code == expected, where


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(client, world, name, user_kind):
    assert name in EXPECTATIONS, f"no permission expectation for URL {name!r}: add one"
    route = next(route for route, n in URLS if (n or route) == name)
    url = reverse(name, kwargs=_kwargs(route, name, world))
    user = world["users"][user_kind]
    if user.is_authenticated:
        client.force_login(user)
    get_expected, post_expected = EXPECTATIONS[name].expected[user_kind]

    _check(client.get(url), get_expected, "GET")
    _check(client.post(url, {}), post_expected, "POST")


@pytest.mark.parametrize("name", ["action-detail", "kpi-return"])
def test_an_officer_not_assigned_cannot_write_in_their_own_council(client, world, name):
    """Officers may change only what they are assigned to or own."""
    colleague = make_user("colleague", world["council"], Role.OFFICER)
    client.force_login(colleague)
    url = reverse(name, kwargs=_kwargs("", name, world))
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
