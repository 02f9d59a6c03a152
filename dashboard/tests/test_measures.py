"""Measures as councils publish them, as a cabinet member reads them on the dashboard, the
KPI page and the KPI list: annual outturns, cumulative measures, baseline-relative and
"establish baseline" yearly targets, values not published."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.targets import TargetKind
from dashboard.tests.test_views import measure_row_pattern
from kpis.models import Frequency, KpiTarget
from plans.models import Role
from tests.factories import make_council, make_kpi, make_plan, make_theme, make_user, make_value
from tests.responses import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    """Testshire: one measure of each kind the issue names."""
    council = make_council("Testshire Council", slug="testshire")
    theme = make_theme(make_plan(council), title="Healthy lives", number=1)
    # Annual, with its outturns of three years (the 2019/20 outturn is the latest).
    annual = make_kpi(
        council, theme=theme, code="AN 01", name="Adults active", frequency=Frequency.ANNUAL
    )
    make_value(annual, 2017, 0, 60, 60)
    make_value(annual, 2018, 0, 62, 65)
    make_value(annual, 2019, 0, 66, 65)
    # Cumulative (year to date): Q1 is far below last year's Q4 total, but above last Q1.
    ytd = make_kpi(
        council, theme=theme, code="YTD 01", name="Homes built", unit="count", cumulative=True
    )
    for quarter, actual in [(1, 40), (2, 90), (3, 130), (4, 180)]:
        make_value(ytd, 2019, quarter, actual, 30 * quarter)
    make_value(ytd, 2020, 1, 45, 30)
    # A target relative to the 2019/20 baseline: +2% a year, so 2020/21's is 81.6.
    relative = make_kpi(
        council,
        theme=theme,
        code="REL 01",
        name="Recycling rate",
        baseline=Decimal("80"),
        baseline_year=2019,
    )
    KpiTarget.objects.create(
        kpi=relative, financial_year=2020, kind=TargetKind.RELATIVE, amount=Decimal("2")
    )
    make_value(relative, 2020, 1, 81)  # 0.7% short of 81.6: Amber
    # A year that establishes its baseline: no target, so no status against one.
    baseline = make_kpi(council, theme=theme, code="EST 01", name="Digital take up")
    KpiTarget.objects.create(kpi=baseline, financial_year=2020, kind=TargetKind.ESTABLISH_BASELINE)
    make_value(baseline, 2020, 1, 35)
    # Suppressed: no figure (never 0), NA.
    suppressed = make_kpi(
        council, theme=theme, code="SUP 01", name="Small-number cases", unit="count"
    )
    make_value(suppressed, 2020, 1, None, 5, not_published="suppressed")
    return council


@pytest.fixture
def reader(client, council):
    client.force_login(make_user(council=council, role=Role.CABINET))
    return client


def _row(html: str, code: str) -> str:
    match = re.search(measure_row_pattern(code), html, re.S)
    assert match, code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def _dashboard(client, year: str, quarter: str) -> str:
    url = reverse("dashboard", kwargs={"council": "testshire", "year": year, "quarter": quarter})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_annual_measure_shows_its_latest_outturn_with_its_year(reader):
    html = _dashboard(reader, "2020-21", "q1")
    # Green against its own 65% target; up on 2018/19's 62% (short), NA long (3 years held).
    assert _row(html, "AN 01") == ("AN 01 Green Adults active 66% 2019/20 outturn 65% – NA ↑ IMP")


def test_an_annual_measure_shows_the_outturn_as_it_stood_in_that_quarter(reader):
    assert "2018/19 outturn" in _row(_dashboard(reader, "2018-19", "q3"), "AN 01")
    assert _row(_dashboard(reader, "2016-17", "q3"), "AN 01").startswith("AN 01 NA Adults active")


def test_a_cumulative_measure_compares_with_the_same_quarter_last_year(reader):
    # 45 in Q1 2020/21 against 40 in Q1 2019/20: improved, not "worse than 180".
    assert _row(_dashboard(reader, "2020-21", "q1"), "YTD 01") == (
        "YTD 01 Green Homes built 45 30 – NA ↑ IMP"
    )


def test_a_target_relative_to_the_baseline_is_rated_and_shown(reader):
    assert _row(_dashboard(reader, "2020-21", "q1"), "REL 01") == (
        "REL 01 Amber Recycling rate 81% 81.6% – NA – NA"
    )


def test_a_year_that_establishes_its_baseline_has_no_target(reader):
    assert _row(_dashboard(reader, "2020-21", "q1"), "EST 01") == (
        "EST 01 No target Digital take up 35% – – NA – NA"
    )


def test_a_suppressed_value_shows_its_reason_never_zero(reader):
    assert _row(_dashboard(reader, "2020-21", "q1"), "SUP 01") == (
        "SUP 01 NA Small-number cases Suppressed 5 – NA – NA"
    )


def test_each_measure_is_counted_once(reader):
    html = _dashboard(reader, "2020-21", "q1")
    total = re.search(r"All measures|Healthy lives</a></th>(.*?)</tr>", html, re.S).group(1)
    counts = [int(n) for n in re.findall(r">(\d+)</td>", total)]
    assert counts == [0, 1, 2, 1, 0, 1]  # Red, Amber, Green, No target, Data, NA


def test_a_council_with_only_annual_measures_has_performance_data(client):
    council = make_council("Annualshire", slug="annualshire")
    kpi = make_kpi(council, code="AN 02", frequency=Frequency.ANNUAL)
    make_value(kpi, 2019, 0, 50, 40)
    client.force_login(make_user(council=council, role=Role.CABINET))
    html = client.get(reverse("council-home", kwargs={"council": "annualshire"})).content.decode()
    assert "The latest quarter with performance data is Q4 2019/20." in html
    assert "No performance data" not in html


def test_kpi_page_shows_reasons_outturns_and_effective_targets(reader, council):
    kpi = council.kpis.get(code="REL 01")
    make_value(kpi, 2020, 0, 82)  # the year's outturn of a quarterly measure
    html = reader.get(reverse("kpi-detail", kwargs={"council": "testshire", "pk": kpi.pk}))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))
    assert "Baseline 80% in 2019/20" in text
    assert "2020/21: 81.6% (+2% a year on the 2019/20 baseline)" in text
    assert "2020/21 outturn 82% 81.6% Green" in text
    assert "Q1 2020/21 81% 81.6% Amber" in text
    suppressed = council.kpis.get(code="SUP 01")
    html = reader.get(reverse("kpi-detail", kwargs={"council": "testshire", "pk": suppressed.pk}))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))
    assert "Q1 2020/21 Suppressed 5 NA" in text


def test_kpi_list_export_writes_reasons_outturns_and_effective_targets(reader, council):
    make_value(council.kpis.get(code="REL 01"), 2020, 0, 82)
    url = reverse("kpi-list", kwargs={"council": "testshire"})
    response = reader.get(url, {"financial_year": "2020", "quarter": "1", "_export": "csv"})
    lines = body(response).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    rows = {
        line.split(",")[0]: dict(zip(header, line.split(","), strict=True)) for line in lines[1:]
    }
    assert rows["SUP 01"]["Value"] == "Suppressed"
    assert rows["SUP 01"]["RAG status"] == "NA"
    assert (rows["REL 01"]["Target"], rows["REL 01"]["RAG status"]) == ("81.6", "Amber")
    assert rows["REL 01"]["Annual outturn"] == "82"
    assert (rows["AN 01"]["Period"], rows["AN 01"]["Value"]) == ("2019/20 outturn", "66")
