"""The quarterly return: all cells checked first, saved together, conflicts per cell."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.periods import FinancialYear, Quarter
from core.rag import Polarity, Rag
from kpis.models import KpiValue
from kpis.services import (
    ReturnConflict,
    ReturnEntry,
    ReturnInvalid,
    parse_number,
    return_rows,
    submit_return,
)
from plans.models import Role
from tests.factories import make_council, make_kpi, make_user, make_value

Q3 = Quarter(FinancialYear(2020), 3)


@pytest.fixture
def medway():
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    stage1 = make_kpi(council, code="CS1", name="Complaints stage 1", owner_user=officer)
    stage2 = make_kpi(council, code="CS2", name="Complaints stage 2", owner_user=officer)
    make_value(stage1, 2020, 2, 84, 80)
    make_value(stage2, 2020, 2, 70, 75)
    return council, officer, stage1, stage2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("88", "88"), (" 88.0 ", "88.0"), ("1,234.5", "1234.5"), ("68.4%", "68.4"),
     ("£1,200", "1200"), ("-3", "-3"), ("", None)],
)
def test_numbers_are_read_as_officers_type_them(typed, expected):
    result = parse_number(typed)
    assert result == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize("typed", ["abc", "NaN", "inf", "1.2.3", "12,5abc"])
def test_non_numbers_get_a_clear_message(typed):
    with pytest.raises(ValueError, match="Enter a number, like 88.0"):
        parse_number(typed)


def test_too_many_decimal_places_is_explained():
    with pytest.raises(ValueError, match="at most 4 decimal places"):
        parse_number("1.23456")


@pytest.mark.django_db
def test_rows_show_last_quarter_and_the_target_carried_forward(medway):
    council, officer, stage1, _ = medway
    rows = return_rows(officer, council, Q3)
    assert [row.kpi for row in rows][0] == stage1
    assert rows[0].previous.actual == Decimal("84")
    assert rows[0].target == Decimal("80")
    assert rows[0].rag == Rag.NA


@pytest.mark.django_db
def test_a_return_saves_every_cell_with_its_rag(medway):
    council, officer, stage1, stage2 = medway
    saved = submit_return(officer, council, Q3, [
        ReturnEntry(stage1.pk, "88.0", "Good quarter"),
        ReturnEntry(stage2.pk, "68.4", ""),
    ])
    assert len(saved) == 2
    v1 = KpiValue.objects.get(kpi=stage1, financial_year=2020, quarter=3)
    v2 = KpiValue.objects.get(kpi=stage2, financial_year=2020, quarter=3)
    assert (v1.actual, v1.target, v1.rag, v1.entered_by) == (Decimal("88"), 80, Rag.GREEN, officer)
    assert (v2.rag, v2.commentary) == (Rag.RED, "")
    assert v1.history.get().history_user == officer


@pytest.mark.django_db
def test_one_bad_cell_saves_nothing(medway):
    council, officer, stage1, stage2 = medway
    with pytest.raises(ReturnInvalid) as invalid:
        submit_return(officer, council, Q3, [
            ReturnEntry(stage1.pk, "88.0"), ReturnEntry(stage2.pk, "abc"),
        ])
    assert invalid.value.errors == {stage2.pk: "Enter a number, like 88.0 (not “abc”)"}
    assert not KpiValue.objects.filter(quarter=3).exists()


@pytest.mark.django_db
def test_empty_cells_stay_empty_and_unchanged_cells_are_left_alone(medway):
    council, officer, stage1, stage2 = medway
    value = make_value(stage1, 2020, 3, 88, 80)
    saved = submit_return(officer, council, Q3, [
        ReturnEntry(stage1.pk, "88", "", value.version), ReturnEntry(stage2.pk, ""),
    ])
    assert saved == []
    value.refresh_from_db()
    assert value.version == 1
    assert not KpiValue.objects.filter(kpi=stage2, quarter=3).exists()


@pytest.mark.django_db
def test_correcting_a_value_bumps_its_version_and_keeps_its_target(medway):
    council, officer, stage1, _ = medway
    value = make_value(stage1, 2020, 3, 70, 80)
    submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, "79", "", value.version)])
    value.refresh_from_db()
    assert (value.actual, value.target, value.version, value.rag) == (79, 80, 2, Rag.AMBER)


@pytest.mark.django_db
def test_a_lower_is_better_measure_is_rated_in_its_polarity(medway):
    council, officer, *_ = medway
    days = make_kpi(council, code="DAYS", polarity=Polarity.LOWER, owner_user=officer)
    make_value(days, 2020, 2, 10, 12)
    submit_return(officer, council, Q3, [ReturnEntry(days.pk, "13")])
    assert KpiValue.objects.get(kpi=days, quarter=3).rag == Rag.RED


@pytest.mark.django_db
def test_measures_the_user_does_not_own_are_refused(medway):
    council, officer, *_ = medway
    other = make_kpi(council, code="X", owner_user=make_user("someone", council))
    with pytest.raises(PermissionDenied):
        submit_return(officer, council, Q3, [ReturnEntry(other.pk, "1")])
    cabinet = make_user("cabinet", council, Role.CABINET)
    assert return_rows(cabinet, council, Q3) == []
    with pytest.raises(PermissionDenied):
        submit_return(cabinet, council, Q3, [ReturnEntry(other.pk, "1")])


@pytest.mark.django_db
def test_a_cell_changed_meanwhile_is_a_conflict_and_nothing_is_saved(medway):
    council, officer, stage1, stage2 = medway
    value = make_value(stage1, 2020, 3, 70, 80)
    admin = make_user("admin", council, Role.ADMIN, first_name="Ann", last_name="Lee")
    submit_return(admin, council, Q3, [ReturnEntry(stage1.pk, "75", "", value.version)])

    with pytest.raises(ReturnConflict) as conflict:
        submit_return(officer, council, Q3, [
            ReturnEntry(stage1.pk, "72", "", value.version), ReturnEntry(stage2.pk, "74"),
        ])
    message = conflict.value.conflicts[stage1.pk].message
    assert message.startswith("Ann Lee saved 75 here while you were editing")
    value.refresh_from_db()
    assert value.actual == 75
    assert not KpiValue.objects.filter(kpi=stage2, quarter=3).exists()


@pytest.mark.django_db
def test_a_value_entered_by_someone_else_since_the_page_loaded_is_a_conflict(medway):
    council, officer, stage1, _ = medway
    admin = make_user("admin", council, Role.ADMIN)
    submit_return(admin, council, Q3, [ReturnEntry(stage1.pk, "90")])
    with pytest.raises(ReturnConflict) as conflict:
        submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, "88", "", None)])
    assert "saved 90 here" in conflict.value.conflicts[stage1.pk].message
    assert KpiValue.objects.get(kpi=stage1, quarter=3).actual == 90


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_returns_on_postgresql_never_overwrite(medway):
    """Two connections correct the same value from the same version at once: one wins."""
    assert connection.vendor == "postgresql"
    council, officer, stage1, _ = medway
    value = make_value(stage1, 2020, 3, 70, 80)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(typed: str) -> None:
        try:
            barrier.wait(timeout=10)
            submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, typed, "", 1)])
            outcomes[typed] = "saved"
        except ReturnConflict:
            outcomes[typed] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(typed,)) for typed in ("81", "82")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(typed for typed, outcome in outcomes.items() if outcome == "saved")
    value.refresh_from_db()
    assert (value.actual, value.version) == (Decimal(winner), 2)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_entries_on_postgresql_hit_the_unique_period(medway):
    council, officer, stage1, _ = medway
    admin = make_user("admin", council, Role.ADMIN)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, typed: str) -> None:
        try:
            barrier.wait(timeout=10)
            submit_return(user, council, Q3, [ReturnEntry(stage1.pk, typed)])
            outcomes.append("saved")
        except ReturnConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=a) for a in ((officer, "81"), (admin, "82"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "saved"]
    assert KpiValue.objects.filter(kpi=stage1, quarter=3).count() == 1
