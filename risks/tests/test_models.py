"""Risk scores must be on the council's own matrix."""

import pytest
from django.core.exceptions import ValidationError

from core.risk import RiskMatrix
from risks.models import RiskRegisterEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_medway_scores_read_with_their_words():
    risk = f.make_risk(f.make_council("Medway Council"), reference="SR03B", residual_score="AI")
    assert str(risk.residual) == "AI"
    assert risk.residual.description == "L – very high, I – catastrophic"


@pytest.mark.parametrize("score", ["ZZ", "GI", "AV", "4x3"])
def test_scores_off_the_letter_matrix_are_rejected(score):
    council = f.make_council()
    risk = RiskRegisterEntry(council=council, reference="SR99", title="Test", residual_score=score)
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "is not a score on the" in exc.value.message_dict["residual_score"][0]


def test_a_five_by_five_council_scores_in_numbers():
    council = f.make_council(risk_matrix=RiskMatrix.FIVE_BY_FIVE)
    risk = RiskRegisterEntry(
        council=council,
        reference="R1",
        title="Test",
        inherent_score="5 x 5",
        residual_score="4×3",
        target_score="2x2",
    )
    risk.full_clean()
    assert (risk.inherent_score, risk.residual_score) == ("5x5", "4x3")
    bad = RiskRegisterEntry(council=council, reference="R2", title="Test", residual_score="BII")
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_reference_is_unique_within_a_council():
    council = f.make_council()
    f.make_risk(council, reference="SR37")
    duplicate = RiskRegisterEntry(council=council, reference="SR37", title="Cyber Security")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
