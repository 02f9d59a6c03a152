#!/usr/bin/env python3
"""Build the seed fixtures in fixtures/ from the five council documents in fixtures/sources/.

Every council, plan, theme, action, KPI, value, target, risk and savings figure written here
is in one of the source documents, in the document's words and numbers. Long passages and
bulleted lists are cut from the source text between two quoted markers, so they cannot drift
from it; short facts (names, dates, amounts) are written out. Where a document gives no date,
owner or status the field is left at its empty value.

Each document gets its own fixture file and its own primary-key range (document n uses
n*1000 .. n*1000+999 in every table), so the files load in any order and together.

    python scripts/build_fixtures.py          # rewrite fixtures/*.json
    python scripts/build_fixtures.py --check  # exit 1 if the committed files differ
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOURCES = FIXTURES / "sources"

#: When these rows were transcribed; a bookkeeping timestamp, not a fact of any document.
TRANSCRIBED_AT = "2026-11-23T00:00:00Z"

MEDWAY, BROMSGROVE, MAIDSTONE = 1, 2, 3

# Statuses and horizons as stored (see actions.models.ActionStatus / Horizon). Where a document
# states no status the action is "not reported", and no document states a % complete (None).
NOT_REPORTED, ON_TRACK = "not_reported", "on_track"
SHORT, MEDIUM, LONG = "short", "medium", "long"

_BULLET = re.compile(r"^\s*(?:[-•·◆]\s*)+")
_TAG = re.compile(r"<[^>]+>")


# --- reading the sources ------------------------------------------------------------------


def source(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def _between(doc: str, start: str, end: str | None, include_end: bool) -> str:
    if doc.count(start) != 1:
        raise ValueError(f"start marker {start!r} occurs {doc.count(start)} times")
    i = doc.index(start)
    if end is None:
        return doc[i:]
    j = doc.index(end, i + len(start))
    return doc[i : j + len(end)] if include_end else doc[i:j]


def excerpt(doc: str, start: str, end: str) -> str:
    """The passage from ``start`` to ``end`` inclusive, tags removed, paragraphs kept."""
    text = _TAG.sub(" ", _between(doc, start, end, include_end=True))
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def bullets(doc: str, start: str, end: str | None) -> list[str]:
    """The bullet points after ``start`` and before ``end``, markers removed.

    A line is a bullet if it starts with a bullet mark, or is indented after a blank line;
    an indented line straight after a bullet continues it (the PDF wrapped it). Lines at the
    margin without a mark are prose or page headers and are left out.
    """
    section = _between(doc, start, end, include_end=False)[len(start) :]
    if not start.endswith("\n"):
        section = section.partition("\n")[2]  # the rest of the heading's own line
    items: list[str] = []
    open_item = False
    for line in section.splitlines():
        if not line.strip():
            open_item = False
        elif _BULLET.match(line):
            items.append(_BULLET.sub("", line).strip())
            open_item = True
        elif line[0].isspace():
            if open_item:
                items[-1] = f"{items[-1]} {line.strip()}"
            else:
                items.append(line.strip())
                open_item = True
        else:
            open_item = False
    return [re.sub(r"\s+", " ", item) for item in items if item]


def month_end(year: int, month: int) -> str:
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


# --- building one fixture file -------------------------------------------------------------


@dataclass
class Fixture:
    """The rows of one document's fixture file, with primary keys from its own range."""

    name: str
    base: int
    objects: list[dict[str, Any]] = field(default_factory=list)
    _next: dict[str, int] = field(default_factory=dict)
    _order: dict[Any, int] = field(default_factory=dict)

    def add(self, model: str, fields: dict[str, Any], pk: int | None = None) -> int:
        if pk is None:
            pk = self._next.get(model, self.base)
            self._next[model] = pk + 1
        if not self.base <= pk < self.base + 1000:
            raise ValueError(f"{model} pk {pk} outside {self.name}'s range")
        self.objects.append({"model": model, "pk": pk, "fields": fields})
        return pk

    def plan(self, council: int, **kw: Any) -> int:
        fields = {
            "council": council,
            "kind": kw.pop("kind"),
            "title": kw.pop("title"),
            "slug": kw.pop("slug"),
            "start_year": kw.pop("start_year"),
            "end_year": kw.pop("end_year"),
            "status": kw.pop("status"),
            "approved_by": kw.pop("approved_by", ""),
            "approved_on": kw.pop("approved_on", None),
            "owner": kw.pop("owner", ""),
            "summary": kw.pop("summary", ""),
            "source_document": f"{self.name}.txt",
            "created_at": TRANSCRIBED_AT,
            "updated_at": TRANSCRIBED_AT,
        }
        assert not kw, kw
        return self.add("plans.plan", fields)

    def theme(self, plan: int, number: int, title: str, kind: str, **kw: Any) -> int:
        fields = {
            "plan": plan,
            "kind": kind,
            "number": number,
            "title": title,
            "description": kw.pop("description", ""),
            "lead": kw.pop("lead", ""),
        }
        assert not kw, kw
        return self.add("plans.theme", fields)

    def action(self, plan: int, theme: int | None, title: str, **kw: Any) -> int:
        if len(title) > 500:
            raise ValueError(f"action title too long: {title[:60]}…")
        order = self._order.get(theme, 0) + 1
        self._order[theme] = order
        fields = {
            "plan": plan,
            "theme": theme,
            "reference": kw.pop("reference", ""),
            "title": title,
            "description": kw.pop("description", ""),
            "lead_officer": kw.pop("lead_officer", ""),
            "portfolio_holder": kw.pop("portfolio_holder", ""),
            "start_date": kw.pop("start_date", None),
            "due_date": kw.pop("due_date", None),
            "due_label": kw.pop("due_label", ""),
            "horizon": kw.pop("horizon", ""),
            "tranche": kw.pop("tranche", ""),
            "priority": kw.pop("priority", None),
            "status": kw.pop("status", NOT_REPORTED),
            "percent_complete": None,
            "order": order,
            "version": 1,
            "created_at": TRANSCRIBED_AT,
            "updated_at": TRANSCRIBED_AT,
        }
        assert not kw, kw
        return self.add("actions.action", fields)

    def update(self, action: int, date: str, commentary: str, **kw: Any) -> int:
        fields = {
            "action": action,
            "date": date,
            "author": None,
            "author_name": kw.pop("author_name", ""),
            "status": kw.pop("status", NOT_REPORTED),
            "percent_complete": None,
            "commentary": commentary,
            "created_at": TRANSCRIBED_AT,
        }
        assert not kw, kw
        return self.add("actions.actionupdate", fields)

    def savings(self, council: int, plan: int, title: str, **kw: Any) -> int:
        fields = {
            "council": council,
            "plan": plan,
            "theme": kw.pop("theme", None),
            "action": kw.pop("action", None),
            "title": title,
            "start_year": kw.pop("start_year"),
            "end_year": kw.pop("end_year"),
            "target_amount": kw.pop("target_amount"),
            "identified_amount": None,
            "achieved_amount": None,
            "commentary": kw.pop("commentary", ""),
            "updated_at": TRANSCRIBED_AT,
        }
        assert not kw, kw
        return self.add("plans.savingstarget", fields)

    def kpi(self, council: int, plan: int, theme: int | None, name: str, **kw: Any) -> int:
        order = self._order.get(("kpi", theme), 0) + 1
        self._order[("kpi", theme)] = order
        fields = {
            "council": council,
            "plan": plan,
            "theme": theme,
            "code": kw.pop("code", ""),
            "name": name,
            "definition": kw.pop("definition", ""),
            "unit": kw.pop("unit"),
            "polarity": kw.pop("polarity", "higher"),
            "frequency": kw.pop("frequency", "quarterly"),
            "owner": kw.pop("owner", ""),
            "owner_user": None,
            "data_only": kw.pop("data_only", False),
            "rag_tolerance": None,
            "order": order,
        }
        assert not kw, kw
        return self.add("kpis.kpi", fields)

    def value(self, kpi: int, year: int, quarter: int, actual: str | None, **kw: Any) -> int:
        fields = {
            "kpi": kpi,
            "financial_year": year,
            "quarter": quarter,
            "month": 0,
            "actual": actual,
            "target": kw.pop("target", None),
            "reported_short_trend": kw.pop("short_trend", ""),
            "reported_long_trend": kw.pop("long_trend", ""),
            "commentary": kw.pop("commentary", ""),
            "entered_by": None,
            "entered_at": TRANSCRIBED_AT,
            "version": 1,
        }
        assert not kw, kw
        return self.add("kpis.kpivalue", fields)

    def risk(self, council: int, reference: str, title: str, **kw: Any) -> int:
        fields = {
            "council": council,
            "reference": reference,
            "title": title,
            "description": "",
            "owner": kw.pop("owner"),
            "themes": kw.pop("themes"),
            "inherent_score": "",
            "residual_score": kw.pop("residual_score"),
            "target_score": "",
            "mitigation": "",
            "review_date": None,
            "status": "open",
            "direction": "",
            "register_page": kw.pop("register_page"),
            "updated_at": TRANSCRIBED_AT,
        }
        assert not kw, kw
        return self.add("risks.riskregisterentry", fields)


