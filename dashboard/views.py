"""Pages cabinet members read: their councils, a council's home, the quarterly dashboard
and one measure's page.

Views only look up the council the user may see (404 otherwise), parse the URL and hand the
work to the reports in the domain apps; nothing is computed here or in the templates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import RedirectView, TemplateView

from core.periods import Quarter
from dashboard import publishing
from dashboard.generic import CouncilMixin, reader_cached, reader_page_key
from dashboard.report import render_body, report_context
from kpis.models import KPI
from kpis.reports import (
    kpi_history,
    kpi_yearly_targets,
    quarterly_report,
    quarters_with_data,
    reporting_quarters,
    sparkline,
    yearly_targets,
)
from kpis.schemes import rag_scheme
from plans.audit import audit_trail
from plans.models import Council
from plans.reports import council_plans
from publishing.models import PublishedQuarter


def today() -> datetime.date:
    """The date reports are worked out at (a function so tests can replace it)."""
    return timezone.localdate()


def quarter_or_404(kwargs: dict[str, Any]) -> Quarter:
    """The quarter a URL names (its ``year`` and ``quarter``); a 404 for one that is not."""
    try:
        return Quarter.from_slug(kwargs["year"], kwargs["quarter"])
    except ValueError as exc:
        raise Http404(str(exc)) from None


def dashboard_url(council: Council, quarter: Quarter) -> str:
    return reverse("dashboard", kwargs={"council": council.slug, **quarter.url_kwargs})


def latest_quarter(council: Council) -> Quarter:
    """The quarter a council's dashboard opens on: the latest with data (as its home offers)."""
    return reporting_quarters(quarters_with_data(council), council_plans(council), today())[0]


class HomeView(LoginRequiredMixin, TemplateView):
    """The councils the user belongs to (all of them for a superuser)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["councils"] = list(Council.objects.visible_to(self.request.user).order_by("name"))
        return context


class CouncilHomeView(CouncilMixin, TemplateView):
    """A council's plans and a choice of quarter, defaulting to the latest with data."""

    template_name = "dashboard/council_home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.quarter_error = ""
        chosen = request.GET.get("quarter")
        if chosen is not None:
            try:
                quarter = Quarter.parse(chosen)
            except ValueError:
                self.quarter_error = "Choose a quarter from the list, or enter one like Q3 2020/21"
            else:
                return HttpResponseRedirect(dashboard_url(self.council, quarter))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plans = council_plans(self.council)
        with_data = quarters_with_data(self.council)
        quarters = reporting_quarters(with_data, plans, today())
        latest = quarters[0]
        context.update(
            plans=plans,
            quarters=quarters,
            selected_quarter=latest,
            latest_url=dashboard_url(self.council, latest),
            quarter_error=self.quarter_error,
            has_data=bool(with_data),
            status_board_url=self.status_board_url(),
        )
        return context

    def status_board_url(self) -> str:
        """For the council's administrators: the status board of the quarter being
        collected (the last ended one before any window opens); "" for anyone else."""
        if not (self.request.user.is_superuser or self.council.user_administers):
            return ""
        current = self.council.current_collection(today())
        quarter = current[0] if current else Quarter.for_date(today()).previous()
        return reverse(
            "quarter-status", kwargs={"council": self.council.slug, **quarter.url_kwargs}
        )


class LatestDashboardView(CouncilMixin, RedirectView):
    """The navigation's "Dashboard": the council's latest quarterly dashboard."""

    http_method_names = ["get", "head"]

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return dashboard_url(self.council, latest_quarter(self.council))


def comparison_url(council: Council, quarter: Quarter) -> str:
    return reverse("quarter-comparison", kwargs={"council": council.slug, **quarter.url_kwargs})


def publication_of(council: Council, quarter: Quarter) -> PublishedQuarter | None:
    """The council's signed-off ``quarter`` (None if it is not), without its snapshot: looked
    up once per version of the council's data (a sign-off, or its withdrawal, moves the
    version on)."""
    return cache.get_or_set(
        f"publication:{council.pk}:{council.data_version}:{quarter.slug}",
        lambda: publishing.publication(council, quarter, light=True),
    )


