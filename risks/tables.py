"""The strategic risk register table."""

from __future__ import annotations

import datetime

import django_tables2 as tables
from django.utils import dateformat
from django.utils.html import format_html

from plans.tables import ROW_TITLE, ListTable
from risks.models import RiskRegisterEntry


class RiskTable(ListTable):
    """Risks with the current residual score in letters and words ("BII – L – high, ...")."""

    reference = tables.Column("Ref.")
    title = tables.Column("Risk", attrs=ROW_TITLE)
    owner = tables.Column("Owner")
    residual = tables.Column(
        "Current residual score", accessor="residual_score", order_by=("residual_severity",)
    )
    status = tables.Column("Status")
    direction = tables.Column("Direction of travel")
    review_date = tables.Column("Review date")

    shared_columns = ("status",)

    class Meta(ListTable.Meta):
        model = RiskRegisterEntry
        fields = ()
        sequence = (
            "reference",
            "title",
            "owner",
            "residual",
            "status",
            "direction",
            "review_date",
        )

    def render_residual(self, record: RiskRegisterEntry, value: str) -> str:
        score = record.residual_parsed
        if score is None:
            return record.score_text("residual_score")
        return format_html(
            '<strong>{}</strong> <span class="app-risk-words">{}</span>', str(score),
            score.description,
        )

    def value_residual(self, record: RiskRegisterEntry, value: str) -> str:
        return record.score_text("residual_score")

    def render_review_date(self, value: datetime.date) -> str:
        return dateformat.format(value, "j M Y")

    def value_review_date(self, value: datetime.date) -> datetime.date:
        return value
