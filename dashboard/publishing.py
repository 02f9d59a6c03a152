"""Signing a quarter off: the locked snapshot published to cabinet, and the corrections
made after it.

``publish_quarter`` stores the quarter's report once (``publishing.PublishedQuarter``): every
figure, status, trend, score and commentary and the rules they were judged by, as data, and
the report's body as the dashboard drew it. A published quarter's dashboard and its cabinet
pack are served from that snapshot; a value changed afterwards is shown as a correction
beside it (``corrections``), never written into it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.formatting import format_measure
from core.periods import Quarter
from dashboard.report import render_body, report_context
from kpis.models import KpiValue
from plans.models import Council, Membership, Role
from publishing.models import PublishedQuarter
from risks.models import RiskAssessment

#: The version of the snapshot's data layout (so a later reader can tell old snapshots).
DATA_FORMAT = 1


#: Who may download a published quarter's cabinet pack.
PACK_READERS = (Role.CABINET, Role.ADMIN)


class PublishError(Exception):
    """Why a quarter cannot be signed off (shown to the user as it is)."""


def may_publish(user: AbstractBaseUser, council: Council) -> bool:
    """Only the council's administrators (the performance team) sign its quarters off."""
    return user.is_active and council_role(user, council) == Role.ADMIN


def publishable(quarter: Quarter, today: datetime.date) -> bool:
    """A quarter can be signed off once it has ended (the collection window follows it)."""
    return quarter.end < today


def publication(
    council: Council, quarter: Quarter, *, light: bool = False
) -> PublishedQuarter | None:
    """The council's signed-off ``quarter`` (None if not published). ``light``: without its
    snapshot (``data``, ``body_html``: a large report), read only when used."""
    published = PublishedQuarter.objects.filter(council=council).for_quarter(quarter)
    if light:
        published = published.defer("data", "body_html")
    return published.first()


#: Where a published quarter's record keeps its comparison with earlier quarters: the table,
#: folded under a summary, after the section's heading (dashboard_body.html for a snapshot).
_STORED_COMPARISON = re.compile(
    r'(?P<heading><h2 class="govuk-heading-l" id="comparison">[^<]*</h2>\s*)'
    r'<details class="govuk-details">\s*<summary class="govuk-details__summary">'
    r'<span class="govuk-details__summary-text">(?P<summary>[^<]*)</span></summary>\s*'
    r'<div class="govuk-details__text">\s*'
    r'(?P<table><table class="govuk-table app-comparison-table[^"]*">.*?</table>)'
    r"\s*</div>\s*</details>",
    re.DOTALL,
)


def split_comparison(body_html: str, href: str) -> tuple[str, str | None]:
    """A published quarter's stored body for its page, and its comparison table apart.

    The record (and the cabinet pack drawn from it) keeps the table; the page links to the
    quarter's comparison page (``href``), which shows it, as the live dashboard does, so the
    page does not carry every measure twice. A record without the table as this release
    draws it is returned whole, with None for the table.
    """
    match = _STORED_COMPARISON.search(body_html)
    if match is None:
        return body_html, None
    link = (
        f'<p class="govuk-body"><a class="govuk-link" href="{escape(href)}">'
        f"{match['summary']}</a>: its value and status in this quarter, the previous quarter "
        "and the same quarter last year, side by side, as reported to Cabinet."
        '<span class="app-print-only"> (Online, on the quarter\'s comparison page; printed '
        "in the cabinet pack.)</span></p>"
    )
    body = body_html[: match.start()] + match["heading"] + link + body_html[match.end() :]
    return body, match["table"]


def publish_quarter(
    council: Council, quarter: Quarter, user: AbstractBaseUser, today: datetime.date
) -> PublishedQuarter:
    """Sign ``quarter`` off: store its report as the snapshot given to cabinet.

    Refused (PermissionDenied) for anyone but the council's administrators; refused
    (PublishError, nothing stored) for a quarter not yet ended or already published.
    """
    if not may_publish(user, council):
        raise PermissionDenied
    if not publishable(quarter, today):
        raise PublishError(
            f"{quarter} has not ended yet: it can be signed off from "
            f"{quarter.end + datetime.timedelta(days=1):%-d %B %Y}."
        )
    context = report_context(council, quarter, today)
    data = snapshot_data(context)
    body = render_report_body(context)
    name = user.get_full_name() or user.get_username()
    try:
        with transaction.atomic():
            return PublishedQuarter.objects.create(
                council=council,
                financial_year=quarter.year.start_year,
                quarter=quarter.number,
                published_by=user,
                published_by_name=name,
                published_at=timezone.now(),
                data=data,
                body_html=body,
            )
    except IntegrityError:
        raise PublishError(f"{quarter} has already been signed off.") from None


