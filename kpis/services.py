"""The quarterly return: officers enter a quarter's values for the measures they own.

All cells are checked first (numbers, permission); only when every cell is valid are they
written, in one transaction. A cell that someone else changed since the page was loaded is
a conflict: nothing is saved and the officer is shown what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery

from core.periods import Quarter
from core.rag import Rag
from kpis.models import KPI, Frequency, KpiValue
from plans.models import Council

#: KpiValue.actual holds 16 digits, 4 of them after the point.
MAX_ABS = Decimal("1000000000000")
PLACES = Decimal("0.0001")


def format_number(value: Decimal | None) -> str:
    """A stored number as an officer would type it: 88.0000 → "88", 68.4000 → "68.4"."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def parse_number(text: str) -> Decimal | None:
    """Parse what an officer typed in a cell; "" means no value.

    Accepts "88", "88.0", "1,234.5", "88%", "£1,200" and "-3". Raises ``ValueError`` with a
    message fit to show beside the cell.
    """
    cleaned = (text or "").strip().replace(",", "").replace("£", "").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"Enter a number, like 88.0 (not “{text.strip()}”)") from None
    if not number.is_finite():
        raise ValueError(f"Enter a number, like 88.0 (not “{text.strip()}”)")
    if abs(number) >= MAX_ABS:
        raise ValueError("Enter a number smaller than 1,000,000,000,000")
    if number != number.quantize(PLACES):
        raise ValueError("Enter a number with at most 4 decimal places, like 88.25")
    return number.quantize(PLACES)


@dataclass
class ReturnRow:
    """One measure on a quarterly return, with what the officer needs beside the input."""

    kpi: KPI
    value: KpiValue | None  # this quarter's stored value, if any
    previous: KpiValue | None  # last quarter's value
    target: Decimal | None  # this quarter's target (carried forward when not yet set)

    @property
    def version(self) -> int | None:
        return self.value.version if self.value is not None else None

    @property
    def rag(self) -> Rag:
        """The RAG this quarter's value gets against its (possibly carried) target."""
        if self.value is None:
            return Rag.NA
        # KpiValue.rag holds the rule (polarity, tolerance, data-only); the target may be
        # one carried forward, so ask an unsaved copy rather than the stored row.
        return KpiValue(kpi=self.kpi, actual=self.value.actual, target=self.target).rag


def returnable_kpis(user: Any, council: Council) -> Any:
    """The quarterly measures of ``council`` whose values ``user`` may enter."""
    return (
        KPI.objects.editable_by(user)
        .filter(council=council, frequency=Frequency.QUARTERLY)
        .select_related("council", "theme", "owner_user")
        .order_by("theme__number", "order", "code", "name", "pk")
    )


def return_rows(user: Any, council: Council, quarter: Quarter) -> list[ReturnRow]:
    """Every measure ``user`` may enter for ``council`` in ``quarter``, in three queries."""
    kpis = list(returnable_kpis(user, council))
    return _rows_for(kpis, quarter)


def _rows_for(kpis: list[KPI], quarter: Quarter) -> list[ReturnRow]:
    previous = quarter.previous()
    year, number = quarter.year.start_year, quarter.number
    values = KpiValue.objects.filter(kpi__in=kpis, month=0).filter(
        Q(financial_year=year, quarter=number)
        | Q(financial_year=previous.year.start_year, quarter=previous.number)
    ).select_related("entered_by")
    by_pk = {kpi.pk: kpi for kpi in kpis}
    current: dict[int, KpiValue] = {}
    before: dict[int, KpiValue] = {}
    for value in values:
        value.kpi = by_pk[value.kpi_id]  # so value.rag needs no query of its own
        (current if value.quarter == number and value.financial_year == year else before)[
            value.kpi_id
        ] = value
    # Targets change year to year; until one is set for this quarter, the latest earlier
    # target stands: one row per measure, however long its history.
    latest_earlier_target = (
        KpiValue.objects.filter(kpi=OuterRef("pk"), target__isnull=False, month=0, quarter__gte=1)
        .filter(Q(financial_year__lt=year) | Q(financial_year=year, quarter__lt=number))
        .order_by("-financial_year", "-quarter")
        .values("target")[:1]
    )
    carried: dict[int, Decimal | None] = dict(
        KPI.objects.filter(pk__in=by_pk)
        .annotate(carried=Subquery(latest_earlier_target))
        .values_list("pk", "carried")
    )
    rows = []
    for kpi in kpis:
        value = current.get(kpi.pk)
        if kpi.data_only:
            target = None
        elif value is not None and value.target is not None:
            target = value.target
        else:
            target = carried.get(kpi.pk)
        rows.append(ReturnRow(kpi=kpi, value=value, previous=before.get(kpi.pk), target=target))
    return rows


