"""A KPI value must be one its measure's unit can take, wherever it is entered."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.units import Unit
from kpis.models import KpiValue
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_percentage_outside_0_to_100_is_refused_as_actual_and_as_target():
    kpi = f.make_kpi(f.make_council(), unit=Unit.PERCENT)
    value = KpiValue(
        kpi=kpi, financial_year=2020, quarter=3, actual=Decimal("250"), target=Decimal("-5")
    )
    with pytest.raises(ValidationError) as exc:
        value.full_clean()
    assert exc.value.message_dict["actual"] == ["Enter a percentage from 0 to 100"]
    assert exc.value.message_dict["target"] == ["Enter a percentage from 0 to 100"]


def test_a_possible_value_is_clean():
    kpi = f.make_kpi(f.make_council(), unit=Unit.COUNT)
    KpiValue(kpi=kpi, financial_year=2020, quarter=3, actual=Decimal("145")).full_clean()


def test_the_admin_refuses_a_negative_count(client):
    council = f.make_council("Medway Council")
    kpi = f.make_kpi(council, unit=Unit.COUNT, name="Compliments received")
    client.force_login(f.make_user("root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:kpis_kpivalue_add"),
        {
            "kpi": kpi.pk,
            "financial_year": 2020,
            "quarter": 3,
            "month": 0,
            "actual": "-4",
        },
    )
    assert response.status_code == 200
    assert "Enter a count as a whole number, 0 or more" in response.content.decode()
    assert not KpiValue.objects.exists()