def render_report_body(context: dict[str, Any]) -> str:
    """The report's body alone, drawn with ``context`` as the dashboard draws it (the page
    around it, navigation and all, is drawn live each time)."""
    return render_body({**context, "snapshot": True})


# -- the snapshot's data -------------------------------------------------------------------


def _number(value: Decimal | int | None) -> str | None:
    return None if value is None else str(value)


def _state(scheme, rag) -> dict[str, str]:
    state = scheme.state(rag)
    return {"role": state.value, "label": state.label, "symbol": state.symbol}


def _period(scheme, period, unit: str) -> dict[str, Any]:
    value = period.value
    return {
        "quarter": str(period.quarter),
        "value_id": value.pk if value is not None else None,
        "actual": _number(period.actual),
        "target": _number(period.target),
        "shown": format_measure(period.actual, unit) if period.actual is not None else "",
        "not_published": period.not_published,
        "outturn": period.outturn_label,
        "commentary": value.commentary if value is not None else "",
        "status": _state(scheme, period.rag),
    }


def _score(score) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "text": str(score),
        "words": score.description,
        "band": score.band.name if score.band else "",
        "above_appetite": bool(score.above_appetite),
    }


def _rules(scheme, matrix) -> dict[str, Any]:
    rule = scheme.rule
    rules: dict[str, Any] = {
        "rag_scheme": {
            "name": scheme.name,
            "amber_band": _number(rule.amber_band),
            "green_band": _number(rule.green_band),
            "better_band": _number(rule.better_band),
            "measure": str(rule.measure),
            "trend_amber": rule.trend_amber,
            "states": [
                {
                    "role": state.value,
                    "label": state.label,
                    "symbol": state.symbol,
                    "colour": state.colour,
                    "meaning": state.meaning,
                }
                for state in scheme.key()
            ],
        },
        "risk_matrix": None,
    }
    if matrix is not None:
        rules["risk_matrix"] = {
            "name": matrix.name,
            "notation": matrix.notation,
            "appetite": matrix.appetite,
            "likelihoods": [[level.code, level.words] for level in matrix.likelihoods],
            "impacts": [[level.code, level.words] for level in matrix.impacts],
            "bands": [
                {
                    "name": band.name,
                    "colour": band.colour,
                    "minimum": band.minimum,
                    "cells": sorted([list(cell) for cell in band.cells]),
                }
                for band in matrix.bands
            ],
        }
    return rules


def snapshot_data(context: dict[str, Any]) -> dict[str, Any]:
    """Every figure, status, trend, score and commentary of the report, and its rules, as
    plain JSON (numbers as exact decimal strings)."""
    report, risks = context["report"], context["risks"]
    scheme = report.scheme
    council, quarter = context["council"], context["quarter"]
    commentary = context["commentary"]

    def counts(items) -> list[dict[str, Any]]:
        return [
            {"role": item.state.value, "label": item.state.label, "count": item.count}
            for item in items
        ]

    measures = []
    for group in report.groups:
        for row in group.rows:
            kpi = row.kpi
            measures.append(
                {
                    "kpi_id": kpi.pk,
                    "code": kpi.code,
                    "name": kpi.name,
                    "priority": group.title,
                    "unit": kpi.unit,
                    "data_only": kpi.data_only,
                    "current": _period(scheme, row.current, kpi.unit),
                    "previous": _period(scheme, row.previous, kpi.unit),
                    "last_year": _period(scheme, row.last_year, kpi.unit),
                    "short_trend": row.short.trend.value,
                    "long_trend": row.long.trend.value,
                }
            )
    return {
        "format": DATA_FORMAT,
        "council": {"id": council.pk, "name": council.name, "slug": council.slug},
        "quarter": str(quarter),
        "as_of": context["as_of"].isoformat(),
        "rules": _rules(scheme, risks.matrix),
        "summary": {
            "all": counts(report.status_counts),
            "priorities": [
                {"title": group.title, "counts": counts(group.status_counts)}
                for group in report.groups
            ],
        },
        # The performance team's words on the quarter, as they stood at sign-off.
        "commentary": {
            "summary": commentary.summary.text if commentary.summary is not None else "",
            "narratives": [
                {"theme_id": group.theme.pk, "title": group.title, "text": narrative.text}
                for group in report.groups
                if group.theme is not None
                and (narrative := commentary.narratives.get(group.theme.pk)) is not None
            ],
        },
        "measures": measures,
        "risks": [
            {
                "risk_id": row.risk.pk,
                "reference": row.risk.reference,
                "title": row.risk.title,
                "owner": row.risk.owner,
                "score": _score(row.score),
                "inherent": _score(row.inherent),
                "target": _score(row.target),
                "rag": row.rag_label,
                "direction": row.direction_label,
                "assessment_id": row.assessment.pk if row.assessment else None,
                # As stored, to tell a later correction of the assessment.
                "assessed_score": row.assessment.score if row.assessment else "",
                "assessed_rag": row.assessment.rag if row.assessment else "",
                "commentary": getattr(row.assessment, "commentary", "") or "",
            }
            for row in risks.rows
        ],
        "savings": [
            {
                "savings_id": row.target.pk,
                "title": row.target.title,
                "target": _number(row.progress.target),
                "identified": _number(row.progress.identified),
                "achieved": _number(row.progress.achieved),
                "at_risk": row.progress.at_risk,
                "reported_status": str(row.target.reported_status or ""),
            }
            for row in context["savings"]
        ],
        "actions": {
            "total": context["actions"].total,
            "off_track": context["actions"].off_track,
            "at_risk": context["actions"].at_risk,
            "overdue": context["actions"].overdue,
            "not_reported": context["actions"].not_reported,
            "rows": [
                {
                    "action_id": row.action.pk,
                    "reference": row.action.reference,
                    "title": row.action.title,
                    "status": str(row.status.label if hasattr(row.status, "label") else ""),
                    "due": row.action.due_date.isoformat() if row.action.due_date else None,
                    "overdue": row.overdue,
                    "lead": row.action.lead_officer,
                    "latest_update": (
                        row.latest_update.commentary if row.latest_update is not None else ""
                    ),
                }
                for row in context["actions"].rows
            ],
        },
    }