@dataclass
class ReturnEntry:
    """What the officer submitted for one measure."""

    kpi_id: int
    actual: str = ""
    commentary: str = ""
    version: int | None = None  # the version the page was loaded with; None if no value yet


class ReturnInvalid(Exception):
    """Some cells are invalid; ``errors`` maps KPI id to the message shown beside the cell."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        super().__init__(f"{len(errors)} cell(s) need correcting")
        self.errors = dict(errors)


@dataclass
class CellConflict:
    """A cell someone else saved after the page was loaded."""

    kpi: KPI
    value: KpiValue  # as it is now

    @property
    def message(self) -> str:
        who = self.value.entered_by
        name = (who.get_full_name() or who.get_username()) if who else "Someone"
        now = format_number(self.value.actual) or "no value"
        return (
            f"{name} saved {now} here while you were editing. Your value was not saved; "
            "check it and save again to replace theirs."
        )


@dataclass
class ReturnConflict(Exception):
    """Cells changed meanwhile; nothing was saved. ``conflicts`` maps KPI id to the cell."""

    conflicts: dict[int, CellConflict] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.conflicts)} value(s) were changed by someone else meanwhile"


def submit_return(
    user: Any, council: Council, quarter: Quarter, entries: Iterable[ReturnEntry]
) -> list[KpiValue]:
    """Save a quarterly return: all cells or none.

    Raises ``PermissionDenied`` if an entry is for a measure the user may not enter,
    ``ReturnInvalid`` if any cell is not a number (nothing is saved) and ``ReturnConflict``
    if any cell was changed by someone else since ``entry.version`` (nothing is saved).
    Returns the values written (unchanged cells are left alone).
    """
    entries = list(entries)
    kpis = {kpi.pk: kpi for kpi in returnable_kpis(user, council)}
    if any(entry.kpi_id not in kpis for entry in entries):
        raise PermissionDenied("You cannot enter values for one of these measures.")
    rows = {row.kpi.pk: row for row in _rows_for(list(kpis.values()), quarter)}

    errors: dict[int, str] = {}
    parsed: dict[int, Decimal | None] = {}
    for entry in entries:
        try:
            parsed[entry.kpi_id] = parse_number(entry.actual)
        except ValueError as error:
            errors[entry.kpi_id] = str(error)
    if errors:
        raise ReturnInvalid(errors)

    saved: list[KpiValue] = []
    conflicts: dict[int, CellConflict] = {}
    with transaction.atomic():
        for entry in entries:
            row = rows[entry.kpi_id]
            actual, commentary = parsed[entry.kpi_id], (entry.commentary or "").strip()
            value = _save_cell(user, quarter, row, entry, actual, commentary, conflicts)
            if value is not None:
                saved.append(value)
        if conflicts:
            raise ReturnConflict(conflicts)  # rolls back every cell of this return
    return saved


def _save_cell(
    user: Any,
    quarter: Quarter,
    row: ReturnRow,
    entry: ReturnEntry,
    actual: Decimal | None,
    commentary: str,
    conflicts: dict[int, CellConflict],
) -> KpiValue | None:
    kpi = row.kpi
    period = {"kpi": kpi, "financial_year": quarter.year.start_year, "quarter": quarter.number}
    if entry.version is None:
        if actual is None and not commentary:
            return None  # an empty cell stays empty
        value = KpiValue(**period, month=0, actual=actual, target=row.target)
        value.commentary, value.entered_by, value._history_user = commentary, user, user
        try:
            with transaction.atomic():  # a savepoint, so the return can go on to list all
                value.save()
        except IntegrityError:
            # Someone else entered this cell between our read and our insert.
            conflicts[kpi.pk] = CellConflict(kpi, _current(period))
            return None
        return value

    current = row.value
    if current is None or current.version != entry.version:
        existing = _current(period)
        if existing is not None:
            conflicts[kpi.pk] = CellConflict(kpi, existing)
        return None
    if current.actual == actual and current.commentary == commentary:
        return None
    claimed = KpiValue.objects.filter(pk=current.pk, version=entry.version).update(
        version=F("version") + 1
    )
    if not claimed:
        conflicts[kpi.pk] = CellConflict(kpi, _current(period))
        return None
    current.refresh_from_db()
    current.actual, current.commentary, current.entered_by = actual, commentary, user
    if current.target is None and row.target is not None and not kpi.data_only:
        current.target = row.target
    current._history_user = user
    current.save()
    return current


def _current(period: dict[str, Any]) -> KpiValue:
    return KpiValue.objects.select_related("entered_by").get(**period, month=0)
