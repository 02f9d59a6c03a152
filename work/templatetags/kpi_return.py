"""The quarterly return's rows, drawn in Python: a return repeats its row for each of an
officer's measures (a hundred or more), and drawn by the template language the rows were
most of the page's time (some sixty variable lookups a row)."""

from __future__ import annotations

from html import escape as _escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core.formatting import format_measure
from dashboard.templatetags.dashboard_format import rag_tag

register = template.Library()


def escape(value: Any) -> str:
    """Text escaped as the template language escapes it (the standard library's escape, as
    Django's own; without marking each piece safe, which was a third of a row's time)."""
    return _escape(str(value))


class _Drawing:
    """What every row of one return shares: the council's status badges, each drawn once,
    and the value history's address with the value's id left to fill in."""

    #: An id no value has, in the history address drawn once, replaced by each value's.
    PLACEHOLDER = 987654321987

    def __init__(self, context: Any) -> None:
        self.context = context
        self.tags: dict[Any, str] = {}
        self.history_url = escape(reverse("kpi-value-history", args=[self.PLACEHOLDER]))

    def tag(self, status: Any) -> str:
        try:
            return self.tags[status]
        except KeyError:
            drawn = self.tags[status] = str(rag_tag(self.context, status))
            return drawn

    def history(self, pk: int) -> str:
        return self.history_url.replace(str(self.PLACEHOLDER), str(pk))


def _previous(cell: Any, drawing: _Drawing) -> str:
    previous = cell.row.previous
    if previous is not None and previous.not_published:
        return f"{escape(previous.get_not_published_display())} {drawing.tag(cell.previous_rag)}"
    if previous is not None and previous.actual is not None:
        figure = escape(format_measure(previous.actual, cell.kpi.unit))
        return f'<span class="app-numeric">{figure}</span> {drawing.tag(cell.previous_rag)}'
    return "No value"


def _target(cell: Any) -> str:
    row = cell.row
    if cell.kpi.data_only:
        return "None (data only)"
    if row.target is not None:
        figure = escape(format_measure(row.target, cell.kpi.unit))
        text = f'<span class="app-numeric">{figure}</span>'
        if row.carried_from:
            text += (
                '<span class="govuk-body-s app-return__carried">'
                f"carried from {escape(row.carried_from)}</span>"
            )
        elif row.target_note:
            text += (
                f'<span class="govuk-body-s app-return__carried">{escape(row.target_note)}</span>'
            )
        return text
    if row.target_note:
        return f"None: {escape(row.target_note)}"
    return "None set"


def _row(cell: Any, quarter: str, drawing: _Drawing, previous_quarter: str) -> str:
    """One measure's rows, as kpi_return_body.html drew them (byte for byte)."""
    pk = cell.pk
    kpi = cell.kpi
    unit = cell.unit
    row = cell.row
    name = f"{escape(kpi.code)} {escape(kpi.name)}"
    message = cell.message
    error_group = " govuk-form-group--error" if message else ""
    polarity = "Data only: no target" if kpi.data_only else escape(kpi.get_polarity_display())
    error = (
        f'<p id="actual-{pk}-error" class="govuk-error-message"><span '
        f'class="govuk-visually-hidden">Error:</span> {escape(message)}</p>'
        if message
        else ""
    )
    prefix = (
        f'<div class="govuk-input__prefix" aria-hidden="true">{escape(unit.prefix)}</div>'
        if unit.prefix
        else ""
    )
    suffix = (
        f'<div class="govuk-input__suffix" aria-hidden="true">{escape(unit.suffix)}</div>'
        if unit.suffix
        else ""
    )
    input_error = " govuk-input--error" if message else ""
    described = f' aria-describedby="actual-{pk}-error"' if message else ""
    version = "" if cell.version is None else escape(cell.version)
    history = ""
    if row.value:
        url = drawing.history(row.value.pk)
        history = (
            f'<a class="govuk-link govuk-body-s app-return__history" href="{url}">'
            f'History<span class="govuk-visually-hidden"> of {escape(kpi.code)} {quarter}'
            "</span></a>"
        )
    return f"""
    <tbody class="govuk-table__body app-return__item" id="row-{pk}">
      <tr class="govuk-table__row app-return__figures">
        <th scope="row" class="govuk-table__header app-return__measure">
          {name}
          <span class="govuk-body-s app-return__polarity">{polarity}</span>
        </th>
        <td class="govuk-table__cell govuk-table__cell--numeric">
          <span class="app-return__label">{previous_quarter}: </span>
          {_previous(cell, drawing)}
        </td>
        <td class="govuk-table__cell govuk-table__cell--numeric">
          <span class="app-return__label">Target: </span>
          {_target(cell)}
        </td>
        <td class="govuk-table__cell">
          <div class="govuk-form-group govuk-!-margin-bottom-0{error_group}">
            <label class="govuk-label app-return__input-label" for="actual-{pk}">{quarter} value<span class="govuk-visually-hidden"> for {name} ({escape(unit.description)})</span></label>
            {error}
            <div class="govuk-input__wrapper">
              {prefix}
              <input class="govuk-input govuk-input--width-5{input_error}" id="actual-{pk}" name="actual-{pk}" type="text" inputmode="decimal" spellcheck="false" value="{escape(cell.actual)}"{described}>
              {suffix}
            </div>
            <input type="hidden" name="version-{pk}" value="{version}">
            <input type="hidden" name="shown-actual-{pk}" value="{escape(cell.shown_actual)}">
            <input type="hidden" name="shown-commentary-{pk}" value="{escape(cell.shown_commentary)}">
            <input type="hidden" name="shown-reason-{pk}" value="{escape(cell.shown_reason)}">
            <label class="govuk-label govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-1" for="reason-{pk}">If there is no figure, why<span class="govuk-visually-hidden"> for {name}</span></label>
            <select class="govuk-select app-return__reason" id="reason-{pk}" name="reason-{pk}">
              {cell.reason_options}
            </select>
          </div>
        </td>
        <td class="govuk-table__cell">
          <span class="app-return__label">Status: </span>
          {drawing.tag(cell.rag)}
          {history}
        </td>
      </tr>
      <tr class="govuk-table__row">
        <td class="govuk-table__cell" colspan="5">
          <div class="govuk-form-group govuk-!-margin-bottom-0">
            <label class="govuk-label" for="commentary-{pk}">Commentary<span class="govuk-visually-hidden"> on {name}</span></label>
            <textarea class="govuk-textarea govuk-!-margin-bottom-0" id="commentary-{pk}" name="commentary-{pk}" rows="{cell.commentary_rows}">{escape(cell.commentary)}</textarea>
          </div>
        </td>
      </tr>
    </tbody>
    """  # noqa: E501  (the template's lines, as they were)


@register.simple_tag(takes_context=True)
def return_rows(context: Any, cells: list, quarter: Any, previous_quarter: Any) -> SafeString:
    """Each cell's rows of the return (work.views.ReturnCell), as the template drew them."""
    this = conditional_escape(quarter)
    last = conditional_escape(previous_quarter)
    drawing = _Drawing(context)
    return mark_safe(  # noqa: S308  (every value escaped above)
        "".join(f"\n    {_row(cell, this, drawing, last)}\n    " for cell in cells)
    )
