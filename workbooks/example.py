"""A filled example workbook: a small made-up council's plan, measures, actions, risks and
savings, in the blank template's layout (Instructions sheet and drop-downs).

Its rows are written by the spec's headers and choice labels, and a test imports it into a new
council, so it cannot drift from what the import reads. It names no people (an email must be
a member's), so it imports into any council.
"""

from __future__ import annotations

from workbooks import spec
from workbooks.template import blank_workbook

PLAN = "Riverford Council Plan 2024-27"

#: Each sheet's rows, by header (a header the spec does not have is an error when written).
ROWS: dict[str, list[dict[str, object]]] = {
    spec.SETTINGS: [
        {"Setting": "RAG scheme", "Value": "medway"},
        {"Setting": "Tolerance", "Value": "5%"},
        {"Setting": "Savings at-risk shortfall", "Value": "10%"},
        {"Setting": "Risk appetite", "Value": "6"},
    ],
    spec.PLANS: [
        {
            "Title": PLAN,
            "Kind": "Council Plan",
            "Years": "2024/25-2026/27",
            "Status": "Approved",
            "Approved by": "Full Council",
            "Approved on": "18/07/2024",
            "Owner": "Chief Executive",
            "Summary": "Our priorities for a greener, fairer Riverford.",
        }
    ],
    spec.THEMES: [
        {"Plan": PLAN, "Number": 1, "Title": "A greener borough", "Kind": "Priority"},
        {"Plan": PLAN, "Number": 2, "Title": "A well-run council", "Kind": "Priority"},
    ],
    spec.MEASURES: [
        {
            "Code": "ENV1",
            "Measure": "Household waste recycled",
            "Plan": PLAN,
            "Theme": "1",
            "Unit": "%",
            "Polarity": "Higher is better",
            "Frequency": "Quarterly",
            "Owner": "Head of Waste",
            "Definition": "Household waste sent for reuse, recycling or composting.",
            "Baseline": 41.5,
            "Baseline year": "2023/24",
        },
        {
            "Code": "ENV2",
            "Measure": "Fly-tipping incidents",
            "Plan": PLAN,
            "Theme": "1",
            "Unit": "Count",
            "Polarity": "Lower is better",
            "Frequency": "Quarterly",
            "Cumulative": "No",
        },
        {
            "Code": "GOV1",
            "Measure": "Days to pay invoices",
            "Plan": PLAN,
            "Theme": "2",
            "Unit": "Days",
            "Polarity": "Lower is better",
            "Frequency": "Monthly",
            "Tolerance": "10%",
        },
        {
            "Code": "GOV2",
            "Measure": "Council tax collected",
            "Plan": PLAN,
            "Theme": "2",
            "Unit": "£",
            "Polarity": "Higher is better",
            "Frequency": "Annual",
        },
        {
            "Code": "GOV3",
            "Measure": "Residents contacting us online",
            "Plan": PLAN,
            "Theme": "2",
            "Unit": "%",
            "Polarity": "No better direction",
            "Frequency": "Quarterly",
            "Data only": "Yes",
        },
    ],
    spec.TARGETS: [
        {"Code": "ENV1", "Year": "2024/25", "Set as": "A figure", "Amount": 45},
        {"Code": "ENV2", "Year": "2024/25", "Set as": "A figure", "Amount": 150},
    ],
    spec.VALUES: [
        {"Code": "ENV1", "Year": "2024/25", "Quarter": "Q1", "Actual": 43.2, "Target": 45},
        {
            "Code": "ENV1",
            "Year": "2024/25",
            "Quarter": "Q2",
            "Actual": 46.1,
            "Target": 45,
            "Commentary": "Garden waste season lifted the rate.",
        },
        {"Code": "ENV2", "Year": "2024/25", "Quarter": "Q1", "Actual": 171, "Target": 150},
        {"Code": "ENV2", "Year": "2024/25", "Quarter": "Q2", "Actual": 139, "Target": 150},
        {"Code": "GOV1", "Year": "2024/25", "Month": "April", "Actual": 12, "Target": 10},
        {"Code": "GOV1", "Year": "2024/25", "Month": "May", "Actual": 9, "Target": 10},
        {"Code": "GOV1", "Year": "2024/25", "Month": "June", "Actual": 8, "Target": 10},
        {"Code": "GOV2", "Year": "2023/24", "Actual": 61250000, "Target": 60000000},
        {"Code": "GOV3", "Year": "2024/25", "Quarter": "Q1", "Actual": 58},
        {
            "Code": "GOV3",
            "Year": "2024/25",
            "Quarter": "Q2",
            "Not published": "Not available",
        },
    ],
    spec.ACTIONS: [
        {
            "Plan": PLAN,
            "Theme": 1,
            "No.": 1,
            "Reference": "1.1",
            "Title": "Introduce weekly food waste collections",
            "Lead officer": "Head of Waste",
            "Directorate": "Place",
            "Start date": "01/04/2024",
            "Due date": "31/03/2025",
            "Horizon": "Short term",
            "Status": "On track",
            "% complete": 60,
        },
        {
            "Plan": PLAN,
            "Theme": 1,
            "No.": 2,
            "Reference": "1.2",
            "Title": "Plant 5,000 street trees",
            "Due date": "31/03/2027",
            "Horizon": "Long term",
            "Status": "At risk",
            "% complete": 20,
        },
        {
            "Plan": PLAN,
            "Theme": 2,
            "No.": 1,
            "Reference": "2.1",
            "Title": "Move council tax accounts online",
            "Due date": "30/09/2024",
            "Horizon": "Short term",
            "Status": "Completed",
            "% complete": 100,
        },
    ],
    spec.ACTION_UPDATES: [
        {
            "Plan": PLAN,
            "Theme": 1,
            "No.": 1,
            "As at": "30/06/2024",
            "Status": "On track",
            "% complete": 30,
            "Commentary": "Vehicles ordered; routes planned.",
            "Author": "Head of Waste",
        },
        {
            "Plan": PLAN,
            "Theme": 1,
            "No.": 1,
            "As at": "30/09/2024",
            "Status": "On track",
            "% complete": 60,
            "Commentary": "Caddies delivered to half of homes.",
        },
        {
            "Plan": PLAN,
            "Theme": 1,
            "No.": 2,
            "As at": "30/09/2024",
            "Status": "At risk",
            "% complete": 20,
            "Commentary": "Planting season missed: sites still being agreed.",
        },
    ],
    spec.RISKS: [
        {
            "Reference": "CR1",
            "Title": "Budget gap widens",
            "Owner": "Section 151 Officer",
            "Themes": f"{PLAN}: 2",
            "Inherent": "BI",
            "Current": "CII",
            "Target": "DIII",
            "Mitigation": "Savings programme; monthly budget monitoring.",
            "Status": "Open",
            "Direction": "Stable",
        },
        {
            "Reference": "CR2",
            "Title": "Waste contract fails",
            "Owner": "Head of Waste",
            "Themes": f"{PLAN}: 1",
            "Current": "DII",
            "Status": "Open",
            "Direction": "Improving",
        },
    ],
    spec.RISK_ASSESSMENTS: [
        {"Risk": "CR1", "Year": "2024/25", "Quarter": "Q1", "Score": "BII", "RAG": "Red"},
        {"Risk": "CR1", "Year": "2024/25", "Quarter": "Q2", "Score": "CII", "RAG": "Amber"},
        {"Risk": "CR2", "Year": "2024/25", "Quarter": "Q2", "Score": "DII", "RAG": "Green"},
    ],
    spec.SAVINGS: [
        {
            "Title": "Food waste collection efficiencies",
            "Years": "2024/25",
            "Plan": PLAN,
            "Theme": 1,
            "Action": "1.1",
            "Type": "Saving",
            "One-off or recurring": "Recurring each year",
            "Target £": 250000,
            "Status": "On track",
            "Identified £": 250000,
            "Achieved £": 120000,
        },
        {
            "Title": "Garden waste charge",
            "Years": "2024/25-2025/26",
            "Type": "Extra income",
            "Target £": 400000,
            "Status": "Slipping",
            "Identified £": 300000,
        },
    ],
}


def example_rows() -> dict[str, list[list[object]]]:
    """:data:`ROWS` as each sheet's rows of cells in the spec's column order."""
    out = {}
    for sheet, rows in ROWS.items():
        headers = spec.headers(sheet)
        for row in rows:
            unknown = set(row) - set(headers)
            if unknown:
                raise KeyError(f"{sheet} has no column {', '.join(sorted(unknown))}")
        out[sheet] = [[row.get(header) for header in headers] for row in rows]
    return out


def example_workbook() -> bytes:
    """The blank template (instructions, drop-downs) with the example's rows filled in."""
    return blank_workbook(example_rows())