def expect(items: list[str], count: int, what: str) -> list[str]:
    """Guard the bullet parser: each section has as many points as the document shows."""
    if len(items) != count:
        raise ValueError(f"{what}: expected {count} points, found {len(items)}: {items}")
    return items


# --- councils -------------------------------------------------------------------------------


def councils() -> Fixture:
    fx = Fixture("councils", 0)
    # Medway is the unitary authority that runs the social care and waste services its
    # documents describe; Bromsgrove calls itself a District Council, Maidstone a Borough
    # Council. Only Medway's documents name its website.
    rows = [
        (MEDWAY, "Medway Council", "Medway", "medway", "unitary", "https://www.medway.gov.uk/"),
        (BROMSGROVE, "Bromsgrove District Council", "Bromsgrove", "bromsgrove", "district", ""),
        (MAIDSTONE, "Maidstone Borough Council", "Maidstone", "maidstone", "borough", ""),
    ]
    for pk, name, short, slug, kind, website in rows:
        fx.add(
            "plans.council",
            {
                "name": name,
                "short_name": short,
                "slug": slug,
                "kind": kind,
                "website": website,
                "rag_tolerance": "0.050",
            },
            pk=pk,
        )
    return fx


# --- 1. Medway Productivity Plan 2024/25 ---------------------------------------------------

MEDWAY_PP = "medway-productivity-plan-2024-25"


