"""The list pages (KPIs, actions, risks, savings): access, filters, sorting, exports, queries."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus
from kpis.models import KPI, Frequency, Unit
from plans.models import Role
from risks.models import Direction, RiskStatus
from tests.factories import (
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_savings,
    make_theme,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

LISTS = ["kpi-list", "action-list", "risk-list", "savings-list"]


class _TableParser(HTMLParser):
    """Collects the text of each body row of the page's govuk-table, and the caption."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.caption = ""
        self._in_body = self._in_cell = self._in_caption = self._in_header = False
        self._hidden_depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = dict(attrs).get("class") or ""
        if "govuk-visually-hidden" in classes or self._hidden_depth and tag == "span":
            self._hidden_depth += 1
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._in_cell, self._text = True, []
        elif tag == "th":
            self._in_header, self._text = True, []
        elif tag == "caption":
            self._in_caption, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        if self._hidden_depth and tag == "span":
            self._hidden_depth -= 1
            return
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._in_cell:
            self.rows[-1].append(" ".join("".join(self._text).split()))
            self._in_cell = False
        elif tag == "th" and self._in_header:
            self.headers.append(" ".join("".join(self._text).split()))
            self._in_header = False
        elif tag == "caption":
            self.caption = " ".join("".join(self._text).split())
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._in_cell or self._in_caption or self._in_header:
            self._text.append(data)


def table_of(response) -> _TableParser:
    parser = _TableParser()
    parser.feed(response.content.decode())
    return parser


def column(response, header: str) -> list[str]:
    """The cells of one column, by its visible header."""
    table = table_of(response)
    index = table.headers.index(header)
    return [row[index] for row in table.rows if len(row) == len(table.headers)]


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def medway(today):
    """Medway with two plans, themes, KPIs with Q2/Q3 2020/21 values, actions, risks, savings."""
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    fit = make_plan(council, title="FIT Plan", start_year=2024)
    value = make_theme(plan, number=1, title="Giving value for money")
    digital = make_theme(plan, number=2, title="Digital innovation")

    stage1 = make_kpi(
        council,
        theme=value,
        code="CC S1",
        name="Corporate complaints stage 1",
        owner="Head of Customer Services",
    )
    stage2 = make_kpi(
        council,
        theme=value,
        code="CC S2",
        name="Corporate complaints stage 2",
        owner="Head of Customer Services",
    )
    adults = make_kpi(
        council, theme=value, code="ASC CMP", name="Adults' complaints", owner="Director of People"
    )
    digi = make_kpi(
        council,
        theme=digital,
        plan=plan,
        code="DIGI TU 01",
        name="Digital take up",
        data_only=True,
        owner="Head of Digital",
    )
    spend = make_kpi(
        council,
        theme=digital,
        code="FIN 01",
        name="Spend on agency staff",
        unit=Unit.POUNDS,
        polarity="lower",
        owner="Chief Finance Officer",
    )
    make_kpi(
        council,
        code="ANN 01",
        name="Annual residents survey",
        frequency=Frequency.ANNUAL,
        owner="Head of Digital",
    )
    make_value(stage1, 2020, 2, "70.0", 80)
    make_value(stage1, 2020, 3, "88.0", 80)
    make_value(stage2, 2020, 3, "68.4", 75)
    make_value(adults, 2020, 3, "72.0", 75)
    make_value(digi, 2020, 3, 61)
    make_value(spend, 2020, 3, 1300000, 1200000)

    make_action(
        plan,
        theme=value,
        reference="A1",
        title="Review the complaints process",
        lead_officer="Head of Customer Services",
        status=ActionStatus.ON_TRACK,
        percent_complete=40,
        due_date=today + datetime.timedelta(days=60),
    )
    make_action(
        plan,
        theme=value,
        reference="A2",
        title="Close the old call centre",
        lead_officer="Director of Place",
        status=ActionStatus.OFF_TRACK,
        percent_complete=20,
        due_date=today - datetime.timedelta(days=10),
    )
    make_action(
        plan,
        theme=digital,
        reference="A3",
        title="Launch the new website",
        lead_officer="Head of Digital",
        status=ActionStatus.COMPLETED,
        percent_complete=100,
        due_date=today - datetime.timedelta(days=30),
    )
    make_action(
        fit,
        reference="F1",
        title="Ongoing commercial review",
        lead_officer="Chief Finance Officer",
        due_label="Ongoing",
    )

    make_risk(
        council,
        reference="SR03B",
        title="Finances",
        owner="Chief Finance Officer",
        residual_score="AI",
        direction=Direction.WORSENING,
    )
    make_risk(
        council,
        reference="SR32",
        title="Data and information",
        owner="Chief Legal Officer",
        residual_score="CII",
    )
    make_risk(
        council,
        reference="SR36",
        title="Alternative service delivery models",
        owner="Chief Legal Officer",
        residual_score="BIII",
        status=RiskStatus.CLOSED,
    )
    cyber = make_risk(
        council,
        reference="SR37",
        title="Cyber Security",
        owner="Chief Finance Officer",
        residual_score="CI",
    )
    cyber.themes.add(digital)

    make_savings(
        council,
        plan=fit,
        title="FIT Plan savings",
        start_year=2024,
        target_amount=Decimal("34000000"),
        identified_amount=Decimal("30000000"),
        achieved_amount=Decimal("17000000"),
    )
    make_savings(
        council,
        plan=plan,
        title="Savings for 2018/19",
        start_year=2018,
        target_amount=Decimal("5000000"),
        achieved_amount=Decimal("5000000"),
    )
    return {"council": council, "plan": plan, "fit": fit, "value": value, "digital": digital}