# -- corrections after publishing ----------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A figure of the published report changed after sign-off."""

    code: str
    name: str
    field: str
    was: str
    now: str
    by: str
    at: datetime.datetime | None


def _shown(actual: Decimal | str | None, not_published: str, unit: str) -> str:
    if not_published:
        return not_published
    if actual is None:
        return "no value"
    return format_measure(Decimal(actual), unit)


def corrections(published: PublishedQuarter) -> list[Correction]:
    """The published measures whose value, target or commentary for the quarter now differs
    from the snapshot, and the risks whose quarter's assessment does, with who changed it and
    when (two queries). The snapshot stays as it is; these are shown beside it."""
    measures = published.data.get("measures", [])
    ids = [m["current"]["value_id"] for m in measures if m["current"]["value_id"]]
    missing = [m["kpi_id"] for m in measures if not m["current"]["value_id"]]
    quarter = published.period
    values = (
        KpiValue.objects.filter(kpi__council=published.council_id)
        .filter(
            Q(pk__in=ids)
            | Q(
                kpi__in=missing,
                financial_year=quarter.year.start_year,
                quarter=quarter.number,
                month=0,
            )
        )
        .select_related("entered_by")
    )
    by_id = {value.pk: value for value in values}
    new_by_kpi = {value.kpi_id: value for value in values if value.pk not in ids}
    found: list[Correction] = []
    for measure in measures:
        was = measure["current"]
        unit = measure["unit"]
        value = by_id.get(was["value_id"]) if was["value_id"] else new_by_kpi.get(measure["kpi_id"])
        if value is None:
            if was["value_id"]:
                found.append(_correction(measure, "Value", _was(was, unit), "removed", None))
            continue
        now_actual = _shown(value.actual, value.get_not_published_display(), unit)
        if now_actual != _was(was, unit):
            found.append(_correction(measure, "Value", _was(was, unit), now_actual, value))
        # A value's own target (a yearly target set later is not a correction of it).
        if value.target is not None and value.target != _decimal(was["target"]):
            was_target = _decimal(was["target"])
            found.append(
                _correction(
                    measure,
                    "Target",
                    "no target" if was_target is None else format_measure(was_target, unit),
                    format_measure(value.target, unit),
                    value,
                )
            )
        if was["value_id"] and (value.commentary or "") != (was["commentary"] or ""):
            found.append(
                _correction(measure, "Commentary", was["commentary"], value.commentary, value)
            )
    return found + _risk_corrections(published)