def medway_productivity_plan() -> Fixture:
    doc = source(f"{MEDWAY_PP}.txt")
    fx = Fixture(MEDWAY_PP, 1000)
    plan = fx.plan(
        MEDWAY,
        kind="productivity",
        title="Medway Council Productivity Plan 2024/25",
        slug="productivity-plan-2024-25",
        start_year=2024,
        end_year=2024,
        status="published",
        owner="Richard Hicks, Chief Executive",
        summary=excerpt(doc, "Alongside publication of", "people and place of Medway."),
    )
    themes = [
        ("Transforming how we design and deliver services", [
            ("How we've become more productive:", "How we measure productivity", 3),
            ("How we measure productivity", "How we've improved services", 6),
            ("How we've improved services", "How we plan to transform services", 4),
            ("How we plan to transform services", "Services with the greatest potential", 3),
            ("Services with the greatest potential for savings", "Investing in capital", 3),
            ("Investing in capital", "Investing in prevention", 6),
            ("Investing in prevention", "Wider locally-led reforms", 4),
            ("Wider locally-led reforms", "THEME 2", 3),
        ]),
        ("Making better use of technology and data", [
            ("How we plan to improve data quality", "Making data available", 4),
            ("Making data available to our residents", "How we will address", 2),
            ("How we will address the issue of legacy systems", "How we share data", 3),
            ("How we share data with our partners", "Opportunities offered", 2),
            ("Opportunities offered by technology", "THEME 3", 3),
        ]),
        ("Our plans to reduce wasteful spend", [
            ("How we identify and reduce waste", "'Invest to save'", 2),
            ("'Invest to save'", "Reducing reliance on agency staff", 6),
            ("Reducing reliance on agency staff", "Ensuring accountability", 2),
            ("Ensuring accountability over spend", "Our shared services", 4),
            ("Our shared services", "THEME 4", 3),
        ]),
        ("Barriers preventing progress", [
            ("This is what the sector needs from the Government:", None, 20),
        ]),
    ]
    theme_pks: list[int] = []
    for number, (title, sections) in enumerate(themes, start=1):
        description = ""
        if number == 4:
            description = excerpt(doc, "The barriers to improved productivity", "Government:")
        theme = fx.theme(plan, number, title, "theme", description=description)
        theme_pks.append(theme)
        for start, end, count in sections:
            heading = start.rstrip(":")
            items = expect(bullets(doc, start, end), count, heading)
            if number == 4:
                # "...in the meantime, provide funding ..." finishes the MacAlister point.
                macalister = next(i for i, t in enumerate(items) if "MacAlister" in t)
                rest = items.pop(macalister + 1)
                items[macalister] = (items[macalister], rest)
            for item in items:
                description = heading if number != 4 else ""
                if isinstance(item, tuple):
                    item, description = item
                if item.startswith("Medway is one of 30 local authorities"):
                    description += "\n\n" + excerpt(
                        doc, "The National Institute for Health", "outcomes for residents"
                    )
                fx.action(plan, theme, item.rstrip('"'), description=description)
    fx.savings(
        MEDWAY,
        plan,
        "One Medway Financial Improvement and Transformation Plan (FIT Plan) savings",
        theme=theme_pks[0],
        start_year=2024,
        end_year=2024,
        target_amount="34000000.00",
        commentary=(
            "This is supported by the council's Financial Improvement and Transformation Plan "
            "comprising £34million savings this year and a further 83 key improvement actions."
        ),
    )
    return fx


# --- 2. Medway Corporate Peer Challenge Action Plan (2018) --------------------------------

MEDWAY_CPC = "medway-corporate-peer-challenge-action-plan-2018"
CPC_UPDATED = "2018-09-30"  # the action plan's update is signed "September 2018"