@pytest.fixture
def other():
    council = make_council("Bromsgrove District Council", slug="bromsgrove")
    plan = make_plan(council, title="Productivity Plan 2024/25")
    make_kpi(council, code="BDC 01", name="Bromsgrove measure")
    make_action(plan, title="Bromsgrove action")
    make_risk(council, reference="BR1", title="Bromsgrove risk")
    make_savings(council, title="Bromsgrove savings")
    return council


@pytest.fixture
def cabinet(medway):
    return make_user("cabinet", medway["council"], Role.CABINET)


def url(name: str, slug: str = "medway", **query) -> str:
    from urllib.parse import urlencode

    base = reverse(name, kwargs={"council": slug})
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


EXPECTED = {
    "kpi-list": ("Corporate complaints stage 1", "Bromsgrove measure"),
    "action-list": ("Review the complaints process", "Bromsgrove action"),
    "risk-list": ("Cyber Security", "Bromsgrove risk"),
    "savings-list": ("FIT Plan savings", "Bromsgrove savings"),
}


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_visitor_is_sent_to_login(client, medway, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", LISTS)
def test_member_of_another_council_gets_404(client, medway, other, name):
    client.force_login(make_user("outsider", other, Role.ADMIN))
    assert client.get(url(name)).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_unknown_council_is_404(client, cabinet, name):
    client.force_login(cabinet)
    assert client.get(url(name, slug="nowhere")).status_code == 404


@pytest.mark.parametrize("role", [Role.CABINET, Role.OFFICER, Role.ADMIN])
@pytest.mark.parametrize("name", LISTS)
def test_members_of_the_council_see_its_rows_only(client, medway, other, name, role):
    client.force_login(make_user("member", medway["council"], role))
    response = client.get(url(name))
    assert response.status_code == 200
    ours, theirs = EXPECTED[name]
    text = response.content.decode()
    assert ours in text
    assert theirs not in text
    assert 'class="govuk-table' in text


@pytest.mark.parametrize("name", LISTS)
def test_superuser_sees_any_council(client, medway, other, name):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.get(url(name, slug="bromsgrove"))
    assert response.status_code == 200
    ours, theirs = EXPECTED[name]
    assert theirs in response.content.decode()
    assert ours not in response.content.decode()


# --- KPIs ---------------------------------------------------------------------------------


def test_kpi_list_shows_latest_quarter_with_rag_words_and_colours(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("kpi-list"))
    table = table_of(response)
    assert "Q3 2020/21" in table.caption
    by_code = {row[0]: row for row in table.rows}
    assert set(by_code) == {"CC S1", "CC S2", "ASC CMP", "DIGI TU 01", "FIN 01", "ANN 01"}
    rag = table.headers.index("RAG status")
    value, target = table.headers.index("Value"), table.headers.index("Target")
    assert by_code["CC S1"][rag] == "Green"
    assert by_code["CC S1"][value] == "88%"
    assert by_code["CC S1"][target] == "80%"
    assert by_code["CC S2"][rag] == "Red"  # 8.8% short
    assert by_code["ASC CMP"][rag] == "Amber"  # 4% short
    assert by_code["DIGI TU 01"][rag] == "Data"
    assert by_code["FIN 01"][rag] == "Red"  # lower is better: 8.3% over target
    assert by_code["FIN 01"][value] == "£1,300,000"
    assert by_code["ANN 01"][rag] == "NA"
    html = response.content.decode()
    assert 'class="govuk-tag govuk-tag--green rag rag--green">Green</strong>' in html
    assert 'class="govuk-tag govuk-tag--red rag rag--red">Red</strong>' in html
    # The form shows the quarter being displayed.
    assert '<option value="3" selected>Q3</option>' in html


def test_kpi_list_for_an_earlier_quarter(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("kpi-list", financial_year=2020, quarter=2))
    table = table_of(response)
    assert "Q2 2020/21" in table.caption
    by_code = {row[0]: row for row in table.rows}
    rag = table.headers.index("RAG status")
    assert by_code["CC S1"][rag] == "Red"  # 70 against 80
    assert by_code["CC S2"][rag] == "NA"


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"rag": "red"}, {"CC S2", "FIN 01"}),
        ({"rag": "green"}, {"CC S1"}),
        ({"rag": "na"}, {"ANN 01"}),
        ({"owner": "Head of Digital"}, {"DIGI TU 01", "ANN 01"}),
        ({"q": "complaints"}, {"CC S1", "CC S2", "ASC CMP"}),
        ({"q": "digi tu"}, {"DIGI TU 01"}),
        ({"theme": "digital"}, {"DIGI TU 01", "FIN 01"}),
        ({"plan": "plan"}, {"DIGI TU 01"}),
        ({"theme": "value", "rag": "red"}, {"CC S2"}),
    ],
)
def test_kpi_filters_narrow_the_rows(client, cabinet, medway, query, codes):
    for key in ("theme", "plan"):
        if key in query:
            query[key] = medway[query[key]].pk
    client.force_login(cabinet)
    response = client.get(url("kpi-list", **query))
    assert set(column(response, "Code")) == codes


