"""The quarterly cycle held together: the status board, the sign-off page and the dashboard
judge "Red without commentary" by one rule; the performance team finds the board from the
dashboard and the council home; the sign-off page warns of what is missing; a published
quarter keeps the summary and narratives it was given."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.periods import Quarter
from dashboard.collection import quarter_status
from kpis.models import KpiTarget
from kpis.reports import red_without_commentary
from plans.models import QuarterSummary, Role, ThemeNarrative
from publishing.models import PublishedQuarter
from tests.factories import make_council, make_kpi, make_plan, make_theme, make_user, make_value

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("Q3 2020/21")
KW = {"year": "2020-21", "quarter": "q3"}


@pytest.fixture
def world():
    council = make_council("Testshire Council", slug="testshire")
    theme = make_theme(make_plan(council, start_year=2020, end_year=2020), number=1)
    officer = make_user("olu", council, Role.OFFICER, first_name="Olu", last_name="Ade")
    other = make_council("Otherton Council", slug="otherton")
    return {
        "council": council,
        "theme": theme,
        "officer": officer,
        "admin": make_user("perf", council, Role.ADMIN),
        "cabinet": make_user("leader", council, Role.CABINET),
        "other": other,
        "other_kpi": make_kpi(other, code="OTH 1", name="Otherton's own measure"),
    }


def url(name: str, council: str = "testshire") -> str:
    return reverse(name, kwargs={"council": council, **KW})


def text(response) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return words.replace(" ,", ",")


def flagged(status) -> set[str]:
    return {item.label for _, item in status.red_without_commentary}


def test_the_board_flags_the_red_values_the_report_flags(world):
    council, officer = world["council"], world["officer"]
    # Red against its year's target only (the value sets none): the report's effective target.
    yearly = make_kpi(council, code="Y 1", name="Rated by its year", owner_user=officer)
    KpiTarget.objects.create(kpi=yearly, financial_year=2020, amount=Decimal("80"))
    make_value(yearly, 2020, 3, "60", None)
    explained = make_kpi(council, code="E 1", name="Red, explained", owner_user=officer)
    make_value(explained, 2020, 3, "10", "50", commentary="Staff off sick.")
    green = make_kpi(council, code="G 1", name="Green", owner_user=officer)
    make_value(green, 2020, 3, "90", "50")
    make_value(world["other_kpi"], 2020, 3, "1", "50")  # another council's Red

    report = {str(row.kpi) for row in red_without_commentary(council, Q3)}
    assert report == {str(yearly)}
    assert flagged(quarter_status(council, Q3)) == report


def test_administrators_find_the_status_board_from_the_dashboard_and_council_home(client, world):
    board = url("quarter-status")
    home = reverse("council-home", kwargs={"council": "testshire"})
    client.force_login(world["admin"])
    dashboard = client.get(url("dashboard")).content.decode()
    assert f'href="{board}"' in dashboard
    assert f'href="{url("sign-off")}"' in dashboard  # beside the sign-off button
    assert "See the collection status board" in client.get(home).content.decode()
    assert client.get(board).status_code == 200
    for role in ("cabinet", "officer"):
        client.force_login(world[role])
        assert "quarter-status" not in text(client.get(url("dashboard")))
        assert "/status/" not in client.get(url("dashboard")).content.decode()
        assert "/status/" not in client.get(home).content.decode()


def test_the_sign_off_page_warns_of_what_is_missing_and_still_signs_off(client, world):
    council, officer = world["council"], world["officer"]
    make_kpi(council, code="M 1", name="Not entered yet", owner_user=officer)
    red = make_kpi(council, code="R 1", name="Red and unexplained", owner_user=officer)
    make_value(red, 2020, 3, "10", "50")
    make_value(world["other_kpi"], 2020, 3, "1", "50")
    client.force_login(world["admin"])
    page = text(client.get(url("sign-off")))
    warning = page[page.index("Before you sign off") : page.index("Sign off and publish Q3")]
    assert "1 item is still missing and 1 Red value has no commentary" in warning
    assert "M 1 Not entered yet, Q3 2020/21 (Olu Ade)" in warning
    assert "R 1 Red and unexplained, Q3 2020/21 (Olu Ade)" in warning
    assert "Otherton" not in page
    assert client.post(url("sign-off")).status_code == 302
    assert PublishedQuarter.objects.filter(council=council).count() == 1


def test_the_sign_off_page_says_when_nothing_is_missing(client, world):
    kpi = make_kpi(world["council"], code="D 1", name="Done", owner_user=world["officer"])
    make_value(kpi, 2020, 3, "90", "50")
    client.force_login(world["admin"])
    page = text(client.get(url("sign-off")))
    assert "Before you sign off" not in page
    assert "every Red value has a commentary" in page


def test_a_published_quarter_keeps_the_summary_and_narratives_it_was_given(client, world):
    council, theme = world["council"], world["theme"]
    kpi = make_kpi(council, theme=theme, code="T 1", name="Measure of the theme")
    make_value(kpi, 2020, 3, "90", "50")
    summary = QuarterSummary.objects.create(
        council=council, financial_year=2020, quarter=3, text="Most measures met target."
    )
    narrative = ThemeNarrative.objects.create(
        theme=theme, financial_year=2020, quarter=3, text="Value for money held up."
    )
    client.force_login(world["admin"])
    client.post(url("sign-off"))
    summary.text, narrative.text = "Rewritten after sign-off.", "Narrative rewritten."
    summary.save()
    narrative.save()

    published = PublishedQuarter.objects.get(council=council)
    assert published.data["commentary"] == {
        "summary": "Most measures met target.",
        "narratives": [
            {"theme_id": theme.pk, "title": theme.title, "text": "Value for money held up."}
        ],
    }
    client.force_login(world["cabinet"])
    page = text(client.get(url("dashboard")))
    assert "Overall summary" in page
    assert "Most measures met target." in page and "Value for money held up." in page
    assert "rewritten" not in page.lower()
    # The pack is drawn from the same stored body, and lists the summary in its contents.
    assert "Most measures met target." in published.body_html
    assert 'id="overall-summary"' in published.body_html
