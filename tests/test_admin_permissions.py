"""The admin's permission matrix: every admin URL × six kinds of user × GET and POST × an
object of the user's own council and one of another council.

The URLs are read from the admin site (every registered ModelAdmin's get_urls(), the site's
own URLs, one autocomplete request per autocomplete field and one view-on-site per model), so a
new admin view cannot be forgotten: a URL with no expectation below fails the matrix.
"Missing" is how the admin answers an object that does not exist (a redirect to its index):
an object outside the user's councils must get exactly that. A POST by anyone who does not
administer the object's council must leave the database as it was.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate
from kpis.models import KPI, KpiValue
from kpis.schemes import RagScheme
from plans.admin import CouncilScopedMixin
from plans.models import (
    CollectionDates,
    Council,
    Membership,
    Plan,
    QuarterSummary,
    Role,
    SavingsTarget,
    Theme,
    ThemeNarrative,
)
from publishing.models import PublishedQuarter
from risks.models import RiskAssessment, RiskMatrix, RiskRegisterEntry
from tests import factories as f
from work.models import Reminder
from workbooks.models import WorkbookImport

SITE = admin.site
USERS = ["anonymous", "officer", "other_officer", "cabinet", "council_admin", "superuser"]
NOT_STAFF = {"anonymous", "officer", "other_officer"}
LOGIN, OK, MISSING, TO_CHANGE = "login", "ok", "missing", "to the change page"
TO_INDEX = "to the index"

# ---------------------------------------------------------------------------------------------
# Expectations. For the admins of councils' data (CouncilScopedAdmin, CouncilScopedMixin):
# kind of URL: (cabinet member with staff status, council admin on their own council's object,
#               council admin on another council's object, superuser), each (GET, POST).
# Users who are not staff are sent to the admin's login page everywhere.
SCOPED: dict[str, tuple[tuple[object, object], ...]] = {
    "changelist": ((403, 403), (200, OK), (200, OK), (200, OK)),  # POST: delete_selected
    # Adding with another council's rows as foreign keys is refused: the form is shown again.
    "add": ((403, 403), (200, OK), (200, 200), (200, OK)),
    "change": ((MISSING, MISSING), (200, OK), (MISSING, MISSING), (200, OK)),
    "delete": ((MISSING, MISSING), (200, OK), (MISSING, MISSING), (200, OK)),
    "history": ((MISSING, MISSING), (200, 200), (MISSING, MISSING), (200, 200)),
    # History detail is read-only: reverting is not offered, its POST is refused.
    "simple_history": ((MISSING, MISSING), (200, 405), (MISSING, MISSING), (200, 405)),
    "object": ((TO_CHANGE,) * 2,) * 4,  # <id>/ redirects to <id>/change/
    # Importing a workbook: no object; the council is picked from those administered,
    # so a POST re-shows the form (the matrix posts no file) and writes nothing.
    "import": ((403, 403), (200, 200), (200, 200), (200, 200)),
    # A council's workbook (the page lists those administered) and the blank template.
    "export": ((403, 403), (200, 200), (200, 200), (200, 200)),
    "template": ((403, 403), (200, 200), (200, 200), (200, 200)),
    "example": ((403, 403), (200, 200), (200, 200), (200, 200)),
    # A past import compared with today's data (GET), imported again (POST; the matrix's
    # import kept no file, so it is refused and back to the comparison), and where an
    # import ends (to the list, with what it did): another council's is missing.
    "compare": ((MISSING, MISSING), (200, 405), (MISSING, MISSING), (200, 405)),
    "import_again": ((MISSING, MISSING), (405, 302), (MISSING, MISSING), (405, 302)),
    "imported": ((MISSING, MISSING), (302, 405), (MISSING, MISSING), (302, 405)),
}
# Only superusers create and delete councils.
SCOPED_OVERRIDES = {
    # The workbook import moved to the workbooks app: the old address leads there.
    (KPI, "import"): (("redirect",) * 2,) * 4,
    # Past workbook imports are a record: listed and viewed, never added, changed or deleted.
    (WorkbookImport, "add"): ((403, 403),) * 4,
    (WorkbookImport, "change"): ((MISSING, MISSING), (200, 403), (MISSING, MISSING), (200, 403)),
    (WorkbookImport, "delete"): ((MISSING, MISSING), (403, 403), (MISSING, MISSING), (403, 403)),
    (Council, "add"): ((403, 403), (403, 403), (403, 403), (200, OK)),
    (Council, "delete"): ((MISSING, MISSING), (403, 403), (MISSING, MISSING), (200, OK)),
    # A published quarter is read only, for everyone: viewed, never added, changed or deleted.
    (PublishedQuarter, "add"): ((403, 403),) * 4,
    (PublishedQuarter, "change"): ((MISSING, MISSING), (200, 403), (MISSING, MISSING), (200, 403)),
    (PublishedQuarter, "delete"): ((MISSING, MISSING), (403, 403), (MISSING, MISSING), (403, 403)),
    (PublishedQuarter, "history"): ((MISSING, MISSING), (200, 200), (MISSING, MISSING), (200, 200)),
}
# Read-only records of a council (the reminders sent): its administrators see them, nobody
# adds, changes or deletes one. (cabinet, council admin own, council admin other, superuser).
READ_ONLY_MODELS = (Reminder,)
READ_ONLY: dict[str, tuple[tuple[object, object], ...]] = {
    "changelist": ((403, 403), (200, OK), (200, OK), (200, OK)),
    "add": ((403, 403),) * 4,
    "change": ((MISSING, MISSING), (200, 403), (MISSING, MISSING), (200, 403)),
    "delete": ((MISSING, MISSING), (403, 403), (MISSING, MISSING), (403, 403)),
    "history": ((MISSING, MISSING), (200, 200), (MISSING, MISSING), (200, 200)),
    "object": ((TO_CHANGE,) * 2,) * 4,
}
# Admins of what belongs to no council (users, groups, sign-in logs): superusers only.
# kind: (cabinet member with staff status, council admin, superuser), each (GET, POST).
STAFF_403 = ((403, 403), (403, 403))
UNSCOPED: dict[str, tuple[tuple[object, object], ...]] = {
    "changelist": (*STAFF_403, (200, OK)),
    "add": (*STAFF_403, (200, OK)),
    "change": (*STAFF_403, (200, OK)),
    "delete": (*STAFF_403, (200, OK)),
    "history": (*STAFF_403, (200, 200)),
    "password_change": (*STAFF_403, (200, OK)),  # a user's password
    "object": ((TO_CHANGE,) * 2,) * 3,
}
# axes' sign-in logs are written by axes only.
UNSCOPED_OVERRIDES = {
    (model, "add"): (*STAFF_403, (403, 403))
    for model in (AccessAttempt, AccessLog, AccessFailureLog)
}
# The site's own pages: {name: {user: (GET, POST)}}; "staff" stands for cabinet, council
# admin and superuser alike, NOT_STAFF users are sent to the login page unless said otherwise.
STAFF = ("cabinet", "council_admin", "superuser")
SITE_PAGES: dict[str, dict[str, tuple[object, object]]] = {
    "index": dict.fromkeys(STAFF, (200, 200)),
    # council admins: 200 for the apps of councils' data, 404 for auth's and axes' (see below)
    "app_list": {"cabinet": (404, 404), "council_admin": (200, 200), "superuser": (200, 200)},
    "login": {
        **dict.fromkeys(NOT_STAFF, (200, 200)),
        **dict.fromkeys(STAFF, (302, 200)),  # staff are sent on to the index
    },
    # Signing out is a POST, then on to the sign-in page; the admin sends others to its index.
    "logout": {
        **dict.fromkeys(NOT_STAFF, (TO_INDEX, TO_INDEX)),
        **dict.fromkeys(STAFF, (405, 302)),
    },
    "password_change": dict.fromkeys(STAFF, (200, 200)),
    "password_change_done": dict.fromkeys(STAFF, (200, 405)),
    "jsi18n": dict.fromkeys(STAFF, (200, 405)),
    "catch_all": dict.fromkeys(STAFF, (404, 404)),
}
# autocomplete: (cabinet, council admin, superuser); results are checked separately.
AUTOCOMPLETE = ((403, 405), (200, 405), (200, 405))
# view on site: (cabinet, council admin own, council admin other, superuser); GET = POST.
# A model without a public page answers 404 to everyone.
VIEW_ON_SITE = (404, 302, 404, 302)


# ---------------------------------------------------------------------------------------------
# The URLs, read from the admin site.


@dataclass(frozen=True)
class AdminUrl:
    model: type[models.Model] | None
    kind: str
    route: str  # the pattern, relative to the model admin (or the site)
    detail: str = ""  # autocomplete field or app label

    def __str__(self) -> str:
        label = self.model._meta.label if self.model else "site"
        return f"{label}:{self.kind}{':' + self.detail if self.detail else ''}"


def _kind(model, url: URLPattern) -> str:
    if url.name is None:
        return "object"
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    assert url.name.startswith(prefix), url.name
    return url.name.removeprefix(prefix)


def _site_name(url) -> str:
    if isinstance(url, URLResolver):
        return "model"  # one registered model's URLs, listed below
    if url.name is None and "(?P<url>" in str(url.pattern):
        return "catch_all"
    return url.name


def admin_urls() -> list[AdminUrl]:
    found = []
    for model, model_admin in SITE._registry.items():
        found += [
            AdminUrl(model, _kind(model, url), str(url.pattern)) for url in model_admin.get_urls()
        ]
        found += [
            AdminUrl(model, "autocomplete", "", field) for field in model_admin.autocomplete_fields
        ]
        found.append(AdminUrl(model, "view_on_site", ""))
    for url in SITE.get_urls():
        name = _site_name(url)
        if name == "app_list":
            labels = {model._meta.app_label for model in SITE._registry}
            found += [AdminUrl(None, name, "", label) for label in sorted(labels)]
        elif name not in ("model", "autocomplete", "view_on_site"):
            found.append(AdminUrl(None, name, str(url.pattern)))
    return sorted(found, key=str)


URLS = admin_urls()


def _expected(url: AdminUrl, user: str, own: bool) -> tuple[object, object]:
    """(GET, POST) expected of the user on this URL, for an object of Medway (own) or not."""
    if url.model is None:
        if url.kind == "app_list" and user == "council_admin":
            scoped = any(
                isinstance(model_admin, CouncilScopedMixin) or model in READ_ONLY_MODELS
                for model, model_admin in SITE._registry.items()
                if model._meta.app_label == url.detail
            )
            return (200, 200) if scoped else (404, 404)
        return SITE_PAGES[url.kind].get(user, (LOGIN, LOGIN))
    if user in NOT_STAFF:
        return (LOGIN, LOGIN)
    scoped = isinstance(SITE._registry[url.model], CouncilScopedMixin)
    if url.kind == "autocomplete":
        return AUTOCOMPLETE[STAFF.index(user)]
    if url.kind == "view_on_site":
        column = {"cabinet": 0, "council_admin": 1 if own else 2, "superuser": 3}[user]
        status = VIEW_ON_SITE[column] if hasattr(url.model, "get_absolute_url") else 404
        return (status, status)
    if url.model in READ_ONLY_MODELS:
        row = READ_ONLY[url.kind]
        column = {"cabinet": 0, "council_admin": 1 if own else 2, "superuser": 3}[user]
    elif scoped:
        row = SCOPED_OVERRIDES.get((url.model, url.kind)) or SCOPED[url.kind]
        column = {"cabinet": 0, "council_admin": 1 if own else 2, "superuser": 3}[user]
    else:
        row = UNSCOPED_OVERRIDES.get((url.model, url.kind)) or UNSCOPED[url.kind]
        column = STAFF.index(user)
    return row[column]


def has_expectation(url: AdminUrl) -> bool:
    if url.model is None:
        return url.kind in SITE_PAGES
    if url.kind in ("autocomplete", "view_on_site"):
        return True
    if url.model in READ_ONLY_MODELS:
        return url.kind in READ_ONLY
    scoped = isinstance(SITE._registry[url.model], CouncilScopedMixin)
    return url.kind in (SCOPED if scoped else UNSCOPED)


def test_every_admin_url_has_an_expectation():
    missing = [str(url) for url in URLS if not has_expectation(url)]
    assert not missing, f"admin URLs without a permission expectation: {missing}"
    kinds = {url.kind for url in URLS}
    assert {"changelist", "add", "change", "delete", "history", "simple_history"} <= kinds
    assert {"autocomplete", "view_on_site"} <= kinds


# ---------------------------------------------------------------------------------------------
# The data: Medway (the users' council) and Maidstone, one of everything each.


def _council_objects(slug: str, officer) -> dict:
    council = f.make_council(name=f"{slug.title()} Council", slug=slug)
    plan = f.make_plan(council, title=f"{slug.title()} Council Plan")
    theme = f.make_theme(plan, title=f"{slug.title()} priority")
    action = f.make_action(plan, theme=theme, title=f"{slug.title()} action")
    kpi = f.make_kpi(council, plan=plan, theme=theme, name=f"{slug.title()} complaints")
    risk = f.make_risk(council, title=f"{slug.title()} finances", residual_score="AI")
    risk.themes.add(theme)
    membership = Membership.objects.create(user=officer, council=council, role=Role.OFFICER)
    return {
        Council: council,
        Membership: membership,
        Plan: plan,
        Theme: theme,
        Action: action,
        ActionUpdate: f.make_update(action, commentary=f"{slug.title()} progress"),
        KPI: kpi,
        KpiValue: f.make_value(kpi, 2020, 3, "68.4", "75"),
        # Not in use, so that adding one like it (in use or not) is allowed.
        RagScheme: f.make_rag_scheme(
            council, "green_band", {"green": ("On track", "★", "green")}, in_use=False
        ),
        RiskRegisterEntry: risk,
        RiskMatrix: RiskMatrix.objects.get(council=council, in_use=True),
        RiskAssessment: RiskAssessment.objects.create(
            risk=risk, financial_year=2020, quarter=3, score="AI", assessed_by=officer
        ),
        SavingsTarget: f.make_savings(council, plan=plan, title=f"{slug.title()} savings"),
        QuarterSummary: QuarterSummary.objects.create(
            council=council, financial_year=2020, quarter=3, text=f"{slug.title()} summary"
        ),
        ThemeNarrative: ThemeNarrative.objects.create(
            theme=theme, financial_year=2020, quarter=3, text=f"{slug.title()} narrative"
        ),
        PublishedQuarter: PublishedQuarter.objects.create(
            council=council,
            financial_year=2020,
            quarter=3,
            published_by_name=f"{slug.title()} performance team",
            published_at=timezone.now(),
            data={},
            body_html="<p>Report</p>",
        ),
        CollectionDates: CollectionDates.objects.create(
            council=council,
            financial_year=2020,
            quarter=3,
            opens_on=datetime.date(2021, 1, 4),
            deadline=datetime.date(2021, 1, 29),
            grace_ends=datetime.date(2021, 2, 5),
        ),
        Reminder: Reminder.objects.create(
            council=council,
            financial_year=2020,
            quarter=3,
            stage="opened",
            recipient=officer,
            email=f"officer@{slug}.example",
            items=[{"officer": "officer", "label": f"{slug.title()} complaints"}],
        ),
        WorkbookImport: WorkbookImport.objects.create(council=council, file_name=f"{slug}.xlsx"),
        Group: Group.objects.create(name=f"{slug.title()} group"),
        AccessAttempt: AccessAttempt.objects.create(
            username=slug, user_agent="test", failures_since_start=1, ip_address="192.0.2.1"
        ),
        AccessLog: AccessLog.objects.create(username=slug, user_agent="test"),
        AccessFailureLog: AccessFailureLog.objects.create(username=slug, user_agent="test"),
    }


@pytest.fixture
def world(db):
    officer = f.make_user("officer")
    other_officer = f.make_user("other_officer")
    medway = _council_objects("medway", officer)
    maidstone = _council_objects("maidstone", other_officer)
    medway[get_user_model()] = officer
    maidstone[get_user_model()] = other_officer
    council = medway[Council]
    users = {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "other_officer": other_officer,
        "cabinet": f.make_user("cabinet", council, Role.CABINET, is_staff=True),
        "council_admin": f.make_user("council_admin", council, Role.ADMIN),
        "superuser": f.make_user("superuser", is_superuser=True, is_staff=True),
    }
    return {"own": medway, "other": maidstone, "users": users}


# ---------------------------------------------------------------------------------------------
# Requests.


def _object_url(url: AdminUrl, obj) -> str:
    base = reverse(f"admin:{url.model._meta.app_label}_{url.model._meta.model_name}_changelist")
    if url.route.startswith("^"):  # simple_history's history detail: (object id, version id)
        version = obj.history.latest("history_date").history_id
        return base + f"{obj.pk}/history/{version}/"
    return base + re.sub(r"<[^>]+>", str(obj.pk), url.route)


def _path(url: AdminUrl, world, own: bool) -> str:
    objects = world["own" if own else "other"]
    if url.kind == "autocomplete":
        opts = url.model._meta
        return reverse("admin:autocomplete") + (
            f"?app_label={opts.app_label}&model_name={opts.model_name}&field_name={url.detail}"
        )
    if url.kind == "view_on_site":
        content_type = ContentType.objects.get_for_model(url.model)
        return reverse("admin:view_on_site", args=[content_type.pk, objects[url.model].pk])
    if url.kind == "app_list":
        return reverse("admin:app_list", args=[url.detail])
    if url.kind == "catch_all":
        return reverse("admin:index") + "no/such/page/"
    if url.model is None:
        return reverse(f"admin:{url.kind}")
    return _object_url(url, objects[url.model])


def _post_data(url: AdminUrl, world, own: bool) -> dict:
    """What a user would post: the changelist's "delete selected" action, the delete page's
    confirmation, or the object's change form renamed. For another council's object every
    foreign key to that council's rows is moved to Medway's (how the reverts were forged),
    except when adding, where the foreign keys to another council's rows are the attack."""
    if url.model is None or url.kind in ("autocomplete", "view_on_site"):
        return {}
    obj = world["own" if own else "other"][url.model]
    if url.kind == "changelist":
        return {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    if url.kind == "delete":
        return {"post": "yes"}
    moved = {
        (model, other.pk): world["own"][model].pk
        for model, other in world["other"].items()
        if url.kind != "add"
    }
    request = RequestFactory().get("/")
    request.user = world["users"]["superuser"]
    model_admin = SITE._registry[url.model]
    form = model_admin.get_form(request, obj)(instance=obj)
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if hasattr(field, "queryset") and not isinstance(value, list):
            value = moved.get((field.queryset.model, value), value)
        data[name] = value
    text = next(
        (name for name, field in form.fields.items() if type(field).__name__ == "CharField"), None
    )
    if text:
        data[text] = f"{data.get(text, '')} changed by the matrix"
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def _snapshot() -> dict:
    rows = {}
    for model in [*SITE._registry, Membership]:
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            rows[through._meta.label] = list(through.objects.order_by("pk").values())
    return rows


def _check(response, expected: object, where: str) -> None:
    where = f"{where} → {response.status_code} {response.get('Location', '')}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response.url.startswith(reverse("admin:login")), where
    elif expected in (MISSING, TO_INDEX):
        # Exactly what a missing object gets: the admin's index, with "doesn't exist".
        assert response.status_code == 302, where
        assert response.url == reverse("admin:index"), where
    elif expected == TO_CHANGE:
        assert response.status_code == 302, where
        assert response.url.endswith("/change/"), where
    elif expected == "redirect":  # to the address the page moved to
        assert response.status_code == 302, where
        assert response.url == reverse("admin:workbooks_workbookimport_import"), where
    elif expected == OK:
        assert response.status_code in (200, 302), where
        if response.status_code == 302:
            assert not response.url.startswith(reverse("admin:login")), where
    else:
        assert response.status_code == expected, where


def _administers(user_kind: str, own: bool) -> bool:
    return user_kind == "superuser" or (user_kind == "council_admin" and own)


@pytest.mark.parametrize("url", URLS, ids=str)
def test_admin_permission_matrix(client, world, url):
    """Every user kind in turn, each in a savepoint rolled back afterwards, so that one
    user's accepted writes never change what the next one meets (and the data is built once
    per URL, not once per cell: the matrix has thousands of cells)."""
    assert has_expectation(url), f"no permission expectation for admin URL {url}: add one"
    for user_kind in USERS:
        with transaction.atomic():
            client.logout()
            _check_user(client, world, url, user_kind)
            transaction.set_rollback(True)


def _check_user(client, world, url, user_kind: str) -> None:
    user = world["users"][user_kind]
    if user.is_authenticated:
        client.force_login(user)
    # Site pages and pickers concern no object in particular: asked once.
    about_objects = url.model is not None and url.kind != "autocomplete"
    for own in (True, False) if about_objects else (True,):
        path = _path(url, world, own)
        get_expected, post_expected = _expected(url, user_kind, own)
        response = client.get(path)
        _check(response, get_expected, f"{user_kind} GET {path}")
        if url.kind == "autocomplete" and response.status_code == 200:
            remote = url.model._meta.get_field(url.detail).related_model
            shown = {row["id"] for row in response.json()["results"]}
            assert str(world["own"][remote].pk) in shown, f"{path} misses Medway's row"
            other_shown = str(world["other"][remote].pk) in shown
            assert other_shown == (user_kind == "superuser"), f"{path}: {shown}"
        unchanged = not _administers(user_kind, own) and url.kind not in ("login", "logout")
        before = _snapshot() if unchanged else None
        _check(
            client.post(path, _post_data(url, world, own)),
            post_expected,
            f"{user_kind} POST {path}",
        )
        if unchanged:
            assert _snapshot() == before, f"{user_kind} POST {path} changed the database"
        if url.kind == "logout" and user.is_authenticated:
            client.force_login(user)