def test_kpi_list_sorts_by_value_and_rag(client, cabinet):
    client.force_login(cabinet)
    codes = column(client.get(url("kpi-list", sort="-code")), "Code")
    assert codes == sorted(codes, reverse=True)
    rags = column(client.get(url("kpi-list", sort="rag")), "RAG status")
    assert rags == ["Red", "Red", "Amber", "Green", "Data", "NA"]


def test_kpi_sort_header_carries_aria_sort(client, cabinet):
    client.force_login(cabinet)
    html = client.get(url("kpi-list", sort="-code")).content.decode()
    assert 'aria-sort="descending"' in html
    assert html.count('aria-sort="none"') >= 5


def test_kpi_export_shows_a_quarter_entered_after_it_was_first_read(client, cabinet, medway):
    """An export shows the latest quarter with values, also one entered since the list was
    last read (the periods with values are remembered only for the council's data version)."""
    client.force_login(cabinet)
    before = csv_rows(client.get(url("kpi-list", _export="csv")))
    assert {row[4] for row in before[1:] if row[4]} == {"Q3 2020/21"}
    make_value(KPI.objects.get(council=medway["council"], code="CC S1"), 2020, 4, "91.0", 80)
    after = csv_rows(client.get(url("kpi-list", _export="csv")))
    assert [row[4:8] for row in after[1:] if row[0] == "CC S1"] == [
        ["Q4 2020/21", "91", "80", "Green"]
    ]