def medway_peer_challenge() -> Fixture:
    doc = source(f"{MEDWAY_CPC}.txt")
    fx = Fixture(MEDWAY_CPC, 2000)
    plan = fx.plan(
        MEDWAY,
        kind="peer_challenge",
        title="Corporate Peer Challenge Action Plan",
        slug="corporate-peer-challenge-action-plan-2018",
        start_year=2018,
        end_year=2018,
        status="published",
    )
    number = 0

    def recommendation(title: str) -> int:
        nonlocal number
        number += 1
        return fx.theme(plan, number, title, "recommendation")

    # 1. The £5m savings.
    five_m = "Reassure yourselves that the £5m savings for 2018/19 are on track and will come from true transformation activity"  # noqa: E501
    theme = recommendation(five_m)
    action = fx.action(plan, theme, five_m, status=ON_TRACK)
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "The transformation programme underwent", "true transformation activity."),
        status=ON_TRACK,  # "has provided confidence that the £5m of savings ... are on track"
    )
    fx.savings(
        MEDWAY,
        plan,
        "£5m savings for 2018/19",
        theme=theme,
        action=action,
        start_year=2018,
        end_year=2018,
        target_amount="5000000.00",
        commentary=excerpt(doc, "The change of leadership, improved governance", "activity."),
    )

    # 2. A transformation programme that looks further ahead, and its road map.
    title = "Establish a transformation programme that looks much further into the future- including Smart Council and Smart City strategy and ambitions"  # noqa: E501
    theme = recommendation(title)
    action = fx.action(plan, theme, title)
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "As part of the restructure of the transformation", "officer working group."),
    )
    tranches = [
        ("Tranche 1: January 2018 – July 2018", "2018-01-01", month_end(2018, 7), "July 2018",
         "Tranche 1: January 2018 – July 2018", "Tranche 2:", 9),
        ("Tranche 2: July 2018 – December 2018", "2018-07-01", month_end(2018, 12),
         "December 2018", "Tranche 2: July 2018 – December 2018", "Tranche 3:", 4),
        ("Tranche 3: January 2019 – Business As Usual", "2019-01-01", None,
         "Business As Usual", "Tranche 3: January 2019 – Business As Usual", "This road map", 3),
    ]
    for tranche, start, due, label, start_marker, end_marker, count in tranches:
        for item in expect(bullets(doc, start_marker, end_marker), count, tranche):
            fx.action(
                plan, theme, item, tranche=tranche, start_date=start, due_date=due,
                due_label=label,
            )

    # 3-4. Commercial strategy and governance, updated by the Chief Legal Officer.
    legal = "Perry Holmes, Chief Legal Officer"
    theme = recommendation("Commercial Strategy")
    action = fx.action(
        plan,
        theme,
        "Define what is meant by “commercial” and develop a commercial strategy",
        due_date=month_end(2018, 9),
        due_label="September 2018",
    )
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "- A draft commercial strategy which defines", "be formally adopted."),
        author_name=legal,
    )
    theme = recommendation("Governance")
    action = fx.action(
        plan,
        theme,
        "Many aspects of the commercial initiatives put in place so far are sound but there are "
        "some aspects of governance that it would be good to re-visit",
        due_date=month_end(2018, 9),
        due_label="September 2018",
    )
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "- The Medway Development Company has given", "kept under review."),
        author_name=legal,
    )

    # 5. Budget-setting: one update per point of the detailed action plan.
    theme = recommendation("Budget-setting")
    details = [
        ("MTFS process to be started earlier", "The MTFS process was started earlier",
         "session on 24 April 2018."),
        ("Closer working with services", "Colleagues from across all service areas",
         "discussed by CMT and Cabinet Members."),
        ("New approach to budget monitoring, involving", "The new approach to budget monitoring",
         "rather than just being presented with the pressures."),
        ("There will also be a focus on high risk", "The dashboard meetings for ASC",
         "in the context of activity data."),
    ]
    plan_points = [excerpt(doc, point, ";" if i < 3 else "produced.")
                   for i, (point, _, _) in enumerate(details)]
    action = fx.action(
        plan,
        theme,
        "Budget-setting – explore alternative approaches to aid longer-term planning, enable more "
        "fundamental organisational re-design and tackle the need for avoidable mid-year "
        "management control actions",
        description="\n".join(f"- {point}" for point in plan_points),
        lead_officer="Phil Watts",
        portfolio_holder="Alan Jarrett",
        due_date=month_end(2018, 4),
        due_label="April 2018",
    )
    for _, start, end in details:
        fx.update(action, CPC_UPDATED, excerpt(doc, start, end))

    # 6. IT capability.
    title = "Address the IT capability issues in the organisation"
    theme = recommendation(title)
    action = fx.action(plan, theme, title)
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "Specialist consultants were appointed", "in the organisation.\n\n"),
    )

    # 7. Appendix 6: a 'lean' organisation.
    theme = recommendation("A 'lean' organisation?")
    action = fx.action(
        plan,
        theme,
        "A 'lean' organisation?",
        description="Reassure yourselves that resources are aligned with the council's "
        "priorities and the ambitions for place.",
        reference="Appendix 6",
        lead_officer="Neil Davies",
        portfolio_holder="Alan Jarrett",
        due_date=month_end(2018, 9),
        due_label="September 2018",
    )
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "This CPC recommendation was echoed", "into a single document."),
    )

    # 8. The skills agenda, its three commitments and the skills plan timetable.
    title = "The skills agenda- build on the good initiatives and real potential by seizing it and driving it forward through the Skills Board"  # noqa: E501
    theme = recommendation(title)
    action = fx.action(plan, theme, title)
    fx.update(
        action,
        CPC_UPDATED,
        excerpt(doc, "This report outlines progress made", "Programme Manager was appointed."),
    )
    for item in expect(bullets(doc, "the Skills Board\n\n", "Summary"), 3, "skills actions"):
        what, when = (part.strip(" *") for part in item.strip("*").split(";"))
        fx.action(plan, theme, what, due_label=when)
    # "4 Timescales": the activity before the plan's approval, all in 2018.
    timetable = [
        ("July-September", (2018, 7), (2018, 9),
         "Key stakeholder meetings to establish Council's role and strengthen and create new "
         "partnerships"),
        ("July", (2018, 7), (2018, 7), "Officers comments on plan at Officers Board"),
        ("August", (2018, 8), (2018, 8), "Members comments on plan at Members Board"),
        ("August – October", (2018, 8), (2018, 10), "Consultation with key partners"),
        ("September", (2018, 9), (2018, 9), "Year delivery plan drafted"),
        ("September", (2018, 9), (2018, 9), "Implementation of action plan"),
        ("September", (2018, 9), (2018, 9), "Officers final comments on plan at Officers Board"),
        ("September", (2018, 9), (2018, 9),
         "Final draft sent to Members for final comment on plan"),
        ("October", (2018, 10), (2018, 10), "Plan approved and published"),
    ]
    for label, (sy, sm), (ey, em), activity in timetable:
        if f"{label}\t{activity}" not in doc:
            raise ValueError(f"timetable row not in the document: {label} {activity}")
        fx.action(
            plan,
            theme,
            activity,
            tranche="Skills and Employability Plan timetable",
            start_date=f"{sy}-{sm:02d}-01",
            due_date=month_end(ey, em),
            due_label=label,
        )
    return fx


# --- 3. Medway Ways of Working performance report, Q3 2020/21 ------------------------------

MEDWAY_WOW = "medway-ways-of-working-performance-q3-2020-21"


