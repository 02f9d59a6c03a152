"""The admin's workbook pages: import (upload → preview → confirm), download a council's
workbook or a blank template, and the list of past imports; all scoped to the councils the
user administers."""

from __future__ import annotations

import base64
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from core.sheets import MAX_BYTES, WorkbookError
from plans.admin import CouncilScopedMixin, is_council_admin
from plans.models import Council
from workbooks import spec
from workbooks.example import example_workbook
from workbooks.export import export_workbook, file_name
from workbooks.importer import import_workbook
from workbooks.models import WorkbookImport
from workbooks.template import blank_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Where a checked workbook waits in the session for its confirmation.
PENDING_IMPORT = "workbooks_import"


class WorkbookUploadForm(forms.Form):
    """The council to import into (only those the user administers) and the file."""

    council = forms.ModelChoiceField(queryset=Council.objects.none())
    file = forms.FileField(
        label="Workbook",
        help_text="An .xlsx workbook with any of the sheets "
        + ", ".join(spec.SHEETS)
        + "; or one of them as a CSV file named after it (Measures.csv).",
    )
    invite = forms.BooleanField(
        label="Invite people the workbook names who are not members yet",
        required=False,
        help_text="Each becomes an officer of the council and is emailed a link to set a "
        "password. Unticked, an email that is not a member's is an error.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.administered_by(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        return upload


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(WorkbookImport)
class WorkbookImportAdmin(CouncilScopedMixin, admin.ModelAdmin):
    list_display = ["imported_at", "council", "user", "file_name", "summary_text"]
    list_filter = ["council"]
    list_select_related = ["council", "user"]
    change_list_template = "admin/workbooks/workbookimport/change_list.html"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="workbooks_workbookimport_import"),
            path("export/", wrap(self.export_view), name="workbooks_workbookimport_export"),
            path("template/", wrap(self.template_view), name="workbooks_workbookimport_template"),
            path("example/", wrap(self.example_view), name="workbooks_workbookimport_example"),
            *super().get_urls(),
        ]

    def context(self, request, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
        }

    def export_view(self, request):
        """The councils the user administers, each a download; ``?council=slug`` downloads."""
        if not is_council_admin(request):
            raise PermissionDenied
        councils = Council.objects.administered_by(request.user).order_by("name")
        slug = request.GET.get("council")
        if slug:
            council = councils.filter(slug=slug).first()
            if council is None:
                raise Http404("No such council among those you administer.")
            out = io.BytesIO()
            export_workbook(council, out)
            return xlsx_response(out.getvalue(), file_name(council))
        return TemplateResponse(
            request,
            "admin/workbooks/export.html",
            {**self.context(request, "Download a council's workbook"), "councils": councils},
        )

    def template_view(self, request):
        if not is_council_admin(request):
            raise PermissionDenied
        return xlsx_response(blank_workbook(), "workbook-template.xlsx")

    def example_view(self, request):
        if not is_council_admin(request):
            raise PermissionDenied
        return xlsx_response(example_workbook(), "workbook-example.xlsx")

    def import_view(self, request):
        """Upload → preview (a dry run: counts and errors) → confirm (the real import).

        The file checked is kept in the session until confirmed, and imported again from
        there (so what was previewed is what is imported, checked again in the transaction).
        """
        if not is_council_admin(request):
            raise PermissionDenied
        context = self.context(request, "Import a workbook")
        result = None
        form = WorkbookUploadForm(user=request.user)
        if request.method == "POST" and request.POST.get("confirm"):
            pending = request.session.pop(PENDING_IMPORT, None)
            council = (
                pending
                and Council.objects.administered_by(request.user)
                .filter(pk=pending["council"])
                .first()
            )
            if council is None:
                messages.error(request, "Nothing to import: upload the workbook again.")
                return redirect("admin:workbooks_workbookimport_import")
            try:
                result = import_workbook(
                    council,
                    request.user,
                    pending["name"],
                    base64.b64decode(pending["data"]),
                    invite=pending.get("invite", False),
                    base_url=request.build_absolute_uri("/"),
                )
            except WorkbookError as error:
                messages.error(request, str(error))
                return redirect("admin:workbooks_workbookimport_import")
            if result.ok:
                summary = "; ".join(f"{sheet}: {tally}" for sheet, tally in result.tallies.items())
                messages.success(request, f"Imported into {council}. {summary}.")
                if result.invited:
                    messages.info(
                        request,
                        "Invited to set a password: " + ", ".join(result.invited) + ".",
                    )
                return redirect("admin:workbooks_workbookimport_changelist")
        elif request.method == "POST":
            request.session.pop(PENDING_IMPORT, None)
            form = WorkbookUploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    result = import_workbook(
                        form.cleaned_data["council"],
                        request.user,
                        upload.name,
                        data,
                        dry_run=True,
                        invite=form.cleaned_data["invite"],
                    )
                except WorkbookError as error:
                    form.add_error("file", str(error))
                else:
                    if result.ok:
                        request.session[PENDING_IMPORT] = {
                            "council": form.cleaned_data["council"].pk,
                            "name": upload.name,
                            "data": base64.b64encode(data).decode("ascii"),
                            "invite": form.cleaned_data["invite"],
                        }
        return TemplateResponse(
            request, "admin/workbooks/import.html", {**context, "form": form, "result": result}
        )
