"""Import a council's whole workbook: settings, plans, themes, measures, values, actions,
action updates, risks, risk assessments and savings (see :mod:`workbooks.spec`).

Rows are matched by their natural keys, within the council only (a plan by its title, a theme
by its plan and number, an action by its plan, theme and number, a measure by its code, a risk
by its reference or title...), so importing the same workbook twice changes nothing. A row
whose cells differ from what is stored is updated (its version moves on and its history
records the importing user); rows are never deleted. Every row is checked with the same
validation as the forms (the model's ``full_clean``); errors are collected for every row with
their sheet, row and column and, if there is any, nothing is written: the whole import is one
transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import Action, ActionUpdate, status_from_stage_and_rag
from core.periods import quarter_of_month
from core.rag import PRESET_CHOICES, PRESETS, Polarity, Rag, Trend
from core.rag import Measure as RagMeasure
from core.risk import PRESETS as MATRIX_PRESETS
from core.sheets import (
    Cell,
    Row,
    Sheet,
    WorkbookError,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_month,
    parse_number,
    parse_quarter,
    parse_tolerance,
    parse_whole,
    parse_year,
    parse_years,
    parse_yes_no,
    read_workbook,
    to_sheet,
)
from core.units import Unit
from kpis.models import KPI, Frequency, KpiTarget, KpiValue, NotPublished
from kpis.schemes import RagScheme, RagState, forget_scheme
from plans.models import (
    ActionStatusScheme,
    Council,
    Membership,
    Plan,
    Role,
    SavingsTarget,
    Theme,
)
from plans.people import person_for_email, send_invitation
from risks.models import (
    Axis,
    RiskAssessment,
    RiskBand,
    RiskLevel,
    RiskMatrix,
    RiskRegisterEntry,
)
from risks.services import create_matrix
from workbooks import spec
from workbooks.spec import (
    ACTION_UPDATES,
    ACTIONS,
    MEASURES,
    PLANS,
    RAG_STATES,
    RISK_ASSESSMENTS,
    RISK_BANDS,
    RISK_LEVELS,
    RISKS,
    SAVINGS,
    SETTINGS,
    TARGETS,
    THEMES,
    VALUES,
)

#: Rows written a query at a time in bulk writes.
BATCH = 500

UNIT_WORDS = {"percentage": Unit.PERCENT, "pounds": Unit.POUNDS, "number": Unit.COUNT}
POLARITY_WORDS = {"higher": Polarity.HIGHER, "lower": Polarity.LOWER, "none": Polarity.NONE}


@dataclass(frozen=True)
class ImportError_:
    """One problem, with where it is: ``Values row 14, Actual: "abc" is not a number``."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


#: The updated rows whose changed cells a sheet's tally keeps (the rest are only counted).
CHANGES_KEPT = 50


@dataclass(frozen=True)
class RowChange:
    """An updated row: its number in the sheet, its key as written, and its changed cells as
    (column, stored before, as the sheet gives it)."""

    row: int
    key: str
    cells: tuple[tuple[str, str, str], ...]


@dataclass
class SheetTally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: The first CHANGES_KEPT updated rows' changes (so memory does not grow with the file).
    changes: list[RowChange] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def count(self, obj: Any, before: dict, after: dict, row: Row | None = None, sheet="") -> bool:
        """Count ``obj`` as created, updated or unchanged; True when it is to be saved.

        An update read from ``row`` of ``sheet`` keeps its changed cells (the first few)."""
        if obj.pk is None:
            self.created += 1
        elif after == before:
            self.unchanged += 1
            return False
        else:
            self.updated += 1
            if row is not None and len(self.changes) < CHANGES_KEPT:
                changed = [name for name in after if after[name] != before.get(name)]
                self.changes.append(
                    RowChange(
                        row.number,
                        row_key(sheet, row),
                        tuple(
                            (
                                column_of(sheet, name),
                                shown(obj, name, before.get(name)),
                                shown(obj, name, after[name]),
                            )
                            for name in changed
                        ),
                    )
                )
        return True

    def linked(self, row: Row, sheet: str, column: str, before: list, after: list) -> None:
        """An updated row whose links (assigned people, themes) changed."""
        cell = (column, "; ".join(sorted(before)), "; ".join(sorted(after)))
        for index, change in enumerate(self.changes):
            if change.row == row.number:
                self.changes[index] = RowChange(change.row, change.key, (*change.cells, cell))
                return
        if len(self.changes) < CHANGES_KEPT:
            self.changes.append(RowChange(row.number, row_key(sheet, row), (cell,)))


#: Columns that, with the sheet's required ones, say which row a change is of.
KEY_COLUMNS = {VALUES: ("Code", "Year", "Quarter", "Month")}


def row_key(sheet: str, row: Row) -> str:
    columns = KEY_COLUMNS.get(sheet) or spec.required(sheet)
    return " · ".join(row.text(column) for column in columns if row.text(column))


def column_of(sheet: str, name: str) -> str:
    """The sheet's column that fills the model field (attribute) ``name``."""
    for column in spec.SHEETS.get(sheet, ()):
        if column.field and name in (column.field, f"{column.field}_id"):
            return column.header
    return name.removesuffix("_id").replace("_", " ").capitalize()


