"""Each sheet beyond Measures and Values: created, matched again by its key (nothing changes
on a second import, a changed cell updates its row with history), a bad row refused with
nothing written, and another council's rows never reached."""

from __future__ import annotations

import copy
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, ActionStatus, ActionUpdate
from kpis.schemes import RagScheme
from plans.models import Council, Plan, Role, SavingsTarget, Theme
from risks.models import RiskAssessment, RiskMatrix, RiskRegisterEntry
from tests.factories import (
    make_action,
    make_council,
    make_plan,
    make_risk,
    make_theme,
    make_user,
)
from workbooks.importer import import_workbook
from workbooks.tests.test_measures import xlsx

PLAN = "Council Plan 2024-27"
BOOK = {
    "Settings": [
        ["Setting", "Value"],
        ["Tolerance", "10%"],
        ["RAG scheme", "Green band"],
        ["Risk appetite", 12],
        ["Risk bands", "low green 1; medium yellow 6; high red 12"],
    ],
    "Plans": [
        ["Title", "Kind", "Years", "Status", "Approved by", "Approved on"],
        [PLAN, "Council Plan", "2024/25-2026/27", "Approved", "Cabinet", "31/07/2024"],
    ],
    "Themes": [["Plan", "Number", "Title", "Lead"], [PLAN, 1, "Growth", "Director of Place"]],
    "Actions": [
        ["Plan", "Theme", "No.", "Reference", "Title", "Due date", "Status", "% complete",
         "Assigned to"],
        [PLAN, 1, 1, "A1", "Build homes", "31/03/2025", "On track", 40, "ola@example.org"],
    ],
    "Action updates": [
        ["Plan", "Theme", "No.", "As at", "Status", "% complete", "Commentary", "Author email"],
        [PLAN, 1, 1, "30/06/2024", "On track", 40, "Going well", "ola@example.org"],
    ],
    "Risks": [
        ["Reference", "Title", "Owner", "Themes", "Inherent", "Current", "Target"],
        ["SR1", "Finances", "Chief Finance Officer", f"{PLAN}: 1", "AI", "BII", "CIII"],
    ],
    "Risk assessments": [
        ["Risk", "Year", "Quarter", "Score", "RAG", "Assessed by"],
        ["SR1", "2024/25", "Q1", "BII", "", "ola@example.org"],
        ["SR1", "2024/25", "Q2", "", "Amber", ""],
    ],
    "Savings": [
        ["Title", "Years", "Plan", "Type", "One-off or recurring", "Target set as", "Target %",
         "Budget £", "Status"],
        ["Agency staff", "2024/25", PLAN, "Saving", "Recurring each year",
         "A percentage of a budget", 5, "£2,000,000", "On track"],
    ],
}  # fmt: skip


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    make_user("ola", council, Role.OFFICER, email="ola@example.org")
    return council


@pytest.fixture
def admin(medway):
    return make_user("admin", medway, Role.ADMIN, email="admin@example.org")


@pytest.fixture
def kent(db):
    council = make_council("Kent County Council", slug="kent")
    plan = make_plan(council, title="Kent Plan")
    theme = make_theme(plan, number=1, title="Roads")
    make_action(plan, theme=theme, order=1, title="Fill potholes")
    make_risk(council, reference="KR1", title="Kent's finances")
    make_user("kim", council, Role.OFFICER, email="kim@example.org")
    return council


def run(council, user, sheets):
    return import_workbook(council, user, "Workbook.xlsx", xlsx(sheets))