def test_kpi_csv_export_has_the_filtered_rows(client, cabinet, today):
    client.force_login(cabinet)
    response = client.get(url("kpi-list", q="complaints", sort="code", _export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"medway-kpis-{today.isoformat()}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Code",
        "Measure",
        "Theme",
        "Owner",
        "Period",
        "Value",
        "Target",
        "RAG status",
        "Unit",
    ]
    assert [row[0] for row in rows[1:]] == ["ASC CMP", "CC S1", "CC S2"]
    assert rows[2][5:8] == ["88", "80", "Green"]
    assert rows[2][4] == "Q3 2020/21"


def test_kpi_xlsx_export_opens_in_a_spreadsheet(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("kpi-list", rag="red", _export="xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = xlsx_rows(response)
    assert rows[0][0] == "Code"
    assert {row[0] for row in rows[1:]} == {"CC S2", "FIN 01"}
    assert {row[7] for row in rows[1:]} == {"Red"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"financial_year": "abc"}, "Financial year"),
        ({"quarter": "9"}, "Quarter"),
        ({"financial_year": "abc", "quarter": "9"}, "Quarter"),
        ({"rag": "purple"}, "RAG status"),
        ({"plan": "99999999"}, "Plan"),
        ({"theme": "not-a-number"}, "Theme or priority"),
    ],
)
def test_bad_kpi_filters_give_a_message_not_an_error(client, cabinet, query, message):
    client.force_login(cabinet)
    response = client.get(url("kpi-list", **query))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem with the filters" in html
    assert f"{message}: Select a valid choice" in html
    assert "govuk-error-message" in html
    # The page still shows a quarter's measures.
    assert "Q3 2020/21" in table_of(response).caption


# --- Actions ------------------------------------------------------------------------------


def test_action_list_shows_status_words_and_overdue(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("action-list"))
    table = table_of(response)
    by_ref = {row[0]: row for row in table.rows}
    status, overdue = table.headers.index("Status"), table.headers.index("Overdue")
    assert by_ref["A1"][status] == "On track"
    assert by_ref["A2"][status] == "Off track"
    assert by_ref["A2"][overdue] == "Overdue"
    assert by_ref["A3"][overdue] == ""  # completed, so never overdue
    assert by_ref["A1"][overdue] == ""
    assert by_ref["F1"][table.headers.index("Due")] == "Ongoing"
    assert 'rag rag--red">Off track</strong>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"overdue": "yes"}, {"A2"}),
        ({"overdue": "no"}, {"A1", "A3", "F1"}),
        ({"status": "completed"}, {"A3"}),
        ({"lead_officer": "Head of Digital"}, {"A3"}),
        ({"plan": "fit"}, {"F1"}),
        ({"theme": "digital"}, {"A3"}),
        ({"q": "call centre"}, {"A2"}),
    ],
)
def test_action_filters_narrow_the_rows(client, cabinet, medway, query, refs):
    for key in ("theme", "plan"):
        if key in query:
            query[key] = medway[query[key]].pk
    client.force_login(cabinet)
    assert set(column(client.get(url("action-list", **query)), "Ref.")) == refs


def test_action_filter_by_financial_year_due(client, cabinet, today):
    from core.periods import FinancialYear

    client.force_login(cabinet)
    year = FinancialYear.for_date(today + datetime.timedelta(days=60)).start_year
    refs = set(column(client.get(url("action-list", due_year=year)), "Ref."))
    assert "A1" in refs
    assert "F1" not in refs  # no due date


def test_action_list_sorts_by_due_date(client, cabinet):
    client.force_login(cabinet)
    refs = column(client.get(url("action-list", sort="-due_date")), "Ref.")
    assert refs == ["A1", "A2", "A3", "F1"]  # the undated action last, either way
    refs = column(client.get(url("action-list", sort="due_date")), "Ref.")
    assert refs == ["A3", "A2", "A1", "F1"]


def test_action_csv_export_has_the_filtered_rows(client, cabinet, today):
    client.force_login(cabinet)
    response = client.get(url("action-list", overdue="yes", _export="csv"))
    assert f"medway-actions-{today.isoformat()}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Ref.", "Action", "Plan"]
    assert len(rows) == 2
    assert rows[1][0] == "A2"
    assert rows[1][-3:] == ["Off track", "20", "Overdue"]


