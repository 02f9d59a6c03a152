"""Finding one's way: where signing in leads, the navigation and breadcrumbs on every page,
and the returns My work offers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus
from plans.models import Role
from tests.factories import (
    PASSWORD,
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # Q3 2026/27 (October-December) is still running


@pytest.fixture
def on_23_november_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council, title="Council Plan 2020/21")
    action = make_action(plan, title="Adopt the digital strategy", assigned=[officer])
    kpi = make_kpi(council, code="CS2", name="Complaints stage 2", owner_user=officer, plan=plan)
    make_value(kpi, 2020, 3, 70, 75)
    return {"council": council, "officer": officer, "plan": plan, "action": action, "kpi": kpi}


def sign_in(client, username: str, **extra):
    """Sign in through the real form; returns the final response after the redirects."""
    return client.post(
        reverse("login") + extra.get("query", ""),
        {"username": username, "password": PASSWORD},
        follow=True,
    )


def landed_on(response) -> str:
    return response.redirect_chain[-1][0]


# --- Where signing in leads -----------------------------------------------------------


def test_an_officer_lands_on_my_work(client, medway):
    response = sign_in(client, "officer")
    assert landed_on(response) == reverse("my-work")
    assert "<h1" in response.content.decode() and "My work</h1>" in response.content.decode()


def test_a_cabinet_member_of_one_council_lands_on_its_latest_dashboard(client, medway):
    make_user("leader", medway["council"], Role.CABINET)
    response = sign_in(client, "leader")
    assert landed_on(response) == "/medway/2020-21/q3/"  # the latest quarter with data
    assert response.status_code == 200


def test_a_member_of_several_councils_lands_on_your_councils(client, medway):
    leader = make_user("leader", medway["council"], Role.CABINET)
    maidstone = make_council("Maidstone Borough Council", slug="maidstone")
    maidstone.memberships.create(user=leader, role=Role.CABINET)
    response = sign_in(client, "leader")
    assert landed_on(response) == reverse("home")
    html = response.content.decode()
    assert "Medway Council" in html and "Maidstone Borough Council" in html
    assert 'href="/my-work/"' not in html  # a cabinet member updates nothing


def test_your_councils_links_to_my_work_for_officers(client, medway):
    maidstone = make_council("Maidstone Borough Council", slug="maidstone")
    maidstone.memberships.create(user=medway["officer"], role=Role.OFFICER)
    client.force_login(medway["officer"])
    html = client.get(reverse("home")).content.decode()
    assert 'href="/my-work/"' in re.sub(r"<section.*?</section>", "", html, flags=re.S)


def test_an_administrator_with_work_lands_on_my_work_and_without_on_the_dashboard(client, medway):
    busy = make_user("busy-admin", medway["council"], Role.ADMIN)
    make_action(medway["plan"], title="Admin's own", assigned=[busy])
    make_user("idle-admin", medway["council"], Role.ADMIN)
    assert landed_on(sign_in(client, "busy-admin")) == reverse("my-work")
    client.logout()
    assert landed_on(sign_in(client, "idle-admin")) == "/medway/2020-21/q3/"


def test_next_is_honoured(client, medway):
    response = sign_in(client, "officer", query="?next=/medway/kpis/")
    assert landed_on(response) == "/medway/kpis/"


def test_next_to_another_site_is_ignored(client, medway):
    response = sign_in(client, "officer", query="?next=https://evil.example/")
    assert landed_on(response) == reverse("my-work")


# --- Navigation and breadcrumbs on every page ----------------------------------------


def current_items(html: str) -> list[str]:
    links = re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', html, re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


def nav_items(html: str) -> list[str]:
    section = re.search(r"<section [^>]*govuk-service-navigation.*?</section>", html, re.S)
    assert section, "no service navigation"
    links = re.findall(
        r'<li class="govuk-service-navigation__item[^"]*">(.*?)</li>', section.group(0), re.S
    )
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


def breadcrumbs(html: str) -> list[str]:
    trail = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S)
    if trail is None:
        return []
    return re.findall(r'class="govuk-breadcrumbs__link"[^>]*>(.*?)</a>', trail.group(0))


COUNCIL_ITEMS = ["Overview", "Dashboard", "KPIs", "Actions", "Risks", "Savings", "My work"]


@pytest.mark.parametrize(
    ("url", "current", "items", "trail"),
    [
        ("/", "Your councils", ["Your councils", "My work"], []),
        ("/my-work/", "My work", ["Your councils", "My work"], ["Your councils"]),
        ("/medway/", "Overview", COUNCIL_ITEMS, ["Your councils"]),
        ("/medway/2020-21/q3/", "Dashboard", COUNCIL_ITEMS, ["Your councils", "Medway Council"]),
        ("/medway/kpis/", "KPIs", COUNCIL_ITEMS, ["Your councils", "Medway Council"]),
        ("kpi", "KPIs", COUNCIL_ITEMS, ["Your councils", "Medway Council", "KPIs"]),
        ("/medway/actions/", "Actions", COUNCIL_ITEMS, ["Your councils", "Medway Council"]),
        ("action", "Actions", COUNCIL_ITEMS, ["Your councils", "Medway Council", "Actions"]),
        ("/medway/risks/", "Risks", COUNCIL_ITEMS, ["Your councils", "Medway Council"]),
        ("/medway/savings/", "Savings", COUNCIL_ITEMS, ["Your councils", "Medway Council"]),
        (
            "/medway/2020-21/q3/return/",
            "My work",
            COUNCIL_ITEMS,
            ["Your councils", "Medway Council"],
        ),
    ],
)
def test_every_page_has_the_navigation_with_the_current_section_marked(
    client, medway, url, current, items, trail
):
    url = {
        "kpi": f"/medway/kpis/{medway['kpi'].pk}/",
        "action": medway["action"].get_absolute_url(),
    }.get(url, url)
    client.force_login(medway["officer"])
    html = client.get(url).content.decode()
    assert nav_items(html) == items
    assert current_items(html) == [current]
    assert breadcrumbs(html) == trail


def test_a_cabinet_member_is_not_offered_my_work(client, medway):
    client.force_login(make_user("leader", medway["council"], Role.CABINET))
    for url in ("/", "/medway/", "/medway/2020-21/q3/", medway["action"].get_absolute_url()):
        assert "My work" not in nav_items(client.get(url).content.decode()), url


def test_the_dashboard_item_opens_the_latest_quarter(client, medway):
    client.force_login(medway["officer"])
    response = client.get(reverse("latest-dashboard", kwargs={"council": "medway"}))
    assert response.status_code == 302 and response["Location"] == "/medway/2020-21/q3/"


# --- My work: the returns that are open ----------------------------------------------


def returns_offered(html: str) -> list[str]:
    return re.findall(r'href="/medway/[^"]+/return/">(Q\d \d{4}/\d\d) return', html)


def test_my_work_offers_the_quarter_just_ended_and_earlier_ones_still_missing_values(
    client, on_23_november_2026
):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    complaints = make_kpi(council, name="Complaints", owner_user=officer)
    visits = make_kpi(council, name="Visits", owner_user=officer)
    make_value(complaints, 2026, 1, 80)  # Q1 2026/27: visits still missing
    for kpi in (complaints, visits):
        make_value(kpi, 2025, 4, 80)  # Q4 2025/26: all in
        # Q3 2025/26: nothing; Q2 2025/26 (five quarters ago) nothing either, but too old.
    client.force_login(officer)
    html = client.get(reverse("my-work")).content.decode()
    assert returns_offered(html) == ["Q2 2026/27", "Q1 2026/27", "Q3 2025/26"]
    assert "Q3 2026/27" not in html  # October-December has not ended
    assert "The return for Q2 2026/27 (July to September 2026) is now due" in html
    assert "1 of 2 values still to enter" in html  # Q1 2026/27
    assert "/medway/2026-27/q2/return/" in html


def test_a_value_not_published_for_a_reason_answers_the_return(client, on_23_november_2026):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    complaints = make_kpi(council, name="Complaints", owner_user=officer)
    for quarter in (1, 2):
        make_value(complaints, 2026, quarter, None, not_published="not_collected")
    for year, quarter in ((2025, 3), (2025, 4)):
        make_value(complaints, year, quarter, 80)
    client.force_login(officer)
    html = client.get(reverse("my-work")).content.decode()
    assert returns_offered(html) == ["Q2 2026/27"]  # just ended, and nothing missing


def test_a_measure_in_a_plan_is_only_asked_for_within_the_plans_years(client, on_23_november_2026):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    plan = make_plan(council, start_year=2025, end_year=2025)  # 2025/26 only
    make_kpi(council, name="Complaints", owner_user=officer, plan=plan)
    client.force_login(officer)
    html = client.get(reverse("my-work")).content.decode()
    # Q2 2026/27 is offered as the return now due; Q1 2026/27 is outside the plan.
    assert returns_offered(html) == ["Q2 2026/27", "Q4 2025/26", "Q3 2025/26"]
    assert "None of your measures is reported for this quarter" in html


def test_the_quarter_picker_offers_every_quarter_of_the_plans_in_one_list(
    client, medway, on_23_november_2026
):
    client.force_login(medway["officer"])
    html = client.get(reverse("my-work")).content.decode()
    select = re.search(r'<select[^>]*id="quarter-medway".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]+)"', select)
    assert options[0] == "2026-27/q2"  # the quarter just ended, selected
    assert 'value="2026-27/q2" selected' in select
    assert {"2020-21/q1", "2020-21/q2", "2020-21/q3", "2020-21/q4"} <= set(options)
    assert "2026-27/q3" not in options

    response = client.get(reverse("my-work"), {"council": "medway", "quarter": "2020-21/q3"})
    assert response.status_code == 302
    assert response["Location"] == "/medway/2020-21/q3/return/"


def test_a_bad_quarter_choice_is_explained(client, medway):
    client.force_login(medway["officer"])
    response = client.get(reverse("my-work"), {"council": "medway", "quarter": "Q9 2020/21"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: My work" in html
    assert 'href="#quarter-medway">Medway: Choose a quarter from the list' in html
    assert 'aria-describedby="quarter-medway-error"' in html


def test_a_council_not_ones_own_is_refused_with_a_message(client, medway):
    make_council("Maidstone Borough Council", slug="maidstone")
    client.force_login(medway["officer"])
    response = client.get(reverse("my-work"), {"council": "maidstone", "quarter": "2020-21/q3"})
    assert response.status_code == 200
    assert "Choose a council whose measures you enter." in response.content.decode()


# --- After saving: the way back to My work --------------------------------------------


def test_after_an_action_update_the_message_links_back_to_my_work(client, medway):
    action = medway["action"]
    client.force_login(medway["officer"])
    response = client.post(
        action.get_absolute_url(),
        {
            "status": ActionStatus.ON_TRACK,
            "percent_complete": "45",
            "commentary": "Going well",
            "version": action.version,
        },
        follow=True,
    )
    banner = re.search(
        r"govuk-notification-banner--success.*?</div>\s*</div>", response.content.decode(), re.S
    ).group(0)
    assert "Update saved: On track, 45% complete." in banner
    link = '<a class="govuk-notification-banner__link" href="/my-work/">Back to My work</a>'
    assert link in banner


def test_after_a_return_is_saved_the_message_links_back_to_my_work(client, medway):
    kpi = medway["kpi"]
    client.force_login(medway["officer"])
    response = client.post("/medway/2020-21/q4/return/", {f"actual-{kpi.pk}": "72"}, follow=True)
    html = response.content.decode()
    assert "Saved 1 value for Q4 2020/21." in html
    assert 'href="/my-work/">Back to My work</a>' in html