def shown(obj, name: str, value) -> str:
    """A stored value as a person reads it: a choice's label, a linked row's name, a date."""
    if value is None or value == "":
        return ""
    try:
        model_field = obj._meta.get_field(name.removesuffix("_id"))
    except Exception:  # not a field of the model (a computed column)
        return str(value)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class ImportResult:
    """What an import did (or, with errors or a dry run, would have done: nothing written)."""

    tallies: dict[str, SheetTally] = field(default_factory=dict)
    errors: list[ImportError_] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: Emails of the people invited to the council (or, previewed, who would be).
    invited: list[str] = field(default_factory=list)
    #: The WorkbookImport recorded, once written.
    record: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def _snapshot(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _fields(model, *skip: str) -> list[str]:
    """The concrete fields a row compares (not the key, version or save timestamps)."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.name not in ("version", *skip)
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


class _Importer:
    def __init__(
        self, council: Council, user, result: ImportResult, invite: bool = False, base_url=""
    ) -> None:
        self.council = council
        self.user = user
        self.result = result
        self.invite = invite
        self.base_url = base_url
        # A measure is known by its code, or by its name where it has none.
        self.kpis = {
            (kpi.code or kpi.name).casefold(): kpi for kpi in KPI.objects.filter(council=council)
        }
        self.failed_codes: set[str] = set()
        self.people = {
            m.user.email.casefold(): m.user
            for m in Membership.objects.filter(council=council).select_related("user")
            if m.user.email
        }
        self.plans = {p.title.casefold(): p for p in Plan.objects.filter(council=council)}
        self.themes = {
            (t.plan_id, t.number): t for t in Theme.objects.filter(plan__council=council)
        }
        self.actions = {
            (a.plan_id, a.theme_id, a.order): a
            for a in Action.objects.filter(plan__council=council)
        }
        self.risks = {}
        for risk in RiskRegisterEntry.objects.filter(council=council).order_by("pk"):
            self.risks.setdefault((risk.reference or risk.title).casefold(), risk)
        self.failed: dict[str, set] = defaultdict(set)  # keys of rows already reported
        self.saved: set = set()  # (model, pk) of the rows this import saved

    # Reporting ---------------------------------------------------------------------------

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.errors.append(ImportError_(sheet, row, column, message))

    def validation_errors(self, sheet: str, row: Row, error: ValidationError) -> None:
        by_field = {c.field: c.header for c in spec.SHEETS[sheet] if c.field}
        by_field.update({f"{c.field}_id": c.header for c in spec.SHEETS[sheet] if c.field})
        for name, messages in error.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else by_field.get(name, name)
            for message in messages:
                self.error(sheet, row.number, column, message)

    def check_columns(self, sheet: Sheet) -> bool:
        for number, header in sheet.unknown:
            self.error(
                sheet.name,
                1,
                header,
                f"unknown column (column {number}); the columns are: "
                + ", ".join(spec.headers(sheet.name)),
            )
        for number, column in sheet.repeated:
            self.error(
                sheet.name, 1, column, f"this column is there twice (again in column {number})"
            )
        missing = [c for c in spec.required(sheet.name) if c not in sheet.columns]
        for column in missing:
            self.error(sheet.name, 1, column, "this column is missing")
        return not missing and not sheet.repeated

    def save(self, obj) -> None:
        if obj.pk is not None:
            obj.version += 1
        obj._history_user = self.user
        obj.save()

    def finish(
        self, sheet: str, row: Row, obj, before: dict, names, errors_before: int, **clean
    ) -> bool:
        """Validate ``obj`` like a form and save it if it changed; False if the row failed."""
        if len(self.result.errors) > errors_before:
            return False
        try:
            obj.full_clean(**clean)
        except ValidationError as error:
            self.validation_errors(sheet, row, error)
            return False
        tally = self.result.tallies.setdefault(sheet, SheetTally())
        if tally.count(obj, before, _snapshot(obj, names), row, sheet):
            self.save(obj)
            self.saved.add((type(obj), obj.pk))
        return True

    def m2m_changed(self, sheet: str, obj, row: Row, column: str, before, after) -> None:
        """A row whose only change is its links (assigned people, themes) is updated too."""
        tally = self.result.tallies[sheet]
        tally.linked(row, sheet, column, before, after)
        if (type(obj), obj.pk) not in self.saved:
            tally.unchanged -= 1
            tally.updated += 1
            self.save(obj)

    # Cell readers: each reports its own error and gives ``keep`` back on one ------------

    def text_fields(self, obj, row: Row, pairs) -> None:
        for column, name in pairs:
            if column in row:
                setattr(obj, name, row.text(column).replace("\r\n", "\n"))

    def read(self, sheet: str, row: Row, column: str, parser, keep=None):
        try:
            return parser(row.cells[column])
        except ValueError as error:
            self.error(sheet, row.number, column, str(error))
            return keep

    def choice_fields(self, obj, sheet: str, row: Row) -> None:
        for column in spec.SHEETS[sheet]:
            if column.choices is None or column.choices in (spec.YesNo, spec.QuarterChoice):
                continue
            if column.header in row:
                text = row.text(column.header)
                try:
                    value = parse_choice(text, column.choices) if text else ""
                except ValueError as error:
                    self.error(sheet, row.number, column.header, str(error))
                    continue
                if value or obj._meta.get_field(column.field).blank:
                    setattr(obj, column.field, value)

    def status_scheme(self, sheet: str, row: Row) -> None:
        """A council reporting stage and RAG apart gives them; its status follows from them."""
        if self.council.action_status_scheme != ActionStatusScheme.STAGE_AND_RAG:
            return
        if row.text("Status") and not (row.text("Stage") or row.text("RAG")):
            self.error(
                sheet,
                row.number,
                "Status",
                "this council reports stage and RAG apart: give the Stage and RAG "
                "(the status follows from them)",
            )

    def member(self, sheet: str, row: Row, column: str, email: str):
        """The member with this email; with ``invite``, someone new is invited as an officer.

        Reports an error (and gives None) for an email that is not a member's otherwise.
        """
        email = email.strip()
        user = self.people.get(email.casefold())
        if user is not None:
            return user
        if not self.invite:
            self.error(
                sheet,
                row.number,
                column,
                f'"{email}" is not the email of a member of this council (invite them first, '
                "or let the import invite them)",
            )
            return None
        try:
            validate_email(email)
            user, created = person_for_email(email)
        except ValidationError as error:
            self.error(sheet, row.number, column, f'"{email}": ' + " ".join(error.messages))
            return None
        Membership.objects.create(user=user, council=self.council, role=Role.OFFICER)
        if created or not user.has_usable_password():
            send_invitation(user, self.council, self.base_url)  # sent once committed
        self.people[email.casefold()] = user
        self.result.invited.append(user.email)
        return user

    def person(self, sheet: str, row: Row, column: str):
        email = row.text(column)
        if not email:
            return None
        return self.member(sheet, row, column, email)

    def plan(self, sheet: str, row: Row, column: str = "Plan", required: bool = True):
        title = row.text(column)
        if not title:
            if required:
                self.error(sheet, row.number, column, "name the plan (its title)")
            return None
        plan = self.plans.get(title.casefold())
        if plan is None and title.casefold() not in self.failed[PLANS]:
            self.error(sheet, row.number, column, f'"{title}" is not a plan of this council')
        return plan

    def theme(self, sheet: str, row: Row, plan, column: str = "Theme", required: bool = True):
        text = row.text(column)
        if not text:
            if required:
                self.error(sheet, row.number, column, "give the theme's number")
            return None
        if plan is None:
            return None
        try:
            number = parse_whole(row.cells[column])
        except ValueError:
            number = None
        theme = self.themes.get((plan.pk, number))
        if theme is None and (plan.pk, number) not in self.failed[THEMES]:
            self.error(
                sheet, row.number, column, f'"{text}" is not a theme number of "{plan.title}"'
            )
        return theme

    def action(self, sheet: str, row: Row):
        plan = self.plan(sheet, row)
        theme = self.theme(sheet, row, plan, required=False)  # empty: an action of no theme
        number = self.read(sheet, row, "No.", parse_whole)
        if number is None:
            if not row.text("No."):
                self.error(sheet, row.number, "No.", "give the action's number in its theme")
            return None, plan, theme, number
        key = (plan.pk if plan else None, theme.pk if theme else None, number)
        return self.actions.get(key), plan, theme, number

    # Measures ----------------------------------------------------------------------------

    def measures(self, sheet: Sheet) -> None:
        tally = self.result.tallies.setdefault(MEASURES, SheetTally())
        if not self.check_columns(sheet):
            return
        plans = list(Plan.objects.filter(council=self.council))
        themes = list(Theme.objects.filter(plan__council=self.council).select_related("plan"))
        people = self.people
        seen: dict[str, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            code = row.text("Code")
            if not code and not row.text("Measure"):
                self.error(MEASURES, row.number, "Code", "every measure needs its code or name")
                continue
            key = (code or row.text("Measure")).casefold()
            if key in seen:
                column = "Code" if code else "Measure"
                self.error(
                    MEASURES, row.number, column, f'"{row.text(column)}" is also in row {seen[key]}'
                )
                self.failed_codes.add(key)
                continue
            seen[key] = row.number
            errors_before = len(self.result.errors)
            kpi = self.kpis.get(key) or KPI(council=self.council, code=code)
            before = {name: getattr(kpi, name) for name in self._measure_fields()}
            self._fill_measure(kpi, row, plans, themes, people)
            if len(self.result.errors) == errors_before:
                try:
                    # Its plan, theme and owner were found in this council; its code is
                    # checked against the sheet's and the council's above (no query a row).
                    kpi.full_clean(
                        exclude=["council", "plan", "theme", "owner_user"],
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError as error:
                    self.validation_errors(MEASURES, row, error)
            if len(self.result.errors) > errors_before:
                self.failed_codes.add(key)
                continue
            after = {name: getattr(kpi, name) for name in self._measure_fields()}
            if not tally.count(kpi, before, after, row, MEASURES):
                continue
            self.save(kpi)
            self.kpis[key] = kpi

    @staticmethod
    def _measure_fields() -> list[str]:
        return [
            "name",
            "plan_id",
            "theme_id",
            "unit",
            "polarity",
            "frequency",
            "data_only",
            "rag_tolerance",
            "owner",
            "owner_user_id",
            "definition",
            "cumulative",
            "baseline",
            "baseline_year",
            "percent_unbounded",
            "order",
        ]

    def _fill_measure(self, kpi: KPI, row: Row, plans, themes, people) -> None:
        def fail(column: str, message: str) -> None:
            self.error(MEASURES, row.number, column, message)

        name = row.text("Measure")
        if name:
            kpi.name = name
        else:
            fail("Measure", "every measure needs its name")
        for column, attribute, choices, extra in (
            ("Unit", "unit", Unit, UNIT_WORDS),
            ("Polarity", "polarity", Polarity, POLARITY_WORDS),
            ("Frequency", "frequency", Frequency, None),
        ):
            text = row.text(column)
            if text:
                try:
                    setattr(kpi, attribute, parse_choice(text, choices, extra))
                except ValueError as error:
                    fail(column, str(error))
        for column, attribute in (
            ("Data only", "data_only"),
            ("Cumulative", "cumulative"),
            ("Beyond 0-100%", "percent_unbounded"),
        ):
            if row.text(column):
                try:
                    setattr(kpi, attribute, parse_yes_no(row.text(column)))
                except ValueError as error:
                    fail(column, str(error))
        for column, attribute in (("Owner", "owner"), ("Definition", "definition")):
            if column in row:
                setattr(kpi, attribute, row.text(column))
        if "Owner email" in row:
            email = row.text("Owner email")
            if not email:
                kpi.owner_user = None
            else:
                kpi.owner_user = self.member(MEASURES, row, "Owner email", email)
        plan = kpi.plan
        if "Plan" in row:
            title = row.text("Plan")
            plan = None
            if title:
                matches = [p for p in plans if p.title.casefold() == title.casefold()]
                if len(matches) == 1:
                    plan = matches[0]
                elif matches:
                    fail("Plan", f'more than one plan is called "{title}"')
                else:
                    fail("Plan", f'"{title}" is not a plan of this council')
            kpi.plan = plan
        if "Theme" in row:
            wanted = row.text("Theme")
            theme = None
            if wanted:
                candidates = [t for t in themes if plan is None or t.plan_id == plan.pk]
                matches = [
                    t
                    for t in candidates
                    if t.title.casefold() == wanted.casefold() or str(t.number) == wanted
                ]
                if len(matches) == 1:
                    theme = matches[0]
                    if kpi.plan is None:
                        kpi.plan = theme.plan
                elif matches:
                    fail("Theme", f'"{wanted}" matches more than one theme: name the plan too')
                else:
                    where = f'the plan "{plan.title}"' if plan else "this council's plans"
                    fail("Theme", f'"{wanted}" is not a theme of {where}')
            kpi.theme = theme
        if row.text("Order"):
            try:
                kpi.order = parse_whole(row.cells["Order"])
            except ValueError as error:
                fail("Order", str(error))
        if "Tolerance" in row:
            try:
                kpi.rag_tolerance = parse_tolerance(row.cells["Tolerance"])
            except ValueError as error:
                fail("Tolerance", str(error))
        if "Baseline" in row:
            try:
                kpi.baseline = parse_number(row.cells["Baseline"], kpi.unit)
            except ValueError as error:
                fail("Baseline", str(error))
        if "Baseline year" in row:
            cell = row.cells["Baseline year"]
            if cell.text:
                try:
                    kpi.baseline_year = parse_year(cell)
                except ValueError as error:
                    fail("Baseline year", str(error))
            else:
                kpi.baseline_year = None

    # Values ------------------------------------------------------------------------------

    def values(self, sheet: Sheet) -> None:
        tally = self.result.tallies.setdefault(VALUES, SheetTally())
        if not self.check_columns(sheet):
            return
        stored = {
            (v.kpi_id, v.financial_year, v.quarter, v.month): v
            for v in KpiValue.objects.filter(kpi__council=self.council)
        }
        seen: dict[int, int] = {}  # each period read (packed), the row it is in
        created: list[KpiValue] = []
        updated: list[KpiValue] = []
        fields = (
            "actual",
            "target",
            "commentary",
            "not_published",
            "data_only",
            "reported_short_trend",
            "reported_long_trend",
        )
        now = timezone.now()

        def write() -> None:
            self.write_values(created, updated, fields)

        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)

            def fail(column: str, message: str, row: Row = row) -> None:
                self.error(VALUES, row.number, column, message)

            code = row.text("Code")
            kpi = self.kpis.get(code.casefold())
            if kpi is None:
                if code.casefold() in self.failed_codes:
                    continue  # its measure's row is already reported
                fail(
                    "Code",
                    f'"{code}" is not a measure of this council'
                    if code
                    else "every value needs its measure's code (or its name, if it has none)",
                )
                continue
            try:
                year = parse_year(row.cells["Year"])
            except ValueError as error:
                fail("Year", str(error))
                year = None
            quarter = month = 0
            try:
                quarter = parse_quarter(row.text("Quarter"))
            except ValueError as error:
                fail("Quarter", str(error))
            try:
                month = parse_month(row.text("Month"))
            except ValueError as error:
                fail("Month", str(error))
            if month and not quarter:
                quarter = quarter_of_month(month)
            if len(self.result.errors) > errors_before:
                continue
            period = (kpi.pk, year, quarter, month)
            # One int a row read, not a tuple of four (this grows with the sheet).
            packed = ((kpi.pk * 10_000 + year) * 5 + quarter) * 13 + month
            if packed in seen:
                fail("", f"{kpi.code}'s value for this period is also in row {seen[packed]}")
                continue
            seen[packed] = row.number
            value = stored.get(period) or KpiValue(
                kpi=kpi, financial_year=year, quarter=quarter, month=month
            )
            value.kpi = kpi  # the measure at hand (its checks read it: no query a row)
            before = {name: getattr(value, name) for name in fields}
            for column, name in (("Actual", "actual"), ("Target", "target")):
                if column in row:
                    try:
                        setattr(value, name, parse_number(row.cells[column], kpi.unit))
                    except ValueError as error:
                        fail(column, str(error))
            if "Commentary" in row:
                value.commentary = row.text("Commentary").replace("\r\n", "\n")
            if "Not published" in row:
                try:
                    value.not_published = (
                        parse_choice(row.text("Not published"), NotPublished)
                        if row.text("Not published")
                        else ""
                    )
                except ValueError as error:
                    fail("Not published", str(error))
            if row.text("Data only"):
                try:
                    value.data_only = parse_yes_no(row.text("Data only"))
                except ValueError as error:
                    fail("Data only", str(error))
            for column, name in (
                ("Short trend reported", "reported_short_trend"),
                ("Long trend reported", "reported_long_trend"),
            ):
                if column in row:
                    try:
                        text = row.text(column)
                        setattr(value, name, parse_choice(text, Trend) if text else "")
                    except ValueError as error:
                        fail(column, str(error))
            if len(self.result.errors) > errors_before:
                continue
            try:
                # The measure and the period's uniqueness are known already (no query a row).
                value.full_clean(
                    exclude=["kpi", "entered_by"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                self.validation_errors(VALUES, row, error)
                continue
            after = {name: getattr(value, name) for name in fields}
            if not tally.count(value, before, after, row, VALUES):
                continue
            value.entered_by = self.user
            if value.pk is None:
                created.append(value)
            else:
                value.version += 1
                value.entered_at = now
                updated.append(value)
            if len(created) + len(updated) >= BATCH:
                write()
        write()

    def write_values(self, created: list, updated: list, fields) -> None:
        """Values written in bulk, with their history (who imported them), a few queries a
        batch; none once there is an error (the import writes nothing then)."""
        if not self.result.errors:
            bulk_create_with_history(created, KpiValue, batch_size=BATCH, default_user=self.user)
            bulk_update_with_history(
                updated,
                KpiValue,
                [*fields, "entered_by", "entered_at", "version"],
                batch_size=BATCH,
                default_user=self.user,
            )
        created.clear()
        updated.clear()

    # Settings ----------------------------------------------------------------------------

    def settings(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        tally = self.result.tallies.setdefault(SETTINGS, SheetTally())
        known = {name.casefold(): name for name in spec.SETTING_NAMES}
        council = self.council
        before = _snapshot(
            council, ("rag_tolerance", "savings_at_risk_shortfall", "action_status_scheme")
        )
        errors_before = len(self.result.errors)
        thresholds: dict[str, Row] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            name = known.get(row.text("Setting").casefold())
            value = row.text("Value")
            if name is None:
                self.error(
                    SETTINGS,
                    row.number,
                    "Setting",
                    f'"{row.text("Setting")}" is not a setting; the settings are: '
                    + ", ".join(spec.SETTING_NAMES),
                )
                continue
            if not value:
                continue
            cell = row.cells["Value"]
            if name in spec.RAG_THRESHOLDS:
                thresholds[name] = row
                continue
            try:
                if name == "Tolerance":
                    council.rag_tolerance = parse_tolerance(cell)
                elif name == "Savings at-risk shortfall":
                    council.savings_at_risk_shortfall = parse_tolerance(cell)
                elif name == "Action status scheme":
                    council.action_status_scheme = parse_choice(value, ActionStatusScheme)
                elif name == "RAG scheme":
                    self.rag_scheme(value, tally)
                    forget_scheme(council)
                elif name in ("Risk matrix", "Risk notation", "Risk appetite", "Risk bands"):
                    self.risk_setting(name, value, tally)
            except ValueError as error:
                self.error(SETTINGS, row.number, "Value", f"{name}: {error}")
        if thresholds:
            self.rag_thresholds(thresholds, tally)
        if len(self.result.errors) > errors_before:
            return
        try:
            council.full_clean()
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    self.error(SETTINGS, 1, "Value", message)
            return
        if _snapshot(council, before) != before:
            tally.updated += 1
            self.save(council)
            forget_scheme(council)

    def rag_scheme(self, value: str, tally: SheetTally) -> None:
        schemes = list(RagScheme.objects.filter(council=self.council))
        chosen = next((s for s in schemes if s.name.casefold() == value.casefold()), None)
        if chosen is None:
            presets = {key: key for key in PRESETS} | {
                label.split(":")[0].casefold(): key for key, label in PRESET_CHOICES
            }
            preset = presets.get(value.casefold()) or presets.get(slugify(value).replace("-", "_"))
            if preset is None:
                raise ValueError(
                    f'"{value}" is neither a built-in scheme ({", ".join(PRESETS)}) nor one '
                    "of this council's RAG schemes"
                )
            chosen = next((s for s in schemes if s.in_use and s.preset == preset), None)
            if chosen is None:
                self.take_out_of_use(schemes)
                chosen = RagScheme(council=self.council, name=value, preset=preset, in_use=True)
                try:
                    chosen.full_clean()
                except ValidationError as error:
                    raise ValueError("; ".join(error.messages)) from None
                self.save(chosen)
                tally.created += 1
                return
        if not chosen.in_use:
            self.take_out_of_use(schemes)
            chosen.in_use = True
            self.save(chosen)
            tally.updated += 1

    def scheme_in_use(self) -> RagScheme | None:
        return RagScheme.objects.filter(council=self.council, in_use=True).first()

    def rag_thresholds(self, rows: dict[str, Row], tally: SheetTally) -> None:
        """The scheme in use's own thresholds ("Built-in": the built-in scheme's)."""
        scheme = self.scheme_in_use()
        if scheme is None:
            first = next(iter(rows.values()))
            self.error(
                SETTINGS,
                first.number,
                "Value",
                "the RAG thresholds are a RAG scheme's: give the RAG scheme too",
            )
            return
        names = list(spec.RAG_THRESHOLDS.values())
        before = _snapshot(scheme, names)
        errors_before = len(self.result.errors)
        for setting, row in rows.items():
            name, text = spec.RAG_THRESHOLDS[setting], row.text("Value")
            try:
                if text.casefold() == spec.BUILT_IN.casefold():
                    value = "" if name == "measure" else None
                elif name == "measure":
                    value = parse_choice(text, RagMeasure)
                elif name == "trend_amber":
                    value = parse_yes_no(text)
                else:
                    value = parse_decimal(row.cells["Value"])
            except ValueError as error:
                self.error(SETTINGS, row.number, "Value", f"{setting}: {error}")
                continue
            setattr(scheme, name, value)
        if len(self.result.errors) > errors_before or _snapshot(scheme, names) == before:
            return
        try:
            scheme.full_clean(validate_constraints=False)
        except ValidationError as error:
            row = next(iter(rows.values()))
            self.error(SETTINGS, row.number, "Value", "; ".join(error.messages))
            return
        self.save(scheme)
        tally.updated += 1
        forget_scheme(self.council)

    def rag_states_sheet(self, sheet: Sheet) -> None:
        """The scheme in use's own words, symbols and colours, one row per state."""
        if not self.check_columns(sheet):
            return
        scheme = self.scheme_in_use()
        if scheme is None:
            for row in sheet.rows:
                yield  # a row read (the import reports its progress)
                self.error(
                    RAG_STATES,
                    row.number,
                    "State",
                    "these are a RAG scheme's words: choose the scheme (Settings, RAG scheme)",
                )
                break
            return
        names = _fields(RagState)
        stored = {state.role: state for state in scheme.states.all()}
        seen: dict[str, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            try:
                role = parse_choice(row.text("State"), Rag) if row.text("State") else ""
            except ValueError as error:
                self.error(RAG_STATES, row.number, "State", str(error))
                continue
            if not role:
                self.error(RAG_STATES, row.number, "State", "name the state, e.g. Green")
                continue
            if role in seen:
                self.error(RAG_STATES, row.number, "State", f"also in row {seen[role]}")
                continue
            seen[role] = row.number
            state = stored.get(role) or RagState(scheme=scheme, role=role)
            before = _snapshot(state, names)
            self.choice_fields(state, RAG_STATES, row)
            self.text_fields(state, row, (("Label", "label"), ("Meaning", "meaning")))
            self.finish(
                RAG_STATES, row, state, before, names, errors_before, validate_constraints=False
            )
        forget_scheme(self.council)

    def risk_levels_sheet(self, sheet: Sheet) -> None:
        """The matrix in use's own levels, by axis and position (1 the most likely/severe)."""
        if not self.check_columns(sheet):
            return
        matrix = self.matrix()
        names = _fields(RiskLevel)
        stored = {(level.axis, level.position): level for level in matrix.levels.all()}
        seen: dict[tuple, int] = {}
        codes: dict[tuple, int] = {}
        levels = []
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            try:
                axis = parse_choice(row.text("Axis"), Axis) if row.text("Axis") else ""
            except ValueError as error:
                self.error(RISK_LEVELS, row.number, "Axis", str(error))
                continue
            position = self.read(RISK_LEVELS, row, "Position", parse_whole)
            if not axis or position is None:
                if not axis:
                    self.error(RISK_LEVELS, row.number, "Axis", "give Likelihood or Impact")
                if not row.text("Position"):
                    self.error(RISK_LEVELS, row.number, "Position", "give its position, 1 up")
                continue
            key, code_key = (axis, position), (axis, row.text("Code").casefold())
            for where, column, taken in ((key, "Position", seen), (code_key, "Code", codes)):
                if where in taken:
                    self.error(RISK_LEVELS, row.number, column, f"also in row {taken[where]}")
                taken.setdefault(where, row.number)
            level = stored.get(key) or RiskLevel(matrix=matrix, axis=axis, position=position)
            before = _snapshot(level, names)
            self.text_fields(level, row, (("Code", "code"), ("Words", "words")))
            if len(self.result.errors) > errors_before:
                continue
            try:
                level.full_clean(validate_constraints=False)
            except ValidationError as error:
                self.validation_errors(RISK_LEVELS, row, error)
                continue
            levels.append((level, before))
        # A code kept by a level the sheet does not give would be there twice.
        for (axis, position), level in stored.items():
            if (axis, position) not in seen and (axis, level.code.casefold()) in codes:
                self.error(
                    RISK_LEVELS,
                    codes[(axis, level.code.casefold())],
                    "Code",
                    f'"{level.code}" is the code of {level.get_axis_display().lower()} level '
                    f"{position} already",
                )
        if self.result.errors:
            return
        tally = self.result.tallies.setdefault(RISK_LEVELS, SheetTally())
        changed = [
            (level, before)
            for level, before in levels
            if tally.count(level, before, _snapshot(level, names))
        ]
        # Codes may swap places: clear the changed ones first, then write them.
        for level, _ in changed:
            if level.pk is not None:
                RiskLevel.objects.filter(pk=level.pk).update(code=f"~{level.pk}")
        for level, _ in changed:
            self.save(level)

    def risk_bands_sheet(self, sheet: Sheet) -> None:
        """The matrix in use's bands by name: colour, lowest score and/or its own cells."""
        if not self.check_columns(sheet):
            return
        matrix = self.matrix()
        names = _fields(RiskBand)
        stored = {band.name.casefold(): band for band in matrix.bands.all()}
        seen: dict[str, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            name = row.text("Band")
            if not name:
                self.error(RISK_BANDS, row.number, "Band", "every band needs its name")
                continue
            if name.casefold() in seen:
                self.error(RISK_BANDS, row.number, "Band", f"also in row {seen[name.casefold()]}")
                continue
            seen[name.casefold()] = row.number
            band = stored.get(name.casefold()) or RiskBand(matrix=matrix, name=name)
            before = _snapshot(band, names)
            self.choice_fields(band, RISK_BANDS, row)
            if "Lowest score" in row:
                band.minimum = self.read(RISK_BANDS, row, "Lowest score", parse_whole)
            self.text_fields(band, row, (("Cells", "cells"),))
            self.finish(RISK_BANDS, row, band, before, names, errors_before)

    # Yearly targets ----------------------------------------------------------------------

    def targets_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(KpiTarget)
        stored = {
            (t.kpi_id, t.financial_year): t
            for t in KpiTarget.objects.filter(kpi__council=self.council)
        }
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            code = row.text("Code")
            kpi = self.kpis.get(code.casefold())
            if kpi is None:
                if code.casefold() not in self.failed_codes:
                    self.error(
                        TARGETS,
                        row.number,
                        "Code",
                        f'"{code}" is not a measure of this council'
                        if code
                        else "every target needs its measure's code",
                    )
                continue
            year = self.read(TARGETS, row, "Year", parse_year)
            if year is None:
                continue
            key = (kpi.pk, year)
            if key in seen:
                self.error(
                    TARGETS, row.number, "Year", f"this year's target is also in row {seen[key]}"
                )
                continue
            seen[key] = row.number
            target = stored.get(key) or KpiTarget(kpi=kpi, financial_year=year)
            before = _snapshot(target, names)
            self.choice_fields(target, TARGETS, row)
            if "Amount" in row:
                target.amount = self.read(TARGETS, row, "Amount", parse_decimal)
            self.finish(
                TARGETS, row, target, before, names, errors_before, validate_constraints=False
            )

    def take_out_of_use(self, schemes: list[RagScheme]) -> None:
        for scheme in schemes:
            if scheme.in_use:
                scheme.in_use = False
                self.save(scheme)

    def matrix(self) -> RiskMatrix:
        matrix = RiskMatrix.objects.filter(council=self.council, in_use=True).first()
        if matrix is None:
            matrix = create_matrix(self.council, "letters_numerals")
        return matrix

    def risk_setting(self, name: str, value: str, tally: SheetTally) -> None:
        matrix = self.matrix()
        if name == "Risk matrix":
            if value not in MATRIX_PRESETS:
                raise ValueError(f'"{value}" is not a built-in matrix: {", ".join(MATRIX_PRESETS)}')
            if matrix.preset != value:
                matrix.in_use = False
                self.save(matrix)
                create_matrix(self.council, value)
                tally.created += 1
            return
        if name == "Risk notation":
            changed = matrix.notation != value
            matrix.notation = value
        elif name == "Risk appetite":
            appetite = parse_whole(Cell(value))
            changed = matrix.appetite != appetite
            matrix.appetite = appetite
        else:
            changed = self.risk_bands(matrix, value)
        if changed:
            try:
                matrix.full_clean()
            except ValidationError as error:
                raise ValueError("; ".join(error.messages)) from None
            self.save(matrix)
            tally.updated += 1

    def risk_bands(self, matrix: RiskMatrix, value: str) -> bool:
        """ "low green 1; medium yellow 6; high red 12": bands by name, updated or added."""
        bands = {band.name.casefold(): band for band in matrix.bands.all()}
        changed = False
        for part in value.split(";"):
            words = part.split()
            if not part.strip():
                continue
            if len(words) < 3 or not words[-1].isdigit():
                raise ValueError(
                    f'"{part.strip()}" is not a band: write its name, colour and '
                    'lowest score, like "high red 12"'
                )
            band_name, colour, minimum = " ".join(words[:-2]), words[-2].casefold(), int(words[-1])
            band = bands.get(band_name.casefold()) or RiskBand(matrix=matrix, name=band_name)
            if band.pk is None or (band.colour, band.minimum) != (colour, minimum):
                band.colour, band.minimum = colour, minimum
                try:
                    band.full_clean()
                except ValidationError as error:
                    raise ValueError(f"{band_name}: " + "; ".join(error.messages)) from None
                self.save(band)
                changed = True
        return changed

    # Plans and themes --------------------------------------------------------------------

    def plans_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(Plan)
        slugs = {p.slug for p in self.plans.values()}
        seen: dict[str, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            title = row.text("Title")
            key = title.casefold()
            if not title:
                self.error(PLANS, row.number, "Title", "every plan needs its title")
                continue
            if key in seen:
                self.error(PLANS, row.number, "Title", f'"{title}" is also in row {seen[key]}')
                self.failed[PLANS].add(key)
                continue
            seen[key] = row.number
            plan = self.plans.get(key) or Plan(council=self.council, title=title)
            before = _snapshot(plan, names)
            self.choice_fields(plan, PLANS, row)
            years = self.read(PLANS, row, "Years", parse_years)
            if years:
                plan.start_year, plan.end_year = years
            self.text_fields(
                plan,
                row,
                (
                    ("Approved by", "approved_by"),
                    ("Owner", "owner"),
                    ("Summary", "summary"),
                    ("Source document", "source_document"),
                ),
            )
            if "Approved on" in row:
                plan.approved_on = self.read(PLANS, row, "Approved on", parse_date)
            if row.text("Slug"):
                plan.slug = row.text("Slug")
            elif not plan.slug:
                base = slugify(title)[:90] or "plan"
                plan.slug, n = base, 1
                while plan.slug in slugs:
                    n += 1
                    plan.slug = f"{base}-{n}"
            if plan.pk is None and plan.slug in slugs:
                self.error(PLANS, row.number, "Slug", f'another plan has the slug "{plan.slug}"')
            if not self.finish(
                PLANS, row, plan, before, names, errors_before, validate_constraints=False
            ):
                self.failed[PLANS].add(key)
                continue
            slugs.add(plan.slug)
            self.plans[key] = plan

    def themes_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(Theme)
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            plan = self.plan(THEMES, row)
            number = self.read(THEMES, row, "Number", parse_whole)
            if number is None and not row.text("Number"):
                self.error(THEMES, row.number, "Number", "every theme needs its number")
            if plan is None or number is None:
                continue
            key = (plan.pk, number)
            if key in seen:
                self.error(
                    THEMES,
                    row.number,
                    "Number",
                    f"theme {number} of this plan is also in row {seen[key]}",
                )
                self.failed[THEMES].add(key)
                continue
            seen[key] = row.number
            theme = self.themes.get(key) or Theme(plan=plan, number=number)
            before = _snapshot(theme, names)
            self.choice_fields(theme, THEMES, row)
            self.text_fields(
                theme, row, (("Title", "title"), ("Description", "description"), ("Lead", "lead"))
            )
            if self.finish(THEMES, row, theme, before, names, errors_before):
                self.themes[key] = theme
            else:
                self.failed[THEMES].add(key)

    # Actions -----------------------------------------------------------------------------

    def actions_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(Action)
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            action, plan, theme, number = self.action(ACTIONS, row)
            if plan is None or number is None or (theme is None and row.text("Theme")):
                continue
            key = (plan.pk, theme.pk if theme else None, number)
            if key in seen:
                self.error(
                    ACTIONS,
                    row.number,
                    "No.",
                    f"action {number} of this theme is also in row {seen[key]}",
                )
                self.failed[ACTIONS].add(key)
                continue
            seen[key] = row.number
            action = action or Action(plan=plan, theme=theme, order=number)
            before = _snapshot(action, names)
            self.status_scheme(ACTIONS, row)
            self.choice_fields(action, ACTIONS, row)
            self.text_fields(
                action,
                row,
                (
                    ("Reference", "reference"),
                    ("Title", "title"),
                    ("Description", "description"),
                    ("Lead officer", "lead_officer"),
                    ("Directorate", "directorate"),
                    ("Section", "section"),
                    ("Portfolio holder", "portfolio_holder"),
                    ("Due as written", "due_label"),
                    ("Tranche", "tranche"),
                ),
            )
            for column, name in (
                ("Start date", "start_date"),
                ("Due date", "due_date"),
                ("Original due date", "original_due_date"),
            ):
                if column in row:
                    setattr(action, name, self.read(ACTIONS, row, column, parse_date))
            for column, name in (("Priority", "priority"), ("% complete", "percent_complete")):
                if column in row:
                    setattr(action, name, self.read(ACTIONS, row, column, parse_whole))
            assigned = None
            if "Assigned to" in row:
                assigned = []
                for email in row.text("Assigned to").replace(",", ";").split(";"):
                    if email.strip():
                        assigned.append(self.member(ACTIONS, row, "Assigned to", email))
            if not self.finish(ACTIONS, row, action, before, names, errors_before):
                self.failed[ACTIONS].add(key)
                continue
            self.actions[key] = action
            if assigned is not None and action.pk is not None:
                wanted = {user.pk for user in assigned if user}
                if wanted != set(action.assigned_users.values_list("pk", flat=True)):
                    had = list(action.assigned_users.values_list("email", flat=True))
                    action.assigned_users.set(wanted)
                    self.m2m_changed(
                        ACTIONS, action, row, "Assigned to", had, [u.email for u in assigned if u]
                    )

    def updates_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(ActionUpdate)
        stored: dict[tuple, list[ActionUpdate]] = defaultdict(list)
        for update in ActionUpdate.objects.filter(action__plan__council=self.council).order_by(
            "date", "created_at", "pk"
        ):
            stored[(update.action_id, update.date)].append(update)
        used: dict[tuple, int] = defaultdict(int)
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            action, plan, theme, number = self.action(ACTION_UPDATES, row)
            date = self.read(ACTION_UPDATES, row, "As at", parse_date)
            if date is None and not row.text("As at"):
                self.error(ACTION_UPDATES, row.number, "As at", "give the date it speaks for")
            if action is None:
                theme_pk = theme.pk if theme else None
                if (
                    plan
                    and (theme or not row.text("Theme"))
                    and number is not None
                    and ((plan.pk, theme_pk, number) not in self.failed[ACTIONS])
                ):
                    where = f"theme {theme.number}" if theme else "no theme"
                    self.error(
                        ACTION_UPDATES,
                        row.number,
                        "No.",
                        f'there is no action {number} of {where} in "{plan.title}"',
                    )
                continue
            if date is None:
                continue
            key = (action.pk, date)
            index = used[key]
            used[key] += 1
            existing = stored[key][index] if index < len(stored[key]) else None
            update = existing or ActionUpdate(action=action, date=date)
            before = _snapshot(update, names)
            self.status_scheme(ACTION_UPDATES, row)
            self.choice_fields(update, ACTION_UPDATES, row)
            if "% complete" in row:
                update.percent_complete = self.read(ACTION_UPDATES, row, "% complete", parse_whole)
            self.text_fields(update, row, (("Commentary", "commentary"), ("Author", "author_name")))
            if "Author email" in row:
                update.author = self.person(ACTION_UPDATES, row, "Author email")
            if update.stage or update.rag:  # the status follows (as the forms set it)
                update.status = status_from_stage_and_rag(update.stage, update.rag)
            self.finish(ACTION_UPDATES, row, update, before, names, errors_before)

    # Risks -------------------------------------------------------------------------------

    def risks_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(RiskRegisterEntry)
        matrix = self.matrix().engine()
        seen: dict[str, int] = {}
        merges = []
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            reference, title = row.text("Reference"), row.text("Title")
            key = (reference or title).casefold()
            if not key:
                self.error(RISKS, row.number, "Title", "every risk needs its title")
                continue
            if key in seen:
                self.error(
                    RISKS,
                    row.number,
                    "Reference" if reference else "Title",
                    f'"{reference or title}" is also in row {seen[key]}',
                )
                self.failed[RISKS].add(key)
                continue
            seen[key] = row.number
            risk = self.risks.get(key) or RiskRegisterEntry(council=self.council)
            risk.matrix = matrix
            before = _snapshot(risk, names)
            self.choice_fields(risk, RISKS, row)
            self.text_fields(
                risk,
                row,
                (
                    ("Reference", "reference"),
                    ("Title", "title"),
                    ("Description", "description"),
                    ("Owner", "owner"),
                    ("Inherent", "inherent_score"),
                    ("Current", "residual_score"),
                    ("Target", "target_score"),
                    ("Mitigation", "mitigation"),
                ),
            )
            if "Review date" in row:
                risk.review_date = self.read(RISKS, row, "Review date", parse_date)
            if "Register page" in row:
                risk.register_page = self.read(RISKS, row, "Register page", parse_whole)
            themes = None
            if "Themes" in row:
                themes = []
                for part in row.text("Themes").split(";"):
                    if not part.strip():
                        continue
                    title_part, _, number = part.strip().rpartition(":")
                    plan = self.plans.get(title_part.strip().casefold())
                    theme = (
                        self.themes.get((plan.pk, int(number.strip())))
                        if plan and number.strip().isdigit()
                        else None
                    )
                    if theme is None:
                        self.error(
                            RISKS,
                            row.number,
                            "Themes",
                            f'"{part.strip()}" is not a theme of this council\'s plans '
                            '(write "Plan title: theme number")',
                        )
                    themes.append(theme)
            merged = row.text("Merged into")
            if merged:
                merges.append((row, risk, merged))
                risk.merged_into = None  # set once every risk of the sheet is known
                status = risk.status
                risk.status = "open"
            if not self.finish(RISKS, row, risk, before, names, errors_before):
                self.failed[RISKS].add(key)
                continue
            if merged:
                risk.status = status
            self.risks[key] = risk
            if themes is not None and risk.pk is not None:
                wanted = {theme.pk for theme in themes if theme}
                if wanted != set(risk.themes.values_list("pk", flat=True)):
                    had = [str(theme) for theme in risk.themes.all()]
                    risk.themes.set(wanted)
                    self.m2m_changed(RISKS, risk, row, "Themes", had, [str(t) for t in themes if t])
        for row, risk, merged in merges:
            target = self.risks.get(merged.casefold())
            if target is None:
                self.error(
                    RISKS, row.number, "Merged into", f'"{merged}" is not a risk of this council'
                )
                continue
            risk.merged_into = target
            errors_before = len(self.result.errors)
            try:
                risk.full_clean()
            except ValidationError as error:
                self.validation_errors(RISKS, row, error)
            if len(self.result.errors) == errors_before and (
                RiskRegisterEntry.objects.filter(pk=risk.pk)
                .values_list("merged_into_id", "status")
                .get()
                != (target.pk, risk.status)
            ):
                self.save(risk)

    def assessments_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(RiskAssessment, "assessed_at")
        matrix = self.matrix().engine()
        stored = {
            (a.risk_id, a.financial_year, a.quarter): a
            for a in RiskAssessment.objects.filter(risk__council=self.council)
        }
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            name = row.text("Risk")
            risk = self.risks.get(name.casefold())
            if risk is None:
                if name.casefold() not in self.failed[RISKS]:
                    self.error(
                        RISK_ASSESSMENTS,
                        row.number,
                        "Risk",
                        f'"{name}" is not a risk of this council'
                        if name
                        else "name the risk (its reference)",
                    )
                continue
            risk.matrix = matrix
            year = self.read(RISK_ASSESSMENTS, row, "Year", parse_year)
            try:
                quarter = parse_quarter(row.text("Quarter"))
            except ValueError as error:
                self.error(RISK_ASSESSMENTS, row.number, "Quarter", str(error))
                quarter = None
            if quarter == 0:
                self.error(RISK_ASSESSMENTS, row.number, "Quarter", "give the quarter, Q1 to Q4")
            if year is None or not quarter:
                continue
            key = (risk.pk, year, quarter)
            if key in seen:
                self.error(
                    RISK_ASSESSMENTS,
                    row.number,
                    "",
                    f"this risk's assessment for this quarter is also in row {seen[key]}",
                )
                continue
            seen[key] = row.number
            assessment = stored.get(key) or RiskAssessment(
                risk=risk, financial_year=year, quarter=quarter
            )
            assessment.risk = risk
            before = _snapshot(assessment, names)
            self.choice_fields(assessment, RISK_ASSESSMENTS, row)
            self.text_fields(assessment, row, (("Score", "score"), ("Commentary", "commentary")))
            if "Assessed by" in row:
                assessment.assessed_by = self.person(RISK_ASSESSMENTS, row, "Assessed by")
            self.finish(
                RISK_ASSESSMENTS,
                row,
                assessment,
                before,
                names,
                errors_before,
                validate_constraints=False,
            )

    # Savings -----------------------------------------------------------------------------

    def savings_sheet(self, sheet: Sheet) -> None:
        if not self.check_columns(sheet):
            return
        names = _fields(SavingsTarget)
        stored = {}
        for saving in SavingsTarget.objects.filter(council=self.council).order_by("pk"):
            stored.setdefault((saving.title.casefold(), saving.start_year), saving)
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            yield  # a row read (the import reports its progress)
            errors_before = len(self.result.errors)
            title = row.text("Title")
            years = self.read(SAVINGS, row, "Years", parse_years)
            if not title:
                self.error(SAVINGS, row.number, "Title", "every savings line needs its title")
            if not row.text("Years"):
                self.error(SAVINGS, row.number, "Years", "give its financial year(s)")
            if not title or not years:
                continue
            key = (title.casefold(), years[0])
            if key in seen:
                self.error(
                    SAVINGS,
                    row.number,
                    "Title",
                    f"this line (same title and first year) is also in row {seen[key]}",
                )
                continue
            seen[key] = row.number
            saving = stored.get(key) or SavingsTarget(council=self.council, title=title)
            before = _snapshot(saving, names)
            saving.start_year, saving.end_year = years
            plan = self.plan(SAVINGS, row, required=False) if "Plan" in row else saving.plan
            saving.plan = plan
            if "Theme" in row:
                saving.theme = self.theme(SAVINGS, row, plan, required=False)
            if "Action" in row:
                text = row.text("Action")
                saving.action = None
                if text:
                    theme_no, _, no = text.partition(".")
                    theme = (
                        self.themes.get((plan.pk, int(theme_no)))
                        if (plan and theme_no.isdigit())
                        else None
                    )
                    found = (
                        self.actions.get((plan.pk, theme.pk, int(no)))
                        if theme and no.isdigit()
                        else None
                    )
                    if found is None:
                        self.error(
                            SAVINGS,
                            row.number,
                            "Action",
                            f'"{text}" is not an action of the plan (write its theme '
                            "and number, like 2.3)",
                        )
                    saving.action = found
            self.choice_fields(saving, SAVINGS, row)
            for column, name in (
                ("Target %", "target_percent"),
                ("Budget £", "budget_amount"),
                ("Target £", "target_amount"),
                ("Identified £", "identified_amount"),
                ("Achieved £", "achieved_amount"),
            ):
                if column in row:
                    setattr(saving, name, self.read(SAVINGS, row, column, parse_decimal))
            self.text_fields(saving, row, (("Commentary", "commentary"),))
            self.finish(SAVINGS, row, saving, before, names, errors_before)


@dataclass(frozen=True)
class Progress:
    """How far the import is: ``done`` rows of ``sheet`` read, of ``total`` (None: unknown)."""

    sheet: str
    done: int
    total: int | None


#: Rows between two progress reports.
PROGRESS_EVERY = 100


class _Counted:
    """A sheet's rows, counted as they are read."""

    def __init__(self, rows) -> None:
        self.rows = iter(rows)
        self.done = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self.rows)
        self.done += 1
        return row


def import_workbook(
    council: Council,
    user,
    name: str,
    data: bytes,
    *,
    dry_run: bool = False,
    invite: bool = False,
    base_url: str = "",
    progress: Callable[[str, int, int | None], None] | None = None,
) -> ImportResult:
    """Import a workbook file (its name and bytes) into ``council``, as ``user``.

    Raises ``WorkbookError`` for a file that cannot be read; row problems are in the result's
    ``errors``, and then nothing is written. A dry run checks and counts, and writes nothing.
    With ``invite``, an email the workbook names that is not a member's invites that person
    as an officer of the council (the set-password email goes once the import is committed,
    with links starting with ``base_url``, by default the SITE_URL setting); the result's
    ``invited`` lists them (a dry run lists who would be). ``progress`` is called with each
    sheet's name, rows done and rows in all (None if the file does not say) as it goes: at a
    sheet's start and end and every PROGRESS_EVERY rows.
    """
    steps = importing(council, user, name, data, dry_run=dry_run, invite=invite, base_url=base_url)
    while True:
        try:
            event = next(steps)
        except StopIteration as finished:
            return finished.value
        if progress is not None:
            progress(event.sheet, event.done, event.total)


def importing(
    council: Council,
    user,
    name: str,
    data: bytes,
    *,
    dry_run: bool = False,
    invite: bool = False,
    base_url: str = "",
) -> Iterator[Progress]:
    """:func:`import_workbook` as a generator of its progress, returning its result.

    The import is one transaction open while the generator runs: run it to its end in one
    thread (a generator closed early rolls the import back).
    """
    books = read_workbook(name, data, list(spec.SHEETS))
    by_key = {sheet.casefold(): sheet for sheet in spec.SHEETS}
    sheets: dict[str, Sheet] = {}
    result = ImportResult(dry_run=dry_run)
    for title, rows in books.items():
        sheet = by_key.get(title.strip().casefold())
        if sheet is None:
            result.ignored_sheets.append(title)
        else:
            sheets[sheet] = to_sheet(sheet, rows, spec.headers(sheet))
    if not sheets:
        raise WorkbookError(
            "This workbook has none of the sheets "
            + ", ".join(spec.SHEETS)
            + (f" (its sheets: {', '.join(result.ignored_sheets)})." if books else ".")
        )
    with transaction.atomic():
        importer = _Importer(
            council, user, result, invite=invite, base_url=base_url or settings.SITE_URL
        )
        steps = {
            SETTINGS: importer.settings,
            RAG_STATES: importer.rag_states_sheet,
            RISK_LEVELS: importer.risk_levels_sheet,
            RISK_BANDS: importer.risk_bands_sheet,
            TARGETS: importer.targets_sheet,
            PLANS: importer.plans_sheet,
            THEMES: importer.themes_sheet,
            MEASURES: importer.measures,
            VALUES: importer.values,
            ACTIONS: importer.actions_sheet,
            ACTION_UPDATES: importer.updates_sheet,
            RISKS: importer.risks_sheet,
            RISK_ASSESSMENTS: importer.assessments_sheet,
            SAVINGS: importer.savings_sheet,
        }
        for name_ in spec.SHEETS:
            if name_ not in sheets:
                continue
            sheet = sheets[name_]
            rows = sheet.rows = _Counted(sheet.rows)
            yield Progress(name_, 0, sheet.total)
            # Each step yields once a row read: the moments to say how far it is.
            for _ in steps[name_](sheet):
                if rows.done % PROGRESS_EVERY == 0:
                    yield Progress(name_, rows.done, sheet.total)
            yield Progress(name_, rows.done, rows.done)
        if result.errors or result.dry_run:
            transaction.set_rollback(True)
        else:
            result.record = record(council, user, name, result, data)
    return result


def record(council: Council, user, name: str, result: ImportResult, data: bytes = b""):
    from workbooks.models import WorkbookImport

    return WorkbookImport.objects.create(
        council=council,
        user=user,
        file_name=str(name)[:255],
        summary={
            sheet: {"created": t.created, "updated": t.updated, "unchanged": t.unchanged}
            for sheet, t in result.tallies.items()
        },
        data=data,
        file_size=len(data),
        invited=result.invited,
    )
