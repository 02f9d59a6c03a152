"""The action list's stage and RAG filters offer "Not reported" for actions with none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actions.models import ActionRag, ActionStage, ActionStatus
from plans.models import ActionStatusScheme, Role
from tests.factories import make_action, make_council, make_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def list_page(client):
    council = make_council(
        "Apartshire Council",
        slug="apartshire",
        action_status_scheme=ActionStatusScheme.STAGE_AND_RAG,
    )
    plan = make_plan(council)
    make_action(
        plan,
        title="Both reported",
        stage=ActionStage.IN_PROGRESS,
        rag=ActionRag.ON_TRACK,
        status=ActionStatus.ON_TRACK,
    )
    make_action(plan, title="Stage only", stage=ActionStage.IN_PROGRESS)
    make_action(plan, title="Neither reported")
    client.force_login(make_user(council=council, role=Role.CABINET))
    url = reverse("action-list", kwargs={"council": "apartshire"})

    def get(query: str = "") -> str:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return response.content.decode()

    return get


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_stage_rag_and_status_filters_offer_not_reported(list_page):
    html = list_page()
    for name in ("stage", "rag", "status"):
        assert '<option value="not_reported">Not reported</option>' in _select(html, name)


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("stage=not_reported", ["Neither reported"], ["Both reported", "Stage only"]),
        ("rag=not_reported", ["Stage only", "Neither reported"], ["Both reported"]),
        ("stage=in_progress", ["Both reported", "Stage only"], ["Neither reported"]),
        ("rag=on_track", ["Both reported"], ["Stage only", "Neither reported"]),
        ("stage=not_reported&rag=not_reported", ["Neither reported"], ["Stage only"]),
    ],
)
def test_filtering_on_not_reported_lists_actions_with_none(list_page, query, shown, hidden):
    html = list_page(query)
    for title in shown:
        assert title in html
    for title in hidden:
        assert title not in html