def medway_ways_of_working() -> Fixture:
    doc = source(f"{MEDWAY_WOW}.txt")
    fx = Fixture(MEDWAY_WOW, 3000)
    plan = fx.plan(
        MEDWAY,
        kind="performance_report",
        title="Ways of Working Performance: Quarter 3 2020/21",
        slug="ways-of-working-performance-q3-2020-21",
        start_year=2020,
        end_year=2020,
        status="published",
        summary=excerpt(doc, "The quarter 3 20/21 strategic risk register", "in Appendix 5)."),
    )
    value_theme = fx.theme(plan, 1, "Giving value for money", "way_of_working")
    digital_theme = fx.theme(
        plan, 2, "Finding the best digital innovation and using it to meet residents' needs",
        "way_of_working",
    )
    fx.action(
        plan, digital_theme, "Implement a Digital roadmap",
        reference="Council Plan project",
        description=excerpt(doc, "www.medway.gov.uk is far busier", "3,521,023 vs 1,963,357."),
    )
    fx.action(
        plan, digital_theme, "Website rationalisation",
        reference="Council Plan project",
        description=excerpt(doc, "The remit of the Digital team remains", "a number of key sites."),
    )

    # DIGI TU 01: data only; the report publishes its trends (IMP, IMP) but no value.
    digi = fx.kpi(
        MEDWAY, plan, digital_theme, "Digital take up",
        code="DIGI TU 01",
        definition="DIGI TU 01 Digital Take Up % of square footage let in Council owned "
        "business units",
        unit="percent",
        data_only=True,
    )
    fx.value(digi, 2020, 3, None, short_trend="IMP", long_trend="IMP")

    # Complaints timeliness: "% responses meeting target" for Q3 2019/20, Q2 and Q3 2020/21.
    complaints = [
        ("Stage 1 corporate complaints (Response target 10 working days)",
         "Corporate Stage 1 - Target responses within 10 working days is 80%", "80",
         ("96.3", "86.3", "88.0"),
         ("Stage one corporate response timeliness", "Council's target of 80%.")),
        ("Stage 2 corporate complaints (Response target 15 working days)",
         "Corporate Stage 2 – Target responses within 15 working days is 75%", "75",
         ("76.7", "88.9", "68.4"),
         ("Stage two corporate response timeliness", "performance target of 75%.")),
        ("Children's social care complaints (Response target 20 working days)",
         "Children’s Social Care Stage 1 – Target responses within 20 working days is 75%", "75",
         ("82.5", "100.0", "88.9"),
         ("Children's Social Care have responded", "performance target of 75%")),
        ("Adult social care complaints (Response target 20 working days)",
         "Adults Social Care – Target responses within 20 working days is 75%", "75",
         ("60.7", "80.8", "82.8"),
         ("Adults Social Care performance has improved", "Council's target of 75%")),
    ]
    stage1 = None
    for name, definition, target, (q3_prev, q2, q3), (start, end) in complaints:
        if definition not in doc or name not in doc:
            raise ValueError(f"complaints measure not in the document: {name}")
        kpi = fx.kpi(
            MEDWAY, plan, value_theme, name,
            definition=f"{definition}\n% responses meeting target",
            unit="percent",
        )
        stage1 = stage1 or kpi
        fx.value(kpi, 2019, 3, q3_prev, target=target)
        fx.value(kpi, 2020, 2, q2, target=target)
        fx.value(kpi, 2020, 3, q3, target=target, commentary=excerpt(doc, start, end))
    # "The Q.3 trend for stage one corporate complaints over the last three years": 2018-19
    # is published without a target, so none is recorded for it.
    fx.value(stage1, 2018, 3, "88.1")

    # Compliments and Ombudsman figures, reported without targets.
    counts = [
        ("Compliments received", [(2020, 2, "145"), (2020, 3, "74")],
         ("Whilst there has been a reduction in volumes of compliments", "previous quarter.")),
        ("Referrals made to the Local Government and Social Care Ombudsman (LGSCO)",
         [(2020, 2, "13"), (2020, 3, "17")],
         ("There has been an increase in referrals", "upheld 4 complaints.")),
        ("Ombudsman decisions", [(2020, 3, "18")], None),
        ("Complaints upheld by the Ombudsman", [(2020, 3, "4")], None),
    ]
    for name, values, commentary in counts:
        kpi = fx.kpi(MEDWAY, plan, value_theme, name, unit="count", data_only=True)
        for year, quarter, actual in values:
            text = excerpt(doc, *commentary) if commentary and quarter == 3 else ""
            fx.value(kpi, year, quarter, actual, commentary=text)

    # The strategic risks pertaining to ways of working, with their page in Appendix 5.
    risks = [
        ("SR03B", 4, "Finances", "Chief Finance Officer", "AI"),
        ("SR46", 7, "Medway's Economic Recovery from COVID19",
         "AD Regeneration (Recovery Lead Officer for Medway Council)", "BII"),
        ("SR32", 23, "Data and information", "Chief Legal Officer", "CII"),
        ("SR36", 26, "Alternative service delivery models",
         "Chief Legal Officer, Director of RCET", "BIII"),
        ("SR37", 30, "Cyber Security", "Chief Finance Officer", "CI"),
        ("SR02", 39, "Business continuity and emergency planning", "Director of Place", "DII"),
        ("SR49", 57, "Income Reduction due to COVID19", "Chief Finance Officer", "BII"),
    ]
    for reference, page, title, owner, score in risks:
        # The report writes SR03B as "SRO3 B" (a letter O and a space).
        written = "SRO3 B" if reference == "SR03B" else reference
        if f"{written}\t{page}\t{title}\t" not in doc or f"\t{score}\t" not in doc:
            raise ValueError(f"risk row not in the document: {reference}")
        fx.risk(
            MEDWAY, reference, title,
            owner=owner, residual_score=score, register_page=page,
            themes=[value_theme, digital_theme],
        )
    return fx


# --- 4. Bromsgrove Productivity Plan (Cabinet 17 July 2024) --------------------------------

BROMSGROVE_PP = "bromsgrove-productivity-plan-cabinet-2024-07"


