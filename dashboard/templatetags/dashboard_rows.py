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
from django.utils import formats
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from core.formatting import TAG_COLOURS, format_measure, state_tag
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
        self.rag_tags: dict[Any, str] = {}

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

    def rag_tag(self, status: Any) -> str:
        """A status's badge as dashboard_format.rag_tag draws it."""
        drawn = self.rag_tags.get(status)
        if drawn is None:
            drawn = self.rag_tags[status] = state_tag(self.scheme.state(status))
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


#: Commentary longer than this is folded (details), shorter shown in full.
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


def _risk_score(score: Any, words: bool = False) -> str:
    """A risk score as dashboard/includes/risk_score.html drew it: the score, its words (with
    ``words``), its band; "–" for none."""
    if not score:
        return "–"
    html = f"<strong>{escape(score)}</strong>"
    if words:
        html += f" {escape(score.description)}"
    if score.band:
        html += (
            f' <strong class="app-band app-band--{escape(score.band.colour)}">'
            f"{escape(score.band.name)}</strong>"
        )
    if words and score.above_appetite:
        html += ' <span class="govuk-body-s">(above appetite)</span>'
    return html


def _commentary_text(text: str, label: str, short_label: str = "") -> str:
    """A piece of commentary: in full when short, folded (details, summarised by ``label``)
    when long; ``short_label``, where given, is the hidden label of short words instead (where
    their place names their subject already). The line breaks around it are the included
    template's it replaced (the body's whitespace is collapsed after drawing)."""
    if len(text) > FOLD_LONGER_THAN:
        return (
            '\n\n<details class="govuk-details app-commentary">\n'
            '  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
            f"{escape(label)}</span></summary>\n"
            f'  <div class="govuk-details__text">{linebreaks(text, autoescape=True)}</div>\n'
            "</details>\n\n"
        )
    return (
        '\n\n<div class="app-commentary app-commentary--short"><span class="govuk-visually-hidden">'
        f"{escape(short_label or label)}: </span>{linebreaks(text, autoescape=True)}</div>\n\n"
    )


@register.simple_tag
def commentary_text(text: str, label: str, short_label: str = "") -> SafeString:
    """``_commentary_text`` for templates (the overall summary, a theme's narrative)."""
    return mark_safe(_commentary_text(text, label, short_label))  # noqa: S308  (escaped there)


@register.simple_tag(takes_context=True)
def risk_row(context: template.Context, row: Any) -> SafeString:
    """A risk's line in the strategic risk register (dashboard/includes/risk_table.html):
    reference, title, owner, its current score with how it was assessed, its direction,
    history and commentary for the quarter (``quarter_key`` in the context), then inherent →
    current → target. One call, not a template with an include per score: the register is
    a fifth of the dashboard's drawing."""
    risk, score, assessment = row.risk, row.score, row.assessment
    quarter_key = context.get("quarter_key")
    removal = (
        '<br><span class="govuk-body-s">Proposed for removal</span>'
        if risk.status == "proposed_removal"
        else ""
    )
    if score:
        current = _risk_score(score, words=True)
    elif row.rag:
        current = (
            f'<strong class="govuk-tag {escape(row.rag_class)}">{escape(row.rag_label)}</strong>'
        )
    else:
        current = escape(row.problem)
    if assessment and assessment.period != quarter_key:
        current += f'<br><span class="govuk-body-s">as assessed in {escape(row.as_assessed)}</span>'
    if row.direction:
        current += f'<br><span class="govuk-body-s">{escape(row.direction_label)}</span>'
    if len(row.history) > 1:
        history = "; ".join(
            f"{escape(a.period_label)} {escape(a.score or a.get_rag_display())}"
            for a in row.history
        )
        current += f'<br><span class="govuk-body-s">History: {history}</span>'
    if assessment is not None and assessment.commentary and assessment.period == quarter_key:
        current += (
            '<div class="govuk-body-s govuk-!-margin-top-2">'
            + _commentary_text(assessment.commentary, f"Commentary on {risk.title}", "Commentary")
            + "</div>"
        )
    if score:
        now = _risk_score(score)
    elif row.rag:
        now = escape(row.rag_label)
    else:
        now = "–"
    return mark_safe(
        f'<tr id="risk-{risk.pk}"><td class="n">{escape(risk.reference or "–")}</td>'
        f'<th scope="row">{escape(risk.title)}{removal}</th>'
        f"<td>{escape(risk.owner or '–')}</td><td>{current}</td>"
        f"<td>{_risk_score(row.inherent)} → {now} → {_risk_score(row.target)}</td></tr>"
    )


def _day(value: Any) -> str:
    """A date as the ``date:"j M Y"`` filter writes it ("" for none)."""
    return "" if value in (None, "") else escape(formats.date_format(value, "j M Y"))


@register.simple_tag(takes_context=True)
def action_row(context: template.Context, row: Any) -> SafeString:
    """An action needing attention on the dashboard (an actions.reports.ActionRow): the
    action (a link), its status, when it is due, its lead and its latest update. One call,
    not a template with a tag and a filter per cell."""
    from dashboard.templatetags.dashboard_format import action_status_tag

    drawn = context.render_context.get("dashboard_action_url")
    if drawn is None:
        url = reverse("action-detail", kwargs={"pk": _PK})
        drawn = context.render_context["dashboard_action_url"] = url.split(str(_PK))
    action, update = row.action, row.latest_update
    reference = f"{escape(action.reference)} " if action.reference else ""
    if row.overdue_since:
        due = f'<strong class="app-overdue">Overdue since {_day(row.overdue_since)}</strong>'
    elif action.due_date:
        due = f'<span class="app-numeric">{_day(action.due_date)}</span>'
    else:
        due = ""
    if action.due_slipped:
        due += f" (originally {_day(action.original_due_date)})"
    if not action.due_date:
        due += escape(action.due_label or "–")
    lead = escape(action.lead_officer or "–")
    if action.directorate or action.section:
        comma = ", " if action.directorate and action.section else ""
        lead += (
            '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0">'
            f"{escape(action.directorate)}{comma}{escape(action.section)}</span>"
        )
    if update:
        author = update.author_display
        words = Truncator(update.commentary or "no commentary").words(40, truncate=" …")
        latest = (
            f"<b>{_day(update.date)}</b>{', ' + escape(author) if author else ''}: {escape(words)}"
        )
    else:
        latest = "No update yet"
    return mark_safe(
        f'<tr><th scope="row"><a class="govuk-link" href="{drawn[0]}{action.pk}{drawn[1]}">'
        f"{reference}{escape(action.title)}</a></th><td>{action_status_tag(action)}</td>"
        f"<td>{due}</td><td>{lead}</td><td>{latest}</td></tr>"
    )


@register.simple_tag(takes_context=True)
def rag_change(context: template.Context, row: Any) -> SafeString:
    """A measure whose status changed since the previous quarter (the dashboard's "Changed
    since" list): its name (a link), the status before and the status now, each as
    dashboard_format.rag_tag draws it."""
    drawn = _drawn(context)
    before, now = drawn.rag_tag(row.previous.rag), drawn.rag_tag(row.rag)
    kpi = row.kpi
    return mark_safe(
        f'<li><a class="govuk-link" href="{drawn.url_before}{kpi.pk}{drawn.url_after}">'
        f"{escape(kpi.name)}</a>: {before} "
        '<span aria-hidden="true">→</span><span class="govuk-visually-hidden">to</span> '
        f"{now}</li>"
    )
