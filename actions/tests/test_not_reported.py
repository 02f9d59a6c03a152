"""Actions whose documents state no status or % complete: shown as "Not reported", never guessed.

Every page that shows an action's status or % complete says "Not reported" / "not reported"
for them and never "None%"; an officer's first update gives the action a real status and figure.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import ActionStatus, ActionUpdate
from actions.services import ActionConflict, record_update
from plans.models import Role
from tests.factories import make_action, make_council, make_plan, make_update, make_user

pytestmark = pytest.mark.django_db

TITLE = "Develop a Member development programme"


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    officer = make_user("officer", council, Role.OFFICER)
    cabinet = make_user("cabinet", council, Role.CABINET)
    plan = make_plan(council, title="Corporate Peer Challenge Action Plan", start_year=2018)
    # As the seed data has it: the plan says when, not how far along (and it is overdue).
    action = make_action(
        plan,
        reference="5",
        title=TITLE,
        due_date=datetime.date(2018, 12, 31),
        status=ActionStatus.NOT_REPORTED,
        percent_complete=None,
        assigned=[officer],
    )
    make_update(
        action,
        date=datetime.date(2018, 9, 1),
        status=ActionStatus.NOT_REPORTED,
        percent_complete=None,
        commentary="A programme is being drawn up with group leaders.",
    )
    return {"council": council, "officer": officer, "cabinet": cabinet, "action": action}


def page(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_not_reported_is_a_grey_open_status_listed_first():
    assert ActionStatus.choices[0] == ("not_reported", "Not reported")
    assert ActionStatus.NOT_REPORTED.colour == "grey"
    assert not ActionStatus.NOT_REPORTED.is_closed


def test_an_action_and_update_without_a_percent_are_valid(medway):
    action = medway["action"]
    action.full_clean()
    ActionUpdate.objects.get(action=action).full_clean()
    assert (action.percent_label, action.progress_phrase) == (
        "not reported",
        "% complete not reported",
    )


def test_action_page_says_not_reported(client, medway):
    html = page(client, medway["officer"], medway["action"].get_absolute_url())
    assert "Not reported" in html
    assert "% complete not reported" in html
    assert "None" not in html
    # The update form offers no status and no figure the documents did not give.
    assert '<option value="" selected>Choose a status</option>' in html
    assert 'value="not_reported"' not in html
    assert 'name="percent_complete" value=' not in html


def test_my_work_says_not_reported(client, medway):
    html = page(client, medway["officer"], reverse("my-work"))
    assert TITLE in html
    assert "Not reported" in html and "not reported</td>" in html
    assert "None" not in html


def test_action_list_says_not_reported_and_filters_on_it(client, medway):
    make_action(
        medway["action"].plan,
        title="Reported one",
        status=ActionStatus.ON_TRACK,
        percent_complete=40,
    )
    url = reverse("action-list", kwargs={"council": "medway"})
    html = page(client, medway["cabinet"], url)
    assert "Not reported" in html and "not reported</td>" in html and "40%" in html
    assert "None" not in html
    assert '<option value="not_reported">Not reported</option>' in html

    filtered = page(client, medway["cabinet"], f"{url}?status=not_reported")
    assert TITLE in filtered and "Reported one" not in filtered


def test_action_export_leaves_the_percent_empty(client, medway):
    client.force_login(medway["cabinet"])
    url = reverse("action-list", kwargs={"council": "medway"})
    response = client.get(f"{url}?_export=csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[header.index("Status")] == "Not reported"
    assert row[header.index("% complete")] == ""


def test_dashboard_counts_overdue_not_reported_actions_without_listing_them(client, medway):
    # Q4 2018/19: the 2018 plan is active and the action is overdue at the quarter's end.
    path = reverse("dashboard", kwargs={"council": "medway", "year": "2018-19", "quarter": "q4"})
    html = page(client, medway["cabinet"], path)
    section = " ".join(html[html.index('id="actions"') :].split())
    assert "1 overdue action has no status reported" in section
    assert TITLE not in section  # a row saying "Not reported" tells the cabinet nothing
    assert "None" not in section


def test_officer_update_of_a_not_reported_action_sets_a_status_and_figure(client, medway):
    action = medway["action"]
    client.force_login(medway["officer"])
    response = client.post(
        action.get_absolute_url(),
        {
            "status": "on_track",
            "percent_complete": "30",
            "commentary": "Agreed",
            "version": 1,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("on_track", 30)
    assert ActionUpdate.objects.filter(action=action).first().percent_complete == 30
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Update saved: On track, 30% complete." in html
    # The earlier, unreported update stays as it was.
    assert "not reported</td>" in html


def test_officer_update_still_needs_a_figure_and_a_real_status(client, medway):
    action = medway["action"]
    client.force_login(medway["officer"])
    response = client.post(
        action.get_absolute_url(),
        {
            "status": "",
            "percent_complete": "",
            "commentary": "",
            "version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a status." in html and "Enter % complete, from 0 to 100." in html
    response = client.post(
        action.get_absolute_url(),
        {
            "status": "not_reported",
            "percent_complete": "10",
            "commentary": "",
            "version": 1,
        },
    )
    assert "Choose a status from the list." in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.percent_complete, action.version) == ("not_reported", None, 1)
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_service_refuses_not_reported_as_an_update(medway):
    with pytest.raises(ValidationError) as error:
        record_update(medway["action"], medway["officer"], "not_reported", 10, "", 1)
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_update(medway["action"], medway["officer"], "on_track", None, "", 1)
    assert "percent_complete" in error.value.message_dict


def test_conflict_message_on_a_not_reported_action(medway):
    conflict = ActionConflict(action=medway["action"], expected_version=0)
    assert "It is now Not reported, % complete not reported." in conflict.message
    assert "None" not in conflict.message
