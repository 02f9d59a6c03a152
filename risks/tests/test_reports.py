"""Risk rows with residual scores in words, and the heat map's counts."""

import pytest

from core.risk import RiskMatrix
from risks.models import Direction, RiskStatus
from risks.models import RiskMatrix as RiskMatrixRow
from risks.reports import risk_report
from tests.factories import make_council, make_plan, make_risk, make_theme

pytestmark = pytest.mark.django_db


def test_medway_scores_in_words_and_heat_map_counts(django_assert_num_queries):
    council = make_council("Medway Council", slug="medway")
    make_risk(council, reference="SR03B", title="Finances", residual_score="AI")
    make_risk(council, reference="SR46", residual_score="BII")
    make_risk(council, reference="SR49", residual_score="BII")
    make_risk(council, reference="SR99", residual_score="", status=RiskStatus.CLOSED)
    # The matrix, its levels and bands, the risks, their assessments, their themes.
    with django_assert_num_queries(6):
        report = risk_report(council)
    assert [r.risk.reference for r in report.rows] == ["SR03B", "SR46", "SR49"]
    assert report.rows[0].score.description == "L – very high, I – catastrophic"
    heat = report.heat_map
    assert [code for code, _ in heat.columns] == ["IV", "III", "II", "I"]
    assert [likelihood[0] for likelihood, _ in heat.rows] == ["A", "B", "C", "D", "E", "F"]
    cells = {(c.likelihood[0], c.impact[0]): c for _, row in heat.rows for c in row}
    assert cells[("A", "I")].count == 1 and cells[("A", "I")].band == "high"
    assert cells[("B", "II")].count == 2
    assert cells[("B", "II")].label.startswith("2 risks at likelihood B (high)")
    assert cells[("F", "IV")].count == 0 and cells[("F", "IV")].band == "low"
    assert heat.total == 3


def test_five_by_five_matrix_and_bad_scores_do_not_break_the_report():
    council = make_council(risk_matrix=RiskMatrix.FIVE_BY_FIVE)
    make_risk(council, residual_score="4x3")
    make_risk(council, residual_score="BII")  # not on this matrix
    report = risk_report(council)
    assert len(report.heat_map.rows) == 5 and len(report.heat_map.columns) == 5
    assert report.heat_map.total == 1
    assert report.heat_map.unscored == 1
    bad = next(r for r in report.rows if r.score is None)
    assert bad.problem == "BII (not on this council's matrix)"  # shown as stored


def test_risks_are_grouped_by_the_priorities_they_pertain_to():
    council = make_council("Medway Council")
    plan = make_plan(council)
    value, digital = make_theme(plan, title="Giving value for money"), make_theme(plan)
    finances = make_risk(council, reference="SR03B", title="Finances", residual_score="AI")
    cyber = make_risk(council, reference="SR37", title="Cyber Security", residual_score="CI")
    finances.themes.add(value)
    cyber.themes.add(value, digital)
    make_risk(council, reference="SR02", residual_score="DII")  # pertains to no priority
    report = risk_report(council)
    assert [row.risk.reference for row in report.for_theme(value)] == ["SR03B", "SR37"]
    assert [row.risk.reference for row in report.for_theme(digital)] == ["SR37"]
    assert report.for_theme(None) == []
    assert len(report.rows) == 3


def test_risks_that_moved_are_those_worsening_or_improving_worst_first():
    council = make_council()
    make_risk(council, reference="SR01", direction=Direction.IMPROVING)
    make_risk(council, reference="SR02", direction=Direction.STABLE)
    make_risk(council, reference="SR03")
    make_risk(council, reference="SR04", direction=Direction.WORSENING)
    moved = risk_report(council).moved
    assert [row.risk.reference for row in moved] == ["SR04", "SR01"]


def test_an_impact_first_matrix_draws_impact_rows_and_likelihood_columns():
    # A made-up council writing impact first ("1C": impact 1, likelihood C).
    council = make_council(risk_matrix=RiskMatrix.LETTERS_NUMBERS)
    RiskMatrixRow.objects.filter(council=council, in_use=True).update(notation="{i}{l}")
    make_risk(council, residual_score="1C")
    heat = risk_report(council).heat_map
    assert (heat.row_axis, heat.column_axis) == ("Impact", "Likelihood")
    assert [level for level, _ in heat.rows][0] == ("1", "critical")  # most severe first
    assert [code for code, _ in heat.columns] == ["D", "C", "B", "A"]  # least likely left
    cell = next(c for level, row in heat.rows for c in row if c.count)
    assert (cell.impact[0], cell.likelihood[0]) == ("1", "C")
    assert cell.label.startswith("1 risk at impact 1 (critical), likelihood C (unlikely)")
