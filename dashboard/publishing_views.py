"""Signing a quarter off and the published quarter's cabinet pack.

The views parse the URL, check the user's role in the council (another council's quarter is a
404 through CouncilMixin) and hand the work to ``dashboard.publishing``.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from dashboard import publishing, quarter_workbook
from dashboard.collection import quarter_status
from dashboard.generic import CouncilMixin
from dashboard.views import dashboard_url, quarter_or_404, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SignOffView(CouncilMixin, TemplateView):
    """Confirm, then sign a quarter off: its report is published to cabinet as a snapshot.
    Council administrators only (anyone else of the council: 403)."""

    template_name = "dashboard/sign_off.html"
    http_method_names = ["get", "post", "head"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.quarter = quarter_or_404(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def check_role(self) -> None:
        if not publishing.may_publish(self.request.user, self.council):
            raise PermissionDenied("Only the council's administrators sign a quarter off.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_role()
        published = publishing.publication(self.council, self.quarter, light=True)
        if published is not None:
            messages.info(
                request,
                f"{self.quarter} was signed off on {published.published_at:%-d %B %Y}.",
            )
            return HttpResponseRedirect(dashboard_url(self.council, self.quarter))
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_role()
        try:
            publishing.publish_quarter(self.council, self.quarter, request.user, today())
        except publishing.PublishError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{self.quarter} is signed off and published to Cabinet.")
        return HttpResponseRedirect(dashboard_url(self.council, self.quarter))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ended = publishing.publishable(self.quarter, today())
        context.update(
            quarter=self.quarter,
            quarter_ended=ended,
            dashboard_url=dashboard_url(self.council, self.quarter),
            status_board_url=reverse(
                "quarter-status", kwargs={"council": self.council.slug, **self.quarter.url_kwargs}
            ),
            # What the status board would show: still missing, and Red left unexplained (a
            # warning; signing off stays allowed).
            collection=quarter_status(self.council, self.quarter) if ended else None,
        )
        return context


class CabinetPackView(CouncilMixin, View):
    """A published quarter's cabinet pack as a PDF, drawn from its snapshot. For the
    council's cabinet members and administrators; anything else is a 404."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        quarter = quarter_or_404(kwargs)
        if publishing.council_role(request.user, self.council) not in publishing.PACK_READERS:
            raise Http404("No cabinet pack here.")
        published = publishing.publication(self.council, quarter)
        if published is None:
            raise Http404(f"{quarter} has not been published.")
        pdf = publishing.cabinet_pack(published)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"{self.council.slug}-{quarter.year.slug}-q{quarter.number}-cabinet-pack.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class QuarterWorkbookView(CouncilMixin, View):
    """The quarter's report as an Excel workbook (values, statuses, trends, risks, savings,
    actions), from the published snapshot once signed off. For the council's cabinet members
    and administrators; anything else is a 404."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        quarter = quarter_or_404(kwargs)
        if publishing.council_role(request.user, self.council) not in publishing.PACK_READERS:
            raise Http404("No report workbook here.")
        data = quarter_workbook.quarter_data(self.council, quarter, today())
        out = tempfile.TemporaryFile()  # noqa: SIM115 (streamed from disk, closed with the response)
        quarter_workbook.write_quarter_workbook(data, out)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=quarter_workbook.file_name(self.council, quarter),
            content_type=XLSX,
        )
