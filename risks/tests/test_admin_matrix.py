"""A council administrator configures the council's matrix, levels and bands in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Role
from risks.models import RiskAssessment, RiskMatrix, council_matrix
from tests import factories as f
from tests.admin_forms import change_form, inline_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    council = f.make_council("Bandshire Council", slug="bandshire")
    other = f.make_council("Elsewhere Council", slug="elsewhere")
    client.force_login(f.make_user("bandadmin", council, Role.ADMIN))
    return client, council, other


def form_of(client, matrix: RiskMatrix) -> dict:
    """The change form as a browser sends it (a ticked box is sent as "on")."""
    data = change_form(client, matrix)
    if "in_use" in data:
        data["in_use"] = ["on"]
    return data


def url(view: str, *args) -> str:
    return reverse(f"admin:risks_riskmatrix_{view}", args=args)


def test_administrator_renames_a_band_adds_one_and_changes_the_notation(admin_client):
    client, council, _ = admin_client
    f.make_risk(council, residual_score="BII")
    matrix = RiskMatrix.objects.get(council=council, in_use=True)
    data = form_of(client, matrix)
    high = inline_row(data, "bands", matrix.bands.get(name="high").pk)
    data[f"{high}-name"] = ["severe"]
    data["bands-TOTAL_FORMS"] = [str(int(data["bands-TOTAL_FORMS"][0]) + 1)]
    new = f"bands-{int(data['bands-TOTAL_FORMS'][0]) - 1}"
    data.update(
        {
            f"{new}-name": ["extreme"],
            f"{new}-colour": ["red"],
            f"{new}-minimum": ["20"],
            f"{new}-cells": [""],
        }
    )
    data["notation"] = ["{l}-{i}"]
    data["appetite"] = ["10"]
    response = client.post(url("change", matrix.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    engine = council_matrix(council)
    assert [b.name for b in engine.bands] == ["low", "medium", "severe", "extreme"]
    assert engine.appetite == 10
    assert str(engine.parse("a i")) == "A-I"
    assert engine.parse("AI").band.name == "extreme"  # 24 ≥ 20


def test_levels_that_would_strand_a_score_are_refused(admin_client):
    client, council, _ = admin_client
    risk = f.make_risk(council, residual_score="BII")
    RiskAssessment.objects.create(risk=risk, financial_year=2020, quarter=3, score="FIV")
    matrix = RiskMatrix.objects.get(council=council, in_use=True)
    data = form_of(client, matrix)
    row = inline_row(data, "levels", matrix.levels.get(axis="likelihood", code="F").pk)
    data[f"{row}-DELETE"] = ["on"]
    response = client.post(url("change", matrix.pk), data)
    assert response.status_code == 200
    assert "1 risk score (current, inherent, target or a quarter" in response.content.decode()
    assert matrix.levels.filter(code="F").exists()


def test_a_band_lookup_names_cells_of_the_matrix(admin_client):
    client, council, _ = admin_client
    matrix = RiskMatrix.objects.get(council=council, in_use=True)
    data = form_of(client, matrix)
    low = inline_row(data, "bands", matrix.bands.get(name="low").pk)
    data[f"{low}-cells"] = ["AI, ZZ"]
    response = client.post(url("change", matrix.pk), data)
    assert response.status_code == 200
    assert "Not cells of this matrix: ZZ." in response.content.decode()
    data[f"{low}-cells"] = ["AI"]
    assert client.post(url("change", matrix.pk), data).status_code == 302
    assert council_matrix(council).parse("AI").band.name == "low"  # the lookup wins


def test_a_new_matrix_starts_from_its_preset_and_only_one_is_in_use(admin_client):
    client, council, _ = admin_client
    base = {
        "council": council.pk,
        "name": "Five by five",
        "preset": "five_by_five",
        "notation": "{l}x{i}",
        "levels-TOTAL_FORMS": 0,
        "levels-INITIAL_FORMS": 0,
        "bands-TOTAL_FORMS": 0,
        "bands-INITIAL_FORMS": 0,
    }
    response = client.post(url("add"), {**base, "in_use": "on"})
    assert response.status_code == 200  # the council already has a matrix in use
    assert RiskMatrix.objects.filter(council=council).count() == 1
    assert client.post(url("add"), base).status_code == 302
    draft = RiskMatrix.objects.get(council=council, name="Five by five")
    assert draft.levels.count() == 10 and draft.bands.count() == 4
    assert draft.engine().parse("20").band.name == "very high"


def test_administrator_sees_nothing_of_another_councils_matrix(admin_client):
    client, council, other = admin_client
    theirs = RiskMatrix.objects.get(council=other)
    listing = client.get(url("changelist")).content.decode()
    assert "Bandshire Council risk matrix" in listing
    assert "Elsewhere Council" not in listing
    assert client.get(url("change", theirs.pk)).status_code == 302
