"""The admin a performance team lives in: every model's pages, scoping, and query counts."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionStatus, ActionUpdate
from kpis.models import KPI, KpiValue
from plans.models import Council, Membership, Plan, Role, SavingsTarget, Theme
from risks.models import RiskAssessment, RiskMatrix, RiskRegisterEntry
from tests import factories as f

DOMAIN_MODELS = [
    Council,
    Membership,
    Plan,
    Theme,
    SavingsTarget,
    Action,
    ActionUpdate,
    KPI,
    KpiValue,
    RiskRegisterEntry,
    RiskMatrix,
    RiskAssessment,
]


@pytest.fixture
def world(db):
    """Two councils with one of everything each, a superuser and a Medway administrator."""
    data = {}
    for slug in ("medway", "maidstone"):
        council = f.make_council(name=f"{slug.title()} Council", slug=slug)
        plan = f.make_plan(council, title=f"{slug.title()} Council Plan")
        theme = f.make_theme(plan, title=f"{slug.title()} priority")
        action = f.make_action(plan, theme=theme, title=f"{slug.title()} action")
        update = f.make_update(action, commentary="Progressing")
        kpi = f.make_kpi(council, theme=theme, name=f"{slug.title()} complaints")
        value = f.make_value(kpi, 2020, 3, "68.4", "75")
        risk = f.make_risk(council, title=f"{slug.title()} finances", residual_score="AI")
        savings = f.make_savings(council, plan=plan, title=f"{slug.title()} savings")
        data[slug] = {
            Council: council,
            Plan: plan,
            Theme: theme,
            Action: action,
            ActionUpdate: update,
            KPI: kpi,
            KpiValue: value,
            RiskRegisterEntry: risk,
            RiskMatrix: RiskMatrix.objects.get(council=council, in_use=True),
            RiskAssessment: f.make_assessment(risk, 2020, 3, "AI"),
            SavingsTarget: savings,
        }
    data["superuser"] = f.make_user("root", is_superuser=True, is_staff=True)
    data["medway_admin"] = f.make_user("medadmin", data["medway"][Council], Role.ADMIN)
    data["medway"][Membership] = Membership.objects.get(user=data["medway_admin"])
    other_admin = f.make_user("maidadmin", data["maidstone"][Council], Role.ADMIN)
    data["maidstone"][Membership] = Membership.objects.get(user=other_admin)
    return data


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_domain_model_is_registered():
    for model in DOMAIN_MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["superuser", "medway_admin"])
def test_changelist_add_and_change_pages_render(client, world, model, who):
    client.force_login(world[who])
    own = world["medway"][model]
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert str(own) in response.content.decode()
    add = client.get(admin_url(model, "add"))
    # Only superusers create councils; everyone else may add everything else.
    expected_add = 403 if (model is Council and who != "superuser") else 200
    assert add.status_code == expected_add
    change = client.get(admin_url(model, "change", own.pk))
    assert change.status_code == 200
    history = client.get(admin_url(model, "history", own.pk))
    assert history.status_code == 200


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_council_admin_sees_nothing_of_another_council(client, world, model):
    client.force_login(world["medway_admin"])
    other = world["maidstone"][model]
    listing = client.get(admin_url(model, "changelist")).content.decode()
    assert str(other) not in listing
    # The admin answers an object outside the queryset by redirecting with "doesn't exist".
    response = client.get(admin_url(model, "change", other.pk))
    assert response.status_code == 302
    assert not model.objects.administered_by(world["medway_admin"]).filter(pk=other.pk).exists()


def test_council_admin_choices_are_limited_to_their_councils(client, world):
    client.force_login(world["medway_admin"])
    # Foreign keys use autocomplete; its endpoint answers from the scoped queryset.
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "plans", "model_name": "plan", "field_name": "council", "term": "Council"},
    )
    names = [row["text"] for row in response.json()["results"]]
    assert names == ["Medway Council"]


def test_staff_without_a_council_role_cannot_use_the_admin(client, world):
    cabinet = f.make_user("cab", world["medway"][Council], Role.CABINET, is_staff=True)
    client.force_login(cabinet)
    assert client.get(admin_url(Plan, "changelist")).status_code == 403


def test_admin_shows_rag_and_scores_with_words(client, world):
    client.force_login(world["superuser"])
    values = client.get(admin_url(KpiValue, "changelist")).content.decode()
    assert "Red" in values  # 68.4 against 75 is 8.8% short
    risks = client.get(admin_url(RiskRegisterEntry, "changelist")).content.decode()
    assert "L – very high, I – catastrophic" in risks


def test_adding_an_update_in_the_admin_makes_it_the_current_state(client, world):
    client.force_login(world["superuser"])
    action = world["medway"][Action]
    response = client.post(
        admin_url(ActionUpdate, "add"),
        {
            "action": action.pk,
            # Today: an update may not speak for a future date; ties go to the one typed last.
            "date": timezone.localdate().isoformat(),
            "status": ActionStatus.OFF_TRACK,
            "percent_complete": 40,
            "commentary": "Slipped",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert action.status == ActionStatus.OFF_TRACK
    assert action.percent_complete == 40


def test_admin_rejects_a_risk_score_off_the_council_matrix(client, world):
    client.force_login(world["superuser"])
    risk = world["medway"][RiskRegisterEntry]
    response = client.post(
        admin_url(RiskRegisterEntry, "change", risk.pk),
        {
            "council": risk.council_id,
            "reference": risk.reference,
            "title": risk.title,
            "residual_score": "ZZ",
            "status": "open",
            "loaded_version": risk.version,
        },
    )
    assert response.status_code == 200
    assert "is not a score on the" in response.content.decode()
    risk.refresh_from_db()
    assert risk.residual_score == "AI"


def _changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, model, n: int) -> None:
    """Add n rows of the model (with what they hang from) to Medway."""
    council = world["medway"][Council]
    plan = world["medway"][Plan]
    theme = world["medway"][Theme]
    for i in range(n):
        if model is Council:
            f.make_council()
        elif model is Membership:
            f.make_user(council=council, role=Role.OFFICER)
        elif model is Plan:
            f.make_plan(council)
        elif model is Theme:
            f.make_theme(plan)
        elif model is SavingsTarget:
            f.make_savings(council, plan=plan, theme=theme)
        elif model in (Action, ActionUpdate):
            f.make_update(f.make_action(plan, theme=theme))
        elif model in (KPI, KpiValue):
            f.make_value(f.make_kpi(council, theme=theme), 2020, 3, i, 50)
        elif model is RiskRegisterEntry:
            f.make_risk(council, residual_score="CII")
        elif model is RiskMatrix:
            RiskMatrix.objects.create(council=council, in_use=False, name=f"Draft {i}")
        elif model is RiskAssessment:
            f.make_assessment(f.make_risk(council), 2020, 3, "CII")


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_changelists_do_not_grow_queries_with_rows(client, world, model):
    # A superuser, so that new councils show too.
    client.force_login(world["superuser"])
    _grow(world, model, 10)
    small = _changelist_queries(client, model)
    _grow(world, model, 60)  # beyond a page of 50
    large = _changelist_queries(client, model)
    assert large == small, f"{model.__name__}: {small} queries with ~10 rows, {large} with ~70"


def test_an_admin_correction_makes_officers_open_forms_stale(client, world):
    """Nothing is silently overwritten: after an admin edit, a form opened before it is refused."""
    from actions.services import ActionConflict, record_update

    action = world["medway"][Action]
    officer = f.make_user("officer", world["medway"][Council], Role.OFFICER)
    action.assigned_users.add(officer)
    opened_at = Action.objects.get(pk=action.pk).version
    client.force_login(world["superuser"])
    response = client.post(
        admin_url(Action, "change", action.pk),
        {
            "plan": action.plan_id,
            "theme": action.theme_id,
            "title": "Corrected title",
            "assigned_users": [officer.pk],
            "status": ActionStatus.ON_TRACK,
            "percent_complete": 10,
            "order": 0,
            "loaded_version": opened_at,
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Action.objects.get(pk=action.pk).version == opened_at + 1
    with pytest.raises(ActionConflict):
        record_update(action, officer, ActionStatus.AT_RISK, 50, "Slipping", opened_at)


def test_a_council_admin_cannot_read_or_revert_another_councils_history(client, world):
    """The attack: history pages fell back to stored history outside the scoped changelist,
    and the revert form saved another council's KPI (or moved it into Medway)."""
    client.force_login(world["medway_admin"])
    kpi = world["maidstone"][KPI]
    version = kpi.history.latest("history_date").history_id
    for url in (
        admin_url(KPI, "history", kpi.pk),
        admin_url(KPI, "simple_history", kpi.pk, version),
    ):
        response = client.get(url)
        assert response.status_code == 302  # as for a KPI that does not exist
        assert response.url == reverse("admin:index")
    response = client.post(
        admin_url(KPI, "simple_history", kpi.pk, version),
        {"council": world["medway"][Council].pk, "name": "Moved", "polarity": kpi.polarity},
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.council, kpi.name) == (world["maidstone"][Council], "Maidstone complaints")


