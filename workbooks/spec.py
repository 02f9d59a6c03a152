"""The workbook's sheets and their columns: ONE list used by the import, the export and the
blank template, so what is written is exactly what is read.

Each column names its header as written, the model field it fills (for the reader of this
file; the importer fills it), whether a row needs it, and, for a fixed choice, the choices
(written by their labels; the import also accepts the stored values).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from actions.models import ActionRag, ActionStage, ActionStatus, Horizon
from core.rag import Colour, Polarity, Rag, Symbol, Trend
from core.targets import TargetKind
from core.units import Unit
from kpis.models import Frequency, NotPublished
from plans.models import (
    ActionStatusScheme,
    PlanKind,
    PlanStatus,
    SavingsBasis,
    SavingsKind,
    SavingsRecurrence,
    SavingsStatus,
    ThemeKind,
)
from risks.models import Axis, BandColour, Direction, RiskRag, RiskStatus


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class QuarterChoice(models.TextChoices):
    Q1 = "1", "Q1"
    Q2 = "2", "Q2"
    Q3 = "3", "Q3"
    Q4 = "4", "Q4"


@dataclass(frozen=True)
class Column:
    header: str
    field: str = ""
    required: bool = False
    choices: type[models.TextChoices] | None = None
    help: str = ""

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.choices.labels] if self.choices else []


SETTINGS = "Settings"
RAG_STATES = "RAG states"
RISK_LEVELS = "Risk levels"
RISK_BANDS = "Risk bands"
TARGETS = "Targets"
PLANS = "Plans"
THEMES = "Themes"
MEASURES = "Measures"
VALUES = "Values"
ACTIONS = "Actions"
ACTION_UPDATES = "Action updates"
RISKS = "Risks"
RISK_ASSESSMENTS = "Risk assessments"
SAVINGS = "Savings"

#: The RAG scheme's own thresholds (Settings rows; "Built-in": the built-in scheme's).
RAG_THRESHOLDS = {
    "RAG measured as": "measure",
    "RAG tolerance": "amber_band",
    "RAG green band": "green_band",
    "RAG better band": "better_band",
    "RAG Amber if no worse than last year": "trend_amber",
}
BUILT_IN = "Built-in"

#: The settings a Settings sheet may hold (its Setting column), in the order written.
SETTING_NAMES = (
    "RAG scheme",
    *RAG_THRESHOLDS,
    "Tolerance",
    "Savings at-risk shortfall",
    "Action status scheme",
    "Risk matrix",
    "Risk notation",
    "Risk appetite",
    "Risk bands",
)

YEARS_HELP = 'A financial year, "2024/25", or a span, "2012/13-2014/15".'
ACTION_KEY = (
    Column("Plan", "plan", True, help="The plan's title."),
    Column("Theme", "theme", True, help="The theme's number within the plan."),
    Column("No.", "order", True, help="The action's number within its theme."),
)

#: Every sheet's columns, in the workbook's order (a sheet that refers to another comes after).
SHEETS: dict[str, tuple[Column, ...]] = {
    SETTINGS: (
        Column("Setting", required=True, help="One of: " + ", ".join(SETTING_NAMES)),
        Column(
            "Value",
            help='Empty: left as it is. The RAG thresholds: "Built-in" for the built-in scheme\'s.',
        ),
    ),
    RAG_STATES: (
        Column("State", "role", True, Rag, help="The role the state plays in the scheme."),
        Column("Label", "label", True, help='The word shown, e.g. "On track".'),
        Column("Symbol", "symbol", False, Symbol),
        Column("Colour", "colour", True, Colour),
        Column("Meaning", "meaning", help="In the key; empty: the built-in scheme's words."),
    ),
    RISK_LEVELS: (
        Column("Axis", "axis", True, Axis),
        Column("Position", "position", True, help="1 for the most likely / most severe level."),
        Column("Code", "code", True, help='As written in a score: "B", "II", "4".'),
        Column("Words", "words", True),
    ),
    RISK_BANDS: (
        Column("Band", "name", True),
        Column("Colour", "colour", True, BandColour),
        Column("Lowest score", "minimum", help="Likelihood rank × impact rank."),
        Column("Cells", "cells", help='Or its cells, e.g. "AI, AII, BI" (these win).'),
    ),
    PLANS: (
        Column("Title", "title", True),
        Column("Kind", "kind", True, PlanKind),
        Column("Years", "start_year", True, help=YEARS_HELP),
        Column("Status", "status", False, PlanStatus),
        Column("Approved by", "approved_by"),
        Column("Approved on", "approved_on", help="A date, e.g. 31/07/2024."),
        Column("Owner", "owner"),
        Column("Summary", "summary"),
        Column("Source document", "source_document"),
        Column("Slug", "slug", help="Its address; empty: made from the title."),
    ),
    THEMES: (
        Column("Plan", "plan", True, help="The plan's title."),
        Column("Number", "number", True),
        Column("Title", "title", True),
        Column("Kind", "kind", False, ThemeKind),
        Column("Description", "description"),
        Column("Lead", "lead"),
    ),
    MEASURES: (
        Column("Code", "code", True),
        Column("Measure", "name", True),
        Column("Plan", "plan"),
        Column("Theme", "theme"),
        Column("Unit", "unit", False, Unit),
        Column("Polarity", "polarity", False, Polarity),
        Column("Frequency", "frequency", False, Frequency),
        Column("Data only", "data_only", False, YesNo),
        Column("Tolerance", "rag_tolerance"),
        Column("Owner", "owner"),
        Column("Owner email", "owner_user"),
        Column("Definition", "definition"),
        Column("Cumulative", "cumulative", False, YesNo),
        Column("Beyond 0-100%", "percent_unbounded", False, YesNo),
        Column("Baseline", "baseline"),
        Column("Baseline year", "baseline_year"),
        Column("Order", "order"),
    ),
    TARGETS: (
        Column("Code", "kpi", True, help="The measure's code (or its name, if it has none)."),
        Column("Year", "financial_year", True),
        Column("Set as", "kind", False, TargetKind),
        Column("Amount", "amount", help="The target, or the % change on the baseline a year."),
    ),
    VALUES: (
        Column("Code", "kpi", True),
        Column("Year", "financial_year", True),
        Column("Quarter", "quarter", False, QuarterChoice),
        Column("Month", "month"),
        Column("Actual", "actual"),
        Column("Target", "target"),
        Column("Commentary", "commentary"),
        Column("Not published", "not_published", False, NotPublished),
        Column("Data only", "data_only", False, YesNo),
        Column("Short trend reported", "reported_short_trend", False, Trend),
        Column("Long trend reported", "reported_long_trend", False, Trend),
    ),
    ACTIONS: (
        *ACTION_KEY,
        Column("Reference", "reference"),
        Column("Title", "title", True),
        Column("Description", "description"),
        Column("Lead officer", "lead_officer"),
        Column("Directorate", "directorate"),
        Column("Section", "section"),
        Column("Portfolio holder", "portfolio_holder"),
        Column("Assigned to", "assigned_users", help="Members' emails, separated by ;"),
        Column("Start date", "start_date"),
        Column("Due date", "due_date"),
        Column("Original due date", "original_due_date"),
        Column("Due as written", "due_label"),
        Column("Horizon", "horizon", False, Horizon),
        Column("Tranche", "tranche"),
        Column("Priority", "priority"),
        Column("Status", "status", False, ActionStatus),
        Column("Stage", "stage", False, ActionStage),
        Column("RAG", "rag", False, ActionRag),
        Column("% complete", "percent_complete"),
    ),
    ACTION_UPDATES: (
        *ACTION_KEY,
        Column("As at", "date", True, help="The date the update speaks for."),
        Column("Status", "status", False, ActionStatus),
        Column("Stage", "stage", False, ActionStage),
        Column("RAG", "rag", False, ActionRag),
        Column("% complete", "percent_complete"),
        Column("Commentary", "commentary"),
        Column("Author email", "author"),
        Column("Author", "author_name"),
    ),
    RISKS: (
        Column("Reference", "reference", help="Empty: the risk is matched by its title."),
        Column("Title", "title", True),
        Column("Description", "description"),
        Column("Owner", "owner"),
        Column("Themes", "themes", help='"Plan title: theme number", separated by ;'),
        Column("Inherent", "inherent_score", help="In the council's matrix notation."),
        Column("Current", "residual_score", help="In the council's matrix notation."),
        Column("Target", "target_score", help="In the council's matrix notation."),
        Column("Mitigation", "mitigation"),
        Column("Review date", "review_date"),
        Column("Status", "status", False, RiskStatus),
        Column("Merged into", "merged_into", help="The reference of the risk it joined."),
        Column("Direction", "direction", False, Direction),
        Column("Register page", "register_page"),
    ),
    RISK_ASSESSMENTS: (
        Column("Risk", "risk", True, help="The risk's reference (or title)."),
        Column("Year", "financial_year", True),
        Column("Quarter", "quarter", True, QuarterChoice),
        Column("Score", "score"),
        Column("RAG", "rag", False, RiskRag),
        Column("Commentary", "commentary"),
        Column("Assessed by", "assessed_by", help="A member's email."),
    ),
    SAVINGS: (
        Column("Title", "title", True),
        Column("Years", "start_year", True, help=YEARS_HELP),
        Column("Plan", "plan"),
        Column("Theme", "theme", help="The theme's number within the plan."),
        Column("Action", "action", help='Theme and action number in the plan, e.g. "2.3".'),
        Column("Type", "kind", False, SavingsKind),
        Column("One-off or recurring", "recurrence", False, SavingsRecurrence),
        Column("Target set as", "target_basis", False, SavingsBasis),
        Column("Target %", "target_percent"),
        Column("Budget £", "budget_amount"),
        Column("Target £", "target_amount"),
        Column("Status", "reported_status", False, SavingsStatus),
        Column("Identified £", "identified_amount"),
        Column("Achieved £", "achieved_amount"),
        Column("Commentary", "commentary"),
    ),
}

#: A Settings row's fixed choices, where it has some.
SETTING_CHOICES: dict[str, type[models.TextChoices]] = {
    "Action status scheme": ActionStatusScheme,
}


def headers(sheet: str) -> list[str]:
    return [column.header for column in SHEETS[sheet]]


def required(sheet: str) -> list[str]:
    return [column.header for column in SHEETS[sheet] if column.required]
