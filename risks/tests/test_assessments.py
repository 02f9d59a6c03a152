"""Quarterly assessments, computed direction, statuses and optional references."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.risk import RiskMatrix as Preset
from risks.models import (
    RiskAssessment,
    RiskRegisterEntry,
    RiskStatus,
    assessed_direction,
    council_matrix,
)
from tests.factories import make_assessment, make_council, make_risk

pytestmark = pytest.mark.django_db


def test_an_assessment_is_scored_in_the_councils_notation_or_rated_by_rag():
    council = make_council(risk_matrix=Preset.FIVE_BY_FIVE)
    risk = make_risk(council, residual_score="4x3")
    assessment = RiskAssessment(risk=risk, financial_year=2020, quarter=3, score="L4 x I3")
    assessment.full_clean()
    assert assessment.score == "4x3"
    with pytest.raises(ValidationError, match="Give the quarter's score or its RAG"):
        RiskAssessment(risk=risk, financial_year=2020, quarter=2).full_clean()
    with pytest.raises(ValidationError, match="not a score on the 1–5 × 1–5 matrix"):
        RiskAssessment(risk=risk, financial_year=2020, quarter=2, score="9x9").full_clean()
    RiskAssessment(risk=risk, financial_year=2020, quarter=2, rag="amber").full_clean()


def test_one_assessment_per_risk_and_quarter_with_history():
    risk = make_risk(make_council())
    first = make_assessment(risk, 2020, 3, "BII")
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_assessment(risk, 2020, 3, "CII")
    first.score = "CII"
    first.save()
    assert [h.score for h in first.history.order_by("history_date")] == ["BII", "CII"]


@pytest.mark.parametrize(
    ("scores", "direction"),
    [
        (["BII", "CII"], "improving"),
        (["CII", "BII"], "worsening"),
        (["BII", "BII"], "stable"),
        (["BII"], ""),
        (["AI", "BII", "AI"], "worsening"),
        (["green", "red"], "worsening"),
        (["red", "amber"], "improving"),
        (["BII", "red"], ""),  # a score and a RAG do not compare
    ],
)
def test_direction_of_travel_is_computed_from_the_last_two_quarters(scores, direction):
    council = make_council()
    risk = make_risk(council)
    history = []
    for n, value in enumerate(scores):
        rag = value if value in ("red", "amber", "green") else ""
        score = "" if rag else value
        history.append(make_assessment(risk, 2019 + n // 4, n % 4 + 1, score, rag=rag))
    assert assessed_direction(history, council_matrix(council)) == direction


def test_merged_into_must_be_another_risk_of_the_same_council():
    council = make_council()
    kept = make_risk(council, reference="SR10")
    merged = make_risk(council, reference="SR11")
    merged.status = RiskStatus.MERGED
    with pytest.raises(ValidationError, match="Say which risk"):
        merged.full_clean()
    merged.merged_into = merged
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        merged.full_clean()
    merged.merged_into = make_risk(make_council())
    with pytest.raises(ValidationError, match="same council"):
        merged.full_clean()
    merged.merged_into = kept
    merged.full_clean()
    kept.merged_into = merged
    with pytest.raises(ValidationError, match="Only a risk with the status merged"):
        kept.full_clean()


def test_references_are_optional_and_unique_when_given():
    council = make_council()
    make_risk(council, reference="", title="One")
    make_risk(council, reference="", title="Two")
    make_risk(council, reference="Strat-2")
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_risk(council, reference="Strat-2")
    make_risk(council, reference="Strat-12")
    ordered = sorted(RiskRegisterEntry.objects.filter(council=council), key=lambda r: r.sort_key)
    assert [r.reference for r in ordered] == ["Strat-2", "Strat-12", "", ""]
