"""The quarter's commentary on the dashboard: the overall summary, each theme's narrative, each
value's and risk's commentary (long text folded), and Red values without commentary flagged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.periods import Quarter
from kpis.reports import red_without_commentary
from plans.models import QuarterSummary, Role, ThemeNarrative
from risks.models import RiskAssessment, RiskRegisterEntry
from tests.factories import (
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_theme,
    make_user,
    make_value,
)
from tests.responses import body

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("Q3 2020/21")
LONG = "Complaints rose in the second lockdown. " * 20  # over 400 characters: folded


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway")
    plan = make_plan(council)
    value = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Digital innovation")
    stage1 = make_kpi(council, theme=value, code="CC S1", name="Complaints stage 1")
    stage2 = make_kpi(council, theme=value, code="CC S2", name="Complaints stage 2")
    late = make_kpi(council, theme=digital, code="DIGI 02", name="Forms online")
    make_value(stage1, 2020, 3, "88.0", 80, commentary="220 responded to, 193 in time.")
    make_value(stage2, 2020, 3, "68.4", 75, commentary=LONG)  # Red, explained
    make_value(late, 2020, 3, "40", 75)  # Red, unexplained
    make_value(late, 2020, 2, "41", 75, commentary="Last quarter's words.")
    risk = make_risk(council, reference="SR03B", title="Finances", residual_score="AI")
    RiskAssessment.objects.create(
        risk=risk, financial_year=2020, quarter=3, score="AI", commentary="Budget gap of £9m."
    )
    other = make_risk(council, reference="SR46", title="Recovery", residual_score="BII")
    RiskAssessment.objects.create(
        risk=other, financial_year=2020, quarter=2, score="BII", commentary="Old risk words."
    )
    QuarterSummary.objects.create(
        council=council, financial_year=2020, quarter=3, text="A hard quarter <b>overall</b>."
    )
    ThemeNarrative.objects.create(
        theme=value, financial_year=2020, quarter=3, text="Value for money held up."
    )
    ThemeNarrative.objects.create(
        theme=digital, financial_year=2020, quarter=2, text="Narrative of another quarter."
    )
    return council


def dashboard(client, user, quarter=Q3) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard", kwargs={"council": "medway", **quarter.url_kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_shows_the_quarters_commentary_in_place(client, medway):
    html = dashboard(client, make_user(council=medway, role=Role.CABINET))
    # The summary opens the report, escaped.
    assert html.index("Overall summary") < html.index('id="summary"')
    assert "A hard quarter &lt;b&gt;overall&lt;/b&gt;." in html
    # The theme's narrative under its heading; another quarter's narrative nowhere.
    heading = html.index("Giving value for money</h3>")
    assert heading < html.index("Value for money held up.") < html.index("Digital innovation</h3>")
    assert "Narrative of another quarter." not in html
    # Each value's commentary with its measure; a long one folded in a details element.
    assert "220 responded to, 193 in time." in html
    assert "Last quarter&#x27;s words." not in html and "Last quarter's words." not in html
    folded = html.index("Commentary on Complaints stage 2")
    assert html.rfind("<details", 0, folded) > html.rfind("</details>", 0, folded)
    # This quarter's risk commentary with its risk; not an older quarter's.
    assert "Budget gap of £9m." in html
    assert "Old risk words." not in html


def test_red_values_without_commentary_are_flagged_to_administrators(client, medway):
    rows = red_without_commentary(medway, Q3)
    assert [row.kpi.code for row in rows] == ["DIGI 02"]
    admin_html = dashboard(client, make_user(council=medway, role=Role.ADMIN))
    assert "1 Red value has no commentary." in admin_html
    assert "?financial_year=2020&amp;quarter=3&amp;rag=red" in admin_html
    flag = admin_html[admin_html.index("app-red-flag") :]
    assert "Forms online" in flag[: flag.index("</div>")]
    cabinet_html = dashboard(client, make_user(council=medway, role=Role.CABINET))
    assert "has no commentary" not in cabinet_html
    # An administrator of another council sees nothing of Medway.
    stranger = make_user(council=make_council(slug="kent"), role=Role.ADMIN)
    client.force_login(stranger)
    url = reverse("dashboard", kwargs={"council": "medway", **Q3.url_kwargs})
    assert client.get(url).status_code == 404


def test_council_administrators_edit_their_own_councils_commentary(client, medway):
    admin = make_user(council=medway, role=Role.ADMIN)
    kent = make_council(slug="kent")
    kent_theme = make_theme(make_plan(kent))
    kent_summary = QuarterSummary.objects.create(
        council=kent, financial_year=2020, quarter=3, text="Kent's words"
    )
    client.force_login(admin)
    summary = QuarterSummary.objects.get(council=medway)
    url = reverse("admin:plans_quartersummary_change", args=[summary.pk])
    response = client.post(
        url,
        {
            "council": medway.pk,
            "financial_year": 2020,
            "quarter": 3,
            "text": "Rewritten.",
            "loaded_version": summary.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    summary.refresh_from_db()
    assert summary.text == "Rewritten."
    assert summary.history.count() == 2  # created, then changed
    # Another council's summary and themes are out of reach.
    other = reverse("admin:plans_quartersummary_change", args=[kent_summary.pk])
    assert client.get(other).status_code in (302, 404)
    listing = client.get(reverse("admin:plans_quartersummary_changelist")).content.decode()
    assert "Kent" not in listing
    add = client.post(
        reverse("admin:plans_themenarrative_add"),
        {"theme": kent_theme.pk, "financial_year": 2020, "quarter": 3, "text": "Sneaky"},
    )
    assert add.status_code == 200  # the form again, with an error
    assert not ThemeNarrative.objects.filter(text="Sneaky").exists()


def test_risk_list_as_at_a_quarter_shows_the_score_assessed_by_then(client, medway):
    risk = RiskRegisterEntry.objects.get(council=medway, reference="SR03B")
    RiskAssessment.objects.create(risk=risk, financial_year=2021, quarter=1, score="DIV")
    client.force_login(make_user(council=medway, role=Role.CABINET))
    url = reverse("risk-list", kwargs={"council": "medway"})
    then = client.get(url, {"quarter": "Q3 2020/21", "q": "Finances"}).content.decode()
    assert "as assessed up to Q3 2020/21" in then
    assert "<strong>AI</strong>" in then and "DIV" not in then
    now = client.get(url, {"q": "Finances"}).content.decode()
    assert "Q1 2021/22 DIV" in now
    csv = body(client.get(url, {"quarter": "Q3 2020/21", "_export": "csv"})).decode()
    assert "Q1 2021/22" not in csv and "Q3 2020/21 AI" in csv
    # SR46 was assessed only in Q2: that is the latest assessment by Q3.
    assert "Q2 2020/21 BII" in csv
