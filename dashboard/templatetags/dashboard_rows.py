"""The quarterly dashboard's repeated rows, each drawn by one tag call (not a template with a
tag per cell): the page holds a row per measure, and at a thousand measures the per-cell
template work was most of the page's time.

Presentation only: the figures, statuses and trends arrive computed in the report rows
(kpis.reports.MeasureRow). The markup is lean, as a row is repeated for every measure (a
council of 100 measures must draw its dashboard in under 100 KB): the cells take their look
from their table's class (``app-cells`` in app.css), the stacked (phone) layout's column
labels come from the stylesheet by column (not a ``data-label`` on every cell), a status tag
and a trend are drawn once per state and reused, and no whitespace is repeated between rows.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from core.formatting import TAG_COLOURS, format_measure
from core.rag import Scheme, Trend, medway

register = template.Library()

_PK = 987654321  # a stand-in key, replaced in the reversed URL


class _Drawn:
    """What every row of one page shares: the scheme's tags and cell colours, the trends."""

    def __init__(self, scheme: Scheme, council_slug: str) -> None:
        self.scheme = scheme
        url = reverse("kpi-detail", kwargs={"council": council_slug, "pk": _PK})
        self.url_before, self.url_after = url.split(str(_PK))
        self.tags: dict[Any, tuple[str, str, str]] = {}
        self.trends: dict[tuple[Trend, bool], str] = {}

    def state(self, status: Any) -> tuple[str, str, str]:
        """(tag, colour, word with symbol) of a status in the council's scheme."""
        drawn = self.tags.get(status)
        if drawn is None:
            state = self.scheme.state(status)
            symbol = (
                format_html('<span class="rag__symbol" aria-hidden="true">{}</span> ', state.symbol)
                if state.symbol
                else ""
            )
            tag = format_html(
                '<strong class="govuk-tag govuk-tag--{} rag">{}{}</strong>',
                TAG_COLOURS.get(state.colour, "grey"),
                symbol,
                state.label,
            )
            word = format_html("{}{}", symbol, state.label)
            drawn = self.tags[status] = (tag, escape(state.colour), word)
        return drawn

    def trend(self, result: Any) -> str:
        """A trend's cell: its arrow (hidden from screen readers) and the report's word."""
        reported = bool(getattr(result, "reported", False))
        key = (Trend(result.trend), reported)
        drawn = self.trends.get(key)
        if drawn is None:
            trend = key[0]
            drawn = self.trends[key] = format_html(
                '<td class="t t-{}"><i aria-hidden="true">{}</i> <abbr title="{}">{}</abbr>{}</td>',
                trend.value.lower(),
                trend.arrow,
                trend.label,
                "NA" if trend is Trend.NA else trend.value,
                mark_safe(
                    '<sup class="app-published" title="as published">*'
                    '<span class="govuk-visually-hidden"> as published</span></sup>'
                )
                if reported
                else "",
            )
        return drawn


def _drawn(context: template.Context) -> _Drawn:
    drawn = context.render_context.get("dashboard_rows")
    if drawn is None:
        scheme = context.get("rag_scheme") or medway()
        drawn = context.render_context["dashboard_rows"] = _Drawn(scheme, context["council"].slug)
    return drawn


def _figure(period: Any, unit: str) -> str:
    """A period's figure: its value, or why there is none ("Suppressed")."""
    if period.not_published:
        return escape(period.not_published)
    return escape(format_measure(period.actual, unit))


@register.simple_tag(takes_context=True)
def measure_row(context: template.Context, row: Any) -> SafeString:
    """A measure's line in its priority's table: code, status, name (a link), value, target
    and the two trends. The stylesheet (``.app-summary-table`` in app.css) styles each cell
    by its column (figures kept on one line and aligned right) and, in the stacked (phone)
    layout, labels it, so the columns' order is fixed here."""
    drawn = _drawn(context)
    kpi, current = row.kpi, row.current
    tag, colour, _ = drawn.state(row.rag)
    outturn = current.outturn_label
    outturn = f'<br><span class="govuk-body-s">{escape(outturn)}</span>' if outturn else ""
    target = "No target" if kpi.data_only else escape(format_measure(current.target, kpi.unit))
    code = escape(kpi.code)
    return mark_safe(
        f"<tr><td{'' if kpi.code else ' data-empty'}>{code or '–'}</td>"
        f'<td class="c-{colour}">{tag}</td>'
        f'<th scope="row"><a class="govuk-link" '
        f'href="{drawn.url_before}{kpi.pk}{drawn.url_after}">{escape(kpi.name)}</a></th>'
        f"<td>{_figure(current, kpi.unit)}{outturn}</td><td>{target}</td>"
        f"{drawn.trend(row.long)}{drawn.trend(row.short)}</tr>"
    )


@register.simple_tag(takes_context=True)
def comparison_row(context: template.Context, row: Any) -> SafeString:
    """A measure in the same quarter last year, the previous quarter and this one: each
    figure in a cell coloured by its status, with the status's word. (The quarters' names
    change with the page, so these cells keep a ``data-label`` for the stacked layout; the
    table is on its own page, and in a published quarter's record, not on the dashboard.)"""
    drawn = _drawn(context)
    kpi = row.kpi
    code = escape(kpi.code)
    cells = []
    for period in (row.last_year, row.previous, row.current):
        _, colour, word = drawn.state(period.rag)
        figure = _figure(period, kpi.unit) if (period.not_published or period.value) else ""
        if figure:
            figure += " "
        if period.outturn_label:
            figure += f'<span class="govuk-body-s">({escape(period.outturn_label)})</span> '
        label = escape(str(period.quarter))
        cells.append(f'<td class="n r c-{colour}" data-label="{label}">{figure}{word}</td>')
    return mark_safe(
        f'<tr><td class="n" data-label="Code"{"" if kpi.code else " data-empty"}>{code or "–"}</td>'
        f'<th scope="row" data-label="Measure"><a class="govuk-link" '
        f'href="{drawn.url_before}{kpi.pk}{drawn.url_after}">{escape(kpi.name)}</a></th>'
        f"{''.join(cells)}</tr>"
    )


#: Commentary longer than this is folded (as dashboard/includes/commentary_text.html does).
FOLD_LONGER_THAN = 400


@register.simple_tag(takes_context=True)
def measure_comment(context: template.Context, row: Any) -> SafeString:
    """A measure's commentary for the quarter under its priority's table: the measure and
    its status, then the words (folded in a details element when long)."""
    tag, _, _ = _drawn(context).state(row.rag)
    kpi, text = row.kpi, row.value.commentary
    label = f"Commentary on {kpi.name}"
    if len(text) > FOLD_LONGER_THAN:
        words = format_html(
            '<details class="govuk-details app-commentary"><summary class="govuk-details__summary">'
            '<span class="govuk-details__summary-text">{}</span></summary>'
            '<div class="govuk-details__text">{}</div></details>',
            label,
            mark_safe(linebreaks(text, autoescape=True)),  # escaped by linebreaks itself
        )
    else:
        # Named by its dt (the measure) already: no hidden label repeating the name.
        words = mark_safe(linebreaks(text, autoescape=True))  # escaped by linebreaks itself
    return format_html(
        "<dt>{}{} {}</dt><dd>{}</dd>",
        f"{kpi.code} " if kpi.code else "",
        kpi.name,
        tag,
        words,
    )
