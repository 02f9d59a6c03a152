"""Filters for the strategic risk register list."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import batched
from operator import attrgetter, itemgetter
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from plans.filters import (
    ANY,
    CouncilFilterSet,
    as_at_quarter_filter,
    parse_quarter,
    search_filter,
    text_choices,
)
from plans.querysets import IdsIn, plain_instances
from risks.models import (
    RiskAssessment,
    RiskRegisterEntry,
    RiskStatus,
    assessed_direction,
    council_matrix,
)

#: Risks a streamed export (RiskFilterSet.stream_rows) builds at a time: one query for them,
#: one for their assessments. Its memory is bounded by this (and each risk's sort key).
RISK_CHUNK = 2000

#: A risk's fields the register list and its exports never read: its long texts (searched in
#: the database, not shown) and bookkeeping, not fetched for every row of a long register.
LIST_UNREAD_RISK_FIELDS = frozenset(
    {"description", "mitigation", "register_page", "updated_at", "version"}
)


class RiskFilterSet(CouncilFilterSet):
    """One council's risks by status, owner, theme and text; with a quarter, each risk's
    score, assessment and direction as assessed up to that quarter (never a later one)."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=RiskStatus.choices, empty_label=ANY
    )
    owner = django_filters.ChoiceFilter(label="Owner", empty_label=ANY)
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        queryset=RiskRegisterEntry.objects.none(),
        empty_label=ANY,
    )
    q = search_filter("Search risks")
    quarter = as_at_quarter_filter()

    class Meta:
        model = RiskRegisterEntry
        fields = ["status", "owner", "theme", "q", "quarter"]

    @property
    def as_at_quarter(self):
        """The quarter chosen (None: the register as it stands)."""
        return parse_quarter(self.data.get("quarter")) if self.data else None

    def filter_quarter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied to the assessments read (see rows)

    def set_choices(self) -> None:
        self.filters["theme"].queryset = self.themes()
        owners = (
            RiskRegisterEntry.objects.visible_to(self.user)
            .filter(council=self.council)
            .order_by()
            .values_list("owner", flat=True)
            .distinct()
        )
        # Read when the form is drawn or an owner is asked for, not for every export.
        self.set_filter_choices("owner", lambda: text_choices(owners))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )

    def rows(self) -> list[RiskRegisterEntry]:
        """The filtered risks in natural reference order, each with its inherent, current and
        target scores parsed on the council's matrix (loaded once), its latest quarterly
        assessment and its direction of travel computed from the assessments (sorted in
        Python: a list the table may sort again)."""
        # Read as plain rows (plans.querysets.plain_instances), without the themes the
        # queryset prefetches for other pages (the register shows none); of their relations
        # only the council (the list's) and the risk a merged one went into are drawn.
        risks = list(plain_instances(self.qs.prefetch_related(None), omit=LIST_UNREAD_RISK_FIELDS))
        for risk in risks:
            risk.reference_key = risk.sort_key  # worked out once: sorted on, and by the table
        risks.sort(key=attrgetter("reference_key"))
        assessments = RiskAssessment.objects.filter(risk__council=self.council)
        return self._build(risks, council_matrix(self.council), assessments, None)

    def stream_rows(self) -> RiskRowStream:
        """The rows of :meth:`rows`, in its order, built ``RISK_CHUNK`` risks at a time as an
        export writes them (its memory bounded by the chunk and each risk's sort key)."""
        return RiskRowStream(self)

    def _build(
        self,
        risks: list[RiskRegisterEntry],
        matrix: Any,
        assessments: QuerySet,
        register_assessed: bool | None,
        parsed: dict[str, Any] | None = None,
    ) -> list[RiskRegisterEntry]:
        """``risks`` made ready to show, with their ``assessments`` (any others among them
        are passed over). ``register_assessed``: whether the council has assessed any risk
        (None: whether ``assessments``, the council's, holds any). ``parsed`` keeps the
        scores parsed, by text, from one chunk to the next."""
        merged_ids = {risk.merged_into_id for risk in risks} - {None}
        merged = (
            {
                risk.pk: risk
                for risk in plain_instances(
                    RiskRegisterEntry.objects.filter(pk__in=merged_ids).order_by()
                )
            }
            if merged_ids
            else {}
        )
        for risk in risks:
            risk.council = self.council
            if risk.merged_into_id in merged:
                risk.merged_into = merged[risk.merged_into_id]
        if parsed is None:
            parsed = {}

        def parse(text: str) -> Any:
            """The score on the matrix (risk.score), parsed once per distinct text."""
            if not text:
                return None
            if text not in parsed:
                parsed[text] = matrix.parse_or_none(text)
            return parsed[text]

        quarter = self.as_at_quarter
        history: dict[int, list[RiskAssessment]] = {}
        seen = False
        shown = {risk.pk for risk in risks}
        for assessment in plain_instances(
            assessments.order_by("financial_year", "quarter"),
            chunk_size=None if register_assessed is not None else 2000,
        ):
            seen = True
            if quarter is not None and assessment.period > (
                quarter.year.start_year,
                quarter.number,
            ):
                continue  # assessed after the quarter chosen
            if assessment.risk_id in shown:
                history.setdefault(assessment.risk_id, []).append(assessment)
        if register_assessed is None:
            register_assessed = seen
        for risk in risks:
            risk.matrix = matrix
            risk.inherent_parsed = parse(risk.inherent_score)
            if quarter is not None and register_assessed:
                # The score as assessed by then (in memory only: nothing is saved).
                assessed = history.get(risk.pk)
                risk.residual_score = assessed[-1].score if assessed else ""
            risk.residual_parsed = parse(risk.residual_score)  # None if empty or off the matrix
            risk.target_parsed = parse(risk.target_score)
            risk.residual_severity = risk.residual_parsed.severity if risk.residual_parsed else 0
            assessments = history.get(risk.pk, [])
            risk.latest_assessment = assessments[-1] if assessments else None
            risk.direction_computed = assessed_direction(assessments, matrix) or risk.direction
        return risks