def bromsgrove_productivity_plan() -> Fixture:
    doc = source(f"{BROMSGROVE_PP}.txt")
    fx = Fixture(BROMSGROVE_PP, 4000)
    summary = "\n\n".join([
        "Relevant Portfolio Holder: Councillor May – Leader of the Council; Councillor Colella "
        "– Portfolio Holder for Finance and Governance",
        "Relevant Head of Service: Sue Hanley – Chief Executive; Pete Carpenter – Deputy Chief "
        "Executive",
        "Report Author Job Title: Business Improvement Manager",
        excerpt(doc, "The Productivity Plan, as set out in Appendix A", "19th July 2024."),
        excerpt(doc, "The Key points of these plans are:", "our communities' requirements."),
    ])
    plan = fx.plan(
        BROMSGROVE,
        kind="productivity",
        title="Bromsgrove Productivity Plan",
        slug="productivity-plan-2024-25",
        start_year=2024,
        end_year=2024,
        status="approved",
        approved_by="Cabinet",
        approved_on="2024-07-17",
        owner="Sue Hanley – Chief Executive",
        summary=summary,
    )
    appendix = doc[doc.index("Appendix A – Bromsgrove Productivity Plan") :]

    def section(theme: int, start: str, end: str, count: int, extra: tuple = ()) -> None:
        items = expect(bullets(appendix, start, end), count, start)
        for position, item in extra:
            items.insert(position, item)
        # The first list follows the theme's introduction ("..., namely."): no heading.
        heading = "" if start == "namely." else start.rstrip(" -:").strip() + ":"
        for item in items:
            description = heading
            if item.startswith("Robotics and Artificial Intelligence"):
                description += "\n\n" + excerpt(
                    appendix, "Human Resources / Finance", "the National Fraud Initiative."
                )
            fx.action(plan, theme, item, **_bromsgrove_dates(item), description=description)

    t1 = fx.theme(
        plan, 1,
        "How have you transformed the way you design and deliver services to make better use "
        "of resources?", "theme",
        description=excerpt(appendix, "We are pleased to share", "service provision, namely."),
    )
    section(t1, "namely.", "We measure productivity through", 11)
    section(t1, "We measure productivity through: -", "To improve services, we have:", 5)
    section(t1, "To improve services, we have:", "Our plans for transformation", 3)
    section(t1, "Our plans for transformation over the next two year are:", "Looking ahead", 9)
    section(t1, "Looking ahead, our greatest potential for savings is:", "We have used capital", 7)
    section(t1, "We have used capital spend to boost growth or improve services; examples are:",
            "We have undertaken", 4)
    section(t1, "We have undertaken the following preventative approaches:", "Locally led", 3,
            extra=((3, "Investment in ICT Cyber Security to reduce downtime and risk of "
                       "catastrophic failure."),))
    section(t1, "Locally led reforms that help deliver high quality public services and improve "
            "the sustainability and resilience of your authority are:", "2. How you plan", 3)

    t2 = fx.theme(
        plan, 2,
        "How you plan to take advantage of technology and make better use of data to improve "
        "decision making, service design and use of resources.", "theme",
        description=excerpt(appendix, "We recognise data as an asset", "more efficiently."),
    )
    section(t2, "We plan:", "Our existing plans", 2)
    section(t2, "Our existing plans are to improve the quality of the data we collect:",
            "Barriers we experience", 2)
    section(t2, "Barriers we experience from our legacy systems are:", "We regularly share", 5)
    section(t2, "Opportunities we are driving forward to use new technology are:",
            "Human Resources / Finance", 5)

    t3 = fx.theme(
        plan, 3,
        "Your plans to reduce wasteful spending within your organisation and systems.", "theme",
        description="(You should set out your plans to reduce wasteful or \"gold-plated\" "
        "spending.)",
    )
    section(t3, "Our approach to identifying and reducing waste include:", "Invest to save:", 4)
    fx.action(
        plan, t3,
        "We moved to Opus platform in May 2023 for hiring agency workers, spend to end March "
        "2024 has been £3,203.453.",
        description="Invest to save:\n\n"
        + excerpt(appendix, "Only Levelling Up schemes", "placement is 18."),
    )
    section(t3, "To ensure we have accountability of spend, we have:", "4. The barriers", 4)

    t4 = fx.theme(
        plan, 4,
        "The barriers preventing progress that the Government can help to reduce or remove.",
        "theme",
        description=excerpt(appendix, "To achieve transformation, we must", "various services."),
    )
    section(t4, "Examples of service wide barriers preventing us from improving productivity "
            "further are:", "To remove these barriers", 7,
            extra=((6, "Compliance to process."),))
    section(t4, "To remove these barriers, we will need to:", "To achieve transformation", 8)
    return fx


def _bromsgrove_dates(item: str) -> dict[str, str]:
    """The few Bromsgrove points that name when they happen, as the plan wrote it."""
    if item.startswith("Full establishment review in May 2024"):
        return {"due_date": month_end(2024, 5), "due_label": "May 2024"}
    if item.startswith("Introduce updated Service Business Planning in 2024/5"):
        return {"due_label": "2024/5"}
    if item.startswith("New Strategic Objectives are being formulated"):
        return {"due_label": "2024"}
    return {}


# --- 5. Maidstone Improvement Plan 2012-15 --------------------------------------------------

MAIDSTONE_IP = "maidstone-improvement-plan-2012-15"

#: The ten priority service areas, highest priority first, with the document's summary.
MAIDSTONE_SERVICES = [
    ("Waste & Recycling", "procuring a new waste contract"),
    ("Customer Services delivery (including Gateway, Contact Centre and Corporate Support)",
     "becoming more customer-centric"),
    ("ICT", "sharing our ICT service"),
    ("Parking Transport Management", "completing our Transport Strategy"),
    ("Hazlitt Arts Centre", "investigating options for governance"),
    ("Planning", "developing the synergy between Planning"),
    ("Revenues and Benefits", "embedding the shared service"),
    ("Housing", "ensuring we can respond to the increased need"),
    ("Finance", "building a service that supports"),
    ("Building Control", "re-designing the service"),
]

#: "The following table shows our top priorities for the next three years", by column.
MAIDSTONE_YEARS = {
    2012: ["Waste & Recycling", "Customer Services delivery", "Revenues & Benefits", "ICT",
           "Hazlitt Arts Centre", "Planning", "Parking Transport Management"],
    2013: ["Waste & Recycling", "Customer Services delivery", "ICT", "Revenues & Benefits",
           "Housing"],
    2014: ["Customer Services delivery", "Revenues & Benefits", "Housing", "Building Control",
           "Finance"],
}

