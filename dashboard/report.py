"""What the quarterly dashboard shows of one council's quarter, composed from the domain
apps' reports. The dashboard view and the sign-off (``dashboard.publishing``) both use it, so
a published snapshot holds exactly what the dashboard drew."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.template.loader import render_to_string

from actions.reports import attention_report
from core.periods import Quarter
from core.rag import Trend
from kpis.reports import quarterly_report
from plans.models import Council
from plans.reports import quarter_commentary, savings_report
from risks.reports import risk_report

#: The report's body: the dashboard draws it live (and caches it), the sign-off stores it.
BODY_TEMPLATE = "dashboard/includes/dashboard_body.html"


#: A run of whitespace holding a line break: the templates' indentation and the blank lines
#: their tags leave. Outside pre-formatted text (the body has none: commentary is drawn
#: through linebreaks) a browser shows it as one space, as it shows a line break.
_INDENT = re.compile(r"\s*\n\s*")


def render_body(context: dict[str, Any]) -> str:
    """The report's body drawn with ``context`` (a ``report_context``), without repeated
    whitespace (the page is large: a row per measure)."""
    return _INDENT.sub("\n", render_to_string(BODY_TEMPLATE, context))


def trend_key(report) -> list[Trend]:
    """The trends' key; Up and Down (movement, not judged) where a measure has no direction."""
    key = [Trend.IMP, Trend.DET, Trend.STATIC, Trend.NA]
    shown = {result.trend for row in report.rows for result in (row.short, row.long)}
    return key + [trend for trend in (Trend.UP, Trend.DOWN) if trend in shown]


def report_context(council: Council, quarter: Quarter, today: datetime.date) -> dict[str, Any]:
    """The quarter's report: measures, risks, savings and actions, as the dashboard's body
    (its ``report`` block) draws them."""
    # Savings and actions are judged as at the quarter's end, or today for the current one.
    as_of = min(today, quarter.end)
    report = quarterly_report(council, quarter)
    risks = risk_report(council, quarter)
    return {
        "council": council,
        "quarter": quarter,
        "as_of": as_of,
        "report": report,
        # Each priority's measures, then the strategic risks pertaining to it (as Medway's
        # report prints them).
        "sections": [(group, risks.for_theme(group.theme)) for group in report.groups],
        "risks": risks,
        "risks_quarter_key": (quarter.year.start_year, quarter.number),
        "savings": savings_report(council, as_of, quarter.year),
        # Judged at the quarter's end from the updates dated by then (today for the current one).
        "actions": attention_report(council, quarter, today),
        "rag_scheme": report.scheme,
        "rag_key": report.key,
        "trend_key": trend_key(report),
        # The performance team's summary and narratives; the Red values left unexplained.
        "commentary": quarter_commentary(council, quarter),
        "red_without_commentary": report.red_without_commentary,
    }
