"""Model rules for KPIs and their values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.rag import Polarity, Rag
from kpis.models import Frequency, KpiValue
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return f.make_council("Medway Council")


def test_domain_examples_get_their_rag(council):
    stage1 = f.make_kpi(council, name="Corporate stage 1")
    stage2 = f.make_kpi(council, name="Corporate stage 2")
    adults = f.make_kpi(council, name="Adults social care")
    assert f.make_value(stage1, 2020, 3, "88.0", "80").rag == Rag.GREEN
    assert f.make_value(stage2, 2020, 3, "68.4", "75").rag == Rag.RED
    assert f.make_value(adults, 2020, 3, "82.8", "75").rag == Rag.GREEN


def test_rag_follows_polarity_and_tolerance(council):
    days = f.make_kpi(council, polarity=Polarity.LOWER, name="Days to process")
    assert f.make_value(days, 2020, 1, "10.4", "10").rag == Rag.AMBER  # 4% over
    assert f.make_value(days, 2020, 2, "9", "10").rag == Rag.GREEN
    council.rag_tolerance = Decimal("0.10")
    council.save()
    days.refresh_from_db()
    assert f.make_value(days, 2020, 3, "10.8", "10").rag == Rag.AMBER  # within the council's 10%
    days.rag_tolerance = Decimal("0.02")
    assert (
        KpiValue(
            kpi=days, financial_year=2020, quarter=4, actual=Decimal("10.4"), target=Decimal("10")
        ).rag
        == Rag.RED
    )


def test_data_only_and_missing_values(council):
    digital = f.make_kpi(council, code="DIGI TU 01", name="Digital take up", data_only=True)
    assert (
        KpiValue(kpi=digital, financial_year=2020, quarter=3, actual=Decimal("5")).rag == Rag.DATA
    )
    # Recorded for the quarter without a figure: Data, as published (no row at all is NA).
    assert KpiValue(kpi=digital, financial_year=2020, quarter=3).rag == Rag.DATA
    value = KpiValue(kpi=digital, financial_year=2020, quarter=3, target=Decimal("1"))
    with pytest.raises(ValidationError) as exc:
        value.full_clean()
    assert exc.value.message_dict["target"] == ["A data-only measure has no target."]


@pytest.mark.parametrize(
    ("frequency", "quarter", "month", "field"),
    [
        (Frequency.QUARTERLY, 0, 0, "quarter"),
        (Frequency.QUARTERLY, 3, 10, "quarter"),
        (Frequency.ANNUAL, 2, 0, "quarter"),
        (Frequency.MONTHLY, 0, 0, "month"),
        (Frequency.MONTHLY, 1, 10, "quarter"),  # October is in Q3
    ],
)
def test_value_period_must_fit_the_frequency(council, frequency, quarter, month, field):
    kpi = f.make_kpi(council, frequency=frequency)
    value = KpiValue(kpi=kpi, financial_year=2020, quarter=quarter, month=month)
    with pytest.raises(ValidationError) as exc:
        value.full_clean()
    assert field in exc.value.message_dict


def test_monthly_value_takes_its_quarter_and_label(council):
    kpi = f.make_kpi(council, frequency=Frequency.MONTHLY)
    value = KpiValue(kpi=kpi, financial_year=2020, month=1, actual=Decimal("3"))
    value.full_clean()
    assert value.quarter == 4
    assert value.period_label == "January 2021"


def test_one_value_per_measure_and_period(council):
    kpi = f.make_kpi(council)
    f.make_value(kpi, 2020, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_value(kpi, 2020, 3, 2)


def test_codes_are_unique_within_a_council_but_may_be_blank(council):
    f.make_kpi(council, code="")
    f.make_kpi(council, code="")
    f.make_kpi(f.make_council(), code="DIGI TU 01")
    f.make_kpi(council, code="DIGI TU 01")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_kpi(council, code="DIGI TU 01")
