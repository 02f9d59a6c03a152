"""No input ever gives a 500: every form field and query parameter, fed a corpus of bad values.

The parameters are read from the product itself (the officers' forms, the list pages' filter
sets and tables, every ModelAdmin's changelist filters and change forms with their inlines), so
a new field or filter is fuzzed without touching this file. Each parameter is tried with every
value of the corpus while the others keep a valid value (not the cross product). A write that is
refused must leave the database exactly as it was; every request runs in a savepoint that is
rolled back, so one accepted write does not change the next request's starting point.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionStatus
from dashboard import list_views
from dashboard.generic import EXPORT_FORMATS
from kpis.models import KpiValue
from plans.models import (
    ActionStatusScheme,
    CollectionDates,
    Council,
    QuarterSummary,
    Role,
    ThemeNarrative,
)
from risks.models import RiskAssessment, RiskMatrix, RiskRegisterEntry
from tests import factories as f
from work.forms import ActionUpdateForm

#: Values that have broken, or could break, a parser, a database or a spreadsheet writer.
CORPUS: list[Any] = [
    "",
    " ",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    str(10**20),
    "-" + str(10**20),
    "1e999",
    "NaN",
    "inf",
    "1.5",
    "abc",
    "\x00",
    "a\x00b",
    "\x01\x08\x0b\x0c\x1f\x7f",
    "x" * 100_000,
    "１２３",  # full-width digits
    "31/12/9999",
    "01/01/0001",
    "9999-12-31",
    "0001-01-01",
    "Q5",
    "Q4 9998/99",
    "' OR '1'='1' --",
    '"; DROP TABLE plans_council; --',
    "%s %d %(x)s % complete",
    "Ünïcödé ✓ 😀 ‮",
    ["1", "2"],  # a list where one value is expected
]

#: Apps whose models the product's admin serves.
OUR_APPS = ("plans", "actions", "kpis", "risks")

#: Requests made, and those answered 5xx, across the whole module (reported at the end).
STATS = {"requests": 0, "errors": 0}


def _ids(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 30 else text[:27] + "..."


@pytest.fixture
def world(db):
    """One council with one of everything, the four kinds of user, and a second council."""
    council = f.make_council(name="Medway Council", slug="medway")
    plan = f.make_plan(council, title="Council Plan", start_year=2020, end_year=2022)
    theme = f.make_theme(plan, title="Priority")
    officer = f.make_user("officer", council, Role.OFFICER)
    action = f.make_action(
        plan,
        theme=theme,
        # Pasted from Word: a vertical tab, which spreadsheets do not allow.
        title="Review \x0bthe budget",
        lead_officer="Director",
        due_date=datetime.date(2021, 3, 31),
        assigned=[officer],
    )
    f.make_update(action, commentary="Progressing")
    kpi = f.make_kpi(council, plan=plan, theme=theme, owner_user=officer, owner="Finance")
    f.make_value(kpi, 2020, 3, "68.4", "75")
    f.make_rag_scheme(council, "two_sided", {"green": ("On track", "★", "green")})
    risk = f.make_risk(
        council, title="Finances\x01", owner="Chief Executive", residual_score="AI"
    )
    f.make_assessment(risk, 2020, 3, "AI", commentary="Held")
    f.make_savings(council, plan=plan, title="Savings \x1f")
    QuarterSummary.objects.create(council=council, financial_year=2020, quarter=3, text="Sum")
    ThemeNarrative.objects.create(theme=theme, financial_year=2020, quarter=3, text="Story")
    CollectionDates.objects.create(
        council=council, financial_year=2020, quarter=3, opens_on=datetime.date(2021, 1, 4),
        deadline=datetime.date(2021, 1, 29), grace_ends=datetime.date(2021, 2, 5),
    )
    other = f.make_council(name="Maidstone Council", slug="maidstone")
    f.make_plan(other)
    return {
        "council": council,
        "action": action,
        "kpi": kpi,
        "officer": officer,
        "cabinet": f.make_user("cabinet", council, Role.CABINET),
        "council_admin": f.make_user("cadmin", council, Role.ADMIN),
        "superuser": f.make_user("root", is_superuser=True, is_staff=True),
    }


def _tracked_models() -> list:
    """Every model of ours and its history, whose rows a refused write must leave alone."""
    models = [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]
    return [*models, apps.get_model("auth", "User")]


def snapshot() -> list:
    return [list(model.objects.order_by("pk").values_list()) for model in _tracked_models()]


class QuickClient(Client):
    """The test client without its capture of every template's context (most of its time on
    a page of many small templates); a 500 comes back as a status, never raised."""

    def __init__(self) -> None:
        super().__init__(raise_request_exception=False)

    def request(self, **request: Any) -> Any:
        response = self.handler(self._base_environ(**request))
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


class Fuzzer:
    """Makes requests as one user, each in a rolled-back savepoint, and records what came back."""

    def __init__(self, user) -> None:
        self.client = QuickClient()
        self.client.force_login(user)
        self.failures: list[str] = []
        self.baseline = snapshot()

    def request(self, method: str, url: str, data: Any = None, *, write: bool = False) -> int:
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(url, data)
            else:
                response = self.client.post(url, data)
            status = response.status_code
            STATS["requests"] += 1
            if status >= 500:
                STATS["errors"] += 1
                self.failures.append(f"{status} {method} {url} {_short(data)}")
            elif write and status != 302 and snapshot() != self.baseline:
                self.failures.append(f"refused but written: {method} {url} {_short(data)}")
            transaction.set_rollback(True)
        return status

    def check(self) -> None:
        assert not self.failures, f"{len(self.failures)} failures:\n" + "\n".join(
            self.failures[:40]
        )


def _short(data: Any) -> str:
    text = repr(data)
    return text if len(text) < 300 else text[:297] + "..."


#: FUZZ_FULL=1 tries every parameter with the whole corpus everywhere (several minutes); by
#: default pages with many parameters try each with a rotating share of it, so that the
#: parameters of one page between them still meet the whole corpus (CI runs the suite twice,
#: on two cores, within its time budget).
FULL = os.environ.get("FUZZ_FULL") == "1"
ADMIN_SHARE = 1
LIST_SHARE = 5


def with_bad(base: dict, name: str, share: int | None = None, turn: int = 0) -> Iterator[dict]:
    """``base`` with ``name`` set to each value of the corpus in turn.

    With ``share``, only that many values, starting at ``turn`` (the parameter's position), so
    that the parameters of one page between them still try the whole corpus.
    """
    values = CORPUS
    if share is not None and not FULL:
        values = [CORPUS[(turn * share + i) % len(CORPUS)] for i in range(share)]
    for value in values:
        data = dict(base)
        data[name] = value
        yield data


# Officers' pages -------------------------------------------------------------------------------


def test_action_update_form(world):
    action = world["action"]
    fuzz = Fuzzer(world["officer"])
    url = reverse("action-detail", args=[action.pk])
    base = {"status": ActionStatus.ON_TRACK, "percent_complete": "40", "commentary": "On it"}
    base["as_at"] = timezone.localdate().isoformat()
    base["version"] = str(action.version)
    # A council reporting one status is not asked for stage and RAG (fuzzed below).
    assert set(base) | {"stage", "rag"} == set(ActionUpdateForm.base_fields)
    for name in base:
        for data in with_bad(base, name):
            fuzz.request("POST", url, data, write=True)
    fuzz.check()


def test_action_update_form_with_stage_and_rag(world):
    action = world["action"]
    council = action.plan.council
    council.action_status_scheme = ActionStatusScheme.STAGE_AND_RAG
    council.save()
    fuzz = Fuzzer(world["officer"])
    url = reverse("action-detail", args=[action.pk])
    base = {
        "stage": "in_progress",
        "rag": "at_risk",
        "percent_complete": "40",
        "commentary": "On it",
        "as_at": timezone.localdate().isoformat(),
        "version": str(action.version),
    }
    assert set(base) | {"status"} == set(ActionUpdateForm.base_fields)
    for name in base:
        for data in with_bad(base, name):
            fuzz.request("POST", url, data, write=True)
    fuzz.check()


@pytest.mark.parametrize("percent", ["101", "-1", "1000", "-100"])
def test_percent_complete_out_of_range_is_a_message(client, world, percent):
    action = world["action"]
    client.force_login(world["officer"])
    before = snapshot()
    response = client.post(
        reverse("action-detail", args=[action.pk]),
        {"status": "on_track", "percent_complete": percent, "commentary": "x", "version": 1},
    )
    assert response.status_code == 200
    assert "% complete must be between 0 and 100." in response.content.decode()
    assert f'value="{percent}"' in response.content.decode()  # what was typed is kept
    assert snapshot() == before


def test_quarterly_return_form(world):
    kpi = world["kpi"]
    fuzz = Fuzzer(world["officer"])
    url = reverse("kpi-return", kwargs={"council": "medway", "year": "2020-21", "quarter": "q3"})
    value = KpiValue.objects.get(kpi=kpi)
    base = {
        f"actual-{kpi.pk}": "70",
        f"commentary-{kpi.pk}": "Better",
        f"version-{kpi.pk}": str(value.version),
    }
    for name in base:
        for data in with_bad(base, name):
            fuzz.request("POST", url, data, write=True)
    fuzz.check()


# URLs with a year and a quarter ----------------------------------------------------------------

BAD_PERIODS = [
    ("0001-02", "q1"),
    ("0000-01", "q1"),
    ("9998-99", "q4"),
    ("9999-00", "q1"),
    ("9999-10000", "q1"),
    ("2020-21", "q5"),
    ("2020-21", "q0"),
    ("2020-21", "q99999999999999999999"),
    ("99999999999999999999-00", "q1"),
    ("2020-22", "q1"),
    ("abc", "q1"),
    ("２０２０-２１", "q1"),
]


@pytest.mark.parametrize(("year", "quarter"), BAD_PERIODS)
def test_absurd_quarters_in_urls_are_404(world, year, quarter):
    kwargs = {"council": "medway", "year": year, "quarter": quarter}
    pages = (("dashboard", "cabinet"), ("quarter-comparison", "cabinet"), ("kpi-return", "officer"))
    for name, user in pages:
        fuzz = Fuzzer(world[user])
        assert fuzz.request("GET", reverse(name, kwargs=kwargs)) == 404
        if name == "kpi-return":
            assert fuzz.request("POST", reverse(name, kwargs=kwargs), {}, write=True) == 404
        fuzz.check()


@pytest.mark.parametrize("quarter", ["Q4 9998/99", "Q1 0001/02", "Q1 9999/00", "Q1 0000/01"])
def test_edge_quarters_on_council_home_never_fail(world, quarter):
    fuzz = Fuzzer(world["cabinet"])
    status = fuzz.request("GET", reverse("council-home", args=["medway"]), {"quarter": quarter})
    assert status in (200, 302, 404)
    fuzz.check()


# Cabinet pages ---------------------------------------------------------------------------------

LIST_VIEWS = [
    ("kpi-list", list_views.KpiListView),
    ("action-list", list_views.ActionListView),
    ("risk-list", list_views.RiskListView),
    ("savings-list", list_views.SavingsListView),
]


#: The part of the corpus tried on the exports (every value is tried on the page itself).
EXPORT_SAMPLE = ["", "abc", "\x00", "-1", "9999-12-31", "\x01\x0b", ["1", "2"]]


def list_params(view) -> list[str]:
    """Every query parameter a list page reads: its filters, sort, page and export format."""
    table = view.table_class([])
    return [
        *view.filterset_class.base_filters,
        table.prefixed_order_by_field,
        table.prefixed_page_field,
        view.export_param,
    ]


@pytest.mark.parametrize(("name", "view"), LIST_VIEWS, ids=[n for n, _ in LIST_VIEWS])
def test_list_pages(world, name, view):
    fuzz = Fuzzer(world["cabinet"])
    url = reverse(name, args=["medway"])
    params = list_params(view)
    assert len(params) >= 5
    for turn, param in enumerate(params):
        for data in with_bad({}, param, LIST_SHARE, turn):
            fuzz.request("GET", url, data)
        if param == view.export_param:
            continue
        # The exports build the same filter set and table: a sample of the corpus suffices.
        for export in EXPORT_FORMATS:
            for value in EXPORT_SAMPLE:
                fuzz.request("GET", url, {view.export_param: export, param: value})
    fuzz.check()


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize(("name", "view"), LIST_VIEWS, ids=[n for n, _ in LIST_VIEWS])
def test_exports_of_titles_with_control_characters(client, world, name, view, export):
    client.force_login(world["cabinet"])
    response = client.get(reverse(name, args=["medway"]), {view.export_param: export})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content


def test_council_home_and_dashboard_pages(world):
    fuzz = Fuzzer(world["cabinet"])
    home = reverse("council-home", args=["medway"])
    for data in with_bad({}, "quarter"):
        fuzz.request("GET", home, data)
    kwargs = {"council": "medway", "year": "2020-21", "quarter": "q3"}
    for url in (
        reverse("dashboard", kwargs=kwargs),
        reverse("kpi-detail", args=["medway", world["kpi"].pk]),
        reverse("home"),
    ):
        # These pages read no parameters: any that are sent are ignored.
        for data in with_bad({}, "quarter"):
            fuzz.request("GET", url, data)
    fuzz.check()


# The admin -------------------------------------------------------------------------------------


def our_model_admins() -> list:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
    ]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist_params(model_admin, user) -> list[str]:
    """The changelist's own parameters: search, every list filter, date drill-down, order, page."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    params = ["q", "o", "p", "e", "all", "_to_field", "_popup"]
    for spec in changelist.filter_specs:
        params.extend(spec.expected_parameters())
    if model_admin.date_hierarchy:
        params.extend(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return params


ADMINS = [model for model, _ in our_model_admins()]


@pytest.mark.parametrize("model", ADMINS, ids=lambda m: m.__name__)
def test_admin_changelists(world, model):
    user = world["council_admin"]
    fuzz = Fuzzer(user)
    url = admin_url(model, "changelist")
    params = changelist_params(admin.site._registry[model], user)
    for turn, param in enumerate(params):
        for data in with_bad({}, param, ADMIN_SHARE, turn):
            fuzz.request("GET", url, data)
    fuzz.check()


def form_data(response) -> dict[str, Any]:
    """What the admin page's forms would post unchanged: main form, inline forms, management."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if bound.field.show_hidden_initial:
                data[bound.html_initial_name] = "" if value is None else str(value)
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def the_object(world, model):
    council = world["council"]
    if model is Council:
        return council
    return model.objects.administered_by(world["council_admin"]).order_by("pk").first()


@pytest.mark.parametrize("model", ADMINS, ids=lambda m: m.__name__)
def test_admin_change_forms(world, model):
    user = world["council_admin"]
    obj = the_object(world, model)
    assert obj is not None, model
    url = admin_url(model, "change", obj.pk)
    client = Client()
    client.force_login(user)
    base = form_data(client.get(url))  # not QuickClient: this needs the page's context
    fuzz = Fuzzer(user)  # after the login above: its snapshot is the baseline
    # The unchanged form saves: the fuzzing starts from a valid post.
    assert fuzz.request("POST", url, base, write=True) == 302
    for turn, name in enumerate(fuzzed_names(base)):
        for data in with_bad(base, name, ADMIN_SHARE, turn):
            fuzz.request("POST", url, data, write=True)
    fuzz.check()


@pytest.mark.parametrize("model", ADMINS, ids=lambda m: m.__name__)
def test_admin_add_forms(world, model):
    user = world["superuser"]
    url = admin_url(model, "add")
    client = Client()
    client.force_login(user)
    base = form_data(client.get(url))  # not QuickClient: this needs the page's context
    fuzz = Fuzzer(user)  # after the login above: its snapshot is the baseline
    for turn, name in enumerate(fuzzed_names(base)):
        for data in with_bad(base, name, ADMIN_SHARE, turn):
            fuzz.request("POST", url, data, write=True)
    fuzz.check()


#: An inline form's field name: prefix, row number, field ("levels-3-word").
INLINE_ROW = re.compile(r"^(?P<prefix>.+)-(?P<row>\d+)-(?P<field>[^-]+)$")


def fuzzed_names(base: dict) -> list[str]:
    """The posted names to fuzz: every field of the main form and the management forms, and
    each inline's fields in its first row only (every row of an inline is the same form, so
    further rows would repeat the same checks; a matrix of ten levels and five bands posts
    over a hundred names). FUZZ_FULL=1 fuzzes every row."""
    if FULL:
        return list(base)
    return [name for name in base if not (m := INLINE_ROW.match(name)) or m["row"] == "0"]


def test_report_fuzz_totals():
    """How many inputs this test process fuzzed, and how many gave a 5xx (run alone with
    ``-n 0 -s`` for the whole module's figure; under xdist it is this worker's share). Each
    fuzz test also fails on its own 5xx, so nothing depends on this one running last."""
    print(f"\nfuzzed {STATS['requests']} requests; {STATS['errors']} answered 5xx")
    assert STATS["errors"] == 0


# Stored data nobody should have been able to enter ---------------------------------------------


def test_pages_survive_out_of_range_stored_data(world):
    """Rows written before validation existed (or by SQL) never break a page or an export."""
    Action.objects.filter(pk=world["action"].pk).update(due_date=datetime.date(9999, 12, 31))
    f.make_action(world["action"].plan, title="Ancient", due_date=datetime.date(1, 1, 1))
    KpiValue.objects.filter(kpi=world["kpi"]).update(quarter=5, month=13)
    RiskRegisterEntry.objects.update(residual_score="ZZ", inherent_score="9x9")
    pages = [
        ("cabinet", reverse("council-home", args=["medway"])),
        ("cabinet", reverse("dashboard", args=["medway", "2020-21", "q3"])),
        ("cabinet", reverse("kpi-detail", args=["medway", world["kpi"].pk])),
        ("officer", reverse("my-work")),
        ("officer", reverse("action-detail", args=[world["action"].pk])),
        ("officer", reverse("kpi-return", args=["medway", "2020-21", "q3"])),
    ]
    for name, _view in LIST_VIEWS:
        url = reverse(name, args=["medway"])
        pages += [("cabinet", url), ("cabinet", url + "?_export=csv")]
        pages += [("cabinet", url + "?_export=xlsx")]
    for model in ADMINS:
        pages.append(("council_admin", admin_url(model, "changelist")))
        obj = the_object(world, model)
        pages.append(("council_admin", admin_url(model, "change", obj.pk)))
    for user, url in pages:
        client = Client(raise_request_exception=False)
        client.force_login(world[user])
        assert client.get(url).status_code == 200, url


# The inputs testers found ----------------------------------------------------------------------


def test_every_domain_date_field_refuses_implausible_dates():
    from core.validators import validate_plausible_date

    date_fields = [
        field
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        if field.get_internal_type() == "DateField" and not model.__name__.startswith("Historical")
    ]
    assert len(date_fields) >= 5
    for field in date_fields:
        assert validate_plausible_date in field.validators, field


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/0001", "9999-12-31", "1989-12-31"])
def test_admin_refuses_an_implausible_due_date(client, world, typed):
    client.force_login(world["council_admin"])
    url = admin_url(Action, "change", world["action"].pk)
    data = form_data(client.get(url))
    data["due_date"] = typed
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a date from 1990 to 2100." in page or "Enter a valid date." in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert snapshot() == before


def test_kpi_value_periods_are_chosen_and_labels_never_fail(world):
    value = KpiValue.objects.get(kpi=world["kpi"])
    quarters = dict(KpiValue._meta.get_field("quarter").choices)
    months = dict(KpiValue._meta.get_field("month").choices)
    assert quarters == {0: "Annual (no quarter)", 1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}
    assert (months[0], months[1], len(months)) == ("—", "January", 13)
    KpiValue.objects.filter(pk=value.pk).update(quarter=5, month=13)
    value.refresh_from_db()
    assert "(not a valid period)" in str(value)
    assert value.sort_key == (2020, 5, 13)


def test_adding_a_kpi_value_with_only_a_year_is_refused(client, world):
    """ "Add another KPI value" with only the year set is not saved as an empty annual value of a
    quarterly measure, on the measure's page or when adding a new measure with its values."""
    kpi = world["kpi"]
    client.force_login(world["council_admin"])
    url = admin_url(type(kpi), "change", kpi.pk)
    data = form_data(client.get(url))
    total = int(data["values-TOTAL_FORMS"])
    data["values-TOTAL_FORMS"] = str(total + 1)
    data[f"values-{total}-financial_year"] = "2021"
    data[f"values-{total}-quarter"] = "0"
    data[f"values-{total}-month"] = "0"
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A quarterly measure needs a quarter (1-4) and no month." in response.content.decode()
    assert snapshot() == before

    add = admin_url(type(kpi), "add")
    response = client.post(
        add,
        {
            "council": world["council"].pk,
            "name": "New measure",
            "unit": "percent",
            "polarity": "higher",
            "frequency": "quarterly",
            "order": "0",
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "0",
            "values-0-financial_year": "2021",
            "values-0-quarter": "0",
            "values-0-month": "0",
        },
    )
    assert response.status_code == 200
    assert "A quarterly measure needs a quarter (1-4) and no month." in response.content.decode()
    assert snapshot() == before


def test_changing_the_risk_matrix_under_scored_risks_is_refused(client, world):
    council = world["council"]
    client.force_login(world["superuser"])
    matrix = RiskMatrix.objects.get(council=council, in_use=True)
    url = admin_url(RiskMatrix, "change", matrix.pk)
    data = form_data(client.get(url))
    level_a = next(
        key.removesuffix("-code")
        for key, value in data.items()
        if key.startswith("levels-") and key.endswith("-code") and value == "A"
    )
    data[f"{level_a}-code"] = "Z"  # the risk's "AI" would be off the matrix
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    # The risk's current score and its quarter's assessment.
    assert "2 risk scores (current, inherent, target or a quarter" in response.content.decode()
    assert snapshot() == before
    # Once the risk is rescored on the new matrix, the change goes through.
    RiskRegisterEntry.objects.filter(council=council).update(residual_score="BII")
    RiskAssessment.objects.filter(risk__council=council).update(score="BII")
    data = form_data(client.get(url))
    data[f"{level_a}-code"] = "Z"
    assert client.post(url, data).status_code == 302
    assert matrix.levels.filter(code="Z").exists()


def test_a_stored_score_off_the_matrix_is_shown_as_stored(client, world):
    RiskRegisterEntry.objects.update(residual_score="ZZ")
    client.force_login(world["council_admin"])
    for url in (admin_url(RiskRegisterEntry, "changelist"), reverse("risk-list", args=["medway"])):
        response = client.get(url)
        assert response.status_code == 200
        assert "ZZ (not on this council&#x27;s matrix)" in response.content.decode(), url


def test_nul_characters_are_stripped_alike_on_every_database(client, world):
    kpi = world["kpi"]
    client.force_login(world["officer"])
    url = reverse("kpi-return", kwargs={"council": "medway", "year": "2020-21", "quarter": "q3"})
    value = KpiValue.objects.get(kpi=kpi)
    response = client.post(
        url,
        {
            f"actual-{kpi.pk}": "7\x000",
            f"commentary-{kpi.pk}": "Bet\x00ter",
            f"version-{kpi.pk}": str(value.version),
        },
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.actual, value.commentary) == (70, "Better")
    listing = client.get(reverse("action-list", args=["medway"]), {"q": "Rev\x00iew"})
    assert listing.status_code == 200
    assert "Review" in listing.content.decode()
