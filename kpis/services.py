"""The quarterly return: officers enter a quarter's values for the measures they own.

All cells the officer typed into are checked first (numbers, units, permission); only when
every one is valid are they written, in one transaction. A typed-into cell that someone else
changed or removed since the page was loaded is a conflict: nothing is saved and the officer
is shown what changed. Cells the officer did not touch are never written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from core.formatting import format_measure
from core.periods import Quarter
from core.rag import Rag
from core.units import strip_unit_symbol, unit_error
from kpis.models import KPI, Frequency, KpiTarget, KpiValue, NotPublished
from plans.dataversion import bump_data_version
from plans.models import Council

#: KpiValue.actual holds 16 digits, 4 of them after the point.
MAX_ABS = Decimal("1000000000000")
PLACES = Decimal("0.0001")


def format_number(value: Decimal | None) -> str:
    """A stored number as an officer would type it: 88.0000 → "88", 68.4000 → "68.4"."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def parse_number(text: str, unit: str, percent_unbounded: bool = False) -> Decimal | None:
    """Parse what an officer typed in a cell of a measure in ``unit``; "" means no value.

    Accepts "88", "88.0", "1,234.5" and "-3", "88%" for a % measure and "£1,200" for a £ one.
    Raises ``ValueError`` with a message fit to show beside the cell, also for a value the
    unit cannot take (a % outside 0-100, a negative count: ``core.units.unit_error``).
    """
    typed = (text or "").strip()
    cleaned = strip_unit_symbol(typed.replace(",", ""), unit)
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"Enter a number, like 88.0 (not “{typed}”)") from None
    if not number.is_finite():
        raise ValueError(f"Enter a number, like 88.0 (not “{typed}”)")
    if abs(number) >= MAX_ABS:
        raise ValueError("Enter a number smaller than 1,000,000,000,000")
    if number != number.quantize(PLACES):
        raise ValueError("Enter a number with at most 4 decimal places, like 88.25")
    if problem := unit_error(unit, number, percent_unbounded):
        raise ValueError(problem)
    return number.quantize(PLACES)


def parse_reason(text: str | None) -> str:
    """The reason a value is not published, as chosen ("" for a published figure).

    Raises ``ValueError`` for anything that is not one of the choices.
    """
    chosen = (text or "").strip()
    if chosen and chosen not in NotPublished.values:
        raise ValueError("Choose a reason from the list")
    return chosen


def reason_error(actual: Decimal | None, reason: str) -> str:
    """Why a figure and a reason cannot go together ("" when they can)."""
    if reason and actual is not None:
        return (
            f"Leave the value empty when it is not published ({NotPublished(reason).label}), "
            "or clear the reason to enter a figure."
        )
    return ""


def clean_text(text: str | None) -> str:
    """Commentary as stored and compared: browsers send line breaks as CRLF."""
    return (text or "").replace("\r\n", "\n").strip()


@dataclass
class ReturnRow:
    """One measure on a quarterly return, with what the officer needs beside the input."""

    kpi: KPI
    value: KpiValue | None  # this quarter's stored value, if any
    previous: KpiValue | None  # last quarter's value
    target: Decimal | None  # the effective target: the quarter's own, the year's, or carried
    carried_from: Quarter | None = None  # the earlier quarter whose target stands, if carried
    #: How the year's target was set ("+2% a year on the 2019/20 baseline"), when it applies.
    target_note: str = ""
    #: Last quarter's target from its year's setting, where its value holds none of its own.
    previous_target: Decimal | None = None

    @property
    def version(self) -> int | None:
        return self.value.version if self.value is not None else None

    @property
    def actual_text(self) -> str:
        """The stored value as the input shows it ("" for none)."""
        return format_number(self.value.actual) if self.value is not None else ""

    @property
    def commentary(self) -> str:
        return self.value.commentary if self.value is not None else ""

    @property
    def reason(self) -> str:
        """Why the stored value has no figure ("" when published or none stored)."""
        return self.value.not_published if self.value is not None else ""

    @property
    def previous_rag(self) -> Rag | None:
        """Last quarter's status against its effective target (None: no value)."""
        earlier = self.previous
        if earlier is None:
            return None
        if self.previous_target is None:
            return earlier.rag
        return earlier.status(target=self.previous_target)

    @property
    def rag(self) -> Rag:
        """The RAG this quarter's value gets against its effective (or carried) target."""
        if self.value is None:
            return Rag.NA
        # The council's scheme judges it (KpiValue.status); the target may be one carried
        # forward, so it is given rather than read from the stored row.
        return self.value.status(target=self.target)


