"""The cabinet's pages for each kind of visitor: anonymous, outsider, member, superuser."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import ActionStatus
from plans.models import Role
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_savings,
    make_theme,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def medway():
    """Medway's Q3 2020/21 complaints measures and register rows, as DOMAIN.md gives them."""
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    value = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Digital innovation")
    stage1 = make_kpi(council, theme=value, code="CC S1", name="Corporate complaints stage 1")
    stage2 = make_kpi(council, theme=value, code="CC S2", name="Corporate complaints stage 2")
    digi = make_kpi(
        council,
        theme=digital,
        code="DIGI TU 01",
        name="Digital take up",
        data_only=True,
        definition="Share of transactions made online.",
        owner="Head of Digital",
    )
    make_value(stage1, 2019, 3, "96.3", 80)
    make_value(stage1, 2020, 2, "86.3", 80)
    make_value(stage1, 2020, 3, "88.0", 80)
    make_value(stage2, 2019, 3, "76.7", 75)
    make_value(stage2, 2020, 2, "88.9", 75)
    make_value(stage2, 2020, 3, "68.4", 75)
    make_value(digi, 2020, 3, 61, reported_short_trend="IMP", reported_long_trend="IMP")
    make_risk(
        council,
        reference="SR03B",
        title="Finances",
        owner="Chief Finance Officer",
        residual_score="AI",
    )
    make_risk(council, reference="SR46", title="Economic recovery", residual_score="BII")
    make_savings(
        council,
        title="FIT Plan savings",
        start_year=2020,
        target_amount=5000000,
        identified_amount=4000000,
        achieved_amount=1000000,
    )
    late = make_action(
        plan,
        title="Refresh the digital roadmap",
        lead_officer="Head of Digital",
        status=ActionStatus.OFF_TRACK,
        due_date=datetime.date(2020, 9, 30),
    )
    make_update(
        late,
        date=datetime.date(2020, 11, 2),
        status=ActionStatus.OFF_TRACK,
        commentary="Supplier delayed by lockdown",
    )
    return council


def dashboard_url(slug="medway", year="2020-21", quarter="q3"):
    return reverse("dashboard", kwargs={"council": slug, "year": year, "quarter": quarter})


