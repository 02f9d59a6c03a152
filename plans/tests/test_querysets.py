"""Per-council access decided in one place: visible_to, editable_by, administered_by."""

import pytest

from actions.models import Action, ActionUpdate
from kpis.models import KPI, KpiValue
from plans.models import Council, Plan, Role, SavingsTarget, Theme
from risks.models import RiskRegisterEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_councils():
    medway, maidstone = f.make_council("Medway Council"), f.make_council("Maidstone Council")
    rows = {}
    for council in (medway, maidstone):
        plan = f.make_plan(council)
        theme = f.make_theme(plan)
        action = f.make_action(plan, theme=theme)
        kpi = f.make_kpi(council, theme=theme)
        rows[council.slug] = {
            "council": council,
            "plan": plan,
            "theme": theme,
            "action": action,
            "update": f.make_update(action),
            "kpi": kpi,
            "value": f.make_value(kpi, 2020, 3, 80, 75),
            "risk": f.make_risk(council),
            "savings": f.make_savings(council, plan=plan),
        }
    return medway, maidstone, rows


MODELS = [
    Council,
    Plan,
    Theme,
    Action,
    ActionUpdate,
    KPI,
    KpiValue,
    RiskRegisterEntry,
    SavingsTarget,
]


KEYS = {
    Council: "council",
    Plan: "plan",
    Theme: "theme",
    Action: "action",
    ActionUpdate: "update",
    KPI: "kpi",
    KpiValue: "value",
    RiskRegisterEntry: "risk",
    SavingsTarget: "savings",
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", [Role.OFFICER, Role.CABINET, Role.ADMIN])
def test_members_see_only_their_council(two_councils, model, role):
    medway, maidstone, rows = two_councils
    user = f.make_user(council=medway, role=role)
    assert list(model.objects.visible_to(user)) == [rows[medway.slug][KEYS[model]]]
    other = f.make_user(council=maidstone, role=role)
    assert list(model.objects.visible_to(other)) == [rows[maidstone.slug][KEYS[model]]]


def test_anonymous_and_inactive_users_see_nothing(two_councils):
    from django.contrib.auth.models import AnonymousUser

    medway, _, _ = two_councils
    inactive = f.make_user(council=medway, role=Role.ADMIN, is_active=False)
    for user in (AnonymousUser(), None, inactive):
        assert not Plan.objects.visible_to(user).exists()
        assert not Action.objects.editable_by(user).exists()


def test_a_person_in_two_councils_sees_both(two_councils):
    medway, maidstone, _ = two_councils
    user = f.make_user(council=medway, role=Role.CABINET)
    from plans.models import Membership

    Membership.objects.create(user=user, council=maidstone, role=Role.OFFICER)
    assert set(Council.objects.visible_to(user)) == {medway, maidstone}
    # Visible through two memberships, listed once.
    assert Plan.objects.visible_to(user).count() == 2


def test_officers_edit_only_what_they_lead(two_councils):
    medway, _, rows = two_councils
    officer = f.make_user(council=medway, role=Role.OFFICER)
    mine = f.make_action(rows[medway.slug]["plan"], assigned=[officer, f.make_user()])
    my_kpi = f.make_kpi(medway, owner_user=officer)
    my_value = f.make_value(my_kpi, 2020, 3, 1, 2)
    assert list(Action.objects.editable_by(officer)) == [mine]
    assert list(KPI.objects.editable_by(officer)) == [my_kpi]
    assert list(KpiValue.objects.editable_by(officer)) == [my_value]
    assert not RiskRegisterEntry.objects.editable_by(officer).exists()
    assert not Plan.objects.editable_by(officer).exists()


def test_an_officer_removed_from_the_council_loses_their_assignments(two_councils):
    medway, maidstone, rows = two_councils
    outsider = f.make_user(council=maidstone, role=Role.OFFICER)
    f.make_action(rows[medway.slug]["plan"], assigned=[outsider])
    assert not Action.objects.editable_by(outsider).filter(plan__council=medway).exists()


def test_cabinet_members_edit_nothing(two_councils):
    medway, _, rows = two_councils
    cabinet = f.make_user(council=medway, role=Role.CABINET)
    rows[medway.slug]["action"].assigned_users.add(cabinet)
    for model in MODELS:
        assert not model.objects.editable_by(cabinet).exists(), model


def test_council_admins_edit_all_of_their_council_and_nothing_else(two_councils):
    medway, maidstone, rows = two_councils
    admin = f.make_user(council=medway, role=Role.ADMIN)
    extra = f.make_action(rows[medway.slug]["plan"], assigned=[f.make_user(), f.make_user()])
    editable = Action.objects.editable_by(admin)
    # No duplicate rows from the assigned-users join.
    assert sorted(editable.values_list("pk", flat=True)) == sorted(
        [rows[medway.slug]["action"].pk, extra.pk]
    )
    assert not RiskRegisterEntry.objects.editable_by(admin).filter(council=maidstone).exists()
    assert RiskRegisterEntry.objects.administered_by(admin).get() == rows[medway.slug]["risk"]


def test_superusers_see_and_edit_everything(two_councils):
    root = f.make_user(is_superuser=True)
    for model in MODELS:
        assert model.objects.visible_to(root).count() == model.objects.count()
        assert model.objects.editable_by(root).count() == model.objects.count()


def test_plain_instances_read_related_rows_and_annotations_in_one_query(
    django_assert_num_queries,
):
    """A report reads measures with their themes and plans as plain rows: every related
    object as select_related would give it (shared, None where the key is empty), the
    annotations set, and nothing more read from the database afterwards."""
    from django.db.models import F, Value

    from plans.querysets import plain_instances

    council = f.make_council()
    plan = f.make_plan(council, title="Plan A")
    theme = f.make_theme(plan, title="Skills")
    f.make_kpi(council, code="B", theme=theme)
    f.make_kpi(council, code="A", theme=theme)
    f.make_kpi(council, code="C")  # no theme
    queryset = (
        KPI.objects.filter(council=council)
        .annotate(doubled=F("pk") * 2, label=Value("x"))
        .order_by("code")
    )
    with django_assert_num_queries(1):
        kpis = list(
            plain_instances(
                queryset,
                chunk_size=None,
                omit={"definition"},
                related=("theme", "theme__plan"),
                annotations=("doubled", "label"),
            )
        )
        assert [kpi.code for kpi in kpis] == ["A", "B", "C"]
        assert [kpi.theme.title if kpi.theme else None for kpi in kpis] == [
            "Skills",
            "Skills",
            None,
        ]
        assert kpis[0].theme is kpis[1].theme  # one object for the rows that share it
        assert kpis[0].theme.plan.title == "Plan A"
        assert [kpi.doubled for kpi in kpis] == [kpi.pk * 2 for kpi in kpis]
        assert {kpi.label for kpi in kpis} == {"x"}
        assert "definition" not in kpis[0].__dict__  # left unread, as asked
