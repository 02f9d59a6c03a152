"""The admin as a council administrator reads it: decimals as people write them, and theme
pickers grouped by plan that refuse a theme of another plan (or council)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from actions.models import Action
from kpis.models import KPI, KpiValue
from plans.admin_display import NormalisedDecimalField, format_decimal, plain_decimal
from plans.models import Council, Membership, Role, SavingsTarget
from risks.models import RiskRegisterEntry
from tests import factories as f


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def medway(db):
    council = f.make_council(name="Medway Council", slug="medway")
    plan = f.make_plan(council, title="Council Plan")
    theme = f.make_theme(plan, title="Growth", number=1)
    other_plan = f.make_plan(council, title="Housing Strategy")
    other_theme = f.make_theme(other_plan, title="More homes", number=1)
    kpi = f.make_kpi(council, plan=plan, theme=theme, name="Complaints on time")
    value = f.make_value(kpi, 2020, 3, "88", "75.5")
    admin_user = f.make_user("medadmin", council, Role.ADMIN)
    return {
        "council": council,
        "plan": plan,
        "theme": theme,
        "other_plan": other_plan,
        "other_theme": other_theme,
        "kpi": kpi,
        "value": value,
        "admin": admin_user,
    }


# Decimals.


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("88.0000"), "88"),
        (Decimal("68.4000"), "68.4"),
        (Decimal("0E-4"), "0"),
        (Decimal("-0.5000"), "-0.5"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1200.50"), "1200.5"),
    ],
)
def test_an_input_starts_from_the_number_without_trailing_zeros(value, text):
    assert plain_decimal(value) == text
    assert NormalisedDecimalField().prepare_value(value) == text
    assert NormalisedDecimalField().prepare_value("88.0000") == "88.0000"  # as typed


def test_money_inputs_keep_pence_and_money_columns_read_as_money():
    field = SavingsTarget._meta.get_field("target_amount")
    assert NormalisedDecimalField(money=True).prepare_value(Decimal("1200.50")) == "1200.50"
    assert NormalisedDecimalField(money=True).prepare_value(Decimal("1200.00")) == "1200"
    assert format_decimal(field, Decimal("904109.59")) == "£904,110"
    assert format_decimal(field, Decimal("2.35")) == "£2.35"
    assert format_decimal(KpiValue._meta.get_field("actual"), Decimal("1200.5000")) == "1,200.5"
    assert format_decimal(KpiValue._meta.get_field("actual"), None) == "–"


def test_every_decimal_field_of_every_admin_gets_the_normalised_input(rf, medway):
    request = rf.get("/")
    request.user = medway["admin"]
    checked = 0
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            for field in each.model._meta.concrete_fields:
                if isinstance(field, models.DecimalField) and field.editable:
                    formfield = each.formfield_for_dbfield(field, request)
                    assert isinstance(formfield, NormalisedDecimalField), (model, field.name)
                    checked += 1
    assert checked >= 5


def test_admin_pages_show_decimals_as_people_write_them(client, medway):
    client.force_login(medway["admin"])
    kpi, value = medway["kpi"], medway["value"]
    values = client.get(url(KpiValue, "changelist")).content.decode()
    assert "88%" in values and "75.5%" in values
    assert "88.0000" not in values and "75.5000" not in values
    form = client.get(url(KPI, "change", kpi.pk)).content.decode()
    assert 'value="88"' in form and 'value="75.5"' in form
    assert ".0000" not in form
    value.actual = Decimal("68.4")
    value.save()
    history = client.get(url(KpiValue, "history", value.pk)).content.decode()
    assert "88%" not in history or "68.4" in history
    assert "68.4" in history and ".0000" not in history


def test_savings_list_shows_money(client, medway):
    f.make_savings(
        medway["council"], target_amount=Decimal("1200.50"), achieved_amount=Decimal("2.35")
    )
    client.force_login(medway["admin"])
    html = client.get(url(SavingsTarget, "changelist")).content.decode()
    assert "£1,201" in html and "£2.35" in html
    assert "1200.50" not in html and "2.3500" not in html


# Themes.


def _theme_select(html: str, name: str = "theme") -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def test_theme_choices_are_grouped_by_plan_and_follow_the_objects_plan(client, medway):
    client.force_login(medway["admin"])
    select = _theme_select(client.get(url(KPI, "change", medway["kpi"].pk)).content.decode())
    assert '<optgroup label="Council Plan">' in select
    assert '<optgroup label="Housing Strategy">' in select
    assert 'data-plan-field="id_plan"' in select
    own = re.search(rf'<option value="{medway["theme"].pk}"[^>]*>', select).group(0)
    other = re.search(rf'<option value="{medway["other_theme"].pk}"[^>]*>', select).group(0)
    assert f'data-plan="{medway["plan"].pk}"' in own and "hidden" not in own
    assert f'data-plan="{medway["other_plan"].pk}"' in other and "hidden" in other
    # Adding, with no plan picked yet, every theme shows.
    add = _theme_select(client.get(url(Action, "add")).content.decode())
    assert "hidden" not in add and "More homes" in add and "Growth" in add
    # Two plans of one title say their periods.
    f.make_theme(f.make_plan(medway["council"], title="Council Plan", start_year=2021), title="X")
    select = _theme_select(client.get(url(KPI, "add")).content.decode())
    assert '<optgroup label="Council Plan, 2020/21">' in select
    assert '<optgroup label="Council Plan, 2021/22">' in select
    # A risk's themes are grouped too.
    risk = _theme_select(client.get(url(RiskRegisterEntry, "add")).content.decode(), "themes")
    assert '<optgroup label="Housing Strategy">' in risk


def _post(client, model, data, *args):
    view = "change" if args else "add"
    return client.post(url(model, view, *args), data)


def test_a_theme_of_another_plan_is_refused_with_a_message_everywhere(client, medway):
    client.force_login(medway["admin"])
    council, plan, other = medway["council"], medway["plan"], medway["other_theme"]
    kpi = medway["kpi"]
    response = _post(
        client,
        KPI,
        {
            "council": council.pk,
            "plan": plan.pk,
            "theme": other.pk,
            "name": kpi.name,
            "unit": "percent",
            "polarity": "higher",
            "frequency": "quarterly",
            "order": 0,
            "loaded_version": kpi.version,
            "values-TOTAL_FORMS": 0,
            "values-INITIAL_FORMS": 0,
        },
        kpi.pk,
    )
    assert response.status_code == 200
    assert "not part of the KPI&#x27;s plan" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.theme == medway["theme"]

    response = _post(
        client,
        Action,
        {
            "plan": plan.pk,
            "theme": other.pk,
            "title": "Mixed",
            "status": "not_started",
            "percent_complete": 0,
            "order": 0,
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "not part of the action&#x27;s plan" in response.content.decode()
    assert not Action.objects.filter(title="Mixed").exists()

    response = _post(
        client,
        SavingsTarget,
        {
            "council": council.pk,
            "plan": plan.pk,
            "theme": other.pk,
            "title": "Mixed",
            "start_year": 2024,
            "end_year": 2024,
            "target_amount": "1000",
        },
    )
    assert response.status_code == 200
    assert "not part of the chosen plan" in response.content.decode()
    assert not SavingsTarget.objects.filter(title="Mixed").exists()


def test_a_risk_cannot_take_themes_of_another_council(client, medway):
    other_council = f.make_council(name="Maidstone Council", slug="maidstone")
    foreign = f.make_theme(f.make_plan(other_council, title="Maidstone Plan"), title="Tourism")
    Membership.objects.create(user=medway["admin"], council=other_council, role=Role.ADMIN)
    risk = f.make_risk(medway["council"], title="Finances")
    client.force_login(medway["admin"])
    select = _theme_select(
        client.get(url(RiskRegisterEntry, "change", risk.pk)).content.decode(), "themes"
    )
    assert "Maidstone Plan (Maidstone)" in select  # choices span councils: each plan says its own
    response = _post(
        client,
        RiskRegisterEntry,
        {
            "council": risk.council_id,
            "reference": risk.reference,
            "title": risk.title,
            "themes": [medway["theme"].pk, foreign.pk],
            "status": risk.status,
            "loaded_version": risk.version,
        },
        risk.pk,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose themes of Medway Council" in html and "Tourism" in html
    assert not risk.themes.exists()
    assert Council.objects.count() == 2