def test_history_is_read_only_even_for_ones_own_council(client, world):
    client.force_login(world["medway_admin"])
    plan = world["medway"][Plan]
    version = plan.history.latest("history_date").history_id
    page = client.get(admin_url(Plan, "simple_history", plan.pk, version))
    assert page.status_code == 200
    assert 'value="Revert"' not in page.content.decode()
    response = client.post(admin_url(Plan, "simple_history", plan.pk, version), {"title": "Old"})
    assert response.status_code == 405
    plan.refresh_from_db()
    assert plan.title == "Medway Council Plan"


@pytest.mark.parametrize("object_id", ["abc", "0", "-1", "99999999999999999999", "1.5"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_malformed_object_ids_are_missing_objects(client, world, view, object_id):
    client.force_login(world["medway_admin"])
    response = client.get(admin_url(KPI, view, object_id))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize("version", ["abc", "99999999999999999999", "0"])
def test_malformed_history_versions_are_404(client, world, version):
    client.force_login(world["medway_admin"])
    kpi = world["medway"][KPI]
    assert client.get(admin_url(KPI, "simple_history", kpi.pk, version)).status_code == 404


def _autocomplete(client, **params):
    return client.get(reverse("admin:autocomplete"), {"term": "", **params})


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("kpis", "kpi", "owner_user"),
        ("kpis", "kpivalue", "entered_by"),
        ("actions", "action", "assigned_users"),
        ("actions", "actionupdate", "author"),
    ],
)
def test_user_pickers_list_the_members_of_ones_councils(
    client, world, app_label, model_name, field_name
):
    officer = f.make_user("medofficer", world["medway"][Council], Role.OFFICER)
    client.force_login(world["medway_admin"])
    response = _autocomplete(
        client, app_label=app_label, model_name=model_name, field_name=field_name
    )
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert names == ["medadmin", "medofficer"]  # not Maidstone's admin, not the superuser
    search = _autocomplete(
        client, app_label=app_label, model_name=model_name, field_name=field_name, term="offi"
    )
    assert [row["id"] for row in search.json()["results"]] == [str(officer.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "auth", "model_name": "user", "field_name": "groups"},  # not a picker
        {"app_label": "admin", "model_name": "logentry", "field_name": "user"},
        {"app_label": "plans", "model_name": "historicalplan", "field_name": "council"},
        {"app_label": "kpis", "model_name": "kpi", "field_name": "name"},
        {"app_label": "kpis", "model_name": "kpi", "field_name": "no_such_field"},
        {"app_label": "nope", "model_name": "kpi", "field_name": "plan"},
        {"app_label": "kpis", "model_name": "kpi"},
        {"app_label": "kpis", "model_name": "kpi", "field_name": "plan", "page": "abc"},
        {
            "app_label": "kpis",
            "model_name": "kpi",
            "field_name": "plan",
            "page": "99999999999999999999",
        },
        {"app_label": "kpis", "model_name": "kpi", "field_name": "plan", "term": "a " * 50_000},
    ],
    ids=lambda params: "-".join(f"{k}={v[:12]}" for k, v in params.items()),
)
def test_forged_or_malformed_autocomplete_requests_are_400(client, world, params):
    client.force_login(world["medway_admin"])
    response = _autocomplete(client, **params)
    assert response.status_code == 400
    assert "Maidstone" not in response.content.decode()


