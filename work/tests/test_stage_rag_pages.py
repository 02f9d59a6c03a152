"""A council that reports stage and RAG apart, a slipped due date, a back-dated update, the
responsible directorate and section, and a new action nobody has reported on: what the lists,
the action page, My work, the dashboard and the exports show; and the as-at date on the form."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from actions.models import Action, ActionRag, ActionStage, ActionStatus, ActionUpdate
from core.periods import Quarter
from dashboard.tests.test_lists import table_of
from plans.dataversion import bump_data_version
from plans.models import ActionStatusScheme, Role
from tests.factories import make_action, make_council, make_plan, make_update, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def short(d: datetime.date) -> str:
    return dateformat.format(d, "j M Y")


@pytest.fixture
def kentshire():
    today = timezone.localdate()
    year = Quarter.for_date(today).year.start_year
    council = make_council(
        "Kentshire Council",
        slug="kentshire",
        action_status_scheme=ActionStatusScheme.STAGE_AND_RAG,
    )
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council, title="Delivery Plan", start_year=year)
    slipped = make_action(
        plan,
        reference="KP1",
        title="Resurface the high street",
        lead_officer="Head of Highways",
        directorate="Place",
        section="Highways",
        start_date=today - 300 * DAY,
        due_date=today - 30 * DAY,
        assigned=[officer],
    )
    slipped = Action.objects.get(pk=slipped.pk)
    slipped.due_date = today + 60 * DAY  # the slip: recorded, not overwritten
    slipped.save()
    make_update(
        slipped,
        date=today - 5 * DAY,
        status=ActionStatus.AT_RISK,
        stage=ActionStage.IN_PROGRESS,
        rag=ActionRag.AT_RISK,
        percent_complete=40,
        commentary="Contractor late",
    )
    slipped.stage, slipped.rag, slipped.status, slipped.percent_complete = (
        ActionStage.IN_PROGRESS,
        ActionRag.AT_RISK,
        ActionStatus.AT_RISK,
        40,
    )
    slipped.save()
    fresh = make_action(plan, reference="KP2", title="Open a new library", assigned=[officer])
    return {
        "council": council,
        "officer": officer,
        "slipped": Action.objects.get(pk=slipped.pk),
        "fresh": fresh,
        "today": today,
    }


def test_the_action_list_shows_stage_rag_directorate_and_the_slip(client, kentshire):
    today = kentshire["today"]
    client.force_login(make_user("cabinet", kentshire["council"], Role.CABINET))
    list_url = reverse("action-list", kwargs={"council": "kentshire"})
    response = client.get(list_url)
    html = response.content.decode()
    headers = table_of(response).headers
    assert {"Stage", "RAG", "Directorate", "Section"} <= set(headers)
    assert "Status" not in headers  # stage and RAG replace the one status here
    assert "In progress" in html and "At risk" in html
    assert f"{short(today + 60 * DAY)} (originally {short(today - 30 * DAY)})" in html
    assert "Not reported" in html and ">0%<" not in html  # the new action claims nothing
    # Filter by directorate and by RAG.
    only_place = client.get(list_url + "?directorate=Place").content.decode()
    assert "Resurface the high street" in only_place and "Open a new library" not in only_place
    at_risk = client.get(list_url + "?rag=at_risk").content.decode()
    assert "Resurface the high street" in at_risk and "Open a new library" not in at_risk
    # The export carries each field in its own column.
    csv = client.get(list_url + "?_export=csv").getvalue().decode("utf-8-sig").splitlines()
    header = csv[0].split(",")
    for name in ("Directorate", "Section", "Due", "Originally due", "Stage", "RAG"):
        assert name in header
    assert "Status" not in header
    row = dict(zip(header, next(line for line in csv if "KP1" in line).split(","), strict=True))
    assert (row["Directorate"], row["Section"], row["Stage"], row["RAG"]) == (
        "Place",
        "Highways",
        "In progress",
        "At risk",
    )
    assert row["Due"] == (today + 60 * DAY).isoformat()
    assert row["Originally due"] == (today - 30 * DAY).isoformat()
    fresh = dict(zip(header, next(line for line in csv if "KP2" in line).split(","), strict=True))
    assert (fresh["Stage"], fresh["RAG"], fresh["% complete"]) == (
        "Not reported",
        "Not reported",
        "",
    )


def test_a_single_status_council_sees_one_status_as_before(client):
    council = make_council("Medway Council", slug="medway")
    make_action(make_plan(council), title="Adopt the digital strategy")
    client.force_login(make_user("cabinet", council, Role.CABINET))
    list_url = reverse("action-list", kwargs={"council": "medway"})
    response = client.get(list_url)
    html = response.content.decode()
    headers = table_of(response).headers
    assert "Status" in headers and "Stage" not in headers and "Directorate" not in headers
    assert 'name="stage"' not in html and 'name="directorate"' not in html


def test_the_action_page_shows_both_the_slip_and_the_people(client, kentshire):
    today = kentshire["today"]
    client.force_login(kentshire["officer"])
    html = client.get(kentshire["slipped"].get_absolute_url()).content.decode()
    assert "Stage and RAG" in html and "In progress" in html and "At risk" in html
    assert "Place" in html and "Highways" in html and "Head of Highways" in html
    assert f"(originally {dateformat.format(today - 30 * DAY, 'j F Y')})" in html
    assert "Overdue" not in html  # judged on the current due date
    assert ">As at<" in html and 'name="as_at"' in html
    assert 'name="stage"' in html and 'name="rag"' in html and 'name="status"' not in html
    fresh = client.get(kentshire["fresh"].get_absolute_url()).content.decode()
    assert "Stage not reported" in fresh and "RAG not reported" in fresh


def test_my_work_shows_stage_and_rag_and_the_slip(client, kentshire):
    today = kentshire["today"]
    client.force_login(kentshire["officer"])
    html = client.get(reverse("my-work")).content.decode()
    assert "In progress" in html and "At risk" in html
    assert f"(originally {short(today - 30 * DAY)})" in html
    assert "Stage not reported" in html


def test_the_dashboard_attention_list_shows_stage_rag_and_directorate(client, kentshire):
    client.force_login(make_user("cabinet", kentshire["council"], Role.CABINET))
    quarter = Quarter.for_date(kentshire["today"])
    url = reverse("dashboard", kwargs={"council": "kentshire", **quarter.url_kwargs})
    html = client.get(url).content.decode()
    actions = html[html.index('id="actions"') :]
    assert "Resurface the high street" in actions
    assert "In progress" in actions and "At risk" in actions
    assert "Place, Highways" in actions and "(originally" in actions


def test_the_officer_back_dates_an_update(client, kentshire):
    action, today = kentshire["slipped"], kentshire["today"]
    client.force_login(kentshire["officer"])
    as_at = today - 2 * DAY
    response = client.post(
        action.get_absolute_url(),
        {
            "stage": "in_progress",
            "rag": "off_track",
            "percent_complete": "45",
            "commentary": "Quarter-end position",
            "as_at": as_at.isoformat(),
            "version": action.version,
        },
        follow=True,
    )
    assert response.status_code == 200
    update = ActionUpdate.objects.get(commentary="Quarter-end position")
    assert (update.date, update.stage, update.rag) == (as_at, "in_progress", "off_track")
    action.refresh_from_db()
    assert (action.rag, action.status) == ("off_track", "off_track")
    assert short(as_at) in response.content.decode()


def test_an_as_at_date_in_the_future_is_refused_and_nothing_saved(client, kentshire):
    action, today = kentshire["slipped"], kentshire["today"]
    client.force_login(kentshire["officer"])
    before = ActionUpdate.objects.count()
    response = client.post(
        action.get_absolute_url(),
        {
            "stage": "complete",
            "percent_complete": "100",
            "commentary": "Done early",
            "as_at": (today + DAY).isoformat(),
            "version": action.version,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The as-at date cannot be in the future" in html
    assert ActionUpdate.objects.count() == before
    action.refresh_from_db()
    assert (action.stage, action.status) == ("in_progress", "at_risk")


def test_an_unreadable_as_at_date_gets_a_message(client, kentshire):
    action = kentshire["slipped"]
    client.force_login(kentshire["officer"])
    response = client.post(
        action.get_absolute_url(),
        {
            "stage": "in_progress",
            "percent_complete": "45",
            "as_at": "yesterday-ish",
            "version": action.version,
        },
    )
    assert "Enter the as-at date as day/month/year" in response.content.decode()


def _add_actions(plan, officer, n: int, today: datetime.date) -> None:
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            title=f"Bulk action {i}",
            stage=ActionStage.IN_PROGRESS,
            rag=ActionRag.OFF_TRACK,
            status=ActionStatus.OFF_TRACK,
            directorate=f"Directorate {i % 3}",
            section=f"Section {i}",
            due_date=today + 10 * DAY,
            original_due_date=today - 10 * DAY,
        )
        for i in range(n)
    )
    Action.assigned_users.through.objects.bulk_create(
        Action.assigned_users.through(action=action, user=officer) for action in actions
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            date=today - DAY,
            status=ActionStatus.OFF_TRACK,
            stage=ActionStage.IN_PROGRESS,
            rag=ActionRag.OFF_TRACK,
        )
        for action in actions
    )
    # Bulk writes send no signals: say the council's data changed, as every bulk writer must
    # (the dashboard is cached under its data version).
    bump_data_version([plan.council_id])


def test_stage_and_rag_pages_run_a_fixed_number_of_queries(client, kentshire):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = kentshire["today"]
    plan = kentshire["slipped"].plan
    quarter = Quarter.for_date(today)
    urls = [
        reverse("action-list", kwargs={"council": "kentshire"}),
        reverse("action-list", kwargs={"council": "kentshire"}) + "?_export=csv",
        reverse("my-work"),
        reverse("dashboard", kwargs={"council": "kentshire", **quarter.url_kwargs}),
    ]
    client.force_login(kentshire["officer"])
    _add_actions(plan, kentshire["officer"], 5, today)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    _add_actions(plan, kentshire["officer"], 45, today)
    for url, count in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == count, url