def test_action_xlsx_export(client, cabinet):
    client.force_login(cabinet)
    rows = xlsx_rows(client.get(url("action-list", status="on_track", _export="xlsx")))
    assert rows[0][1] == "Action"
    assert [row[1] for row in rows[1:]] == ["Review the complaints process"]


@pytest.mark.parametrize(
    "query",
    [
        {"due_year": "abc"},
        {"overdue": "maybe"},
        {"status": "lost"},
        {"page": "abc"},
        {"page": "999"},
        {"sort": "no_such_column"},
        {"_export": "pdf"},
    ],
)
def test_bad_action_input_is_not_an_error(client, cabinet, query):
    client.force_login(cabinet)
    response = client.get(url("action-list", **query))
    assert response.status_code == 200
    assert "Review the complaints process" in response.content.decode()
    if set(query) & {"due_year", "overdue", "status"}:
        assert "Select a valid choice" in response.content.decode()


def test_action_list_paginates_25_a_page(client, cabinet, medway):
    for n in range(30):
        make_action(medway["plan"], reference=f"P{n:02d}", title=f"Paged action {n}")
    client.force_login(cabinet)
    first = client.get(url("action-list"))
    assert len(table_of(first).rows) == 25
    assert "Showing 1 to 25 of 34 results" in first.content.decode()
    assert 'class="govuk-pagination"' in first.content.decode()
    second = client.get(url("action-list", page=2))
    assert len(table_of(second).rows) == 9
    # The export is not paginated.
    assert len(csv_rows(client.get(url("action-list", page=2, _export="csv")))) == 35


# --- Risks --------------------------------------------------------------------------------


def test_risk_list_shows_scores_with_words(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("risk-list"))
    table = table_of(response)
    by_ref = {row[0]: row for row in table.rows}
    score = table.headers.index("Current residual score")
    assert by_ref["SR03B"][score] == "AI L – very high, I – catastrophic high"  # band beside
    assert by_ref["SR36"][table.headers.index("Status")] == "Closed"
    assert by_ref["SR03B"][table.headers.index("Direction of travel")] == "Worsening"


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"status": "open"}, {"SR03B", "SR32", "SR37"}),
        ({"owner": "Chief Legal Officer"}, {"SR32", "SR36"}),
        ({"theme": "digital"}, {"SR37"}),
        ({"q": "cyber"}, {"SR37"}),
    ],
)
def test_risk_filters_narrow_the_rows(client, cabinet, medway, query, refs):
    if "theme" in query:
        query["theme"] = medway["digital"].pk
    client.force_login(cabinet)
    assert set(column(client.get(url("risk-list", **query)), "Ref.")) == refs


def test_risks_sort_by_severity_of_residual_score(client, cabinet):
    client.force_login(cabinet)
    refs = column(client.get(url("risk-list", sort="-residual")), "Ref.")
    # Severity = likelihood rank x impact rank: AI 24, CI 16, CII 12, BIII 10.
    assert refs == ["SR03B", "SR37", "SR32", "SR36"]


def test_risk_exports(client, cabinet):
    client.force_login(cabinet)
    rows = csv_rows(client.get(url("risk-list", owner="Chief Finance Officer", _export="csv")))
    assert rows[0][:6] == [
        "Ref.",
        "Risk",
        "Owner",
        "Inherent score",
        "Current residual score",
        "Target score",
    ]
    assert {row[0] for row in rows[1:]} == {"SR03B", "SR37"}
    assert "AI (L – very high, I – catastrophic; band high)" in {row[4] for row in rows[1:]}
    sheet = xlsx_rows(client.get(url("risk-list", status="closed", _export="xlsx")))
    assert [row[0] for row in sheet[1:]] == ["SR36"]


# --- Savings ------------------------------------------------------------------------------