def test_forged_foreign_keys_are_refused_and_reshown_without_crashing(client, world):
    client.force_login(world["medway_admin"])
    before = KPI.objects.count()
    for forged in (world["maidstone"][Plan].pk, "abc", "99999999999999999999"):
        response = client.post(
            admin_url(KPI, "add"),
            {
                "council": world["medway"][Council].pk,
                "plan": forged,
                "name": "Forged",
                "unit": "percent",
                "polarity": "higher",
                "frequency": "quarterly",
                "order": 0,
                "values-TOTAL_FORMS": 0,
                "values-INITIAL_FORMS": 0,
            },
        )
        assert response.status_code == 200, forged
        assert "Select a valid choice" in response.content.decode()
    assert KPI.objects.count() == before


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_filter_sidebars_name_no_other_council(client, world, model):
    client.force_login(world["medway_admin"])
    html = client.get(admin_url(model, "changelist")).content.decode()
    assert "Maidstone" not in html
    client.force_login(world["superuser"])
    html = client.get(admin_url(model, "changelist")).content.decode()
    if model not in (Council, Membership):
        assert "Maidstone" in html  # the superuser's filters and rows do list it


def test_filters_narrow_to_the_council_filtered_on(client, world):
    client.force_login(world["superuser"])
    html = client.get(
        admin_url(KPI, "changelist"), {"council__id__exact": world["medway"][Council].pk}
    ).content.decode()
    assert "Medway priority" in html  # the theme filter
    assert "Maidstone priority" not in html and "Maidstone complaints" not in html
    assert "Maidstone Council" in html  # the council filter itself still offers both