def text(response) -> str:
    """The page's visible text with tags removed and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def measure_row_pattern(code: str) -> str:
    """A measure's row (of the measures' or the comparison table), found by its code cell."""
    return rf"<tr><td[^>]*>({re.escape(escape(code))}</td>.*?)</tr>"


def row_text(response, code: str, table_class: str = "app-summary-table") -> str:
    html = response.content.decode()
    tables = [
        part.split("</table>", 1)[0]
        for part in re.split(rf'class="govuk-table {table_class}[ "]', html)[1:]
    ]
    row = re.search(measure_row_pattern(code), "".join(tables), re.S)
    assert row, f"no row {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()


def login(client, council, role):
    user = make_user(council=council, role=role)
    client.force_login(user)
    return user


PAGES = [
    ("council-home", {}),
    ("dashboard", {"year": "2020-21", "quarter": "q3"}),
]


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_anonymous_is_sent_to_login(client, medway, name, kwargs):
    response = client.get(reverse(name, kwargs={"council": "medway", **kwargs}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_kpi_page_redirects_to_login(client, medway):
    kpi = medway.kpis.get(code="DIGI TU 01")
    response = client.get(reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk}))
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.CABINET, Role.OFFICER, Role.ADMIN])
def test_members_of_another_council_get_404(client, medway, role):
    login(client, make_council("Bromsgrove District Council", slug="bromsgrove"), role)
    kpi = medway.kpis.get(code="CC S2")
    for url in [
        reverse("council-home", kwargs={"council": "medway"}),
        dashboard_url(),
        reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk}),
    ]:
        assert client.get(url).status_code == 404, url


def test_kpi_of_another_council_is_404_even_for_a_member(client, medway):
    other = make_council()
    foreign = make_kpi(other)
    login(client, medway, Role.CABINET)
    url = reverse("kpi-detail", kwargs={"council": "medway", "pk": foreign.pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.CABINET, Role.OFFICER, Role.ADMIN])
def test_members_see_the_medway_q3_dashboard(client, medway, role):
    login(client, medway, role)
    response = client.get(dashboard_url())
    assert response.status_code == 200
    stage2 = row_text(response, "CC S2")
    # Long trend NA: only two of the four previous quarters are held.
    assert stage2 == "CC S2 Red Corporate complaints stage 2 68.4% 75% – NA ↓ DET"
    assert row_text(response, "CC S1").startswith(
        "CC S1 Green Corporate complaints stage 1 88% 80%"
    )
    digi = row_text(response, "DIGI TU 01")
    assert "Data" in digi and "No target" in digi
    assert digi.endswith("↑ IMP * as published ↑ IMP * as published")


def test_dashboard_shows_key_counts_comparison_risks_savings_actions(client, medway):
    login(client, medway, Role.CABINET)
    response = client.get(dashboard_url())
    page = text(response)
    assert "<title>Performance Q3 2020/21 – Medway Council" in response.content.decode()
    assert "significantly below target (more than 5%)" in page
    # At a glance: counts by status (Red, Amber, Green, Data, NA) per priority and in all.
    glance = page.split("Changed since Q2 2020/21")[0].split("Measures by status and priority")[1]
    assert "Giving value for money 1 0 1 0 0" in glance
    assert "Digital innovation 0 0 0 1 0" in glance
    assert "All measures 1 0 1 1 0" in glance
    # The comparison with earlier quarters is one click away (a page of its own).
    link = re.search(
        r'<a class="govuk-link" href="([^"]+)">Each measure in Q3 2019/20, Q2 2020/21 and '
        r"Q3 2020/21</a>",
        response.content.decode(),
    )
    assert "app-comparison-table" not in response.content.decode()
    comparison = client.get(link.group(1))
    assert comparison.status_code == 200
    assert row_text(comparison, "CC S2", "app-comparison-table") == (
        "CC S2 Corporate complaints stage 2 76.7% Green 88.9% Green 68.4% Red"
    )
    assert "Q3 2019/20" in text(comparison) and "Performance: Q3 2020/21" in text(comparison)
    assert "SR03B Finances Chief Finance Officer AI L – very high, I – catastrophic" in page
    # The heat map counts each risk in its cell, as text.
    # The band's name is shown in the cell beside its colour.
    assert (
        'title="1 risk at likelihood A (very high), impact I (catastrophic), band high">1'
        '<span class="app-heat__band">high</span></td>'
    ) in (response.content.decode())
    assert "FIT Plan savings" in page and "£5,000,000" in page and "20% achieved" in page
    assert "Refresh the digital roadmap" in page and "Off track" in page
    assert "Head of Digital" in page and "Supplier delayed by lockdown" in page


def test_dashboard_for_a_quarter_without_data_shows_na(client, medway):
    login(client, medway, Role.CABINET)
    response = client.get(dashboard_url(year="2021-22", quarter="q1"))
    assert response.status_code == 200
    assert row_text(response, "CC S2").startswith("CC S2 NA")


@pytest.mark.parametrize(
    "year,quarter", [("2020-22", "q3"), ("2020-21", "q5"), ("twenty", "q1"), ("2020-21", "x")]
)
def test_bad_quarter_in_url_is_404(client, medway, year, quarter):
    login(client, medway, Role.CABINET)
    assert client.get(dashboard_url(year=year, quarter=quarter)).status_code == 404


def test_council_home_defaults_to_latest_quarter_with_data(client, medway):
    login(client, medway, Role.CABINET)
    response = client.get(reverse("council-home", kwargs={"council": "medway"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{dashboard_url()}"' in html
    assert '<option value="2020-21/q3" selected>Q3 2020/21</option>' in html
    assert "Council Plan 2020/21" in text(response)


def test_council_home_quarter_choice_redirects_to_dashboard(client, medway):
    login(client, medway, Role.CABINET)
    url = reverse("council-home", kwargs={"council": "medway"})
    response = client.get(url, {"quarter": "2020-21/q2"})
    assert response.status_code == 302
    assert response["Location"] == dashboard_url(quarter="q2")


def test_council_home_bad_quarter_choice_says_so(client, medway):
    login(client, medway, Role.CABINET)
    url = reverse("council-home", kwargs={"council": "medway"})
    response = client.get(url, {"quarter": "Q9 2020/21"})
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Choose a quarter from the list" in text(response)


def test_home_lists_only_the_users_councils(client, medway):
    make_council("Maidstone Borough Council", slug="maidstone")
    login(client, medway, Role.CABINET)
    page = text(client.get(reverse("home")))
    assert "Medway Council" in page and "Maidstone" not in page


def test_superuser_sees_every_council(client, medway):
    client.force_login(make_user("root", is_superuser=True))
    assert client.get(dashboard_url()).status_code == 200
    assert "Medway Council" in text(client.get(reverse("home")))


def test_kpi_page_shows_definition_history_and_sparkline(client, medway):
    login(client, medway, Role.CABINET)
    kpi = medway.kpis.get(code="CC S2")
    response = client.get(reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "Higher is better" in page
    assert (
        "<svg" in html
        and "<polyline" in html
        and "<script" not in html.split("<svg")[1].split("</svg>")[0]
    )
    assert "Q3 2020/21 68.4% 75% Red ↓ DET" in page
    assert "Q2 2020/21 88.9% 75% Green" in page


def test_data_only_kpi_page(client, medway):
    login(client, medway, Role.OFFICER)
    kpi = medway.kpis.get(code="DIGI TU 01")
    page = text(client.get(reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk})))
    assert "Share of transactions made online." in page and "Head of Digital" in page
    assert "data only (no target)" in page


def test_navigation_names_the_council_and_its_pages(client, medway):
    login(client, medway, Role.CABINET)
    html = client.get(dashboard_url()).content.decode()
    assert 'aria-label="Medway pages"' in html
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", link) for link in current] == ["Dashboard"]
    assert 'class="govuk-skip-link"' in html
    assert 'nonce="' in html.split('src="/static/js/app.js"')[1].split(">")[0]


def test_kpi_page_shows_who_changed_the_measure(client, db):
    from plans.models import Role
    from tests.factories import make_council, make_kpi, make_user

    council = make_council("Medway Council", slug="medway")
    admin = make_user("perf-team", council, Role.ADMIN, first_name="Pat", last_name="Ng")
    kpi = make_kpi(council, code="CS2", name="Stage 2 complaints")
    kpi._history_user = admin
    kpi.definition = "Responses within 15 working days"
    kpi.save()
    client.force_login(admin)
    page = client.get(
        reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk})
    ).content.decode()
    assert "Change history" in page
    assert "Pat Ng" in page
    assert "Responses within 15 working days" in page.split("Change history")[1]


def test_savings_not_reported_are_not_shown_as_nothing_achieved(client, db):
    from decimal import Decimal

    from plans.models import Role
    from tests.factories import make_council, make_plan, make_savings, make_user

    council = make_council("Maidstone Borough Council", slug="maidstone")
    plan = make_plan(council, start_year=2012, end_year=2014)
    make_savings(
        council,
        plan=plan,
        title="Save around £2.9m over the next three years",
        start_year=2012,
        end_year=2014,
        target_amount=Decimal("2900000"),
    )
    client.force_login(make_user("cab", council, Role.CABINET))
    page = client.get(
        reverse("dashboard", kwargs={"council": "maidstone", "year": "2014-15", "quarter": "q4"})
    ).content.decode()
    savings = page.split("Save around £2.9m")[1].split("</tr>")[0]
    assert "£2,900,000" in page
    assert "not reported" in savings and "Not reported" in savings
    assert "£0" not in savings and "At risk" not in savings


def test_each_priority_names_the_strategic_risks_pertaining_to_it(client, db):
    from plans.models import Role
    from tests.factories import (
        make_council,
        make_kpi,
        make_plan,
        make_risk,
        make_theme,
        make_user,
        make_value,
    )

    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council)
    value = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Digital innovation")
    make_value(make_kpi(council, theme=value, code="CS1"), 2020, 3, "88.0", 80)
    make_value(make_kpi(council, theme=digital, code="DIGI"), 2020, 3, "5", 4)
    make_risk(council, reference="SR03B", title="Finances", residual_score="AI").themes.add(value)
    client.force_login(make_user("cab", council, Role.CABINET))
    page = client.get(
        reverse("dashboard", kwargs={"council": "medway", "year": "2020-21", "quarter": "q3"})
    ).content.decode()
    measures = page[page.index('id="measures"') : page.index('id="comparison"')]
    value_section = measures[
        measures.index("Giving value for money") : measures.index("Digital innovation")
    ]
    assert "Strategic risks pertaining to this priority (1)" in value_section
    # A link to the risk's row in the register, where its detail is (not the row again).
    anchor = re.search(r'href="#(risk-\d+)">SR03B Finances</a>', value_section).group(1)
    register = page[page.index('id="risks"') :]
    risk_row = register[register.index(f'<tr id="{anchor}">') :].split("</tr>")[0]
    risk_row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", risk_row))
    assert "SR03B Finances" in risk_row and "AI L – very high, I – catastrophic" in risk_row
    digital_section = measures.split("Digital innovation")[1]
    assert "Strategic risks pertaining to" not in digital_section
    # The register lists it once more, with the risks pertaining to no priority.
    assert page.count("SR03B") == 2
