"""The quarterly return: all cells checked first, saved together, conflicts per cell."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.periods import FinancialYear, Quarter
from core.rag import Polarity, Rag
from core.targets import TargetKind
from core.units import Unit
from kpis.models import KpiTarget, KpiValue
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
    ("typed", "unit", "expected"),
    [
        ("88", Unit.PERCENT, "88"),
        (" 88.0 ", Unit.PERCENT, "88.0"),
        ("68.4%", Unit.PERCENT, "68.4"),
        ("1,234.5", Unit.COUNT, None),
        ("1,234", Unit.COUNT, "1234"),
        ("£1,200", Unit.POUNDS, "1200"),
        ("-3", Unit.RATIO, "-3"),
        ("-£12.50", Unit.POUNDS, "-12.5"),
        ("", Unit.PERCENT, None),
    ],
)
def test_numbers_are_read_as_officers_type_them(typed, unit, expected):
    if typed and expected is None:
        with pytest.raises(ValueError, match="whole number"):
            parse_number(typed, unit)
    else:
        assert parse_number(typed, unit) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize("typed", ["abc", "NaN", "inf", "1.2.3", "12,5abc"])
def test_non_numbers_get_a_clear_message(typed):
    with pytest.raises(ValueError, match="Enter a number, like 88.0"):
        parse_number(typed, Unit.OTHER)


def test_too_many_decimal_places_is_explained():
    with pytest.raises(ValueError, match="at most 4 decimal places"):
        parse_number("1.23456", Unit.RATIO)


@pytest.mark.parametrize(
    ("typed", "unit", "message"),
    [
        ("-5", Unit.PERCENT, "Enter a percentage from 0 to 100"),
        ("250", Unit.PERCENT, "Enter a percentage from 0 to 100"),
        ("£1,200", Unit.PERCENT, "This measure is a percentage, not an amount in pounds"),
        ("88%", Unit.POUNDS, "This measure is an amount in pounds, not a percentage"),
        ("-1", Unit.COUNT, "Enter a count as a whole number, 0 or more"),
        ("-2", Unit.DAYS, "Enter a number of days, 0 or more"),
        ("12.345", Unit.POUNDS, "Enter an amount in pounds and pence"),
    ],
)
def test_a_value_its_unit_cannot_take_is_explained(typed, unit, message):
    with pytest.raises(ValueError, match=message):
        parse_number(typed, unit)


@pytest.mark.django_db
def test_rows_show_last_quarter_and_the_target_carried_forward(medway):
    council, officer, stage1, _ = medway
    rows = return_rows(officer, council, Q3)
    assert [row.kpi for row in rows][0] == stage1
    assert rows[0].previous.actual == Decimal("84")
    assert rows[0].target == Decimal("80")
    assert rows[0].rag == Rag.NA


@pytest.mark.django_db
def test_a_return_saves_every_cell_and_rates_it_against_the_carried_target(medway):
    council, officer, stage1, stage2 = medway
    saved = submit_return(
        officer,
        council,
        Q3,
        [
            ReturnEntry(stage1.pk, "88.0", "Good quarter"),
            ReturnEntry(stage2.pk, "68.4", ""),
        ],
    )
    assert len(saved) == 2
    v1 = KpiValue.objects.get(kpi=stage1, financial_year=2020, quarter=3)
    v2 = KpiValue.objects.get(kpi=stage2, financial_year=2020, quarter=3)
    assert (v1.actual, v1.commentary, v1.entered_by) == (Decimal("88"), "Good quarter", officer)
    assert v2.commentary == ""
    assert v1.history.get().history_user == officer
    # Q2's targets are shown and rate the values on the return; they are not stored.
    assert (v1.target, v2.target) == (None, None)
    rows = {row.kpi: row for row in return_rows(officer, council, Q3)}
    assert (rows[stage1].rag, rows[stage2].rag) == (Rag.GREEN, Rag.RED)
    assert (rows[stage1].target, rows[stage1].carried_from) == (80, Q3.previous())


@pytest.mark.django_db
def test_one_bad_cell_saves_nothing(medway):
    council, officer, stage1, stage2 = medway
    with pytest.raises(ReturnInvalid) as invalid:
        submit_return(
            officer,
            council,
            Q3,
            [
                ReturnEntry(stage1.pk, "88.0"),
                ReturnEntry(stage2.pk, "abc"),
            ],
        )
    assert invalid.value.errors == {stage2.pk: "Enter a number, like 88.0 (not “abc”)"}
    assert not KpiValue.objects.filter(quarter=3).exists()


@pytest.mark.django_db
def test_empty_cells_stay_empty_and_unchanged_cells_are_left_alone(medway):
    council, officer, stage1, stage2 = medway
    value = make_value(stage1, 2020, 3, 88, 80)
    saved = submit_return(
        officer,
        council,
        Q3,
        [
            ReturnEntry(stage1.pk, "88", "", value.version),
            ReturnEntry(stage2.pk, ""),
        ],
    )
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
    days = make_kpi(
        council, code="DAYS", polarity=Polarity.LOWER, owner_user=officer, unit=Unit.DAYS
    )
    make_value(days, 2020, 2, 10, 12)
    make_value(days, 2020, 3, None, 12)
    submit_return(officer, council, Q3, [ReturnEntry(days.pk, "13", "", 1)])
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
        submit_return(
            officer,
            council,
            Q3,
            [
                ReturnEntry(stage1.pk, "72", "", value.version),
                ReturnEntry(stage2.pk, "74"),
            ],
        )
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


def shown(value: KpiValue | None, typed: str, commentary: str = "") -> ReturnEntry:
    """An entry as the return page posts it: typed input beside what the page showed."""
    assert value is not None
    return ReturnEntry(
        value.kpi_id,
        typed,
        commentary,
        value.version,
        shown_actual=f"{value.actual.normalize():f}" if value.actual else "",
        shown_commentary=value.commentary,
    )


@pytest.mark.django_db
def test_a_cell_left_alone_is_not_written_even_if_someone_changed_it_meanwhile(medway):
    council, officer, stage1, stage2 = medway
    a = make_value(stage1, 2020, 3, 70, 80)
    b = make_value(stage2, 2020, 3, 60, 75)
    loaded_a, loaded_b = KpiValue.objects.get(pk=a.pk), KpiValue.objects.get(pk=b.pk)
    admin = make_user("admin", council, Role.ADMIN, first_name="Ann", last_name="Lee")
    submit_return(admin, council, Q3, [shown(a, "75"), shown(b, "65", "Recounted")])

    # The officer typed into A only; B goes back exactly as their page showed it.
    with pytest.raises(ReturnConflict) as conflict:
        submit_return(
            officer,
            council,
            Q3,
            [
                shown(loaded_a, "72"),
                shown(loaded_b, "60"),
            ],
        )
    assert list(conflict.value.conflicts) == [stage1.pk]
    b.refresh_from_db()
    assert (b.actual, b.commentary, b.version) == (65, "Recounted", 2)

    # Typed into B only: saved over nothing stale, and A (now theirs) is left alone.
    saved = submit_return(officer, council, Q3, [shown(loaded_a, "70"), shown(b, "66")])
    assert [value.kpi for value in saved] == [stage2]
    a.refresh_from_db()
    assert a.actual == 75


@pytest.mark.django_db
def test_typing_what_someone_else_saved_meanwhile_is_no_conflict(medway):
    council, officer, stage1, _ = medway
    a = make_value(stage1, 2020, 3, 70, 80)
    loaded = KpiValue.objects.get(pk=a.pk)
    submit_return(make_user("admin", council, Role.ADMIN), council, Q3, [shown(a, "75")])
    assert submit_return(officer, council, Q3, [shown(loaded, "75")]) == []


@pytest.mark.django_db
def test_a_cell_removed_meanwhile_is_a_conflict_and_nothing_is_saved(medway):
    council, officer, stage1, stage2 = medway
    a = make_value(stage1, 2020, 3, 70, 80)
    loaded = KpiValue.objects.get(pk=a.pk)
    a.delete()
    with pytest.raises(ReturnConflict) as conflict:
        submit_return(officer, council, Q3, [shown(loaded, "72"), ReturnEntry(stage2.pk, "74")])
    assert conflict.value.conflicts[stage1.pk].message.startswith(
        "Someone removed this value while you were editing. Your value was not saved"
    )
    assert not KpiValue.objects.filter(quarter=3).exists()


@pytest.mark.django_db
def test_a_version_for_an_empty_cell_is_a_conflict_not_an_error(medway):
    council, officer, stage1, _ = medway
    with pytest.raises(ReturnConflict) as conflict:
        submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, "72", "", 7)])
    assert "removed this value" in conflict.value.conflicts[stage1.pk].message
    assert not KpiValue.objects.filter(quarter=3).exists()


@pytest.mark.django_db
def test_a_conflict_tells_what_commentary_the_other_person_saved(medway):
    council, officer, stage1, _ = medway
    a = make_value(stage1, 2020, 3, 70, 80)
    loaded = KpiValue.objects.get(pk=a.pk)
    admin = make_user("admin", council, Role.ADMIN, first_name="Ann", last_name="Lee")
    submit_return(admin, council, Q3, [shown(a, "70", "Data corrected by audit")])
    with pytest.raises(ReturnConflict) as conflict:
        submit_return(officer, council, Q3, [shown(loaded, "71")])
    assert conflict.value.conflicts[stage1.pk].message.startswith(
        "Ann Lee saved 70 here with the commentary “Data corrected by audit” while you were"
    )


@pytest.mark.django_db
def test_values_a_unit_cannot_take_are_refused_and_nothing_is_saved(medway):
    council, officer, stage1, stage2 = medway
    money = make_kpi(council, code="£", unit=Unit.POUNDS, owner_user=officer)
    with pytest.raises(ReturnInvalid) as invalid:
        submit_return(
            officer,
            council,
            Q3,
            [
                ReturnEntry(stage1.pk, "-5"),
                ReturnEntry(stage2.pk, "£1,200"),
                ReturnEntry(money.pk, "88%"),
            ],
        )
    assert invalid.value.errors == {
        stage1.pk: "Enter a percentage from 0 to 100",
        stage2.pk: "This measure is a percentage, not an amount in pounds",
        money.pk: "This measure is an amount in pounds, not a percentage",
    }
    assert not KpiValue.objects.filter(quarter=3).exists()


@pytest.mark.django_db
def test_an_untouched_cell_is_not_checked_against_its_unit(medway):
    """A stored value from before the unit rule must not block the rest of the return."""
    council, officer, stage1, stage2 = medway
    old = make_value(stage1, 2020, 3, 250, 80)
    saved = submit_return(officer, council, Q3, [shown(old, "250"), ReturnEntry(stage2.pk, "74")])
    assert [value.kpi for value in saved] == [stage2]


@pytest.mark.django_db
def test_commentary_never_brings_back_a_target_an_administrator_blanked(medway):
    council, officer, stage1, stage2 = medway
    blanked = make_value(stage1, 2020, 3, 82, None)  # Q2's 80 no longer applies
    submit_return(
        officer,
        council,
        Q3,
        [
            shown(blanked, "82", "Steady"),
            ReturnEntry(stage2.pk, "", "Not yet counted"),
        ],
    )
    blanked.refresh_from_db()
    assert (blanked.commentary, blanked.target, blanked.version) == ("Steady", None, 2)
    new = KpiValue.objects.get(kpi=stage2, quarter=3)
    assert (new.actual, new.target, new.commentary) == (None, None, "Not yet counted")
    rows = {row.kpi: row for row in return_rows(officer, council, Q3)}
    assert (rows[stage1].target, rows[stage1].carried_from) == (80, Q3.previous())


@pytest.mark.django_db
def test_a_target_set_for_the_quarter_is_not_labelled_as_carried(medway):
    council, officer, stage1, stage2 = medway
    make_value(stage1, 2020, 3, None, 85)
    older = make_kpi(council, code="OLD", owner_user=officer)
    make_value(older, 2019, 4, 70, 72)
    make_value(older, 2020, 1, 71, None)  # no target for Q1: Q4 2019/20's still stands
    rows = {row.kpi: row for row in return_rows(officer, council, Q3)}
    assert (rows[stage1].target, rows[stage1].carried_from) == (85, None)
    assert (rows[stage2].target, rows[stage2].carried_from) == (75, Q3.previous())
    assert (rows[older].target, str(rows[older].carried_from)) == (72, "Q4 2019/20")


# --- yearly targets, reasons a value is not published, % beyond 100 -------------------------


@pytest.mark.django_db
def test_the_years_target_is_shown_where_the_quarter_sets_none_and_never_stored(medway):
    council, officer, stage1, _ = medway
    stage1.baseline, stage1.baseline_year = Decimal("80"), 2019
    stage1.save()
    KpiTarget.objects.create(
        kpi=stage1, financial_year=2020, kind=TargetKind.RELATIVE, amount=Decimal("2")
    )
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage1.pk]
    assert (row.target, row.carried_from) == (Decimal("81.60"), None)
    assert row.target_note == "+2% a year on the 2019/20 baseline"
    submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, actual="81")])
    value = KpiValue.objects.get(kpi=stage1, financial_year=2020, quarter=3)
    assert value.target is None  # shown, never stored
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage1.pk]
    assert row.rag == Rag.AMBER  # 81 against 81.6


@pytest.mark.django_db
def test_a_year_that_establishes_its_baseline_carries_no_earlier_target(medway):
    council, officer, _, stage2 = medway
    KpiTarget.objects.create(kpi=stage2, financial_year=2020, kind=TargetKind.ESTABLISH_BASELINE)
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage2.pk]
    assert (row.target, row.carried_from, row.target_note) == (None, None, "establish baseline")


@pytest.mark.django_db
def test_the_quarters_own_target_stands_over_the_years(medway):
    council, officer, stage1, _ = medway
    KpiTarget.objects.create(kpi=stage1, financial_year=2020, amount=Decimal("90"))
    make_value(stage1, 2020, 3, 85, 82)
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage1.pk]
    assert (row.target, row.rag) == (Decimal("82"), Rag.GREEN)


@pytest.mark.django_db
def test_a_reason_is_saved_with_no_figure_and_rated_na(medway):
    council, officer, stage1, _ = medway
    submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, reason="not_collected")])
    value = KpiValue.objects.get(kpi=stage1, financial_year=2020, quarter=3)
    assert (value.actual, value.not_published, value.rag) == (None, "not_collected", Rag.NA)
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage1.pk]
    assert (row.reason, row.rag) == ("not_collected", Rag.NA)
    # Clearing the reason and typing a figure publishes it.
    submit_return(
        officer,
        council,
        Q3,
        [
            ReturnEntry(
                stage1.pk,
                actual="83",
                version=value.version,
                shown_actual="",
                shown_commentary="",
                shown_reason="not_collected",
            )
        ],
    )
    value.refresh_from_db()
    assert (value.actual, value.not_published) == (Decimal("83"), "")


@pytest.mark.django_db
def test_a_figure_with_a_reason_is_refused_and_nothing_saved(medway):
    council, officer, stage1, stage2 = medway
    with pytest.raises(ReturnInvalid) as refused:
        submit_return(
            officer,
            council,
            Q3,
            [
                ReturnEntry(stage1.pk, actual="0", reason="suppressed"),
                ReturnEntry(stage2.pk, actual="74"),
            ],
        )
    assert refused.value.errors == {
        stage1.pk: "Leave the value empty when it is not published (Suppressed), or clear the "
        "reason to enter a figure."
    }
    assert not KpiValue.objects.filter(financial_year=2020, quarter=3).exists()


@pytest.mark.django_db
def test_an_unknown_reason_is_refused(medway):
    council, officer, stage1, _ = medway
    with pytest.raises(ReturnInvalid) as refused:
        submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, reason="lost")])
    assert refused.value.errors == {stage1.pk: "Choose a reason from the list"}


@pytest.mark.django_db
def test_a_percentage_beyond_100_only_where_the_measure_allows_it(medway):
    council, officer, stage1, stage2 = medway
    stage2.percent_unbounded = True
    stage2.save()
    with pytest.raises(ReturnInvalid) as refused:
        submit_return(officer, council, Q3, [ReturnEntry(stage1.pk, actual="112")])
    assert refused.value.errors == {stage1.pk: "Enter a percentage from 0 to 100"}
    submit_return(officer, council, Q3, [ReturnEntry(stage2.pk, actual="112")])
    assert KpiValue.objects.get(kpi=stage2, financial_year=2020, quarter=3).actual == 112


@pytest.mark.django_db
def test_last_quarters_status_is_rated_against_its_years_target(medway):
    council, officer, stage1, _ = medway  # Q2 2020/21: 84 with its own target of 80
    value = KpiValue.objects.get(kpi=stage1, financial_year=2020, quarter=2)
    value.target = None
    value.save()
    KpiTarget.objects.create(kpi=stage1, financial_year=2020, amount=Decimal("90"))
    row = {r.kpi.pk: r for r in return_rows(officer, council, Q3)}[stage1.pk]
    assert (row.previous_rag, row.target) == (Rag.RED, Decimal("90"))