def returnable_kpis(user: Any, council: Council) -> Any:
    """The quarterly measures of ``council`` whose values ``user`` may enter."""
    return (
        KPI.objects.editable_by(user)
        .filter(council=council, frequency=Frequency.QUARTERLY)
        .select_related("council", "theme", "owner_user")
        .order_by("theme__number", "order", "code", "name", "pk")
    )


def return_rows(user: Any, council: Council, quarter: Quarter) -> list[ReturnRow]:
    """Every measure ``user`` may enter for ``council`` in ``quarter``, in four queries."""
    kpis = list(returnable_kpis(user, council))
    for kpi in kpis:
        kpi.council = council  # one council object: its RAG scheme is loaded once
    return _rows_for(kpis, quarter)


def _rows_for(kpis: list[KPI], quarter: Quarter) -> list[ReturnRow]:
    previous = quarter.previous()
    year, number = quarter.year.start_year, quarter.number
    values = (
        KpiValue.objects.filter(kpi__in=kpis, month=0)
        .filter(
            Q(financial_year=year, quarter=number)
            | Q(financial_year=previous.year.start_year, quarter=previous.number)
        )
        .select_related("entered_by")
    )
    by_pk = {kpi.pk: kpi for kpi in kpis}
    current: dict[int, KpiValue] = {}
    before: dict[int, KpiValue] = {}
    for value in values:
        value.kpi = by_pk[value.kpi_id]  # so value.rag needs no query of its own
        (current if value.quarter == number and value.financial_year == year else before)[
            value.kpi_id
        ] = value
    # Targets change year to year; until one is set for this quarter, the latest earlier
    # target stands (shown, never stored): one row per measure, however long its history.
    latest_earlier = (
        KpiValue.objects.filter(kpi=OuterRef("pk"), target__isnull=False, month=0, quarter__gte=1)
        .filter(Q(financial_year__lt=year) | Q(financial_year=year, quarter__lt=number))
        .order_by("-financial_year", "-quarter")
        .annotate(index=F("financial_year") * 4 + F("quarter") - 1)  # Quarter.index
    )
    # A year's target (a figure, +% on the baseline, or "establish baseline": none) applies
    # where the quarter sets none of its own, and then nothing earlier is carried forward.
    settings = {
        (setting.kpi_id, setting.financial_year): setting
        for setting in KpiTarget.objects.filter(
            kpi__in=kpis, financial_year__in={year, previous.year.start_year}
        )
    }
    for setting in settings.values():
        setting.kpi = by_pk[setting.kpi_id]  # so target_for needs no query
    yearly = {pk: setting for (pk, of_year), setting in settings.items() if of_year == year}
    carried = {
        pk: (target, index)
        for pk, target, index in KPI.objects.filter(pk__in=by_pk)
        .annotate(
            carried=Subquery(latest_earlier.values("target")[:1]),
            carried_index=Subquery(latest_earlier.values("index")[:1]),
        )
        .values_list("pk", "carried", "carried_index")
    }
    rows = []
    for kpi in kpis:
        value = current.get(kpi.pk)
        row = ReturnRow(kpi=kpi, value=value, previous=before.get(kpi.pk), target=None)
        setting = yearly.get(kpi.pk)
        earlier = row.previous
        if earlier is not None and not kpi.data_only and earlier.target is None:
            of_previous = settings.get((kpi.pk, previous.year.start_year))
            if of_previous is not None:
                row.previous_target = of_previous.target_for(kpi)
        if not kpi.data_only and value is not None and value.target is not None:
            row.target = value.target
        elif not kpi.data_only and setting is not None:
            row.target, row.target_note = setting.target_for(kpi), setting.description
        elif not kpi.data_only and carried[kpi.pk][0] is not None:
            target, index = carried[kpi.pk]
            row.target, row.carried_from = target, Quarter.from_index(index)
        rows.append(row)
    return rows