#: Appendix 1 "Future for priority service areas", per service area: long term, medium term
#: and 2012-13 points. The PDF lost its bullet marks, so the points are split here by hand.
#: Rows whose columns ran together in the source (Housing's second cell, Finance, Building
#: Control) keep only the legible points, with no horizon; cut-off fragments ("One ICT syst",
#: "Mid Kent Imp Partnership", "Diversify wor statutory, mo account", "Develop and advantage
#: of opportunities", "take partnership") and the points that spill over from the previous
#: page into the Planning row ("participation and involvement", "Run more like a business",
#: "Link to Museum on education", "maximising savings and income", "New governance means
#: asset management and support structure issues") are left out.
MAIDSTONE_APPENDIX: dict[str, dict[str, list[str]]] = {
    "Waste & Recycling": {
        LONG: ["Recycling 50%+", "New open book waste contract", "Refresh strategy in 2015"],
        MEDIUM: ["Review staff structures"],
        SHORT: [
            "Undertake tender process",
            "Clarify how bulky collections etc will work",
            "Clarify role of contractors",
            "Use of ICT for monitoring performance/contract",
            "Strategy alignment with Kent County Council (KCC)",
            "Maximise recycling rates to maximise KCC funding",
            "Moving processes on-line (next 6 months)",
        ],
    },
    "Customer Services delivery (including Gateway, Contact Centre and Corporate Support)": {
        LONG: ["Reduced cost of provision", "Greater range of partner provision"],
        MEDIUM: [
            "Effect of welfare reforms",
            "Effect of waste contract",
            "Break clause in Gateway contract in 2 years",
        ],
        SHORT: [
            "Customer service review",
            "Ownership of website and resources – one service for customer contacts",
            "Voice recognition software – automated switchboard",
            "More work on Electronic Document and Record Management System (EDRMS) project and "
            "effects of moving towards this e.g. increased work",
        ],
    },
    "ICT": {
        LONG: ["Fully integrated ICT partnership", "Considering models for delivery"],
        MEDIUM: ["Complete phase 3 – governance and organisational structure"],
        SHORT: [
            "Preparing business case and vision/10 yr strategy for April 2012/13",
            "Phase 1 - moving kit to Maidstone",
            "Phase 2 - Move virtual services to MKIP cloud",
            "Start phase 3",
            "Quick wins in consolidation, single systems and joint working e.g. new website "
            "Maidstone and Tunbridge Wells councils",
        ],
    },
    "Hazlitt Arts Centre": {
        LONG: ["Vibrant theatre that people want to go to all the time"],
        MEDIUM: ["Different governance structure – 2013/14"],
        SHORT: ["Planning and implementing different governance structure"],
    },
    "Planning": {
        LONG: [
            "Making sure vision including leisure and business opportunities is delivered in a "
            "sensitive way",
            "Effects of Local Development Framework – less planning enforcement",
            "So could move resources to deal with increased levels of development",
            "Skills development – more negotiation and selling",
        ],
        SHORT: [
            "Investigate options for improvement of processing and delivery of planning support "
            "e.g. shared",
            "Channel shift to website",
            "Restructure to include Spatial Policy, plus support for those in management roles",
            "Investigation of Management & Admin recharges",
            "Consider options for service e.g. gold plated",
            "Efficiency work e.g. Business Improvement process improvement",
            "Participating in and responding to peer review",
        ],
    },
    "Parking Transport Management": {
        LONG: ["More customer power to pay, less enforcement"],
        MEDIUM: ["Expand partnership"],
        SHORT: [
            "Transport Strategy –models considered and delivery set up including Park and Ride "
            "issues",
            "Consolidate parking partnership",
            "Investigate other ways to pay e.g. mobile phone",
            "Channel shift on-line (into medium term)",
        ],
    },
    "Revenues and Benefits": {
        LONG: ["Develop wider shared service or pursue commercial opportunities"],
        MEDIUM: [
            "Restructure and change through welfare reform",
            "Decide if we take the saving or use the capacity for income generation",
            "Effect of Council Tax reforms e.g. possible reduced collection rate",
            "Opportunities through business rate reforms",
        ],
        SHORT: [
            "Efficiency work e.g. channel shift and reducing avoidable contact – building "
            "capacity to sell",
            "Planning to manage welfare reforms – need to have Council Tax benefit structure in "
            "place by 2012",
        ],
    },
    "Housing": {
        LONG: [
            "Quality housing that people want and is accessible to the whole community",
            "Affordable housing delivered to strategy – challenges in achieving this",
            "Good private sector market with choice",
            "Good housing advice that prevents homelessness",
        ],
        "": [
            "Business Improvement process review – Private Sector Housinf then Housing Options",
            "Review tenancy strategy, homelessness strategy, empty homes approach, affordable",
        ],
    },
    "Finance": {
        "": [
            "Support the business make informed decisions, manage budgets, commit and measure "
            "resources",
            "Investigate model of delivery",
        ],
    },
    "Building Control": {
        "": [
            "Model of delivery – trading arm doing work on behalf of private companies",
            "Staff restructure",
            "Channel shift on-line",
        ],
    },
}

#: "how the priority services and projects for improvement fit in with the 4 improvement
#: workstreams" (workstream number → its column of the table).
MAIDSTONE_PROJECTS = {
    1: ["More proactive use of Covalent", "Management & Admin recharges review"],
    2: ["Future use of Town Hall", "Community asset transfer",
        ("Major assets review:", "King Street\nMedway Street\nPark Wood")],
    3: ["Customer services delivery", "Waste & Recycling", "ICT", "Finance", "Housing",
        "Other shared services and Mid Kent Improvement Partnership work",
        "Cross organisational collaboration", "Better internal collaboration"],
    4: ["Revenues & Benefits", "Planning", "Parking Transport management",
        "Hazlitt Arts Centre", "Building Control", "Corporate peer review"],
}