@dataclass(frozen=True)
class PublishedParts:
    """What a published quarter's pages draw from its snapshot: the body without the
    comparison table, the table (None if the record has none apart), the date its savings
    and actions were judged at, the corrections made since, and the quarter switch."""

    body: str
    comparison: str | None
    as_of: datetime.date
    corrections: list
    quarters: list[Quarter]


def published_parts(
    council: Council, quarter: Quarter, published: PublishedQuarter
) -> PublishedParts:
    """A published quarter's parts, read from its snapshot once per version of the council's
    data (only the corrections made since, and the quarter switch, are live)."""

    def draw() -> PublishedParts:
        published.refresh_from_db(fields=["data", "body_html"])  # one query for both
        body, table = publishing.split_comparison(
            published.body_html, comparison_url(council, quarter)
        )
        return PublishedParts(
            body=body,
            comparison=table,
            as_of=datetime.date.fromisoformat(published.data["as_of"]),
            corrections=publishing.corrections(published),
            quarters=switch_quarters(council, quarter),
        )

    return cache.get_or_set(f"published:{published.pk}:{council.data_version}", draw)


class DashboardView(CouncilMixin, TemplateView):
    """The quarterly dashboard as the cabinet reads it, on screen and printed."""

    template_name = "dashboard/dashboard.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.quarter = quarter_or_404(kwargs)
        # A signed-off quarter is drawn from its stored snapshot, not recomputed. Whether it is
        # signed off, and when, is looked up once per version of the council's data (a
        # sign-off, or its withdrawal, moves the version on): this page writes nothing.
        council, quarter = self.council, self.quarter
        self.publication = publication_of(council, quarter)
        # The whole page, for this reader, under the data version and today's date (a live
        # quarter's savings and actions are judged as at today).
        key = reader_page_key(request, council, "dashboard", quarter.slug, today().isoformat())
        return reader_cached(
            request, key, lambda: super(DashboardView, self).get(request, *args, **kwargs)
        )

    def get_template_names(self) -> list[str]:
        if self.publication is not None:
            return ["dashboard/published_dashboard.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        quarter = self.quarter
        # Savings and actions are judged as at the quarter's end, or today for the current one.
        as_of = min(today(), quarter.end)
        # Red values left unexplained are flagged to the council's administrators.
        show_red_flag = bool(self.request.user.is_superuser or self.council.user_administers)
        context.update(
            quarter=quarter,
            as_of=as_of,
            previous_url=dashboard_url(self.council, quarter.previous()),
            next_url=dashboard_url(self.council, quarter.next()),
            # The quarter as a workbook, offered where the cabinet pack is (cabinet, admins).
            workbook_url=reverse(
                "quarter-workbook", kwargs={"council": self.council.slug, **quarter.url_kwargs}
            ),
        )
        context.update(publishing.status_context(self.request.user, self.council, quarter, today()))
        if self.publication is not None:
            # Drawn from its snapshot (published_dashboard.html): only the corrections made
            # since and the quarter switch are live, so the page is cached under the council's
            # data version too; the snapshot is read only to draw it.
            parts = published_parts(self.council, quarter, self.publication)
            context.update(
                publication=self.publication,
                # stored as the dashboard drew it (escaped then)
                published_body=mark_safe(parts.body),
                as_of=parts.as_of,
                corrections=parts.corrections,
                quarters=parts.quarters,
            )
        else:
            body, quarters = cache.get_or_set(
                dashboard_cache_key(self.council, quarter, as_of, show_red_flag),
                lambda: dashboard_body(self.council, quarter, show_red_flag),
            )
            context.update(
                quarters=quarters,
                dashboard_body=mark_safe(body),  # rendered by the template engine (escaped there)
            )
        return context


class ComparisonView(CouncilMixin, TemplateView):
    """Each measure in the quarter, the previous quarter and the same quarter last year: the
    dashboard's comparison, on a page of its own so the dashboard does not repeat every
    measure. A published quarter keeps the table in its record, so it is shown there."""

    template_name = "dashboard/comparison.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.quarter = quarter_or_404(kwargs)
        self.publication = publication_of(self.council, self.quarter)
        self.published = None
        if self.publication is not None:
            # As reported to Cabinet: the table its record keeps (a record that does not keep
            # it apart shows it on the dashboard itself).
            self.published = published_parts(self.council, self.quarter, self.publication)
            if self.published.comparison is None:
                return HttpResponseRedirect(
                    dashboard_url(self.council, self.quarter) + "#comparison"
                )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        quarter = self.quarter
        context.update(
            quarter=quarter,
            dashboard_href=dashboard_url(self.council, quarter),
            dashboard_text=f"Performance: {quarter}",
        )
        if self.published is not None:
            context["publication"] = self.publication
            context["body"] = mark_safe(self.published.comparison)  # stored as drawn (escaped)
            context["report"] = {
                "same_quarter_last_year": str(quarter.same_quarter_last_year()),
                "previous_quarter": str(quarter.previous()),
            }
            return context
        # Drawn once per version of the council's data (every member reads the same page).
        key = f"comparison:{self.council.pk}:{self.council.data_version}:{quarter.slug}"
        body, report_quarters = cache.get_or_set(key, lambda: self.render_body(quarter))
        context["body"] = mark_safe(body)  # rendered (and escaped) by the template engine
        context["report"] = report_quarters
        return context

    def render_body(self, quarter: Quarter) -> tuple[str, dict[str, str]]:
        report = quarterly_report(self.council, quarter)
        body = render_to_string(
            "dashboard/comparison_body.html",
            {
                "council": self.council,
                "quarter": quarter,
                "report": report,
                "rag_scheme": report.scheme,
            },
        )
        quarters = {
            "same_quarter_last_year": str(report.same_quarter_last_year),
            "previous_quarter": str(report.previous_quarter),
        }
        return body, quarters


def dashboard_cache_key(
    council: Council, quarter: Quarter, as_of: datetime.date, show_red_flag: bool
) -> str:
    """The cache key of a council's dashboard body: its data version (read with the council,
    no query of its own), the quarter, the date it is judged at and the reader's variant."""
    return (
        f"dashboard:{council.pk}:{council.data_version}:{quarter.slug}:{as_of.isoformat()}"
        f":{int(show_red_flag)}"
    )


def switch_quarters(council: Council, quarter: Quarter) -> list[Quarter]:
    """The quarters the quarter switch offers: those with data, and the one shown."""
    quarters = quarters_with_data(council)
    if quarter not in quarters:
        quarters = sorted([*quarters, quarter], reverse=True)
    return quarters


def dashboard_body(
    council: Council, quarter: Quarter, show_red_flag: bool
) -> tuple[str, list[Quarter]]:
    """The dashboard's body rendered (the same for every reader of the variant) and the
    quarters the quarter switch offers."""
    context = {**report_context(council, quarter, today()), "show_red_flag": show_red_flag}
    return render_body(context), switch_quarters(council, quarter)


class KpiDetailView(CouncilMixin, TemplateView):
    """One measure: definition, owner, polarity, its history and a sparkline."""

    template_name = "dashboard/kpi_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        kpi = get_object_or_404(
            KPI.objects.visible_to(self.request.user)
            .filter(council=self.council)
            .select_related("council", "theme", "plan", "owner_user"),
            pk=self.kwargs["pk"],
        )
        context["kpi"] = kpi
        # Drawn once per version of the council's data (every member reads the same page).
        key = f"kpi:{self.council.pk}:{self.council.data_version}:{kpi.pk}"
        body = cache.get_or_set(key, lambda: self.render_body(kpi, context))
        context["body"] = mark_safe(body)  # rendered (and escaped) by the template engine
        return context

    def render_body(self, kpi: KPI, context: dict[str, Any]) -> str:
        targets = yearly_targets([kpi])
        history = kpi_history(kpi, targets)
        context = {
            **context,
            "rag_scheme": rag_scheme(kpi.council),
            "yearly_targets": kpi_yearly_targets(kpi, targets),
            "history": history,
            "chart": sparkline(history, kpi.unit),
            "audit": audit_trail(kpi.history.all()),
            "audit_id": "kpi-changes",
        }
        return render_to_string("dashboard/kpi_detail_body.html", context, request=self.request)