@pytest.mark.parametrize(
    "query",
    [
        {"due_date__year": "2147483648"},
        {"due_date__year": "9999"},
        {"due_date__year": "0"},
        {"due_date__year": "2020", "due_date__month": "13"},
        {"due_date__year": "2021", "due_date__month": "2", "due_date__day": "29"},
        {"due_date__month": "99999999999999999999"},
        {"plan__council__id__exact": "99999999999999999999"},
        {"plan__council__id__exact": "-99999999999999999999"},
    ],
)
def test_absurd_filters_are_bad_requests(client, world, query):
    client.force_login(world["superuser"])
    assert client.get(admin_url(Action, "changelist"), query).status_code == 400


def test_date_navigation_still_works(client, world):
    Action.objects.filter(pk=world["medway"][Action].pk).update(due_date="2020-05-01")
    client.force_login(world["medway_admin"])
    response = client.get(
        admin_url(Action, "changelist"), {"due_date__year": "2020", "due_date__month": "5"}
    )
    assert response.status_code == 200
    assert "Medway action" in response.content.decode()


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_an_over_long_search_shows_a_message_and_no_rows(client, world, model):
    client.force_login(world["superuser"])
    response = client.get(admin_url(model, "changelist"), {"q": "a " * 50_000}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search for at most 200 characters" in html
    assert "0 results" in html


def test_a_kpi_theme_must_belong_to_its_plan(client, world):
    from django.core.exceptions import ValidationError

    council = world["medway"][Council]
    other_plan = f.make_plan(council, title="Productivity Plan")
    kpi = KPI(council=council, plan=other_plan, theme=world["medway"][Theme], name="Mixed")
    with pytest.raises(ValidationError) as refused:
        kpi.full_clean()
    assert "not part of the KPI's plan" in str(refused.value.message_dict["theme"])
    client.force_login(world["medway_admin"])
    response = client.post(
        admin_url(KPI, "add"),
        {
            "council": council.pk,
            "plan": other_plan.pk,
            "theme": world["medway"][Theme].pk,
            "name": "Mixed",
            "unit": "percent",
            "polarity": "higher",
            "frequency": "quarterly",
            "order": 0,
            "values-TOTAL_FORMS": 0,
            "values-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "not part of the KPI&#x27;s plan" in response.content.decode()
    assert not KPI.objects.filter(name="Mixed").exists()


def test_an_action_theme_must_belong_to_its_plan(world):
    from django.core.exceptions import ValidationError

    other_plan = f.make_plan(world["medway"][Council], title="Productivity Plan")
    action = Action(plan=other_plan, theme=world["medway"][Theme], title="Mixed")
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert "theme" in refused.value.message_dict


def test_a_null_character_in_admin_parameters_is_stripped_the_same_on_every_database(client, world):
    """core.middleware strips NUL from every parameter before any view sees it (PostgreSQL
    refuses NUL in text; SQLite would store it): "on\x00track" filters as "ontrack"."""
    client.force_login(world["superuser"])
    response = client.get(admin_url(Action, "changelist"), {"q": "Med\x00way"})
    assert response.status_code == 200
    assert response.context["cl"].query == "Medway"
    picker = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "kpis",
            "model_name": "kpi",
            "field_name": "plan",
            "term": "Med\x00way",
        },
    )
    assert picker.status_code == 200
    assert [row["text"] for row in picker.json()["results"]] == [str(world["medway"][Plan])]


def test_a_council_admin_sets_a_measures_baseline_and_yearly_targets(client, world):
    from decimal import Decimal

    from kpis.models import KpiTarget
    from tests.admin_forms import change_form

    kpi = world["medway"][KPI]
    client.force_login(world["medway_admin"])
    form = change_form(client, kpi)
    assert "yearly_targets-TOTAL_FORMS" in form
    form.update(
        {
            "baseline": ["80"],
            "baseline_year": ["2019"],
            "yearly_targets-TOTAL_FORMS": ["2"],
            "yearly_targets-0-financial_year": ["2019"],
            "yearly_targets-0-kind": ["baseline"],
            "yearly_targets-0-amount": [""],
            "yearly_targets-1-financial_year": ["2020"],
            "yearly_targets-1-kind": ["relative"],
            "yearly_targets-1-amount": ["2"],
        }
    )
    response = client.post(admin_url(KPI, "change", kpi.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    kpi.refresh_from_db()
    assert (kpi.baseline, kpi.baseline_year) == (Decimal("80"), 2019)
    settings = {t.financial_year: t.target_for(kpi) for t in KpiTarget.objects.filter(kpi=kpi)}
    assert settings == {2019: None, 2020: Decimal("81.60")}
    page = client.get(admin_url(KPI, "change", kpi.pk)).content.decode()
    assert "81.6%" in page and "No target" in page


def test_a_relative_yearly_target_needs_a_baseline_in_the_admin(client, world):
    from kpis.models import KpiTarget
    from tests.admin_forms import change_form

    kpi = world["medway"][KPI]
    client.force_login(world["medway_admin"])
    form = change_form(client, kpi)
    form.update(
        {
            "yearly_targets-TOTAL_FORMS": ["1"],
            "yearly_targets-0-financial_year": ["2020"],
            "yearly_targets-0-kind": ["relative"],
            "yearly_targets-0-amount": ["2"],
        }
    )
    response = client.post(admin_url(KPI, "change", kpi.pk), form)
    assert response.status_code == 200
    assert "Set the measure&#x27;s baseline and its year first." in response.content.decode()
    assert not KpiTarget.objects.exists()


def test_a_superusers_national_list_is_newest_first_without_a_date_bar(client, world):
    client.force_login(world["superuser"])
    medway = world["medway"][Council]
    newest = f.make_action(world["medway"][Plan], title="Newest action")
    response = client.get(admin_url(Action, "changelist"))
    changelist = response.context["cl"]
    assert changelist.date_hierarchy is None  # its years would be read from every row
    assert changelist.result_list[0] == newest
    # Filtered to one council: the council's order and the date bar again.
    response = client.get(
        admin_url(Action, "changelist") + f"?plan__council__id__exact={medway.pk}"
    )
    assert response.context["cl"].date_hierarchy == "due_date"
    assert "Newest action" in response.content.decode()
    # A council administrator's list is always the model's order, with the date bar.
    client.force_login(world["medway_admin"])
    assert client.get(admin_url(Action, "changelist")).context["cl"].date_hierarchy == "due_date"


@pytest.mark.postgresql
def test_a_superusers_national_list_is_counted_from_the_statistics(client, world, monkeypatch):
    from plans import admin_paginator

    monkeypatch.setattr(admin_paginator, "ESTIMATE_ABOVE", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kpis_kpivalue")
    client.force_login(world["superuser"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(admin_url(KpiValue, "changelist")).content.decode()
    assert "About 2 KPI values" in page or "About 2 kpi values" in page.lower()
    assert not any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
    # Any filter counts exactly.
    medway = world["medway"][Council]
    url = admin_url(KpiValue, "changelist") + f"?kpi__council__id__exact={medway.pk}"
    page = client.get(url).content.decode()
    assert "About" not in page and "1 KPI value" in page


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
def test_row_checkboxes_are_djangos_markup_drawn_without_templates(client, world, model):
    # The cheap checkbox is exactly the one Django's widget draws (its name escaped), and the
    # list's actions still find the rows it selects.
    obj = world["medway"][model]
    model_admin = admin.site._registry[model]
    if hasattr(obj, "title"):
        obj.title = 'Fish & "chips" <b>'
    expected = admin.ModelAdmin.action_checkbox(model_admin, obj)
    assert model_admin.action_checkbox(obj) == expected
    client.force_login(world["superuser"])
    html = client.get(admin_url(model, "changelist")).content.decode()
    assert f'name="_selected_action" value="{obj.pk}" class="action-select"' in html