def test_every_sheet_creates_its_rows(medway, admin):
    result = run(medway, admin, BOOK)
    assert result.ok, [str(e) for e in result.errors]
    medway.refresh_from_db()
    assert medway.rag_tolerance == Decimal("0.1")
    matrix = RiskMatrix.objects.get(council=medway, in_use=True)
    assert matrix.appetite == 12
    assert RagScheme.objects.get(council=medway, in_use=True).preset == "green_band"
    plan = Plan.objects.get(council=medway)
    assert (plan.start_year, plan.end_year, plan.status) == (2024, 2026, "approved")
    assert plan.approved_on == datetime.date(2024, 7, 31)
    assert plan.history.get().history_user == admin
    theme = Theme.objects.get(plan=plan)
    action = Action.objects.get(plan=plan)
    assert (action.theme, action.order, action.reference) == (theme, 1, "A1")
    assert (action.status, action.percent_complete) == (ActionStatus.ON_TRACK, 40)
    assert [u.email for u in action.assigned_users.all()] == ["ola@example.org"]
    update = ActionUpdate.objects.get(action=action)
    assert (update.date, update.commentary) == (datetime.date(2024, 6, 30), "Going well")
    assert update.author.email == "ola@example.org"
    risk = RiskRegisterEntry.objects.get(council=medway)
    assert (risk.reference, risk.residual_score, list(risk.themes.all())) == ("SR1", "BII", [theme])
    q1, q2 = RiskAssessment.objects.filter(risk=risk).order_by("quarter")
    assert (q1.score, q1.assessed_by.email, q2.rag) == ("BII", "ola@example.org", "amber")
    saving = SavingsTarget.objects.get(council=medway)
    assert (saving.plan, saving.recurrence, saving.reported_status) == (
        plan,
        "recurring",
        "on_track",
    )
    assert saving.target_amount == Decimal("100000")


def test_importing_again_changes_nothing_and_a_changed_cell_updates_its_row(medway, admin):
    assert run(medway, admin, BOOK).ok
    again = run(medway, admin, BOOK)
    assert again.ok
    assert all(t.created == t.updated == 0 for t in again.tallies.values()), again.tallies
    assert Action.objects.get().history.count() == 1
    changed = copy.deepcopy(BOOK)
    changed["Actions"][1][7] = 60
    changed["Risks"][1][2] = "Director of Finance"
    officer = make_user("other_admin", medway, Role.ADMIN)
    result = run(medway, officer, changed)
    assert str(result.tallies["Actions"]) == "0 created, 1 updated, 0 unchanged"
    assert str(result.tallies["Risks"]) == "0 created, 1 updated, 0 unchanged"
    action = Action.objects.get()
    assert (action.percent_complete, action.version) == (60, 2)
    assert action.history.first().history_user == officer
    assert RiskRegisterEntry.objects.get().owner == "Director of Finance"


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "message"),
    [
        ("Settings", 1, 1, "fifty", "Settings row 2, Value: Tolerance:"),
        ("Settings", 2, 1, "Purple", 'Settings row 3, Value: RAG scheme: "Purple" is neither'),
        ("Plans", 1, 2, "2024/25-nonsense", "Plans row 2, Years:"),
        ("Themes", 1, 1, "", "Themes row 2, Number: every theme needs its number"),
        ("Actions", 1, 6, "Going fine", 'Actions row 2, Status: "Going fine" is not one of'),
        ("Action updates", 1, 3, "31/12/2099", "Action updates row 2, As at: An update cannot"),
        ("Risks", 1, 5, "ZZ", "Risks row 2, Current:"),
        ("Risk assessments", 2, 4, "", "Risk assessments row 3: Give the quarter's score or"),
        ("Savings", 1, 6, "Lots", 'Savings row 2, Target %: "Lots" is not a number'),
    ],
)
def test_a_bad_row_in_any_sheet_writes_nothing(medway, admin, sheet, row, column, value, message):
    book = copy.deepcopy(BOOK)
    book[sheet][row][column] = value
    result = run(medway, admin, book)
    assert not result.ok
    assert any(str(e).startswith(message) for e in result.errors), [str(e) for e in result.errors]
    assert not Plan.objects.filter(council=medway).exists()
    assert not RiskRegisterEntry.objects.exists() and not SavingsTarget.objects.exists()
    medway.refresh_from_db()
    assert medway.rag_tolerance == Decimal("0.05") and not RagScheme.objects.exists()


def test_an_action_of_no_theme(medway, admin):
    book = {k: BOOK[k] for k in ("Plans", "Themes")}
    book["Actions"] = [["Plan", "Theme", "No.", "Title"], [PLAN, "", 3, "Review the plan"]]
    book["Action updates"] = [
        ["Plan", "Theme", "No.", "As at", "Status"],
        [PLAN, "", 3, "01/04/2024", "Not started"],
        [PLAN, "", 4, "01/04/2024", "Not started"],
    ]
    result = run(medway, admin, book)
    assert [str(e) for e in result.errors] == [
        f'Action updates row 3, No.: there is no action 4 of no theme in "{PLAN}"'
    ]
    del book["Action updates"][2]
    assert run(medway, admin, book).ok
    assert Action.objects.get(theme=None).updates.count() == 1


