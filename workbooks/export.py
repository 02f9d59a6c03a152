"""Write a council's whole workbook: every sheet of :mod:`workbooks.spec`, with exactly the
headers the import reads, so an exported workbook imports back into any council unchanged.

The workbook is written with openpyxl's write-only mode, a row at a time, to a file or any
binary stream (a download).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Prefetch

from actions.models import Action, ActionUpdate
from core.periods import MONTH_NAMES, FinancialYear
from kpis.models import KPI, KpiTarget, KpiValue
from kpis.schemes import RagScheme, RagState
from plans.models import Council, Plan, SavingsTarget, Theme
from risks.models import (
    RiskAssessment,
    RiskBand,
    RiskLevel,
    RiskMatrix,
    RiskRegisterEntry,
)
from workbooks import spec

Rows = Iterator[dict[str, Any]]


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _year(year: int | None) -> str:
    return str(FinancialYear(year)) if year else ""


def _years(start: int, end: int) -> str:
    return _year(start) if start == end else f"{_year(start)}-{_year(end)}"


def _choices(sheet: str, header: str):
    return next(c.choices for c in spec.SHEETS[sheet] if c.header == header)


def settings_rows(council: Council) -> Rows:
    scheme = RagScheme.objects.filter(council=council, in_use=True).first()
    matrix = RiskMatrix.objects.filter(council=council, in_use=True).first()
    values = {
        "RAG scheme": scheme.preset if scheme else "",
        "Tolerance": council.rag_tolerance,
        "Savings at-risk shortfall": council.savings_at_risk_shortfall,
        "Action status scheme": council.get_action_status_scheme_display(),
        "Risk matrix": matrix.preset if matrix else "",
        "Risk notation": matrix.notation if matrix else "",
        "Risk appetite": matrix.appetite if matrix else None,
        "Risk bands": "",  # the Risk bands sheet carries them, with their own cells
    }
    for setting, name in spec.RAG_THRESHOLDS.items():
        value = getattr(scheme, name) if scheme else ""
        if scheme is None:
            pass
        elif value is None or value == "":
            value = spec.BUILT_IN
        elif name == "measure":
            value = scheme.get_measure_display()
        elif name == "trend_amber":
            value = _yes_no(value)
        values[setting] = value
    for name in spec.SETTING_NAMES:
        yield {"Setting": name, "Value": values[name]}


def rag_state_rows(council: Council) -> Rows:
    states = RagState.objects.filter(scheme__council=council, scheme__in_use=True)
    for state in states.order_by("role"):
        yield {
            "State": state.get_role_display(),
            "Label": state.label,
            "Symbol": state.get_symbol_display() if state.symbol else "",
            "Colour": state.get_colour_display(),
            "Meaning": state.meaning,
        }


def risk_level_rows(council: Council) -> Rows:
    levels = RiskLevel.objects.filter(matrix__council=council, matrix__in_use=True)
    for level in levels.order_by("-axis", "position"):
        yield {
            "Axis": level.get_axis_display(),
            "Position": level.position,
            "Code": level.code,
            "Words": level.words,
        }


def risk_band_rows(council: Council) -> Rows:
    bands = RiskBand.objects.filter(matrix__council=council, matrix__in_use=True)
    for band in bands.order_by("minimum", "name", "pk"):
        yield {
            "Band": band.name,
            "Colour": band.get_colour_display(),
            "Lowest score": band.minimum,
            "Cells": band.cells,
        }


def target_rows(council: Council) -> Rows:
    targets = KpiTarget.objects.filter(kpi__council=council).select_related("kpi")
    for target in targets.order_by("kpi__code", "kpi__name", "financial_year"):
        yield {
            "Code": target.kpi.code or target.kpi.name,
            "Year": _year(target.financial_year),
            "Set as": target.get_kind_display(),
            "Amount": target.amount,
        }


def plan_rows(council: Council) -> Rows:
    for plan in Plan.objects.filter(council=council).order_by("title", "pk"):
        yield {
            "Title": plan.title,
            "Kind": _label(_choices(spec.PLANS, "Kind"), plan.kind),
            "Years": _years(plan.start_year, plan.end_year),
            "Status": plan.get_status_display(),
            "Approved by": plan.approved_by,
            "Approved on": plan.approved_on,
            "Owner": plan.owner,
            "Summary": plan.summary,
            "Source document": plan.source_document,
            "Slug": plan.slug,
        }


def theme_rows(council: Council) -> Rows:
    themes = Theme.objects.filter(plan__council=council).select_related("plan")
    for theme in themes.order_by("plan__title", "plan__pk", "number"):
        yield {
            "Plan": theme.plan.title,
            "Number": theme.number,
            "Title": theme.title,
            "Kind": theme.get_kind_display(),
            "Description": theme.description,
            "Lead": theme.lead,
        }


def measure_rows(council: Council) -> Rows:
    kpis = KPI.objects.filter(council=council).select_related("plan", "theme", "owner_user")
    for kpi in kpis.order_by("code", "name", "pk"):
        yield {
            "Code": kpi.code,
            "Measure": kpi.name,
            "Plan": kpi.plan.title if kpi.plan else "",
            "Theme": kpi.theme.number if kpi.theme else "",
            "Unit": kpi.get_unit_display(),
            "Polarity": kpi.get_polarity_display(),
            "Frequency": kpi.get_frequency_display(),
            "Data only": _yes_no(kpi.data_only),
            "Tolerance": kpi.rag_tolerance,
            "Owner": kpi.owner,
            "Owner email": kpi.owner_user.email if kpi.owner_user else "",
            "Definition": kpi.definition,
            "Cumulative": _yes_no(kpi.cumulative),
            "Beyond 0-100%": _yes_no(kpi.percent_unbounded),
            "Baseline": kpi.baseline,
            "Baseline year": _year(kpi.baseline_year),
            "Order": kpi.order,
        }


def value_rows(council: Council) -> Rows:
    values = KpiValue.objects.filter(kpi__council=council).select_related("kpi")
    for value in values.order_by("kpi__code", "kpi__name", "financial_year", "quarter", "month"):
        yield {
            "Code": value.kpi.code or value.kpi.name,
            "Year": _year(value.financial_year),
            "Quarter": f"Q{value.quarter}" if value.quarter else "",
            "Month": MONTH_NAMES[value.month] if value.month else "",
            "Actual": value.actual,
            "Target": value.target,
            "Commentary": value.commentary,
            "Not published": value.get_not_published_display() if value.not_published else "",
            "Data only": _yes_no(value.data_only),
            "Short trend reported": value.get_reported_short_trend_display()
            if value.reported_short_trend
            else "",
            "Long trend reported": value.get_reported_long_trend_display()
            if value.reported_long_trend
            else "",
        }


def _action_key(action: Action) -> dict[str, Any]:
    return {
        "Plan": action.plan.title,
        "Theme": action.theme.number if action.theme else "",
        "No.": action.order,
    }


def action_rows(council: Council) -> Rows:
    actions = (
        Action.objects.filter(plan__council=council)
        .select_related("plan", "theme")
        .prefetch_related("assigned_users")
        .order_by("plan__title", "plan__pk", "theme__number", "order", "pk")
    )
    for action in actions:
        yield {
            **_action_key(action),
            "Reference": action.reference,
            "Title": action.title,
            "Description": action.description,
            "Lead officer": action.lead_officer,
            "Directorate": action.directorate,
            "Section": action.section,
            "Portfolio holder": action.portfolio_holder,
            "Assigned to": "; ".join(
                sorted(user.email for user in action.assigned_users.all() if user.email)
            ),
            "Start date": action.start_date,
            "Due date": action.due_date,
            "Original due date": action.original_due_date,
            "Due as written": action.due_label,
            "Horizon": action.get_horizon_display() if action.horizon else "",
            "Tranche": action.tranche,
            "Priority": action.priority,
            "Status": action.get_status_display(),
            "Stage": action.get_stage_display() if action.stage else "",
            "RAG": action.get_rag_display() if action.rag else "",
            "% complete": action.percent_complete,
        }


def update_rows(council: Council) -> Rows:
    updates = (
        ActionUpdate.objects.filter(action__plan__council=council)
        .select_related("action__plan", "action__theme", "author")
        .order_by(
            "action__plan__title",
            "action__theme__number",
            "action__order",
            "date",
            "created_at",
            "pk",
        )
    )
    for update in updates:
        yield {
            **_action_key(update.action),
            "As at": update.date,
            "Status": update.get_status_display(),
            "Stage": update.get_stage_display() if update.stage else "",
            "RAG": update.get_rag_display() if update.rag else "",
            "% complete": update.percent_complete,
            "Commentary": update.commentary,
            "Author email": update.author.email if update.author else "",
            "Author": update.author_name,
        }


def _risk_key(risk: RiskRegisterEntry) -> str:
    return risk.reference or risk.title


def risk_rows(council: Council) -> Rows:
    risks = (
        RiskRegisterEntry.objects.filter(council=council)
        .select_related("merged_into")
        .prefetch_related(Prefetch("themes", Theme.objects.select_related("plan")))
        .order_by("reference", "title", "pk")
    )
    for risk in risks:
        yield {
            "Reference": risk.reference,
            "Title": risk.title,
            "Description": risk.description,
            "Owner": risk.owner,
            "Themes": "; ".join(
                sorted(f"{theme.plan.title}: {theme.number}" for theme in risk.themes.all())
            ),
            "Inherent": risk.inherent_score,
            "Current": risk.residual_score,
            "Target": risk.target_score,
            "Mitigation": risk.mitigation,
            "Review date": risk.review_date,
            "Status": risk.get_status_display(),
            "Merged into": _risk_key(risk.merged_into) if risk.merged_into else "",
            "Direction": risk.get_direction_display() if risk.direction else "",
            "Register page": risk.register_page,
        }


def assessment_rows(council: Council) -> Rows:
    assessments = (
        RiskAssessment.objects.filter(risk__council=council)
        .select_related("risk", "assessed_by")
        .order_by("risk__reference", "risk__title", "financial_year", "quarter")
    )
    for assessment in assessments:
        yield {
            "Risk": _risk_key(assessment.risk),
            "Year": _year(assessment.financial_year),
            "Quarter": f"Q{assessment.quarter}",
            "Score": assessment.score,
            "RAG": assessment.get_rag_display() if assessment.rag else "",
            "Commentary": assessment.commentary,
            "Assessed by": assessment.assessed_by.email if assessment.assessed_by else "",
        }


def saving_rows(council: Council) -> Rows:
    savings = (
        SavingsTarget.objects.filter(council=council)
        .select_related("plan", "theme", "action__theme")
        .order_by("title", "start_year", "pk")
    )
    for saving in savings:
        action = saving.action
        yield {
            "Title": saving.title,
            "Years": _years(saving.start_year, saving.end_year),
            "Plan": saving.plan.title if saving.plan else "",
            "Theme": saving.theme.number if saving.theme else "",
            "Action": f"{action.theme.number}.{action.order}" if action and action.theme else "",
            "Type": saving.get_kind_display(),
            "One-off or recurring": saving.get_recurrence_display(),
            "Target set as": saving.get_target_basis_display(),
            "Target %": saving.target_percent,
            "Budget £": saving.budget_amount,
            "Target £": saving.target_amount,
            "Status": saving.get_reported_status_display() if saving.reported_status else "",
            "Identified £": saving.identified_amount,
            "Achieved £": saving.achieved_amount,
            "Commentary": saving.commentary,
        }


ROWS = {
    spec.SETTINGS: settings_rows,
    spec.RAG_STATES: rag_state_rows,
    spec.RISK_LEVELS: risk_level_rows,
    spec.RISK_BANDS: risk_band_rows,
    spec.TARGETS: target_rows,
    spec.PLANS: plan_rows,
    spec.THEMES: theme_rows,
    spec.MEASURES: measure_rows,
    spec.VALUES: value_rows,
    spec.ACTIONS: action_rows,
    spec.ACTION_UPDATES: update_rows,
    spec.RISKS: risk_rows,
    spec.RISK_ASSESSMENTS: assessment_rows,
    spec.SAVINGS: saving_rows,
}


def _cell(sheet, value: Any) -> Any:
    """A value as written: text is always a text cell (never run as a formula), as it reads."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def export_workbook(council: Council, out: IO[bytes]) -> None:
    """Write ``council``'s workbook to ``out`` (a binary file or stream)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, columns in spec.SHEETS.items():
        sheet = book.create_sheet(name)
        headers = [column.header for column in columns]
        sheet.append(headers)
        for row in ROWS[name](council):
            sheet.append([_cell(sheet, row[header]) for header in headers])
    book.save(out)


def file_name(council: Council) -> str:
    return f"{council.slug}-workbook.xlsx"