def _risk_corrections(published: PublishedQuarter) -> list[Correction]:
    """The published risks whose assessment for the quarter was changed after sign-off, or
    first made after it (one query)."""
    risks = [r for r in published.data.get("risks", []) if r.get("risk_id")]
    if not risks:
        return []
    quarter = published.period
    ids = [r["assessment_id"] for r in risks if r.get("assessment_id")]
    assessments = RiskAssessment.objects.filter(
        Q(pk__in=ids)
        | Q(
            risk__in=[r["risk_id"] for r in risks],
            financial_year=quarter.year.start_year,
            quarter=quarter.number,
        ),
        risk__council=published.council_id,
    ).select_related("assessed_by")
    by_id = {a.pk: a for a in assessments}
    this_quarter = {
        a.risk_id: a
        for a in assessments
        if (a.financial_year, a.quarter) == (quarter.year.start_year, quarter.number)
    }
    found = []
    for risk in risks:
        now = this_quarter.get(risk["risk_id"]) or by_id.get(risk.get("assessment_id"))
        if now is None:
            continue
        was = (risk.get("assessed_score", ""), risk.get("assessed_rag", ""))
        if now.pk == risk.get("assessment_id") and (now.score, now.rag) == was:
            continue
        by = ""
        if now.assessed_by is not None:
            by = now.assessed_by.get_full_name() or now.assessed_by.get_username()
        found.append(
            Correction(
                code=risk["reference"],
                name=risk["title"],
                field="Risk score",
                was=_assessed(*was),
                now=_assessed(now.score, now.get_rag_display()),
                by=by,
                at=now.assessed_at,
            )
        )
    return found


def _assessed(score: str, rag: str) -> str:
    return " ".join(part for part in (score, rag and rag.title()) if part) or "not assessed"


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _was(was: dict[str, Any], unit: str) -> str:
    return _shown(was["actual"], was["not_published"], unit)


def _correction(
    measure: dict[str, Any], field: str, was: str, now: str, value: KpiValue | None
) -> Correction:
    by = ""
    if value is not None and value.entered_by is not None:
        by = value.entered_by.get_full_name() or value.entered_by.get_username()
    return Correction(
        code=measure["code"],
        name=measure["name"],
        field=field,
        was=was,
        now=now,
        by=by,
        at=value.entered_at if value is not None else None,
    )


# -- who may do what -----------------------------------------------------------------------


def council_role(user: Any, council: Council) -> str | None:
    """The user's role in ``council`` (one query, none where the council was looked up for the
    user by CouncilMixin); a superuser counts as its administrator."""
    if user.is_superuser:
        return Role.ADMIN
    if hasattr(council, "user_role"):  # annotated by the page's council lookup (CouncilMixin)
        return council.user_role
    return (
        Membership.objects.filter(user=user, council=council).values_list("role", flat=True).first()
    )


def status_context(
    user: Any, council: Council, quarter: Quarter, today: datetime.date
) -> dict[str, Any]:
    """What the dashboard's publication status needs besides the publication itself."""
    role = council_role(user, council)
    return {
        "publication": None,
        "corrections": [],
        "quarter_ended": publishable(quarter, today),
        "may_publish": role == Role.ADMIN,
        "may_read_pack": role in PACK_READERS,
        "sign_off_url": reverse("sign-off", kwargs={"council": council.slug, **quarter.url_kwargs}),
        "pack_url": reverse("cabinet-pack", kwargs={"council": council.slug, **quarter.url_kwargs}),
        # The performance team's collection status board (administrators only, as the button).
        "status_board_url": reverse(
            "quarter-status", kwargs={"council": council.slug, **quarter.url_kwargs}
        ),
    }


# -- the cabinet pack ----------------------------------------------------------------------

#: The pack's contents: (anchor in the report's body, title).
PACK_SECTIONS = [
    ("overall-summary", "Overall summary"),
    ("summary", "Summary"),
    ("key", "Key: statuses and trends"),
    ("measures", "Measures by priority"),
    ("comparison", "Comparison with earlier quarters"),
    ("risks", "Strategic risks and heat map"),
    ("savings", "Savings"),
    ("actions", "Actions off track, at risk or overdue"),
]


def cabinet_pack(published: PublishedQuarter) -> bytes:
    """The published quarter's cabinet pack as a tagged A4 PDF, drawn from the snapshot alone
    (so it is the same whenever it is asked for)."""
    from weasyprint import HTML  # heavy; only the pack needs it

    body = published.body_html
    measures = published.data.get("measures", [])
    commentary = [m for m in measures if m["current"].get("commentary")]
    contents = [(anchor, title) for anchor, title in PACK_SECTIONS if f'id="{anchor}"' in body]
    if commentary:
        contents.append(("commentary", "Commentary on measures"))
    html = render_to_string(
        "dashboard/cabinet_pack.html",
        {
            "publication": published,
            "council": published.council,
            "quarter": published.period,
            "as_of": datetime.date.fromisoformat(published.data["as_of"]),
            "contents": contents,
            "commentary": commentary,
        },
    )
    return HTML(string=html).write_pdf(pdf_tags=True)
