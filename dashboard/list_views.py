"""List pages of one council: KPIs, actions, strategic risks and savings targets."""

from __future__ import annotations

from typing import Any

from actions.filters import ActionFilterSet
from actions.models import Action
from actions.tables import ActionTable
from dashboard.generic import CouncilListView
from kpis.filters import KpiFilterSet
from kpis.models import KPI
from kpis.tables import KpiTable
from plans.filters import SavingsFilterSet
from plans.models import ActionStatusScheme, SavingsTarget
from plans.tables import SavingsTable
from risks.filters import RiskFilterSet
from risks.models import RiskRegisterEntry
from risks.tables import RiskTable


class KpiListView(CouncilListView):
    model = KPI
    filterset_class = KpiFilterSet
    table_class = KpiTable
    title = "KPIs"
    noun = "KPIs"
    none_yet = "No measures yet."
    export_name = "kpis"

    def get_caption(self) -> str:
        return f"KPIs, {self.council.name}, {self.filterset.period}"


class ActionListView(CouncilListView):
    model = Action
    filterset_class = ActionFilterSet
    table_class = ActionTable
    title = "Actions"
    export_name = "actions"

    def get_caption(self) -> str:
        quarter = self.filterset.as_at_quarter
        if quarter is None:
            return super().get_caption()
        return f"Actions, {self.council.name}, as at {self.filterset.as_at:%-d %B %Y} ({quarter})"

    def get_table_kwargs(self) -> dict[str, Any]:
        # A council reporting stage and RAG apart sees those columns; the others one status.
        scheme = self.council.action_status_scheme
        return {"stage_and_rag": scheme == ActionStatusScheme.STAGE_AND_RAG}


class RiskListView(CouncilListView):
    model = RiskRegisterEntry
    filterset_class = RiskFilterSet
    table_class = RiskTable
    title = "Strategic risks"
    export_name = "risks"

    def get_caption(self) -> str:
        quarter = self.filterset.as_at_quarter
        caption = super().get_caption()
        return f"{caption}, as assessed up to {quarter}" if quarter else caption


class SavingsListView(CouncilListView):
    model = SavingsTarget
    filterset_class = SavingsFilterSet
    table_class = SavingsTable
    title = "Savings targets"
    export_name = "savings"
