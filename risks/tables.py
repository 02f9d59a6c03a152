"""The strategic risk register table."""

from __future__ import annotations

import datetime

import django_tables2 as tables
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.risk import Score
from plans.tables import ROW_TITLE, ExportColumn, ListTable
from risks.models import NOT_ON_MATRIX, Direction, RiskRegisterEntry, RiskStatus


def band_tag(score: Score | None) -> SafeString:
    """The score's band: its name beside its colour (never the colour alone)."""
    if score is None or score.band is None:
        return format_html("")
    return format_html(
        ' <strong class="app-band app-band--{}">{}</strong>', score.band.colour, score.band.name
    )


def score_html(score: Score | None, stored: str) -> SafeString:
    """ "BII L – high, I – critical [high]"; a score off the matrix as stored, saying so."""
    if score is None:
        return format_html("{}", f"{stored} ({NOT_ON_MATRIX})" if stored else "–")
    return format_html(
        '<strong>{}</strong> <span class="app-risk-words">{}</span>{}{}',
        str(score),
        score.description,
        band_tag(score),
        " (above appetite)" if score.above_appetite else "",
    )


def score_value(score: Score | None, stored: str) -> str:
    """The score in words for exports, with its band."""
    if score is None:
        return f"{stored} ({NOT_ON_MATRIX})" if stored else ""
    band = f"; band {score.band.name}" if score.band else ""
    appetite = "; above appetite" if score.above_appetite else ""
    return f"{score} ({score.description}{band}{appetite})"


class RiskTable(ListTable):
    """Risks with inherent, current and target scores in the council's notation, words and
    band, the latest quarterly assessment and the direction of travel it gives."""

    reference = tables.Column("Ref.", order_by=("reference_key",))
    title = tables.Column("Risk", attrs=ROW_TITLE)
    owner = tables.Column("Owner")
    inherent = tables.Column("Inherent score", accessor="inherent_score", orderable=False)
    residual = tables.Column(
        "Current residual score", accessor="residual_score", order_by=("residual_severity",)
    )
    target = tables.Column("Target score", accessor="target_score", orderable=False)
    assessed = tables.Column(
        "Last assessed", accessor="latest_assessment", orderable=False, default=""
    )
    status = tables.Column("Status")
    direction = tables.Column(
        "Direction of travel", accessor="direction_computed", orderable=False, default=""
    )
    review_date = tables.Column("Review date")

    shared_columns = ("status",)

    class Meta(ListTable.Meta):
        model = RiskRegisterEntry
        fields = ()
        sequence = (
            "reference",
            "title",
            "owner",
            "inherent",
            "residual",
            "target",
            "assessed",
            "status",
            "direction",
            "review_date",
        )

    def render_inherent(self, record: RiskRegisterEntry, value: str) -> str:
        return score_html(record.inherent_parsed, value)

    def value_inherent(self, record: RiskRegisterEntry, value: str) -> str:
        return score_value(record.inherent_parsed, value)

    def render_residual(self, record: RiskRegisterEntry, value: str) -> str:
        return score_html(record.residual_parsed, value)

    def value_residual(self, record: RiskRegisterEntry, value: str) -> str:
        return score_value(record.residual_parsed, value)

    def render_target(self, record: RiskRegisterEntry, value: str) -> str:
        return score_html(record.target_parsed, value)

    def value_target(self, record: RiskRegisterEntry, value: str) -> str:
        return score_value(record.target_parsed, value)

    def value_assessed(self, record: RiskRegisterEntry, value) -> str:
        if value is None or value == "":
            return ""
        parts = [value.period_label, value.score, value.get_rag_display() if value.rag else ""]
        return " ".join(p for p in parts if p)

    def render_assessed(self, record: RiskRegisterEntry, value) -> str:
        return self.value_assessed(record, value)

    def render_status(self, record: RiskRegisterEntry, value: str) -> str:
        if record.status == RiskStatus.MERGED and record.merged_into is not None:
            return format_html("Merged into {}", str(record.merged_into))
        return value

    def value_status(self, record: RiskRegisterEntry, value: str) -> str:
        return str(self.render_status(record, record.get_status_display()))

    def render_direction(self, value: str) -> str:
        return Direction(value).label if value else ""

    def value_direction(self, value: str) -> str:
        return self.render_direction(value)

    def render_review_date(self, value: datetime.date) -> str:
        return dateformat.format(value, "j M Y")

    def value_review_date(self, value: datetime.date) -> datetime.date:
        return value

    def export_columns(self) -> dict[str, ExportColumn]:
        """The export read straight from the rows the filter set built (scores parsed once),
        through the ``value_*`` methods above without django-tables2's dispatch."""
        directions = {value: str(label) for value, label in Direction.choices}
        statuses = {value: str(label) for value, label in RiskStatus.choices}

        def status(risk: RiskRegisterEntry) -> str | None:
            value = risk.status
            if not value:
                return None
            if value == RiskStatus.MERGED and risk.merged_into is not None:
                return self.value_status(risk, "")
            return statuses.get(value, value)

        def text(name: str) -> ExportColumn:
            return ExportColumn((), lambda risk: getattr(risk, name) or None)

        def score(stored: str, parsed: str) -> ExportColumn:
            # A score's words depend only on its text (parsed once per distinct text on the
            # council's matrix by the filter set): worked out once per text, then looked up.
            words: dict[str, str] = {}

            def value(risk: RiskRegisterEntry) -> str | None:
                text = getattr(risk, stored)
                if not text:
                    return None
                try:
                    return words[text]
                except KeyError:
                    result = words[text] = score_value(getattr(risk, parsed), text)
                    return result

            return ExportColumn((), value)

        def assessed(risk: RiskRegisterEntry) -> str | None:
            latest = risk.latest_assessment
            return self.value_assessed(risk, latest) if latest is not None else None

        def direction(risk: RiskRegisterEntry) -> str | None:
            value = risk.direction_computed
            return directions.get(value, value) if value else None

        return {
            "reference": text("reference"),
            "title": text("title"),
            "owner": text("owner"),
            "inherent": score("inherent_score", "inherent_parsed"),
            "residual": score("residual_score", "residual_parsed"),
            "target": score("target_score", "target_parsed"),
            "assessed": ExportColumn((), assessed),
            "status": ExportColumn((), status),
            "direction": ExportColumn((), direction),
            "review_date": text("review_date"),
        }


__all__ = ["RiskTable", "band_tag", "score_html", "score_value"]