def maidstone_improvement_plan() -> Fixture:
    doc = source(f"{MAIDSTONE_IP}.txt")
    fx = Fixture(MAIDSTONE_IP, 5000)
    plan = fx.plan(
        MAIDSTONE,
        kind="improvement",
        title="Improvement Plan 2012-15",
        slug="improvement-plan-2012-15",
        start_year=2012,
        end_year=2014,
        status="draft",  # the document is headed "Draft Improvement Plan 2012-15"
        owner="Chief Executive",
        summary="\n\n".join([
            excerpt(doc, "Maidstone Borough Council has been recognised", "is increasing."),
            excerpt(doc, "Therefore, the objectives of the improvement journey are:",
                    "aligned with the Strategic Plan"),
            excerpt(doc, "The Cabinet own the Council's improvement journey", "provided by the "
                    "Leader."),
        ]),
    )
    workstreams = [
        ("Incremental improvement", "Head of Change and Scrutiny", "making good use of",
         "the services their teams provide."),
        ("Asset management", "Asst Director of Environmental & Regulatory Services",
         "making the best use of what we have", "through Community Budgets."),
        ("Transformation", "Head of Business Improvement", "larger changes to ensure",
         "may be required."),
        ("External challenge", "Head of Change & Scrutiny", "using information and challenge",
         "Overview & Scrutiny reviews."),
    ]
    number = 0
    workstream_pks: dict[int, int] = {}
    for i, (title, lead, start, end) in enumerate(workstreams, start=1):
        number += 1
        workstream_pks[i] = fx.theme(
            plan, number, title, "workstream", lead=lead, description=excerpt(doc, start, end)
        )
    enablers = [
        ("Organisational culture", "Head of HR", "creating an organisational culture",
         "deliver the required outcomes."),
        ("Good information and knowledge management", "Head of Business Improvement",
         "smart use of information", "positive changes in behaviour."),
        ("Councillor assurance", "", "leadership and involvement of elected members",
         "policies and projects."),
    ]
    for title, lead, start, end in enablers:
        number += 1
        fx.theme(plan, number, title, "enabler", lead=lead, description=excerpt(doc, start, end))

    service_pks: dict[str, int] = {}
    for title, start in MAIDSTONE_SERVICES:
        number += 1
        if doc.count(start) != 1:
            raise ValueError(f"service area text not unique: {start}")
        i = doc.index(start)
        # Finance's summary runs on after a page break; the others end with their line.
        finish = "delivered in the future" if title == "Finance" else "\n"
        j = doc.index(finish, i) + (len(finish) if title == "Finance" else 0)
        description = re.sub(r"\s+", " ", doc[i:j])
        service_pks[title] = fx.theme(
            plan, number, title, "service_area", description=description.strip()
        )

    def service_for(name: str) -> int:
        aliases = {"Revenues & Benefits": "Revenues and Benefits",
                   "Customer Services delivery": MAIDSTONE_SERVICES[1][0]}
        return service_pks[aliases.get(name, name)]

    # The per-year priority table: one action per service area per year, ranked.
    for year, names in MAIDSTONE_YEARS.items():
        label = f"{year}/{(year + 1) % 100:02d}"
        for rank, name in enumerate(names, start=1):
            fx.action(
                plan, service_for(name), name,
                description="The following table shows our top priorities for the next three "
                "years",
                tranche=label, priority=rank, due_label=label,
                start_date=f"{year}-04-01", due_date=f"{year + 1}-03-31",
            )

    # Appendix 1: long, medium and 2012-13 (short term) points per service area.
    for service, horizons in MAIDSTONE_APPENDIX.items():
        for horizon, points in horizons.items():
            for point in points:
                dates = {}
                if horizon == SHORT:
                    dates = {"due_label": "2012-13", "start_date": "2012-04-01",
                             "due_date": "2013-03-31"}
                fx.action(plan, service_pks[service], point, horizon=horizon,
                          reference="Appendix 1", **dates)

    for workstream, projects in MAIDSTONE_PROJECTS.items():
        for project in projects:
            title, description = project if isinstance(project, tuple) else (project, "")
            fx.action(plan, workstream_pks[workstream], title, description=description)

    fx.savings(
        MAIDSTONE,
        plan,
        "Save around £2.9m over the next three years",
        start_year=2012,
        end_year=2014,
        target_amount="2900000.00",
        commentary=excerpt(doc, "The Council has to save around £2.9m", "for local people,"),
    )
    return fx


# --- writing ---------------------------------------------------------------------------------

BUILDERS = [
    councils,
    medway_productivity_plan,
    medway_peer_challenge,
    medway_ways_of_working,
    bromsgrove_productivity_plan,
    maidstone_improvement_plan,
]


def render() -> dict[Path, str]:
    """Each fixture file's path and its JSON text."""
    out: dict[Path, str] = {}
    for build in BUILDERS:
        fx = build()
        out[FIXTURES / f"{fx.name}.json"] = (
            json.dumps(fx.objects, indent=2, ensure_ascii=False) + "\n"
        )
    return out


#: Load order for load_seed: councils first, then each document.
FIXTURE_NAMES = [
    "councils", MEDWAY_PP, MEDWAY_CPC, MEDWAY_WOW, BROMSGROVE_PP, MAIDSTONE_IP,
]


def main(argv: list[str]) -> int:
    files = render()
    if "--check" in argv:
        stale = [p.name for p, text in files.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print("Out of date (run scripts/build_fixtures.py):", ", ".join(stale))
            return 1
        return 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({len(json.loads(text))} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