class RiskRowStream:
    """A filter set's rows in the order of :meth:`RiskFilterSet.rows` (natural reference
    order), built ``RISK_CHUNK`` risks at a time as they are iterated: only the risks' sort
    keys (reference and title) are read for the whole register, sorted, and the risks and
    their assessments then read a chunk at a time. Each iteration reads the database afresh."""

    def __init__(self, filterset: RiskFilterSet) -> None:
        self.filterset = filterset

    def __iter__(self) -> Iterator[RiskRegisterEntry]:
        filterset = self.filterset
        council = filterset.council
        # Sorted as rows() sorts (a stable sort of the same query's rows, by the same key,
        # worked out once: kept for the table's reference_key).
        order = [
            (pk, RiskRegisterEntry.sort_key_of(reference, title))
            for pk, reference, title in filterset.qs.prefetch_related(None).values_list(
                "pk", "reference", "title"
            )
        ]
        order.sort(key=itemgetter(1))
        matrix = council_matrix(council)
        register_assessed = RiskAssessment.objects.filter(risk__council=council).exists()
        parsed: dict[str, Any] = {}
        for chunk in batched(order, RISK_CHUNK):
            ids = [pk for pk, _ in chunk]
            read = {
                risk.pk: risk
                for risk in plain_instances(
                    RiskRegisterEntry.objects.filter(IdsIn("id", ids)).order_by(),
                    chunk_size=None,
                    omit=LIST_UNREAD_RISK_FIELDS,
                )
            }
            risks = []
            for pk, key in chunk:
                risk = read[pk]
                risk.reference_key = key
                risks.append(risk)
            del read
            # None to read where the council has assessed no risk at all (no query).
            assessments = (
                RiskAssessment.objects.filter(IdsIn("risk_id", ids))
                if register_assessed
                else RiskAssessment.objects.none()
            )
            yield from filterset._build(risks, matrix, assessments, register_assessed, parsed)
            # Let the chunk go before the next is read (not held while it is built).
            del risks, assessments