def test_another_councils_rows_and_people_are_never_reached(medway, admin, kent):
    book = {
        "Themes": [["Plan", "Number", "Title"], ["Kent Plan", 1, "Hijacked"]],
        "Actions": [
            ["Plan", "Theme", "No.", "Title", "Assigned to"],
            ["Kent Plan", 1, 1, "Hijacked", ""],
        ],
        "Risk assessments": [["Risk", "Year", "Quarter", "RAG"], ["KR1", "2024/25", "Q1", "Red"]],
        "Risks": [["Reference", "Title", "Merged into"], ["M1", "Mine", "KR1"]],
    }
    result = run(medway, admin, book)
    messages = [str(e) for e in result.errors]
    assert 'Themes row 2, Plan: "Kent Plan" is not a plan of this council' in messages
    assert 'Actions row 2, Plan: "Kent Plan" is not a plan of this council' in messages
    assert 'Risk assessments row 2, Risk: "KR1" is not a risk of this council' in messages
    assert 'Risks row 2, Merged into: "KR1" is not a risk of this council' in messages
    assert Theme.objects.get(plan__council=kent).title == "Roads"
    assert Action.objects.get(plan__council=kent).title == "Fill potholes"
    assert not RiskAssessment.objects.exists()
    people = copy.deepcopy(BOOK)
    people["Actions"][1][8] = "kim@example.org"
    result = run(medway, admin, people)
    assert [str(e) for e in result.errors] == [
        'Actions row 2, Assigned to: "kim@example.org" is not the email of a member of this '
        "council (invite them first, or let the import invite them)"
    ]


def test_a_plan_of_the_same_title_in_another_council_is_a_new_plan(medway, admin, kent):
    book = {"Plans": [["Title", "Kind", "Years"], ["Kent Plan", "Other plan", "2024/25"]]}
    assert run(medway, admin, book).ok
    assert Plan.objects.filter(title="Kent Plan").count() == 2
    assert Plan.objects.get(council=kent).kind != "other"


def test_cabinet_members_download_their_own_councils_workbook(client, medway, admin, kent):
    assert run(medway, admin, BOOK).ok
    cabinet = make_user("cab", medway, Role.CABINET)
    url = reverse("council-workbook", kwargs={"council": "medway"})
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(cabinet)
    home = client.get(reverse("council-home", kwargs={"council": "medway"}))
    assert url in home.text
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    titles = [row[0] for row in book["Plans"].iter_rows(values_only=True)]
    assert titles == ["Title", PLAN]
    assert client.get(reverse("council-workbook", kwargs={"council": "kent"})).status_code == 404


def test_commands_export_and_import_into_a_new_council(medway, admin, tmp_path):
    book = copy.deepcopy(BOOK)  # no people: the new council has no members yet
    book["Actions"][1][8] = book["Action updates"][1][7] = book["Risk assessments"][1][5] = ""
    assert run(medway, admin, book).ok
    path = tmp_path / "medway.xlsx"
    call_command("export_workbook", "--council", "medway", str(path), stdout=io.StringIO())
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_workbook", str(path), "--create", "Swale Borough Council", stdout=out, stderr=err
    )
    assert "Actions (1 rows)...\nActions: 1 rows read\n" in err.getvalue()  # its progress
    swale = Council.objects.get(name="Swale Borough Council")
    assert swale.slug == "swale-borough-council"
    assert Action.objects.filter(plan__council=swale).count() == 1
    assert "Actions: 1 created" in out.getvalue()


def test_a_council_reporting_stage_and_rag_gives_them(medway, admin):
    medway.action_status_scheme = "stage_and_rag"
    medway.save()
    result = run(medway, admin, BOOK)
    assert "Actions row 2, Status: this council reports stage and RAG apart" in str(
        result.errors[0]
    )
    book = copy.deepcopy(BOOK)
    book["Actions"][0][6:7] = ["Stage", "RAG"]
    book["Actions"][1][6:7] = ["In progress", "At risk"]
    book["Action updates"][0][4] = "Stage"
    book["Action updates"][1][4] = "In progress"
    assert run(medway, admin, book).ok
    assert Action.objects.get().status == ActionStatus.AT_RISK