def test_savings_list_formats_money_and_progress(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("savings-list"))
    table = table_of(response)
    by_title = {row[0]: row for row in table.rows}
    fit = by_title["FIT Plan savings"]
    assert fit[table.headers.index("Target")] == "£34,000,000"
    assert fit[table.headers.index("Identified")] == "£30,000,000"
    assert fit[table.headers.index("Achieved")] == "£17,000,000"
    assert fit[table.headers.index("% achieved")].startswith("50%")
    assert fit[table.headers.index("Period")] == "2024/25"
    old = by_title["Savings for 2018/19"]
    assert old[table.headers.index("% achieved")] == "100%"


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"financial_year": "2024"}, {"FIT Plan savings"}),
        ({"financial_year": "2018"}, {"Savings for 2018/19"}),
        ({"plan": "plan"}, {"Savings for 2018/19"}),
        ({"q": "fit"}, {"FIT Plan savings"}),
    ],
)
def test_savings_filters_narrow_the_rows(client, cabinet, medway, query, titles):
    if "plan" in query:
        query["plan"] = medway["plan"].pk
    client.force_login(cabinet)
    assert set(column(client.get(url("savings-list", **query)), "Title")) == titles


def test_savings_exports_are_numbers(client, cabinet, today):
    client.force_login(cabinet)
    response = client.get(url("savings-list", financial_year="2024", _export="csv"))
    assert f"medway-savings-{today.isoformat()}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Title",
        "Plan",
        "Period",
        "Type",
        "Target",
        "Target set as",
        "Identified",
        "Achieved",
        "% achieved",
        "Status reported",
    ]
    assert rows[1] == [
        "FIT Plan savings",
        "FIT Plan",
        "2024/25",
        "",
        "34000000.00",
        "",
        "30000000.00",
        "17000000.00",
        "50",
        "",
    ]
    sheet = xlsx_rows(client.get(url("savings-list", _export="xlsx")))
    assert {row[0] for row in sheet[1:]} == {"FIT Plan savings", "Savings for 2018/19"}
    fit = next(row for row in sheet if row[0] == "FIT Plan savings")
    assert fit[4] == 34000000


def test_bad_savings_year_gives_a_message(client, cabinet):
    client.force_login(cabinet)
    response = client.get(url("savings-list", financial_year="1900"))
    assert response.status_code == 200
    assert "Financial year: Select a valid choice" in response.content.decode()


# --- Query counts -------------------------------------------------------------------------


def _grow(council, plan, theme, n: int, today: datetime.date, name: str) -> None:
    """Add n rows of what the list ``name`` shows, with the relations its table draws."""
    for i in range(n):
        if name == "kpi-list":
            kpi = make_kpi(council, theme=theme, plan=plan, owner=f"Owner {i % 7}")
            make_value(kpi, 2020, 3, 50 + i % 40, 70)
            make_value(kpi, 2020, 2, 40 + i % 40, 70)
        elif name == "action-list":
            make_action(
                plan,
                theme=theme,
                lead_officer=f"Lead {i % 5}",
                due_date=today - datetime.timedelta(days=i - 100),
                status=ActionStatus.AT_RISK,
            )
        elif name == "risk-list":
            risk = make_risk(council, owner=f"Owner {i % 3}", residual_score="BII")
            risk.themes.add(theme)
        else:
            make_savings(
                council,
                plan=plan,
                theme=theme,
                start_year=2020 + i % 4,
                identified_amount=Decimal("100"),
                achieved_amount=Decimal("10"),
            )


QUERIES = [
    ({}),
    ({"sort": "-code", "rag": "red", "q": "measure"}),
    ({"_export": "csv"}),
    ({"_export": "xlsx"}),
    ({"page": "2"}),
]


@pytest.mark.parametrize("name", LISTS)
def test_list_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, name, today):
    council = make_council("Queryshire", slug="queryshire")
    plan = make_plan(council)
    theme = make_theme(plan)
    user = make_user("counter", council, Role.CABINET)
    client.force_login(user)
    filtered = {"theme": theme.pk, "plan": plan.pk} if name in ("kpi-list", "action-list") else {}
    queries = [*QUERIES, filtered]

    _grow(council, plan, theme, 10, today, name)
    counts = []
    for query in queries:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, "queryshire", **query)).status_code == 200
        counts.append(len(captured))

    _grow(council, plan, theme, 190, today, name)
    for query, count in zip(queries, counts, strict=True):
        with django_assert_num_queries(count):
            response = client.get(url(name, "queryshire", **query))
        assert response.status_code == 200


