"""Councils' RAG schemes on the pages: a made-up council per built-in scheme, its dashboard's
key, counts and percentages as councils publish them, its lists, exports, KPI page and the
officer's return; and a council administrator setting up a scheme in the admin."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.formatting import format_measure
from core.rag import Polarity, Rag
from kpis.models import KpiValue
from kpis.schemes import RagScheme, RagState, rag_scheme
from plans.models import Council, Role
from tests.factories import make_council, make_kpi, make_rag_scheme, make_user, make_value
from tests.responses import body

pytestmark = pytest.mark.django_db

#: Labels and symbols of councils' own (green star / blue circle / red triangle; "on track /
#: close to target / below target / for information only").
OWN_WORDS = {
    "better": ("Exceeding", "◆", "purple"),
    "green": ("On track", "★", "green"),
    "amber": ("Close to target", "●", "blue"),
    "red": ("Below target", "▲", "red"),
    "data": ("For information only", "", "grey"),
}

# (actual, target, same quarter last year) for each measure of a made-up council; None for a
# measure with no value this quarter. Every council also gets a data-only measure, one whose
# target is not set for the quarter, and one with no value.
SCHEMES = {
    "medway": (
        [("100", "100", None), ("95", "100", None), ("94.9", "100", None), ("88", "80", None)],
        {"On track": (2, "50%"), "Close to target": (1, "25%"), "Below target": (1, "25%")},
    ),
    "green_band": (
        [("96", "100", None), ("92", "100", None), ("80", "100", None), ("100", "100", None)],
        {"On track": (2, "50%"), "Close to target": (1, "25%"), "Below target": (1, "25%")},
    ),
    "two_sided": (
        [("110", "100", None), ("100", "100", None), ("96", "100", None), ("80", "100", None)],
        {"Exceeding": (1, "25%"), "On track": (2, "50%"), "Below target": (1, "25%")},
    ),
    "trend": (
        [("80", "100", "75"), ("80", "100", "85"), ("91", "100", None), ("100", "100", None)],
        {"On track": (1, "25%"), "Close to target": (2, "50%"), "Below target": (1, "25%")},
    ),
    "points": (
        [("87", "90", None), ("86.9", "90", None), ("90", "90", None), ("6", "10", None)],
        {"On track": (1, "25%"), "Close to target": (1, "25%"), "Below target": (2, "50%")},
    ),
}


def build(preset: str):
    """A made-up council using ``preset`` with its own words, and measures in Q3 2020/21."""
    council = make_council(f"{preset.title()} Council", slug=f"{preset.replace('_', '-')}-c")
    make_rag_scheme(council, preset, OWN_WORDS)
    rows, _ = SCHEMES[preset]
    for i, (actual, target, last_year) in enumerate(rows):
        kpi = make_kpi(council, code=f"M{i}", name=f"Measure {i}")
        make_value(kpi, 2020, 3, actual, target)
        if last_year is not None:
            make_value(kpi, 2019, 3, last_year, target)
    make_value(make_kpi(council, code="D1", name="Data measure", data_only=True), 2020, 3, "7")
    make_value(make_kpi(council, code="T1", name="Target not set"), 2020, 3, "50")
    make_kpi(council, code="N1", name="Nothing reported")
    return council


def dashboard(client, council):
    client.force_login(make_user(council=council, role=Role.CABINET))
    url = reverse("dashboard", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"})
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("preset", list(SCHEMES))
def test_dashboard_counts_percentages_labels_and_symbols(client, preset):
    council = build(preset)
    response = dashboard(client, council)
    _, expected = SCHEMES[preset]
    counts = {
        c.state.label: (c.count, format_measure(c.percent, "percent", empty=None))
        for c in response.context["report"].status_counts
    }
    for label, value in expected.items():
        assert counts[label] == value, label
    # Data-only, no target and no value are counted, but outside the percentages' base.
    assert counts["For information only"] == (1, None)
    assert counts["No target"] == (1, None)
    assert counts["NA"] == (1, None)
    html = response.content.decode()
    for label in expected:
        symbol = next(s for word, s, _ in OWN_WORDS.values() if word == label)
        assert f'<span class="rag__symbol" aria-hidden="true">{symbol}</span> {label}' in html
    share = re.search(r"Share of measures rated.*?</tr>", html, re.S).group(0)
    for _, percent in expected.values():
        assert percent in share
    # The key has the scheme's words; Medway's are gone.
    key = html[html.index('id="key"') :]
    assert "On track" in key and "Below target" in key and ">Green<" not in key


def test_trend_scheme_key_explains_the_trend():
    council = build("trend")
    meaning = rag_scheme(council).state(Rag.AMBER).meaning
    assert "improved or maintained against the same period last year" in meaning


def test_list_filter_export_and_kpi_page_use_the_scheme(client):
    council = build("two_sided")
    client.force_login(make_user(council=council, role=Role.CABINET))
    url = reverse("kpi-list", kwargs={"council": council.slug})
    query = {"financial_year": "2020", "quarter": "3"}
    page = client.get(url, {**query, "rag": "better"}).content.decode()
    assert "Measure 0" in page and "Measure 1" not in page
    assert '<option value="better" selected>Exceeding</option>' in page
    csv = body(client.get(url, {**query, "_export": "csv"})).decode()
    assert "Exceeding" in csv and "Below target" in csv and "For information only" in csv
    assert "No target" in csv
    kpi = council.kpis.get(code="M0")
    detail = client.get(reverse("kpi-detail", kwargs={"council": council.slug, "pk": kpi.pk}))
    assert "Exceeding" in detail.content.decode()


def test_the_officers_return_shows_the_schemes_status(client):
    council = build("points")
    kpi = council.kpis.get(code="M0")
    officer = make_user(council=council, role=Role.OFFICER)
    kpi.owner_user = officer
    kpi.save()
    client.force_login(officer)
    url = reverse(
        "kpi-return", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"}
    )
    html = client.get(url).content.decode()
    assert "Close to target" in html  # 87 against 90: 3 points below


def test_no_direction_measure_shows_movement_not_judgement(client):
    council = make_council("Moveshire", slug="moveshire")
    kpi = make_kpi(council, code="DA1", name="Domestic abuse incidents", polarity=Polarity.NONE)
    make_value(kpi, 2020, 2, "100", None)
    make_value(kpi, 2020, 3, "120", "90")
    response = dashboard(client, council)
    row = response.context["report"].rows[0]
    assert row.rag is Rag.DATA
    assert row.short.trend.value == "Up"
    assert "Went up" in response.content.decode()


def test_period_without_target_is_no_target_and_data_only_can_be_set_per_period(client):
    council = make_council("Periodshire", slug="periodshire")
    kpi = make_kpi(council, code="P1", name="Measure")
    make_value(kpi, 2020, 2, "50", None)
    make_value(kpi, 2020, 3, "50", None, data_only=True)
    values = {v.quarter: v for v in KpiValue.objects.filter(kpi=kpi)}
    assert values[2].rag is Rag.NO_TARGET
    assert values[3].rag is Rag.DATA


def test_council_without_a_scheme_keeps_medways_key(client):
    council = make_council("Plainshire", slug="plainshire")
    make_value(make_kpi(council, code="A"), 2020, 3, "68.4", "75")
    response = dashboard(client, council)
    labels = [c.state.label for c in response.context["report"].status_counts]
    assert labels == ["Red", "Amber", "Green", "Data", "NA"]


# --- The admin -------------------------------------------------------------------------------


def _management(prefix: str, total: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_council_admin_sets_up_a_scheme_for_their_council_only(client):
    own = make_council("Ownshire", slug="ownshire")
    other = make_council("Othershire", slug="othershire")
    other_scheme = make_rag_scheme(other, "points")
    client.force_login(make_user("schemer", own, Role.ADMIN))
    add_url = reverse("admin:kpis_ragscheme_add")
    form = client.get(add_url).content.decode()
    assert "Othershire" not in form
    data = {
        "council": str(own.pk),
        "name": "Corporate key",
        "preset": "green_band",
        "in_use": "on",
        "measure": "",
        "amber_band": "0.12",
        "green_band": "",
        "better_band": "",
        "trend_amber": "unknown",
        **_management("states", 1),
        "states-0-role": "green",
        "states-0-label": "On track",
        "states-0-symbol": "★",
        "states-0-colour": "green",
        "states-0-meaning": "",
    }
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    scheme = RagScheme.objects.get(council=own)
    assert (scheme.preset, scheme.amber_band) == ("green_band", Decimal("0.12"))
    assert RagState.objects.get(scheme=scheme).label == "On track"
    fresh = Council.objects.get(pk=own.pk)
    assert rag_scheme(fresh).state(Rag.GREEN).label == "On track"
    assert rag_scheme(fresh).rule.amber_band == Decimal("0.12")

    # Another council's scheme cannot be seen, and its council cannot be picked.
    change = reverse("admin:kpis_ragscheme_change", args=[other_scheme.pk])
    assert client.get(change).status_code == 302
    refused = client.post(add_url, {**data, "council": str(other.pk), "name": "Theirs"})
    assert refused.status_code == 200
    assert not RagScheme.objects.filter(name="Theirs").exists()

    # A second scheme in use is refused with a clear message; nothing changes.
    again = client.post(add_url, {**data, "name": "Second"})
    assert again.status_code == 200
    assert "already has a scheme in use" in again.content.decode()
    # Thresholds the rule refuses are explained, not a 500.
    bad = client.post(add_url, {**data, "name": "Bad", "in_use": "", "green_band": "0.5"})
    assert bad.status_code == 200
    assert "Green threshold cannot be beyond" in bad.content.decode()
    assert RagScheme.objects.filter(council=own).count() == 1
