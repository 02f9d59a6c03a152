"""Made-up councils' registers as a cabinet member reads them: each council's own matrix,
notation, bands, quarterly history and direction of travel, and a RAG-only register."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from plans.models import Role
from risks.models import RiskStatus
from risks.reports import risk_report
from tests.factories import (
    make_assessment,
    make_council,
    make_matrix,
    make_risk,
    make_user,
)

pytestmark = pytest.mark.django_db

FIVE_L = [
    ("5", "almost certain"),
    ("4", "likely"),
    ("3", "possible"),
    ("2", "unlikely"),
    ("1", "rare"),
]
FIVE_I = [
    ("5", "severe"),
    ("4", "major"),
    ("3", "moderate"),
    ("2", "minor"),
    ("1", "insignificant"),
]
FIVE_BANDS = [
    ("negligible", "green", 1, ""),
    ("low", "blue", 3, ""),
    ("medium", "yellow", 5, ""),
    ("high", "amber", 10, ""),
    ("very high", "red", 15, ""),
]


def page(client, council, year="2020-21", quarter="q3") -> str:
    client.force_login(make_user(None, council, Role.CABINET))
    url = reverse("dashboard", kwargs={"council": council.slug, "year": year, "quarter": quarter})
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def risk_list(client, council) -> str:
    client.force_login(make_user(None, council, Role.CABINET))
    response = client.get(reverse("risk-list", kwargs={"council": council.slug}))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_five_by_five_register_with_five_named_bands(client):
    council = make_council("Fivefold Council", slug="fivefold")
    make_matrix(council, FIVE_L, FIVE_I, "{l}x{i}", FIVE_BANDS, appetite=12)
    make_risk(
        council,
        reference="Strat-12",
        title="Workforce",
        inherent_score="5x5",
        residual_score="4x5",
        target_score="2x3",
    )
    make_risk(council, reference="Strat-2", title="Finances", residual_score="20")  # product
    make_risk(council, reference="", title="Unreferenced", residual_score="1x2")
    text = page(client, council)
    # Natural order: Strat-2 before Strat-12; no reference last.
    assert text.index("Finances") < text.index("Workforce") < text.index("Unreferenced")
    assert "5x5 very high → 4x5 very high → 2x3 medium" in text  # inherent → current → target
    assert "20 score 20 very high" in text  # a product-only score, held and banded
    assert "1 risk published only as a score" in text
    assert "1x2 L – rare, I – minor negligible" in text
    for band in ("negligible", "low", "medium", "high", "very high"):
        assert f"{band} from" in text  # the key names every band beside its colour
    assert "risk appetite is a score of 12: cells with a heavy outline are above it" in text
    assert "4x5 L – likely, I – severe very high (above appetite)" in text
    assert "2x3 medium" in text and "2x3 medium (above" not in text
    assert "No quarterly risk assessments are recorded" in text


def test_four_by_four_labelled_notation(client):
    council = make_council("Quad Council", slug="quad")
    make_matrix(
        council,
        [("4", "very likely"), ("3", "likely"), ("2", "unlikely"), ("1", "rare")],
        [("4", "critical"), ("3", "major"), ("2", "moderate"), ("1", "minor")],
        "L{l} x I{i}",
        [("low", "green", 1, ""), ("medium", "amber", 4, ""), ("high", "red", 8, "")],
    )
    risk = make_risk(council, reference="R1", title="Flooding", residual_score="")
    risk.residual_score = "l3 x i4"
    risk.full_clean()
    risk.save()
    assert risk.residual_score == "L3 x I4"  # written in the council's notation
    text = page(client, council)
    assert "L3 x I4 L – likely, I – critical high" in text
    assert "Likelihood 4 very likely" in text and "Impact 1 minor" in text
    assert "L3 x I4 L – likely, I – critical high" in risk_list(client, council)


def test_six_by_four_letters_first(client):
    council = make_council("Sextant Council", slug="sextant")
    make_matrix(
        council,
        [
            ("A", "very high"),
            ("B", "high"),
            ("C", "significant"),
            ("D", "low"),
            ("E", "very low"),
            ("F", "almost impossible"),
        ],
        [("1", "catastrophic"), ("2", "critical"), ("3", "marginal"), ("4", "negligible")],
        "{l}{i}",
        [("green", "green", 1, ""), ("amber", "amber", 6, ""), ("red", "red", 12, "A3, B2")],
    )
    make_risk(council, reference="S1", title="Cyber", residual_score="b2")
    make_risk(council, reference="S2", title="Assets", residual_score="A4")
    report = risk_report(council)
    assert [str(row.score) for row in report.rows] == ["B2", "A4"]
    assert report.rows[0].score.band.name == "red"
    text = page(client, council)
    assert "B2 L – high, I – critical red" in text
    assert "A4 L – very high, I – negligible amber" in text  # 6 × 1 = 6


def test_rag_only_register_with_history_and_direction(client):
    council = make_council("Ragby Council", slug="ragby")
    risk = make_risk(council, reference="R1", title="Housing demand", residual_score="")
    make_assessment(risk, 2020, 1, rag="green", commentary="Stable demand")
    make_assessment(risk, 2020, 2, rag="amber")
    make_assessment(risk, 2020, 3, rag="red", commentary="Rising demand")
    text = page(client, council)
    assert "Housing demand" in text and "Red" in text
    assert "Housing demand – Red Worsening" in text
    assert "rated by RAG only" in text and "Heat map" not in text
    assert "History: Q1 2020/21 Green; Q2 2020/21 Amber; Q3 2020/21 Red" in text
    # A past quarter shows the rating then.
    past = page(client, council, quarter="q2")
    assert "Housing demand – Amber Worsening" in past
    assert "History: Q1 2020/21 Green; Q2 2020/21 Amber" in past
    assert "Q2 2020/21 Amber;" not in past


def test_past_quarter_shows_scores_as_assessed_then(client):
    council = make_council("Medway-like Council", slug="medwaylike")
    risk = make_risk(council, reference="SR03B", title="Finances", residual_score="CII")
    make_assessment(risk, 2020, 1, "BIII")
    make_assessment(risk, 2020, 2, "AI")
    make_assessment(risk, 2020, 3, "CII")
    q3 = page(client, council, quarter="q3")
    assert "CII L – significant, I – critical" in q3 and "Improving" in q3
    q2 = page(client, council, quarter="q2")
    assert "AI L – very high, I – catastrophic" in q2 and "Worsening" in q2
    assert "CII L – significant" not in q2
    q4 = page(client, council, quarter="q4")  # no assessment yet: the latest before it
    assert "as assessed in Q3 2020/21" in q4
    earlier = page(client, council, year="2019-20", quarter="q4")
    assert "Not assessed by then" in earlier
    report = risk_report(council)
    assert [a.period_label for a in report.rows[0].history] == [
        "Q1 2020/21",
        "Q2 2020/21",
        "Q3 2020/21",
    ]


def test_statuses_proposed_for_removal_and_merged(client):
    council = make_council("Merger Council", slug="merger")
    kept = make_risk(council, reference="SR10", title="Economy")
    make_risk(
        council, reference="SR11", title="Recovery", status=RiskStatus.MERGED, merged_into=kept
    )
    make_risk(council, reference="SR12", title="Income", status=RiskStatus.PROPOSED_FOR_REMOVAL)
    text = page(client, council)
    assert "Income Proposed for removal" in text
    assert "Recovery" not in text.split("Strategic risks", 1)[1].split("Heat map")[0]
    listed = risk_list(client, council)
    assert "Merged into SR10 Economy" in listed
