"""A quarter's report as an Excel workbook for the cabinet: values, RAG statuses and trends,
risks, savings and actions as at the quarter, built from the same report data the dashboard
draws (``dashboard.report``); a signed-off quarter from its published snapshot, so the
workbook says what cabinet was given.

The data is the snapshot's plain JSON (``publishing.snapshot_data``), written row by row with
openpyxl's write-only mode (memory does not grow with the report's size).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.periods import Quarter
from core.rag import Trend
from core.units import Unit
from dashboard import publishing
from dashboard.report import report_context
from plans.models import Council


def quarter_data(council: Council, quarter: Quarter, today: datetime.date) -> dict[str, Any]:
    """The quarter's report as the dashboard shows it: the published snapshot, if signed off."""
    published = publishing.publication(council, quarter)
    if published is not None:
        return {**published.data, "published_at": published.published_at.date().isoformat()}
    return publishing.snapshot_data(report_context(council, quarter, today))


def file_name(council: Council, quarter: Quarter) -> str:
    return f"{council.slug}-{quarter.year.slug}-q{quarter.number}-report.xlsx"


def _trend(value: str) -> str:
    try:
        return str(Trend(value).label)
    except ValueError:
        return value or ""


def _unit(value: str) -> str:
    try:
        return str(Unit(value).label)
    except ValueError:
        return value or ""


def _number(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def _status(period: dict[str, Any]) -> str:
    status = period.get("status") or {}
    return status.get("label", "")


def _shown(period: dict[str, Any]) -> str:
    return period.get("shown") or period.get("not_published") or ""


def write_quarter_workbook(data: dict[str, Any], out: IO[bytes]) -> None:
    """Write the report ``data`` (a snapshot's JSON) as a workbook to ``out``."""
    book = Workbook(write_only=True)

    def sheet(title: str, headers: list[str], widths: dict[str, int] | None = None):
        ws = book.create_sheet(title)
        for letter, width in (widths or {}).items():
            ws.column_dimensions[letter].width = width
        bold = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font = Font(bold=True)
            bold.append(cell)
        ws.append(bold)
        return ws

    about = sheet("Report", ["", ""], {"A": 28, "B": 60})
    about.append(["Council", data["council"]["name"]])
    about.append(["Quarter", data["quarter"]])
    about.append(["Savings and actions as at", data["as_of"]])
    about.append(
        [
            "Status",
            f"As reported to Cabinet (signed off {data['published_at']})"
            if data.get("published_at")
            else "Draft: not yet signed off; figures may still change",
        ]
    )
    scheme = data["rules"]["rag_scheme"]
    about.append(["RAG scheme", scheme["name"]])
    for state in scheme["states"]:
        about.append([f"{state['label']} ({state['symbol']})", state["meaning"]])
    for item in data["summary"]["all"]:
        about.append([f"Measures {item['label']}", item["count"]])
    actions = data["actions"]
    for label, key in (
        ("Actions", "total"),
        ("Off track", "off_track"),
        ("At risk", "at_risk"),
        ("Overdue", "overdue"),
        ("Not reported", "not_reported"),
    ):
        about.append([label, actions[key]])

    measures = sheet(
        "Measures",
        [
            "Priority",
            "Code",
            "Measure",
            "Unit",
            "Actual (as shown)",
            "Actual",
            "Target",
            "Status",
            "Short trend",
            "Long trend",
            "Previous quarter",
            "Previous status",
            "Same quarter last year",
            "Last year's status",
            "Commentary",
        ],
        {"A": 28, "C": 40, "O": 60},
    )
    for row in data["measures"]:
        current, previous, last = row["current"], row["previous"], row["last_year"]
        measures.append(
            [
                row["priority"],
                row["code"],
                row["name"],
                _unit(row["unit"]),
                _shown(current),
                _number(current["actual"]),
                _number(current["target"]),
                _status(current),
                _trend(row["short_trend"]),
                _trend(row["long_trend"]),
                _shown(previous),
                _status(previous),
                _shown(last),
                _status(last),
                current["commentary"],
            ]
        )

    risks = sheet(
        "Risks",
        ["Reference", "Risk", "Owner", "Current score", "Band", "Above appetite", "Inherent",
         "Target", "RAG", "Direction", "Commentary"],
        {"B": 40, "K": 60},
    )  # fmt: skip
    for row in data["risks"]:
        score = row["score"] or {}
        risks.append(
            [
                row["reference"],
                row["title"],
                row["owner"],
                score.get("text", ""),
                score.get("band", ""),
                ("Yes" if score.get("above_appetite") else "No") if score else "",
                (row["inherent"] or {}).get("text", ""),
                (row["target"] or {}).get("text", ""),
                row["rag"],
                row["direction"],
                row["commentary"],
            ]
        )

    savings = sheet(
        "Savings",
        ["Savings", "Target £", "Identified £", "Achieved £", "At risk", "Status reported"],
        {"A": 40},
    )
    for row in data["savings"]:
        savings.append(
            [
                row["title"],
                _number(row["target"]),
                _number(row["identified"]),
                _number(row["achieved"]),
                "Yes" if row["at_risk"] else "No",
                row["reported_status"],
            ]
        )

    listed = sheet(
        "Actions",
        ["Reference", "Action", "Status", "Due", "Overdue", "Lead officer", "Latest update"],
        {"B": 40, "G": 60},
    )
    for row in actions["rows"]:
        listed.append(
            [
                row["reference"],
                row["title"],
                row["status"],
                datetime.date.fromisoformat(row["due"]) if row["due"] else None,
                "Yes" if row["overdue"] else "No",
                row["lead"],
                row["latest_update"],
            ]
        )
    book.save(out)
