"""The KPI list's and the risk register's exports stream their rows a chunk at a time (no
sort asked for): the same file as the whole list gives, in the page's order; the KPI
export's annual-outturn column only where a row shows one."""

from __future__ import annotations

import pytest

from dashboard.tests.test_lists import _TableParser, csv_rows, url, xlsx_rows
from kpis import filters
from kpis.filters import KpiFilterSet
from kpis.models import Frequency, KpiTarget, NotPublished, Unit
from plans.models import Role
from risks import filters as risk_filters
from risks.filters import RiskFilterSet
from risks.models import RiskStatus
from tests.factories import (
    make_assessment,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_theme,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

OUTTURN = "Annual outturn"


@pytest.fixture
def cabinet():
    """Ten measures of every kind for Q3 2020/21, created out of the list's order (theme,
    then code) so that a chunk read by id would come out wrong."""
    council = make_council("Medway Council", slug="medway", short_name="Medway")
    plan = make_plan(council, title="Council Plan 2020/21")
    people = make_theme(plan, number=2, title="People")
    money = make_theme(plan, number=1, title="Value for money")

    def kpi(theme, code, **kw):
        return make_kpi(council, theme=theme, code=code, name=f"Measure {code}", **kw)

    late = kpi(people, "Z 01", owner="Head of People")
    make_value(late, 2020, 3, 88, 80)
    make_value(late, 2019, 3, 70, 80)
    make_value(late, 2020, 0, 300)  # the year's outturn
    hidden = kpi(people, "Y 02")
    make_value(hidden, 2020, 3, None, 80, not_published=NotPublished.NOT_AVAILABLE)
    make_value(hidden, 2020, 0, None, not_published=NotPublished.NOT_AVAILABLE)
    yearly = kpi(people, "X 03", unit=Unit.POUNDS, polarity="lower")
    make_value(yearly, 2020, 3, 1300000)
    KpiTarget.objects.create(kpi=yearly, financial_year=2020, amount=1200000)
    monthly = kpi(people, "W 04", frequency=Frequency.MONTHLY)
    make_value(monthly, 2020, 0, 50, 40, month=11)
    make_value(monthly, 2020, 0, 45, 40, month=12)
    annual = kpi(money, "V 05", frequency=Frequency.ANNUAL)
    make_value(annual, 2018, 0, 9, 12)
    make_value(annual, 2019, 0, 10, 12)
    kpi(money, "U 06", frequency=Frequency.ANNUAL)  # no outturn yet
    red = kpi(money, "T 07")
    make_value(red, 2020, 3, 20, 80)
    data = kpi(money, "S 08", data_only=True)
    make_value(data, 2020, 3, 61)
    kpi(money, "R 09")  # nothing recorded
    previous = kpi(money, "Q 10")
    make_value(previous, 2020, 2, 55, 50)
    make_value(previous, 2020, 3, 40, 50)
    return make_user("cabinet", council, Role.CABINET)


QUERIES = [
    {},
    {"rag": "red"},  # no red row has an outturn: the column is left out
    {"rag": "green"},
    {"financial_year": "2020", "quarter": "2"},
    {"financial_year": "2019", "quarter": "3"},
    {"q": "0", "financial_year": "2020", "quarter": "3"},
]


def streamed_and_whole(client, monkeypatch, filterset, name: str, queries: list) -> list:
    """Each query's CSV bytes and XLSX cells, exported streamed (the whole list's ``rows``
    refused), then asserted equal to the same exports from the whole list (``stream_rows``
    removed, so the export falls back to it); the streamed ones are returned."""

    def exports() -> list:
        got = []
        for query in queries:
            response = client.get(url(name, **query, _export="csv"))
            got.append(b"".join(response.streaming_content))
            got.append(xlsx_rows(client.get(url(name, **query, _export="xlsx"))))
        return got

    def whole_list(self):
        raise AssertionError("an unsorted export builds its rows a chunk at a time")

    with monkeypatch.context() as patch:
        patch.setattr(filterset, "rows", whole_list)
        streamed = exports()
    monkeypatch.delattr(filterset, "stream_rows")
    assert streamed == exports()
    return streamed


def test_streamed_export_is_the_whole_lists_export(client, cabinet, monkeypatch):
    monkeypatch.setattr(filters, "KPI_CHUNK", 3)
    client.force_login(cabinet)

    streamed = streamed_and_whole(client, monkeypatch, KpiFilterSet, "kpi-list", QUERIES)

    everything = csv_rows_of(streamed[0])
    assert len(everything) == 11
    assert OUTTURN in everything[0]
    assert [row[0] for row in everything[1:]] == [
        "Q 10", "R 09", "S 08", "T 07", "U 06", "V 05", "W 04", "X 03", "Y 02", "Z 01",
    ]  # fmt: skip
    cells = {row[0]: dict(zip(everything[0], row, strict=True)) for row in everything[1:]}
    assert cells["Y 02"]["Value"] == cells["Y 02"][OUTTURN] == "Not available"
    assert cells["Z 01"][OUTTURN] == "300"
    assert cells["V 05"]["Period"] == "2019/20 outturn"
    assert cells["X 03"]["Target"] == "1200000"
    red = csv_rows_of(streamed[2])
    assert OUTTURN not in red[0]
    assert [row[0] for row in red[1:]] == ["Q 10", "T 07", "V 05", "X 03"]
    assert OUTTURN in csv_rows_of(streamed[4])[0]


def csv_rows_of(content: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_longer_than_a_chunk_has_the_pages_rows_in_order(client, cabinet, monkeypatch):
    monkeypatch.setattr(filters, "KPI_CHUNK", 4)
    client.force_login(cabinet)
    for query in ({}, {"rag": "green"}):
        page = _TableParser()
        page.feed(client.get(url("kpi-list", **query)).content.decode())
        exported = csv_rows(client.get(url("kpi-list", **query, _export="csv")))
        columns = ["Code", "Measure", "Owner"]
        shown = [[row[page.headers.index(name)] for name in columns] for row in page.rows]
        written = [[row[exported[0].index(name)] for name in columns] for row in exported[1:]]
        assert len(written) > 4 or query
        assert written == shown


def test_streamed_risk_export_is_the_whole_registers_export(client, cabinet, monkeypatch):
    """In natural reference order (SR2 before SR10, case aside, SR2 and SR02 by title),
    with each risk's assessments up to a quarter and the risk a merged one went into, three
    risks a chunk."""
    council = cabinet.memberships.get().council
    kept = make_risk(council, reference="SR10", title="Finances", residual_score="AI")
    make_risk(council, reference="SR02", title="Zebra crossings", residual_score="CII")
    make_risk(council, reference="SR2", title="Adult care", residual_score="BIII")
    make_risk(council, reference="", title="Unreferenced", residual_score="")
    make_risk(
        council, reference="sr3", title="Recovery", status=RiskStatus.MERGED, merged_into=kept
    )
    cyber = make_risk(council, reference="SR1a", title="Cyber", residual_score="CI")
    make_assessment(cyber, 2020, 2, "DIV")
    make_assessment(cyber, 2020, 3, "BII")
    make_assessment(kept, 2021, 1, "AII")
    make_risk(council, reference="SR01", title="Data", residual_score="BII")
    monkeypatch.setattr(risk_filters, "RISK_CHUNK", 3)
    client.force_login(cabinet)
    queries = [{}, {"quarter": "Q3 2020/21"}, {"quarter": "Q1 2021/22"}, {"q": "SR"}]

    streamed = streamed_and_whole(client, monkeypatch, RiskFilterSet, "risk-list", queries)
    register = csv_rows_of(streamed[0])
    assert [(row[0], row[1]) for row in register[1:]] == [
        ("SR01", "Data"),
        ("SR1a", "Cyber"),
        ("SR2", "Adult care"),
        ("SR02", "Zebra crossings"),
        ("sr3", "Recovery"),
        ("SR10", "Finances"),
        ("", "Unreferenced"),
    ]
    assert csv_rows_of(streamed[2]) != register  # as assessed by Q3 2020/21
