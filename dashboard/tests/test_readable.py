"""The cabinet's pages read in a minute: a summary first, folded detail, no filler.

Each test names what a reader would notice were the fix undone (layout in the browser is
checked by tests/browser/test_layout.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from actions.models import ActionStatus
from kpis.models import Unit
from plans.models import Role
from risks.models import Direction
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_theme,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


@pytest.fixture
def council():
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    value = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Digital innovation")
    stage2 = make_kpi(council, theme=value, code="CC S2", name="Complaints stage 2")
    stage1 = make_kpi(council, theme=value, code="CC S1", name="Complaints stage 1")
    make_value(stage2, 2020, 2, "88.9", 75)
    make_value(stage2, 2020, 3, "68.4", 75)  # Green to Red
    make_value(stage1, 2020, 2, "86.3", 80)
    make_value(stage1, 2020, 3, "88.0", 80)  # Green both quarters
    make_value(make_kpi(council, theme=digital, code="DIGI"), 2020, 3, "5", 4)  # new: no change
    make_risk(
        council,
        reference="SR03B",
        title="Finances",
        residual_score="AI",
        direction=Direction.WORSENING,
    ).themes.add(value)
    make_risk(council, reference="SR46", title="Economic recovery", direction=Direction.STABLE)
    make_risk(council, reference="SR37", title="Cyber", direction=Direction.IMPROVING)
    return council


def dashboard(client, council, year="2020-21", quarter="q3") -> str:
    client.force_login(make_user(council=council, role=Role.CABINET))
    response = client.get(
        reverse("dashboard", kwargs={"council": council.slug, "year": year, "quarter": quarter})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_summary_comes_first_with_counts_changes_and_moved_risks(client, council):
    html = dashboard(client, council)
    summary = text(between(html, 'id="summary"', 'id="measures"'))
    assert html.index('id="summary"') < html.index('id="key"') < html.index('id="measures"')
    assert "Giving value for money 1 0 1 0 0" in summary  # Red, Amber, Green, Data, NA
    changed = summary.split("Changed since Q2 2020/21")[1].split("Risks")[0]
    assert "Complaints stage 2 : Green → to Red" in changed
    assert "Complaints stage 1" not in changed and "DIGI" not in changed
    assert "Worsening : SR03B Finances (AI)" in summary
    assert "Improving : SR37 Cyber" in summary
    assert "SR46" not in summary  # stable: did not move
    # The change links to the measure's page.
    assert 'href="/medway/kpis/' in between(html, "Changed since", "</ul>")


def test_key_is_folded_away(client, council):
    html = dashboard(client, council)
    key = between(html, 'id="key"', "</details>")
    assert html[html.rindex("<", 0, html.index('id="key"')) :].startswith("<details")
    assert "govuk-details__summary" in key and "met or exceeded target" in key


def test_risks_per_priority_link_to_the_register_only_under_their_priority(client, council):
    html = dashboard(client, council)
    measures = between(html, 'id="measures"', 'id="comparison"')
    value = between(measures, "Giving value for money", "Digital innovation")
    risks = value.split("Strategic risks pertaining to this priority (1)")[1]
    # A link to the risk's row of the register (not the row again), with its score.
    assert "<table" not in risks
    anchor = re.search(r'href="#(risk-\d+)">SR03B Finances</a>: AI high', risks).group(1)
    register = between(html, 'id="risks"', 'id="savings"')
    row = between(register, f'<tr id="{anchor}">', "</tr>")
    assert "SR03B" in text(row) and "L – very high, I – catastrophic" in text(row)
    # Risks without themes are not repeated under every priority: only in the register.
    assert "SR46" not in measures and "SR37" not in measures
    assert "SR46" in between(html, 'id="risks"', 'id="savings"')


def test_council_without_measures_has_no_key_or_zero_counters(client):
    council = make_council("Bromsgrove District Council", slug="bromsgrove")
    make_plan(council, start_year=2024)
    html = dashboard(client, council, year="2024-25", quarter="q2")
    assert "No measures yet" in html
    assert 'id="key"' not in html and "Measures by status and priority" not in html
    assert "Measures by priority" not in html and "Comparison with earlier quarters" not in html


def test_actions_of_the_quarters_plans_linked_with_overdue_apart_from_status(client, council):
    old = make_plan(council, title="Peer Challenge 2018", start_year=2018)
    make_action(old, title="A 2018 action", status=ActionStatus.OFF_TRACK)
    current = council.plans.get(title="Council Plan 2020/21")
    late = make_action(
        current,
        title="Late but on track",
        status=ActionStatus.ON_TRACK,
        due_date=datetime.date(2020, 9, 30),
    )
    for _ in range(2):
        make_action(current, status=ActionStatus.NOT_REPORTED, due_date=datetime.date(2020, 6, 30))
    html = dashboard(client, council)
    actions = between(html, 'id="actions"', "</main>")
    assert "A 2018 action" not in actions
    row = text(between(actions, "Late but on track", "</tr>"))
    assert "On track" in row and "Overdue since 30 Sep 2020" in row
    assert "govuk-tag--red" not in between(actions, "Late but on track", "</tr>")
    assert f'href="{late.get_absolute_url()}"' in actions
    assert "2 overdue actions have no status reported" in text(actions)
    assert "Not reported" not in text(actions)


def test_long_action_list_is_cut_with_links_to_the_action_list(client, council):
    plan = council.plans.get(title="Council Plan 2020/21")
    for i in range(23):
        make_action(plan, title=f"Failing {i}", status=ActionStatus.OFF_TRACK)
    actions = between(dashboard(client, council), 'id="actions"', "</main>")
    assert actions.count("Failing ") == 20
    assert "3 more in the action list" in text(actions)
    assert "/medway/actions/?status=off_track" in actions


def test_wide_tables_stack_with_labelled_cells_and_the_heat_map_scrolls_by_keyboard(
    client, council
):
    current = council.plans.get(title="Council Plan 2020/21")
    make_action(current, title="Behind", status=ActionStatus.OFF_TRACK)
    html = dashboard(client, council)
    # Lean tables label their cells (stacked on a phone) from the stylesheet, by column: each
    # column's label there is its header's text.
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    for table in ("app-summary-table", "app-risk-table", "app-actions-table"):
        drawn = re.search(rf'<table class="govuk-table {table} [^"]*">.*?</table>', html, re.S)
        assert drawn, table
        headers = re.findall(r'<th scope="col"[^>]*>([^<]+)', drawn.group(0))
        row = re.search(r"<tbody[^>]*>\s*(<tr.*?</tr>)", drawn.group(0), re.S).group(1)
        cells = re.findall(r"<(td|th)[ >]", row)
        assert len(cells) == len(headers), table
        for number, (cell, header) in enumerate(zip(cells, headers, strict=True), start=1):
            if cell == "td":  # the row's header (th) is shown first, unlabelled
                rule = rf'\.{table} > tbody > tr > :nth-child\({number}\)::before \{{\s*content: "'
                assert re.search(rule + re.escape(header.strip()) + '"', css), (table, header)
    heat = html[html.rindex("<div", 0, html.index("app-heat-map")) :]
    opening = heat[: heat.index(">") + 1]
    assert 'tabindex="0"' in opening and 'role="region"' in opening and "aria-label=" in opening
    assert "Scroll the heat map sideways" in html


def test_kpi_chart_labels_periods_and_target_and_starts_at_zero(client, council):
    client.force_login(make_user(council=council, role=Role.CABINET))
    kpi = council.kpis.get(code="CC S2")
    kpi.unit = Unit.PERCENT
    kpi.save()
    html = client.get(
        reverse("kpi-detail", kwargs={"council": "medway", "pk": kpi.pk})
    ).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    labels = re.findall(r'<text class="app-chart__label[^"]*"[^>]*>([^<]+)</text>', svg)
    assert labels[0] == "0%" and labels[-3:] == ["Q2 2020/21", "Q3 2020/21", "Target"]
    assert "The scale starts at 0%" in text(html)
    assert 'href="#history"' in html and 'id="history"' in html


def test_kpi_list_of_a_council_without_measures_says_so(client):
    council = make_council("Bromsgrove District Council", slug="bromsgrove")
    client.force_login(make_user(council=council, role=Role.CABINET))
    page = text(client.get(reverse("kpi-list", kwargs={"council": "bromsgrove"})).content.decode())
    assert "No measures yet." in page and "Nothing matches these filters" not in page
    # Nothing to filter or download.
    assert "Filter KPIs" not in page and "Download CSV" not in page


def test_kpi_list_with_measures_but_no_match_blames_the_filters(client, council):
    client.force_login(make_user(council=council, role=Role.CABINET))
    response = client.get(reverse("kpi-list", kwargs={"council": "medway"}) + "?q=zzz")
    page = text(response.content.decode())
    assert "Nothing matches these filters." in page and "No measures yet" not in page


def test_action_list_hides_blank_columns_and_shows_a_shared_plan_once(client, council):
    plan = council.plans.get(title="Council Plan 2020/21")
    for i in range(3):
        make_action(plan, title=f"Action {i}", status=ActionStatus.ON_TRACK)
    client.force_login(make_user(council=council, role=Role.CABINET))
    html = client.get(reverse("action-list", kwargs={"council": "medway"})).content.decode()
    headers = text(between(html, "<thead", "</thead>"))
    # No reference, lead officer, due date or overdue action on the page: no such columns.
    for blank in ("Ref.", "Lead officer", "Due", "Overdue"):
        assert blank not in headers
    assert "Plan" not in headers and "Action" in headers and "Status" in headers
    shared = text(between(html, '<dl class="app-shared', "</dl>"))
    assert "Plan of every row on this page Council Plan 2020/21" in shared
    assert text(between(html, "<tbody", "</tbody>")).count("Council Plan 2020/21") == 0
    # Exports keep every column.
    csv = client.get(reverse("action-list", kwargs={"council": "medway"}) + "?_export=csv")
    header = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert "Lead officer" in header.splitlines()[0] and "Plan" in header.splitlines()[0]


def test_an_impact_first_council_heat_map_has_impact_rows(client):
    from risks.models import RiskMatrix

    council = make_council("Impactshire Council", slug="impactshire")
    RiskMatrix.objects.filter(council=council, in_use=True).update(notation="{i}{l}")
    make_risk(council, reference="R1", residual_score="IB")  # impact I, likelihood B
    heat = between(dashboard(client, council), 'class="govuk-table app-heat-map"', "</table>")
    first_row = between(heat, "<tbody", "</th>")
    assert "Impact I" in text(first_row) and "catastrophic" in first_row
    header = between(heat, "<thead", "</thead>")
    assert "Impact by likelihood" in header and "Likelihood F" in text(header)
    assert "Impact I" not in text(header)
    assert "number of risks at each impact and likelihood" in heat
    assert "1 risk at impact I (catastrophic), likelihood B (high)" in heat
