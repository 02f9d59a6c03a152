"""Model rules for KPIs and their values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.rag import Polarity, Rag
from core.targets import TargetKind
from kpis.models import Frequency, KpiTarget, KpiValue
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
        (Frequency.QUARTERLY, 0, 0, "quarter"),  # an outturn with neither figure nor reason
        (Frequency.QUARTERLY, 0, 4, "quarter"),
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


def test_a_quarterly_measure_may_record_the_years_outturn(council):
    kpi = f.make_kpi(council, frequency=Frequency.QUARTERLY)
    value = KpiValue(kpi=kpi, financial_year=2020, quarter=0, month=0, actual=Decimal("81"))
    value.full_clean()
    assert value.is_outturn and value.period_label == "2020/21"


def test_a_value_not_published_has_no_figure_and_no_status(council):
    kpi = f.make_kpi(council, unit="percent")
    value = KpiValue(kpi=kpi, financial_year=2020, quarter=3, not_published="suppressed")
    value.full_clean()
    assert (value.rag, value.actual_display) == (Rag.NA, "Suppressed")
    value.actual = Decimal("0")
    with pytest.raises(ValidationError) as exc:
        value.full_clean()
    assert exc.value.message_dict["actual"] == [
        "Leave the value empty when it is not published (Suppressed), or clear the reason to "
        "enter a figure."
    ]


def test_a_data_only_value_not_published_is_na_not_data(council):
    kpi = f.make_kpi(council, data_only=True)
    value = KpiValue(kpi=kpi, financial_year=2020, quarter=3, not_published="not_collected")
    assert value.rag == Rag.NA


@pytest.mark.parametrize(("unbounded", "ok"), [(False, False), (True, True)])
def test_a_percentage_beyond_100_needs_the_measure_to_allow_it(council, unbounded, ok):
    kpi = f.make_kpi(council, unit="percent", percent_unbounded=unbounded)
    value = KpiValue(kpi=kpi, financial_year=2020, quarter=3, actual=Decimal("112.5"))
    if ok:
        value.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            value.full_clean()
        assert exc.value.message_dict["actual"] == ["Enter a percentage from 0 to 100"]


def test_yearly_target_settings_and_their_checks(council):
    kpi = f.make_kpi(council, unit="percent", baseline=Decimal("80"), baseline_year=2019)
    relative = KpiTarget(kpi=kpi, financial_year=2021, kind=TargetKind.RELATIVE, amount=2)
    relative.full_clean()
    assert relative.target_for(kpi) == Decimal("83.23")  # 80 * 1.02^2 = 83.232
    assert relative.description == "+2% a year on the 2019/20 baseline"
    establish = KpiTarget(kpi=kpi, financial_year=2019, kind=TargetKind.ESTABLISH_BASELINE)
    establish.full_clean()
    assert establish.target_for(kpi) is None
    with pytest.raises(ValidationError) as exc:
        KpiTarget(kpi=kpi, financial_year=2022, kind=TargetKind.ABSOLUTE, amount=120).full_clean()
    assert exc.value.message_dict["amount"] == ["Enter a percentage from 0 to 100"]
    no_baseline = f.make_kpi(council, unit="percent")
    with pytest.raises(ValidationError) as exc:
        KpiTarget(
            kpi=no_baseline, financial_year=2022, kind=TargetKind.RELATIVE, amount=2
        ).full_clean()
    assert exc.value.message_dict["kind"] == ["Set the measure's baseline and its year first."]


def test_a_baseline_needs_its_year(council):
    kpi = f.make_kpi(council, baseline=Decimal("80"))
    with pytest.raises(ValidationError) as exc:
        kpi.full_clean()
    assert "baseline_year" in exc.value.message_dict


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
