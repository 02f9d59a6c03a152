"""The council workbook as a download for the council's own members (cabinet members read
it beside the dashboard): only a council the user may see; any other is a 404."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.views import View

from dashboard.generic import CouncilMixin
from workbooks.export import export_workbook, file_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CouncilWorkbookView(CouncilMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        out = io.BytesIO()
        export_workbook(self.council, out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{file_name(self.council)}"'
        return response
