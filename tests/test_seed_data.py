"""The seed fixtures hold the five council documents faithfully, and the demo logins work.

The figures asserted here are the ones a reader can check against fixtures/sources/*.txt.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from actions.models import Action, ActionUpdate, Horizon
from core.rag import Rag, Trend
from kpis.models import KPI, KpiValue
from plans.models import Council, Plan, PlanStatus, Role, Theme, ThemeKind
from risks.models import RiskRegisterEntry

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "fixtures" / "sources"

MEDWAY_PP = "medway-productivity-plan-2024-25.txt"
MEDWAY_CPC = "medway-corporate-peer-challenge-action-plan-2018.txt"
MEDWAY_WOW = "medway-ways-of-working-performance-q3-2020-21.txt"
BROMSGROVE = "bromsgrove-productivity-plan-cabinet-2024-07.txt"
MAIDSTONE = "maidstone-improvement-plan-2012-15.txt"


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


def plan_from(source: str) -> Plan:
    return Plan.objects.get(source_document=source)


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[◆•·*]", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _paragraphs(text: str) -> list[str]:
    """The lines of a text, each of which must be in the source."""
    return [p for p in (_normalise(p) for p in text.splitlines()) if p]


# --- the generator and the committed files agree ---------------------------------------------


def test_committed_fixtures_are_what_the_generator_writes():
    script = ROOT / "scripts" / "build_fixtures.py"
    spec = importlib.util.spec_from_file_location("build_fixtures", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    try:
        spec.loader.exec_module(module)
        rendered = module.render()
    finally:
        del sys.modules[spec.name]
    for path, text in rendered.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale"


# --- counts -----------------------------------------------------------------------------------


def test_each_council_has_its_plans_and_rows(seeded):
    counts = {
        c.slug: (c.plans.count(), c.kpis.count(), c.risks.count(), c.savings_targets.count())
        for c in Council.objects.all()
    }
    assert counts == {"medway": (3, 9, 7, 2), "bromsgrove": (1, 0, 0, 0), "maidstone": (1, 0, 0, 1)}
    per_plan = {
        p.source_document: (p.themes.count(), p.actions.count())
        for p in Plan.objects.all()
    }
    assert per_plan == {
        MEDWAY_PP: (4, 82),
        MEDWAY_CPC: (8, 36),
        MEDWAY_WOW: (2, 2),
        BROMSGROVE: (4, 85),
        MAIDSTONE: (17, 102),
    }
    assert ActionUpdate.objects.count() == 11
    assert KpiValue.objects.count() == 20


def test_loading_twice_adds_nothing(seeded):
    before = [m.objects.count() for m in (Plan, Theme, Action, ActionUpdate, KPI, KpiValue)]
    call_command("load_seed", verbosity=0)
    after = [m.objects.count() for m in (Plan, Theme, Action, ActionUpdate, KPI, KpiValue)]
    assert before == after


def test_every_plan_records_its_source_document(seeded):
    for plan in Plan.objects.all():
        assert (SOURCES / plan.source_document).is_file(), plan


# --- nothing invented: the words are the documents' words -------------------------------------


#: Measures the report gives in one sentence: their names, and the sentence they come from.
COMPOSED_NAMES = {
    "Ombudsman decisions": "The Ombudsman made 18 decisions",
    "Complaints upheld by the Ombudsman": "and upheld 4 complaints.",
}


def test_titles_descriptions_and_commentary_are_the_documents_words(seeded):
    checked = 0
    for plan in Plan.objects.all():
        source = _normalise((SOURCES / plan.source_document).read_text(encoding="utf-8"))
        texts = [plan.title.replace("Medway Council ", "")]
        for theme in plan.themes.all():
            texts += [theme.title, theme.lead, *_paragraphs(theme.description)]
        table_cells: list[str] = []
        for action in plan.actions.all():
            if action.theme and action.theme.kind == ThemeKind.WORKSTREAM:
                table_cells += [action.title, *action.description.splitlines()]
                continue
            texts += [action.title, action.due_label, action.lead_officer, action.portfolio_holder]
            texts += [*_paragraphs(action.description), action.tranche]
            for update in action.updates.all():
                texts += _paragraphs(update.commentary)
        for kpi in plan.kpis.all():
            texts += [kpi.code, *_paragraphs(kpi.definition)]
            texts.append(COMPOSED_NAMES.get(kpi.name, kpi.name))
            for value in kpi.values.all():
                texts += _paragraphs(value.commentary)
        for savings in plan.savings_targets.all():
            texts += _paragraphs(savings.commentary)
        for text in texts:
            if text and text != "Skills and Employability Plan timetable":
                assert _normalise(text) in source, f"not in {plan.source_document}: {text!r}"
                checked += 1
        for text in table_cells:
            # Maidstone's workstream table lost its layout: a cell's words are there, in order,
            # but interleaved with the neighbouring columns.
            words = _normalise(text).split()
            pattern = ".*?".join(re.escape(w) for w in words)
            assert re.search(pattern, source), f"not in {plan.source_document}: {text!r}"
            checked += 1
    assert checked > 500


def test_no_status_or_progress_is_reported_that_the_documents_do_not_give(seeded):
    # Only the £5m savings are said to be "on track"; every other action and update states no
    # status, so none is claimed ("not reported"); no document gives a % complete.
    five_m = (
        "Reassure yourselves that the £5m savings for 2018/19 are on track and will come from "
        "true transformation activity"
    )
    assert list(
        Action.objects.exclude(status="not_reported").values_list("title", "status")
    ) == [(five_m, "on_track")]
    assert list(
        ActionUpdate.objects.exclude(status="not_reported").values_list("action__title", "status")
    ) == [(five_m, "on_track")]
    assert Action.objects.filter(status="not_reported").count() > 100
    assert not Action.objects.exclude(percent_complete=None).exists()
    assert not ActionUpdate.objects.exclude(percent_complete=None).exists()
    assert not Action.objects.filter(status="not_started").exists()


# --- Medway Productivity Plan 2024/25 ---------------------------------------------------------


def test_medway_productivity_plan_themes_and_fit_plan(seeded):
    plan = plan_from(MEDWAY_PP)
    assert plan.council.slug == "medway"
    assert plan.period == "2024/25"
    themes = [(t.number, t.title, t.actions.count()) for t in plan.themes.all()]
    assert themes == [
        (1, "Transforming how we design and deliver services", 32),
        (2, "Making better use of technology and data", 14),
        (3, "Our plans to reduce wasteful spend", 17),
        (4, "Barriers preventing progress", 19),
    ]
    fit = plan.savings_targets.get()
    assert fit.target_amount == Decimal("34000000")
    assert fit.period == "2024/25"
    assert fit.theme.number == 1
    measure = plan.actions.get(title__contains="89 key performance indicators")
    assert measure.theme.number == 1
    assert "five priorities" in measure.title
    assert plan.actions.filter(title__contains="83 key improvement actions").exists()
    capital = plan.actions.filter(description="Investing in capital")
    assert capital.count() == 6
    assert capital.filter(title__contains="£42million scheme of house acquisition").exists()
    assert capital.filter(title__contains="£120million pipeline").exists()


# --- Medway Corporate Peer Challenge action plan (2018) -----------------------------------------


def test_peer_challenge_budget_setting_action_and_its_dated_updates(seeded):
    plan = plan_from(MEDWAY_CPC)
    action = plan.actions.get(title__startswith="Budget-setting")
    assert (action.lead_officer, action.portfolio_holder) == ("Phil Watts", "Alan Jarrett")
    assert action.due_label == "April 2018"
    assert str(action.due_date) == "2018-04-30"
    assert "MTFS process to be started earlier" in action.description
    updates = list(action.updates.order_by("pk"))
    assert len(updates) == 4
    assert all(str(u.date) == "2018-09-30" for u in updates)
    assert updates[0].commentary.startswith("The MTFS process was started earlier")
    lean = plan.actions.get(title="A 'lean' organisation?")
    assert (lean.lead_officer, lean.portfolio_holder, lean.due_label) == (
        "Neil Davies", "Alan Jarrett", "September 2018",
    )
    governance = plan.themes.get(title="Governance").actions.get()
    assert governance.updates.get().author_name == "Perry Holmes, Chief Legal Officer"


def test_peer_challenge_road_map_tranches_and_savings(seeded):
    plan = plan_from(MEDWAY_CPC)
    tranches = {
        t: list(plan.actions.filter(tranche=t).values_list("title", flat=True))
        for t in plan.actions.exclude(tranche="").values_list("tranche", flat=True).distinct()
    }
    assert len(tranches["Tranche 1: January 2018 – July 2018"]) == 9
    assert tranches["Tranche 2: July 2018 – December 2018"] == [
        "Internal & External Communications Channel Shift",
        "Map & Redesign Processes",
        "Rationalisation Of Systems",
        "Establish Business As Usual Structure",
    ]
    assert tranches["Tranche 3: January 2019 – Business As Usual"] == [
        "Assess Readiness Of Becoming A Digital Council",
        "Ongoing Process Improvements",
        "Smart Cities",
    ]
    assert len(tranches["Skills and Employability Plan timetable"]) == 9
    approved = plan.actions.get(title="Plan approved and published")
    assert (approved.due_label, str(approved.due_date)) == ("October", "2018-10-31")
    savings = plan.savings_targets.get()
    assert savings.target_amount == Decimal("5000000")
    assert savings.period == "2018/19"
    assert savings.action.status == "on_track"


# --- Medway Ways of Working, Q3 2020/21 -------------------------------------------------------

COMPLAINTS = {
    # name: (target, Q3 2019/20, Q2 2020/21, Q3 2020/21, RAG in Q3 2020/21)
    "Stage 1 corporate complaints (Response target 10 working days)": (
        "80", "96.3", "86.3", "88.0", Rag.GREEN,
    ),
    "Stage 2 corporate complaints (Response target 15 working days)": (
        "75", "76.7", "88.9", "68.4", Rag.RED,
    ),
    "Children's social care complaints (Response target 20 working days)": (
        "75", "82.5", "100.0", "88.9", Rag.GREEN,
    ),
    "Adult social care complaints (Response target 20 working days)": (
        "75", "60.7", "80.8", "82.8", Rag.GREEN,
    ),
}


@pytest.mark.parametrize("name", COMPLAINTS)
def test_complaints_timeliness_values_targets_and_rag(seeded, name):
    target, q3_before, q2, q3, rag = COMPLAINTS[name]
    kpi = KPI.objects.get(council__slug="medway", name=name)
    assert (kpi.unit, kpi.polarity, kpi.frequency, kpi.data_only) == (
        "percent", "higher", "quarterly", False,
    )
    values = {(v.financial_year, v.quarter): v for v in kpi.values.all()}
    assert values[(2019, 3)].actual == Decimal(q3_before)
    assert values[(2020, 2)].actual == Decimal(q2)
    assert values[(2020, 3)].actual == Decimal(q3)
    assert {values[p].target for p in [(2019, 3), (2020, 2), (2020, 3)]} == {Decimal(target)}
    assert values[(2020, 3)].rag == rag
    assert values[(2020, 3)].period_label == "Q3 2020/21"


def test_stage_one_complaints_three_year_q3_trend(seeded):
    kpi = KPI.objects.get(name__startswith="Stage 1 corporate complaints")
    q3 = dict(kpi.values.filter(quarter=3).values_list("financial_year", "actual"))
    assert q3 == {2018: Decimal("88.1"), 2019: Decimal("96.3"), 2020: Decimal("88.0")}
    # 2018/19 was published without a target, so none is invented for it.
    assert kpi.values.get(financial_year=2018).target is None


def test_digital_take_up_is_data_only_with_its_published_trends(seeded):
    kpi = KPI.objects.get(council__slug="medway", code="DIGI TU 01")
    assert kpi.name == "Digital take up"
    assert kpi.data_only
    value = kpi.values.get(financial_year=2020, quarter=3)
    assert value.actual is None and value.target is None  # the report gives no figure
    assert (value.reported_long_trend, value.reported_short_trend) == (Trend.IMP, Trend.IMP)


def test_compliments_and_ombudsman_figures_are_data_only_counts(seeded):
    expected = {
        "Compliments received": {(2020, 2): 145, (2020, 3): 74},
        "Referrals made to the Local Government and Social Care Ombudsman (LGSCO)": {
            (2020, 2): 13, (2020, 3): 17,
        },
        "Ombudsman decisions": {(2020, 3): 18},
        "Complaints upheld by the Ombudsman": {(2020, 3): 4},
    }
    for name, values in expected.items():
        kpi = KPI.objects.get(council__slug="medway", name=name)
        assert kpi.data_only and kpi.unit == "count"
        got = {(v.financial_year, v.quarter): v.actual for v in kpi.values.all()}
        assert got == {period: Decimal(n) for period, n in values.items()}
        assert {v.rag for v in kpi.values.all()} == {Rag.DATA}


def test_the_seven_strategic_risks(seeded):
    risks = [
        (r.reference, r.title, r.owner, r.residual_score, r.register_page)
        for r in RiskRegisterEntry.objects.filter(council__slug="medway").order_by("register_page")
    ]
    assert risks == [
        ("SR03B", "Finances", "Chief Finance Officer", "AI", 4),
        ("SR46", "Medway's Economic Recovery from COVID19",
         "AD Regeneration (Recovery Lead Officer for Medway Council)", "BII", 7),
        ("SR32", "Data and information", "Chief Legal Officer", "CII", 23),
        ("SR36", "Alternative service delivery models", "Chief Legal Officer, Director of RCET",
         "BIII", 26),
        ("SR37", "Cyber Security", "Chief Finance Officer", "CI", 30),
        ("SR02", "Business continuity and emergency planning", "Director of Place", "DII", 39),
        ("SR49", "Income Reduction due to COVID19", "Chief Finance Officer", "BII", 57),
    ]
    finances = RiskRegisterEntry.objects.get(reference="SR03B")
    assert finances.residual.description == "L – very high, I – catastrophic"
    assert RiskRegisterEntry.objects.get(reference="SR36").residual.description == (
        "L – high, I – marginal"
    )
    assert finances.themes.filter(kind=ThemeKind.WAY_OF_WORKING).count() == 2


# --- Bromsgrove -------------------------------------------------------------------------------


def test_bromsgrove_plan_approval_and_themes(seeded):
    plan = plan_from(BROMSGROVE)
    assert plan.council.name == "Bromsgrove District Council"
    assert plan.council.kind == "district"
    assert (plan.status, plan.approved_by, str(plan.approved_on)) == (
        PlanStatus.APPROVED, "Cabinet", "2024-07-17",
    )
    assert "Report Author Job Title: Business Improvement Manager" in plan.summary
    assert [t.actions.count() for t in plan.themes.all()] == [46, 14, 9, 16]
    assert plan.actions.filter(title__contains="Levelling Up (£16.1m) funding").exists()
    assert plan.actions.filter(title__startswith="Investing £6m in the Burcot Lane").exists()
    next_two_years = plan.actions.filter(description__startswith="Our plans for transformation")
    assert next_two_years.count() == 9
    review = next_two_years.get(title__startswith="Full establishment review")
    assert (review.due_label, str(review.due_date)) == ("May 2024", "2024-05-31")
    assert not plan.savings_targets.exists()  # the report states no savings figure


# --- Maidstone --------------------------------------------------------------------------------


def test_maidstone_workstreams_enablers_and_priority_order(seeded):
    plan = plan_from(MAIDSTONE)
    assert plan.status == PlanStatus.DRAFT
    assert plan.period == "2012/13 to 2014/15"
    workstreams = list(plan.themes.filter(kind=ThemeKind.WORKSTREAM).values_list("title", "lead"))
    assert workstreams == [
        ("Incremental improvement", "Head of Change and Scrutiny"),
        ("Asset management", "Asst Director of Environmental & Regulatory Services"),
        ("Transformation", "Head of Business Improvement"),
        ("External challenge", "Head of Change & Scrutiny"),
    ]
    assert list(plan.themes.filter(kind=ThemeKind.ENABLER).values_list("title", flat=True)) == [
        "Organisational culture",
        "Good information and knowledge management",
        "Councillor assurance",
    ]
    services = [t.title.split(" (")[0] for t in plan.themes.filter(kind=ThemeKind.SERVICE_AREA)]
    assert services == [
        "Waste & Recycling", "Customer Services delivery", "ICT",
        "Parking Transport Management", "Hazlitt Arts Centre", "Planning",
        "Revenues and Benefits", "Housing", "Finance", "Building Control",
    ]


def test_maidstone_priorities_per_year_appendix_and_savings(seeded):
    plan = plan_from(MAIDSTONE)
    ranked = plan.actions.exclude(priority=None).order_by("tranche", "priority")
    by_year = {}
    for action in ranked:
        by_year.setdefault(action.tranche, []).append(action.title)
    assert by_year["2014/15"] == [
        "Customer Services delivery", "Revenues & Benefits", "Housing", "Building Control",
        "Finance",
    ]
    assert by_year["2013/14"][:2] == ["Waste & Recycling", "Customer Services delivery"]
    assert len(by_year["2012/13"]) == 7
    waste = plan.themes.get(title="Waste & Recycling")
    horizons = {
        h: list(waste.actions.filter(horizon=h).values_list("title", flat=True))
        for h in Horizon.values
    }
    assert horizons[Horizon.LONG] == [
        "Recycling 50%+", "New open book waste contract", "Refresh strategy in 2015",
    ]
    assert horizons[Horizon.MEDIUM] == ["Review staff structures"]
    assert len(horizons[Horizon.SHORT]) == 7
    savings = plan.savings_targets.get()
    assert savings.target_amount == Decimal("2900000")
    assert savings.period == "2012/13 to 2014/15"


# --- every row passes its model's validation ----------------------------------------------------


def test_every_loaded_row_passes_full_clean(seeded):
    checked = 0
    for app in ("plans", "actions", "kpis", "risks"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model.objects.all():
                obj.full_clean()
                checked += 1
    assert checked >= 400


# --- demo users -------------------------------------------------------------------------------


@override_settings(ALLOW_DEMO_USERS=False)
def test_demo_users_are_refused_under_production_settings(seeded):
    with pytest.raises(CommandError, match="ALLOW_DEMO_USERS is False"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()


@override_settings(ALLOW_DEMO_USERS=True)
def test_demo_users_need_the_seed_first(db):
    with pytest.raises(CommandError, match="load_seed"):
        call_command("create_demo_users")


@override_settings(ALLOW_DEMO_USERS=True)
def test_demo_users_are_created_once_with_their_roles_and_work(seeded, capsys):
    call_command("create_demo_users")
    call_command("create_demo_users")
    printed = capsys.readouterr().out
    assert "medway-officer" in printed and "demo-councilplans" in printed
    User = get_user_model()
    assert User.objects.count() == 10
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-councilplans")
    officer = User.objects.get(username="medway-officer")
    assert officer.memberships.get().role == Role.OFFICER
    assert User.objects.get(username="maidstone-admin").is_staff
    assert not User.objects.get(username="bromsgrove-cabinet").is_staff
    # Medway's officer owns the complaints measures, so a quarterly return can be demoed.
    assert KPI.objects.editable_by(officer).filter(
        name__contains="complaints (Response target"
    ).count() == 4
    assert Action.objects.editable_by(officer).count() == 8
    assert Action.objects.filter(assigned_users=officer).count() == 8
    cabinet = User.objects.get(username="medway-cabinet")
    assert not Action.objects.editable_by(cabinet).exists()
    assert set(Plan.objects.visible_to(cabinet).values_list("council__slug", flat=True)) == {
        "medway"
    }
    assert Action.objects.editable_by(User.objects.get(username="maidstone-officer")).count() == 30



@override_settings(ALLOW_DEMO_USERS=True)
def test_demo_users_have_example_emails_for_trying_password_reset(seeded):
    call_command("create_demo_users", stdout=io.StringIO())
    officer = get_user_model().objects.get(username="medway-officer")
    assert officer.email == "medway-officer@example.org"


@override_settings(ALLOW_DEMO_USERS=True)
def test_running_again_leaves_demo_users_alone_but_lifts_their_lockout(seeded, client):
    call_command("create_demo_users", stdout=io.StringIO())
    User = get_user_model()
    officer = User.objects.get(username="medway-officer")
    # The officer changed their password; running the command again keeps it (and so does
    # not spend a slow hash on every demo user)...
    officer.set_password("my-own-secret-2026")
    officer.save()
    hashes = dict(User.objects.values_list("username", "password"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "medway-officer", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="medway-officer").exists()
    locked = client.post(
        reverse("login"), {"username": "medway-officer", "password": "my-own-secret-2026"}
    )
    assert locked.status_code == 429

    call_command("create_demo_users", stdout=io.StringIO())
    assert dict(User.objects.values_list("username", "password")) == hashes
    # ...and lifts the lockout, so the demo login works again at once.
    assert not AccessAttempt.objects.filter(username="medway-officer").exists()
    signed_in = client.post(
        reverse("login"), {"username": "medway-officer", "password": "my-own-secret-2026"}
    )
    assert signed_in.status_code == 302

    call_command("create_demo_users", "--reset-passwords", stdout=io.StringIO())
    assert User.objects.get(username="medway-officer").check_password("demo-councilplans")


@override_settings(ALLOW_DEMO_USERS=True)
def test_a_demo_user_put_wrong_is_put_right_without_losing_its_password(seeded):
    call_command("create_demo_users", stdout=io.StringIO())
    User = get_user_model()
    User.objects.filter(username="maidstone-admin").update(is_staff=False, is_active=False)
    User.objects.filter(username="bromsgrove-cabinet").update(password="!unusable")
    call_command("create_demo_users", stdout=io.StringIO())
    admin = User.objects.get(username="maidstone-admin")
    assert admin.is_staff and admin.is_active and admin.check_password("demo-councilplans")
    cabinet = User.objects.get(username="bromsgrove-cabinet")
    assert cabinet.check_password("demo-councilplans")

def test_new_rows_after_the_seed_get_fresh_keys(seeded):
    # loaddata moves PostgreSQL's sequences past the fixtures' fixed keys; without that the
    # first action an officer adds would collide with a seeded one.
    highest = max(Action.objects.values_list("pk", flat=True))
    action = Action.objects.create(plan=plan_from(MEDWAY_CPC), title="A new action")
    assert action.pk > highest
    council = Council.objects.create(
        name="Kent County Council", short_name="Kent", slug="kent", kind="county"
    )
    assert council.pk > 3