@dataclass
class ReturnEntry:
    """What the officer submitted for one measure, and what the page showed them."""

    kpi_id: int
    actual: str = ""
    commentary: str = ""
    version: int | None = None  # the version the page was loaded with; None if no value yet
    # The cell as the page showed it; None when not known, and the cell counts as typed into.
    shown_actual: str | None = None
    shown_commentary: str | None = None
    #: Why there is no figure (a NotPublished value, "" for a figure), and as it was shown.
    reason: str = ""
    shown_reason: str | None = None

    @property
    def changed(self) -> bool:
        """Whether the officer typed into this cell. An untouched cell is never written."""
        if self.shown_actual is None or self.shown_commentary is None:
            return True
        return (
            self.actual.strip(),
            clean_text(self.commentary),
            (self.reason or "").strip(),
        ) != (
            self.shown_actual.strip(),
            clean_text(self.shown_commentary),
            (self.shown_reason or "").strip(),
        )


class ReturnInvalid(Exception):
    """Some cells are invalid; ``errors`` maps KPI id to the message shown beside the cell."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        super().__init__(f"{len(errors)} cell(s) need correcting")
        self.errors = dict(errors)


@dataclass
class CellConflict:
    """A cell someone else saved (or removed) after the page was loaded."""

    kpi: KPI
    value: KpiValue | None  # as it is now; None if it was removed

    @property
    def message(self) -> str:
        return self.describe("while you were editing", "check it and save again")

    def describe(self, since: str, what_next: str) -> str:
        """The conflict in words: who saved what ``since`` ("while you were editing")."""
        if self.value is None:
            return (
                f"Someone removed this value {since}. Your value was not saved; "
                f"{what_next} to enter it."
            )
        who = self.value.entered_by
        name = (who.get_full_name() or who.get_username()) if who else "Someone"
        now = (
            self.value.get_not_published_display().lower()
            or format_number(self.value.actual)
            or "no value"
        )
        words = Truncator(self.value.commentary).chars(120)
        said = f" with the commentary “{words}”" if words else ""
        return (
            f"{name} saved {now} here{said} {since}. Your value was not saved; "
            f"{what_next} to replace theirs."
        )


@dataclass
class ReturnConflict(Exception):
    """Cells changed meanwhile; nothing was saved. ``conflicts`` maps KPI id to the cell."""

    conflicts: dict[int, CellConflict] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.conflicts)} value(s) were changed by someone else meanwhile"


@dataclass
class ReturnChange:
    """A cell a return will write: the measure, its value as stored now and what replaces it."""

    kpi: KPI
    current: KpiValue | None  # None: a first value for the period
    version: int | None  # the version the officer's page (or sheet) was loaded with
    actual: Decimal | None
    commentary: str
    reason: str

    @property
    def old_text(self) -> str:
        """The stored value as a reader sees it ("" for none)."""
        if self.current is None:
            return ""
        return _value_text(self.current.actual, self.current.not_published, self.kpi.unit)

    @property
    def new_text(self) -> str:
        """The new value as a reader sees it ("68.4%", "Suppressed"; "" for none)."""
        return _value_text(self.actual, self.reason, self.kpi.unit)

    @property
    def old_commentary(self) -> str:
        return self.current.commentary if self.current is not None else ""


def _value_text(actual: Decimal | None, reason: str, unit: str) -> str:
    if reason:
        return str(NotPublished(reason).label)
    return format_measure(actual, unit, empty="")


@dataclass
class ReturnReview:
    """What a return would do, without writing: its changes, invalid cells and conflicts."""

    changes: list[ReturnChange]
    errors: dict[int, str]
    conflicts: dict[int, CellConflict]


#: A cell as parsed: its figure (None for none) and why there is none ("" for a figure).
Parsed = tuple[Decimal | None, str]


def _checked(
    user: Any, council: Council, entries: Iterable[ReturnEntry]
) -> tuple[dict[int, KPI], list[ReturnEntry], dict[int, Parsed], dict[int, str]]:
    """The measures, the typed-into entries, their parsed cells and the invalid ones.

    Raises ``PermissionDenied`` if an entry is for a measure the user may not enter.
    """
    entries = list(entries)
    kpis = {kpi.pk: kpi for kpi in returnable_kpis(user, council)}
    if any(entry.kpi_id not in kpis for entry in entries):
        raise PermissionDenied("You cannot enter values for one of these measures.")
    entries = [entry for entry in entries if entry.changed]
    errors: dict[int, str] = {}
    parsed: dict[int, Parsed] = {}
    for entry in entries:
        kpi = kpis[entry.kpi_id]
        try:
            actual = parse_number(entry.actual, kpi.unit, kpi.percent_unbounded)
            reason = parse_reason(entry.reason)
        except ValueError as error:
            errors[entry.kpi_id] = str(error)
            continue
        if problem := reason_error(actual, reason):
            errors[entry.kpi_id] = problem
        else:
            parsed[entry.kpi_id] = (actual, reason)
    return kpis, entries, parsed, errors


def _plan(
    kpis: dict[int, KPI],
    entries: list[ReturnEntry],
    parsed: dict[int, Parsed],
    current: dict[int, KpiValue],
) -> tuple[list[ReturnChange], dict[int, CellConflict]]:
    """The cells to write, and those changed or removed by someone else meanwhile.

    The target is never written: a carried-forward target is only shown, and a target an
    administrator set (or blanked) for the period stays as they left it.
    """
    changes: list[ReturnChange] = []
    conflicts: dict[int, CellConflict] = {}
    for entry in entries:
        kpi, value = kpis[entry.kpi_id], current.get(entry.kpi_id)
        actual, reason = parsed[entry.kpi_id]
        commentary = clean_text(entry.commentary)
        if value is None and actual is None and not commentary and not reason:
            continue  # an empty cell stays empty (or was removed meanwhile: the same)
        if (
            value is not None
            and value.actual == actual
            and clean_text(value.commentary) == commentary
            and value.not_published == reason
        ):
            continue  # already as the officer wants it, whoever saved it
        if (value is None) != (entry.version is None) or (
            value is not None and value.version != entry.version
        ):
            # Entered, changed or removed by someone else since the page was loaded (or a
            # version that never was): theirs stands until the officer has seen it.
            conflicts[kpi.pk] = CellConflict(kpi, value)
            continue
        changes.append(ReturnChange(kpi, value, entry.version, actual, commentary, reason))
    return changes, conflicts


def _period_values(kpis: Iterable[int], quarter: Quarter) -> Any:
    return KpiValue.objects.filter(
        kpi__in=list(kpis),
        financial_year=quarter.year.start_year,
        quarter=quarter.number,
        month=0,
    )


def review_return(
    user: Any, council: Council, quarter: Quarter, entries: Iterable[ReturnEntry]
) -> ReturnReview:
    """What ``submit_return`` would write for these entries, checked the same way; no writes.

    Raises ``PermissionDenied`` like ``submit_return``.
    """
    kpis, entries, parsed, errors = _checked(user, council, entries)
    current = {
        value.kpi_id: value
        for value in _period_values(parsed, quarter).select_related("entered_by")
    }
    changes, conflicts = _plan(kpis, [e for e in entries if e.kpi_id in parsed], parsed, current)
    return ReturnReview(changes, errors, conflicts)


def submit_return(
    user: Any, council: Council, quarter: Quarter, entries: Iterable[ReturnEntry]
) -> list[KpiValue]:
    """Save a quarterly return: all cells or none, in a fixed number of queries.

    Only cells the officer typed into (``ReturnEntry.changed``) are checked and written.
    Raises ``PermissionDenied`` if an entry is for a measure the user may not enter,
    ``ReturnInvalid`` if any cell is not a value its unit can take (nothing is saved) and
    ``ReturnConflict`` if any cell was changed or removed by someone else since
    ``entry.version`` (nothing is saved). Returns the values written, each with its version
    moved on and a history record naming ``user``.
    """
    kpis, entries, parsed, errors = _checked(user, council, entries)
    if errors:
        raise ReturnInvalid(errors)
    if not entries:
        return []
    with transaction.atomic():
        # Locked until the return is written, so no one can save these cells in between.
        current = {
            value.kpi_id: value
            for value in _period_values(parsed, quarter).order_by("pk").select_for_update()
        }
        changes, conflicts = _plan(kpis, entries, parsed, current)
        if conflicts:
            raise ReturnConflict(_as_now(conflicts, quarter))
        return _write(user, quarter, changes)


def _as_now(conflicts: dict[int, CellConflict], quarter: Quarter) -> dict[int, CellConflict]:
    """The conflicts with the cells as stored now, and who saved them (one query)."""
    now = {
        value.kpi_id: value
        for value in _period_values(conflicts, quarter).select_related("entered_by")
    }
    return {pk: CellConflict(conflict.kpi, now.get(pk)) for pk, conflict in conflicts.items()}


def _write(user: Any, quarter: Quarter, changes: list[ReturnChange]) -> list[KpiValue]:
    """Write the cells: one UPDATE, one INSERT and their history rows, however many."""
    now = timezone.now()
    updated: list[KpiValue] = []
    created: list[KpiValue] = []
    written: list[KpiValue] = []
    for change in changes:
        value = change.current
        if value is None:
            value = KpiValue(
                kpi=change.kpi,
                financial_year=quarter.year.start_year,
                quarter=quarter.number,
                month=0,
            )
            created.append(value)
        else:
            value.version += 1
            updated.append(value)
        value.actual, value.commentary = change.actual, change.commentary
        value.not_published, value.entered_by, value.entered_at = change.reason, user, now
        value._history_user = user
        written.append(value)
    if updated:
        KpiValue.objects.bulk_update(
            updated,
            ["actual", "commentary", "not_published", "entered_by", "entered_at", "version"],
        )
    if created:
        try:
            with transaction.atomic():  # a savepoint, so the conflicts can be listed
                KpiValue.objects.bulk_create(created)
        except IntegrityError:
            # Someone else entered one of these cells since they were read.
            now_stored = _as_now({v.kpi_id: CellConflict(v.kpi, None) for v in created}, quarter)
            raise ReturnConflict(
                {pk: c for pk, c in now_stored.items() if c.value is not None}
            ) from None
        if any(value.pk is None for value in created):  # a database that returns no ids
            ids = {v.kpi_id: v.pk for v in _period_values((v.kpi_id for v in created), quarter)}
            for value in created:
                value.pk = ids[value.kpi_id]
    # Bulk writes send no signals: the council's pages are stale from now on.
    bump_data_version({change.kpi.council_id for change in changes})
    history = KpiValue.history
    history.bulk_history_create(created, default_user=user, default_date=now)
    history.bulk_history_create(updated, update=True, default_user=user, default_date=now)
    return written