@pytest.mark.parametrize("stage_and_rag", [False, True])
def test_exports_from_plain_values_match_the_tables_cell_for_cell(
    client, cabinet, medway, monkeypatch, stage_and_rag
):
    """Each list's fast export (ExportColumn) gives what its table's value_* methods give."""
    from actions.models import ActionRag, ActionStage
    from actions.tables import ActionTable
    from kpis.tables import KpiTable
    from plans.models import ActionStatusScheme, SavingsBasis, SavingsKind, SavingsRecurrence
    from plans.tables import SavingsTable
    from risks.tables import RiskTable
    from tests.factories import make_update

    council = medway["council"]
    if stage_and_rag:
        council.action_status_scheme = ActionStatusScheme.STAGE_AND_RAG
        council.save()
    slipped = make_action(
        medway["plan"],
        reference="S1",
        title="Slipped;=1+1 \x07",
        due_date=datetime.date(2021, 3, 1),
        stage=ActionStage.IN_PROGRESS,
        rag=ActionRag.AT_RISK,
        directorate="Place",
    )
    slipped.due_date = datetime.date(2021, 6, 1)
    slipped.save()
    make_update(slipped, date=datetime.date(2020, 12, 1), percent_complete=30)
    make_savings(
        council, title="Shared services", start_year=2019, end_year=2021,
        recurrence=SavingsRecurrence.RECURRING, kind=SavingsKind.INCOME,
        target_basis=SavingsBasis.PERCENT_OF_BUDGET, target_percent=Decimal("2.5"),
        budget_amount=Decimal("4000000"), target_amount=Decimal("100000"),
        achieved_amount=Decimal("12.50"), reported_status="slipping",
    )  # fmt: skip
    client.force_login(cabinet)

    def exports() -> list:
        got = []
        for name in LISTS:
            got.append(xlsx_rows(client.get(url(name, _export="xlsx"))))  # types as well
            for query in (
                {"quarter": "Q3 2020/21", "sort": "-due_date"},
                {"financial_year": "2020"},
            ):
                got.append(csv_rows(client.get(url(name, **query, _export="csv"))))
        return got

    fast = exports()
    for table in (ActionTable, KpiTable, RiskTable, SavingsTable):
        monkeypatch.delattr(table, "export_columns", raising=False)
    assert fast == exports()
    assert any(row[:2] == ("S1", "'Slipped;=1+1 ") for row in fast[3])


def test_exports_open_user_text_as_text_not_formulas(client, cabinet, medway):
    make_action(medway["plan"], reference="X1", title='=HYPERLINK("http://evil.example","x")')
    client.force_login(cabinet)
    rows = csv_rows(client.get(url("action-list", q="HYPERLINK", _export="csv")))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    xlsx = xlsx_rows(client.get(url("action-list", q="HYPERLINK", _export="xlsx")))
    assert xlsx[1][1].startswith("'=")


@pytest.mark.parametrize("name", ["kpi-list", "action-list", "risk-list", "savings-list"])
def test_exports_read_the_cells_as_the_tables_own_export(client, cabinet, monkeypatch, name):
    # The export reads each column with a getter built once, not a BoundRow per cell: it
    # gives what django-tables2's own export (Table.as_values) gives, cell for cell.
    from core.formatting import neutralise_formula
    from dashboard.generic import CouncilListView, export_rows, spreadsheet_text

    tables = []
    real_export = CouncilListView.export

    def export(self, table, export_format):
        tables.append(table)
        return real_export(self, table, export_format)

    monkeypatch.setattr(CouncilListView, "export", export)
    client.force_login(cabinet)
    response = client.get(url(name, _export="csv"))
    csv_rows(response)
    table = tables[0]
    expected = [
        [neutralise_formula(spreadsheet_text(cell)) for cell in row] for row in table.as_values()
    ]
    assert len(expected) > 2
    assert list(export_rows(table)) == expected
